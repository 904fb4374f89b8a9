"""Classes as folders: nbgrader's ``submitted/`` and a plain folder (or .zip) with an entry per student.

nbgrader (``nbgrader collect`` and its exchange, as ``grader nbgrader`` uses them) keeps a student's
submission in ``submitted/<student id>/<assignment>/``; the student id is nbgrader's, and the
folder name. A plain class has a folder, a ``.zip`` or a notebook per student, named by the entry.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader.integrations.lms.base import ClassList, ClassStudent, Person, load_student_files, safe_name
from grader.load.submission import SubmissionError, load_notebook_bytes, load_submission, load_zip_bytes


@dataclass(frozen=True)
class Student:
    name: str
    path: Path


def students_in(folder: Path) -> list[Student]:
    """The students of a class folder: its sub-folders, .zip files and notebooks, hidden entries left out."""
    entries = [
        p
        for p in sorted(folder.iterdir())
        if not p.name.startswith((".", "_")) and (p.is_dir() or p.suffix.lower() in (".zip", ".ipynb"))
    ]
    students = [Student(p.stem if p.is_file() else p.name, p) for p in entries]
    names = Counter(s.name for s in students)
    clashes = sorted(name for name, count in names.items() if count > 1)
    if clashes:
        raise SubmissionError(
            f"{folder}: two entries give the same student name ({', '.join(clashes)}), "
            "e.g. alice/ and alice.zip; keep one of them"
        )
    return students


def nbgrader_students(source) -> ClassList | None:
    """``submitted/<student>/<assignment>/``, given the course folder or ``submitted/`` itself; None otherwise."""
    children = dict(source.children())
    if PurePosixPath(source.label("")).name == "submitted":
        top = ""
    elif children.get("submitted") and ("nbgrader_config.py" in children or "gradebook.db" in children):
        top = "submitted"
    else:
        return None
    students = {name: dict(source.children(_join(top, name))) for name, is_dir in source.children(top) if is_dir}
    assignments = sorted({name for entries in students.values() for name, is_dir in entries.items() if is_dir})
    if len(assignments) > 1:
        raise SubmissionError(
            f"{source.label(top)} holds several assignments ({', '.join(assignments)}): grade one "
            "with `grader nbgrader autograde COURSE ASSIGNMENT`"
        )
    found = []
    for student, entries in students.items():
        folder = _join(top, student, *assignments)
        files = source.files(folder) if assignments and entries.get(assignments[0]) else {}
        origin = source.label(folder)
        found.append(
            ClassStudent(
                safe_name(student),
                (Person("nbgrader", student),),
                (folder,),
                lambda topics, files=files, origin=origin: load_student_files(files, topics, origin),
            )
        )
    ignored = [source.label(_join(top, name)) for name, is_dir in source.children(top) if not is_dir]
    return ClassList("nbgrader", found, sorted(ignored))


def _join(*parts: str) -> str:
    return "/".join(part for part in parts if part)


def plain_students(source) -> ClassList:
    """A folder, a ``.zip`` or a notebook per student; any other entry is listed as ignored."""
    if source.path(""):
        found = [
            ClassStudent(s.name, (Person("folder", s.name),), (s.path.name,), lambda t, p=s.path: load_submission(p, t))
            for s in students_in(source.path(""))
        ]
    else:
        found = [_zipped(source, name, is_dir) for name, is_dir in source.children() if _student_entry(name, is_dir)]
    taken = {f for s in found for f in s.files}
    ignored = [source.label(name) for name, _ in source.children() if name not in taken]
    return ClassList("folder", found, sorted(ignored))


def _student_entry(name: str, is_dir: bool) -> bool:
    return not name.startswith("_") and (is_dir or name.lower().endswith((".zip", ".ipynb")))


def _zipped(source, name: str, is_dir: bool) -> ClassStudent:
    """A student of a class .zip: a folder of modules, a .zip of one or a notebook."""
    stem = name if is_dir else PurePosixPath(name).stem
    origin = source.label(name)
    if is_dir:
        files = source.files(name)
        load = lambda topics: load_student_files(files, topics, origin)  # noqa: E731
    elif name.lower().endswith(".zip"):
        load = lambda topics: load_zip_bytes(source.reader(name)(None), topics, origin)  # noqa: E731
    else:
        load = lambda topics: load_notebook_bytes(source.reader(name)(None), topics, origin)  # noqa: E731
    return ClassStudent(stem, (Person("folder", stem),), (name,), load)
