"""The course as an nbgrader course: notebooks made from ``solutions/``, graded outside the kernel.

``course`` writes the course (config and source notebooks); ``stubs`` gives the released notebooks
the ``.py`` stubs' hints; ``cell`` is what each topic's autograded cell calls (``grade_notebook``:
the notebook's file graded in a fresh process, the score as the cell's value, which nbgrader takes
as partial credit); ``autograde`` (needs nbgrader, so not imported here) grades ``submitted/``
outside any kernel and writes nbgrader's ``autograded/`` notebooks, each topic's feedback as its
autograded cell's outputs, and the gradebook.
"""

from grader.integrations.nbgrader.cell import grade_notebook
from grader.integrations.nbgrader.course import ASSIGNMENT, PLOTS, init_course, topic_notebook

__all__ = ["ASSIGNMENT", "PLOTS", "grade_notebook", "init_course", "topic_notebook"]
