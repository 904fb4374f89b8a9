"""convgrade's grader: load -> run (sandboxed) -> check -> score -> report.

A folder per stage: ``load`` (find the student's modules), ``sandbox`` (run
them in an isolated child process), ``checks`` + ``topics`` (hidden property
tests against PyTorch/OpenCV), ``score`` (``grade_submission``: points per test
and topic), ``report`` (one module per output format). ``integrations`` holds
what sits around the flow (a class, Gradescope, nbgrader); ``cli`` is the
``grader`` command.
"""

__version__ = "0.1.0"
