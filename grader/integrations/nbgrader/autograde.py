"""``grader nbgrader autograde``: grade ``submitted/`` outside any kernel, then write nbgrader's ``autograded/``.

The students are graded as ``grade-all`` grades a class: warm workers, the results kept under
``<course>/convgrade/<assignment>/results/``, only changed submissions graded again. As each result
is saved, the outputs of every topic's autograded cell are kept beside it (``outputs/<student>.json``):
the topic's feedback as HTML with its pictures and as plain text, then its score as the cell's value.
nbgrader's own ``Autograde`` converter then writes ``autograded/<student>/<assignment>/`` and the
gradebook as ``nbgrader autograde`` does (locked cells restored from the source, other files copied,
timestamps and late penalties, a missing notebook scored zero) with one step swapped: instead of a
kernel running the notebook, ``FeedbackOutputs`` gives each autograded cell the kept outputs, whose
value nbgrader's ``SaveAutoGrades`` takes as partial credit. ``nbgrader generate_feedback`` and
``nbgrader release_feedback`` then work unchanged.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import warnings
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde, NbGraderException
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from sqlalchemy.exc import SAWarning
from traitlets import Unicode
from traitlets.config import Config as Settings
from traitlets.config import PyFileConfigLoader
from traitlets.config.loader import ConfigFileNotFound

from grader.integrations.nbgrader.course import ASSIGNMENT

HIDDEN = "{topic}-hidden"  # the grade id of a topic's autograded cell (``course.topic_notebook``)
NOT_GRADED = "not graded: grader nbgrader autograde runs only convgrade's autograded cells; nbgrader autograde runs all"


class AutogradeError(Exception):
    """nbgrader could not write a student's autograded notebooks; the message says what it logged."""


def autograde(course: Path, assignment: str = ASSIGNMENT, config=None, jobs: int = 1, progress=None) -> dict:
    """Grade ``submitted/<student>/<assignment>/`` outside any kernel into ``autograded/`` and the gradebook.

    Returns the counts of ``grade_all`` and the score of each (student, topic) as the gradebook has it.
    """
    from grader.integrations.batch import grade_all
    from grader.score.config import Config

    config = config or Config()
    course = Path(course).resolve()
    submitted = course / "submitted"
    students = sorted(p.name for p in submitted.iterdir() if (p / assignment).is_dir()) if submitted.is_dir() else []
    if not students:
        raise FileNotFoundError(
            f"{submitted} holds no submissions of {assignment!r} "
            "(expected submitted/<student>/<assignment>/; run nbgrader collect first)"
        )
    work = course / "convgrade" / assignment
    inbox, results, kept = work / "submissions", work / "results", work / "outputs"
    for folder in (inbox, kept):
        folder.mkdir(parents=True, exist_ok=True)
    for student in students:
        link = inbox / student
        if not link.exists():
            link.symlink_to((submitted / student / assignment).resolve(), target_is_directory=True)
        if _kept(kept, results, student) is None:  # graded again, so that its outputs are kept
            (results / f"{student}.json").unlink(missing_ok=True)
    counts = grade_all(inbox, results, config, jobs, progress, saved=functools.partial(_keep, kept, results))
    coursedir = _write_autograded(course, assignment, kept)
    return {"counts": counts, "scores": _scores(coursedir.db_url, coursedir.course_id, assignment, students)}


def topic_outputs(name: str, topic) -> list:
    """The autograded cell's outputs for one topic's ``TopicResult``: its feedback, as HTML with pictures
    and as the text report's plain text, then its score as the cell's value (nbgrader's partial credit)."""
    from grader.report.html import topic_html
    from grader.report.text import to_text
    from grader.score.grade import GradeResult

    text = to_text(GradeResult(f"{name}.ipynb", {name: topic}), 100)
    feedback = {"text/html": topic_html(name, topic), "text/plain": text}
    return [
        nbformat.v4.new_output("display_data", data=feedback),
        nbformat.v4.new_output("execute_result", data={"text/plain": repr(round(topic.score, 4))}),
    ]


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _keep(kept: Path, results: Path, student: str, result):
    """``grade_all``'s ``saved``: the student's outputs per topic, tied to the result file just saved."""
    outputs = {name: topic_outputs(name, topic) for name, topic in result.topics.items()}
    document = {"result": _digest(results / f"{student}.json"), "outputs": outputs}
    (kept / f"{student}.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def _kept(kept: Path, results: Path, student: str) -> dict | None:
    """The outputs kept for ``student``, if they belong to the student's current result."""
    try:
        document = json.loads((kept / f"{student}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    current = _digest(results / f"{student}.json")
    return document["outputs"] if current and document.get("result") == current else None


class FeedbackOutputs(NbGraderPreprocessor):
    """In ``Execute``'s place: each topic's autograded cell gets the outputs kept when it was graded.

    A code grade cell with none (a cell the course added, a student convgrade did not grade) gets an
    error output saying so, which nbgrader scores zero, never the full points of a silent cell.
    """

    kept = Unicode(help="the folder of the kept outputs, <student>.json").tag(config=True)
    results = Unicode(help="the folder of the students' results, <student>.json").tag(config=True)

    def preprocess(self, nb, resources):
        student = resources["nbgrader"]["student"]
        self._outputs = _kept(Path(self.kept), Path(self.results), student) or {}
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            return cell, resources
        topic = resources["nbgrader"]["notebook"]
        outputs = self._outputs.get(topic) if meta.get("grade_id") == HIDDEN.format(topic=topic) else None
        if outputs is None:
            outputs = [nbformat.v4.new_output("error", ename="NotGraded", evalue=NOT_GRADED, traceback=[NOT_GRADED])]
        cell.outputs = [nbformat.from_dict(output) for output in outputs]
        return cell, resources


def _write_autograded(course: Path, assignment: str, kept: Path) -> CourseDirectory:
    """nbgrader's ``Autograde`` converter over every submission, ``FeedbackOutputs`` in ``Execute``'s place."""
    try:
        settings = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    except ConfigFileNotFound:
        settings = Settings()
    settings.CourseDirectory.root = str(course)
    settings.CourseDirectory.assignment_id = assignment
    settings.FeedbackOutputs.kept = str(kept)
    settings.FeedbackOutputs.results = str(kept.parent / "results")
    errors = _Errors()
    log = logging.getLogger("convgrade.nbgrader")
    log.setLevel(logging.ERROR)
    log.propagate = False
    log.handlers = [errors]
    coursedir = CourseDirectory(config=settings, log=log)
    converter = Autograde(coursedir=coursedir, config=settings, log=log)
    converter.force = True  # our results may have changed since the last run: always write them
    steps = converter.autograde_preprocessors
    converter.autograde_preprocessors = [FeedbackOutputs, *(step for step in steps if step is not Execute)]
    with warnings.catch_warnings():
        # nbgrader 0.9's gradebook trips SQLAlchemy 2's autoflush warnings when it adds a submission
        warnings.filterwarnings("ignore", category=SAWarning, module=r"nbgrader\.")
        try:
            converter.start()
        except NbGraderException as exc:
            raise AutogradeError("\n".join(errors.messages) or str(exc)) from None
    return coursedir


class _Errors(logging.Handler):
    """What nbgrader logged as errors while writing ``autograded/``, for the message of a failure."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _scores(db_url: str, course_id: str, assignment: str, students: list[str]) -> dict:
    """(student, topic) -> score of the topic's autograded cell, as the gradebook has it."""
    scores = {}
    with Gradebook(db_url, course_id) as gradebook:
        notebooks = [notebook.name for notebook in gradebook.find_assignment(assignment).notebooks]
        for student in students:
            for topic in notebooks:
                try:
                    grade = gradebook.find_grade(HIDDEN.format(topic=topic), topic, assignment, student)
                except MissingEntry:  # a notebook of the course's own, not a convgrade topic
                    continue
                scores[(student, topic)] = grade.score
    return scores
