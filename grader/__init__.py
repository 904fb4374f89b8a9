"""convgrade's grader: load -> run (sandboxed) -> check -> score -> report.

Stages, one module each: ``load`` (find the student's modules), ``sandbox``
(run them in an isolated child process), ``checks`` + ``topics`` (hidden
property tests against PyTorch/OpenCV), ``score`` (points per test and topic),
``report`` (text, JSON, Markdown, Gradescope). ``grade.grade_submission`` ties
them together; ``cli`` is the ``grader`` command.
"""

__version__ = "0.1.0"
