"""A class as the LMS hands it out, and the grades as it takes them back.

``class_students`` recognises what ``grade-all`` was given, a folder or a .zip, as one of
Canvas's "Download Submissions" (``canvas``), Moodle's "Download all submissions" (``moodle``),
Gradescope's "Export Submissions" (``gradescope``), nbgrader's ``submitted/`` (``folders``) or a
plain folder with an entry per student (``folders``), and gives one ``ClassStudent`` per
submission with the LMS's stable id. ``students_table`` is ``DIR/students.csv``: who each result
belongs to, and every entry of the download that became nothing. ``roster`` matches the students
to an LMS's list of them; ``export`` writes the CSV its gradebook imports.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from grader.integrations.lms import canvas, folders, gradescope, moodle
from grader.integrations.lms.base import ClassList, ClassStudent, Person, open_source
from grader.load.submission import SubmissionError

__all__ = ["ClassList", "ClassStudent", "Person", "class_students", "students_table", "read_people"]

LAYOUTS = (gradescope.students, folders.nbgrader_students, moodle.students, canvas.students)
COLUMNS = ["student", "lms", "lms_id", "name", "email", "files", "note"]
IGNORED = "matches no layout of a class download: not graded"


def class_students(path: Path) -> ClassList:
    """The students of the class folder or .zip ``path``, in the first layout that recognises it."""
    source = open_source(path)
    for layout in LAYOUTS:
        found = layout(source)
        if found is not None:
            break
    else:
        found = folders.plain_students(source)
    clashes = sorted(name for name, count in Counter(s.name for s in found.students).items() if count > 1)
    if clashes:
        raise SubmissionError(
            f"{path}: two entries give the same student name ({', '.join(clashes)}), e.g. alice/ and alice.zip, "
            "or ids that differ only in characters a file name cannot hold; keep one of them"
        )
    return found


def students_table(found: ClassList) -> str:
    """``students.csv``: a row per person (a group submission has several, with the same ``student``),
    then a row per entry of the download that matches no layout (``student`` empty)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for student in found.students:
        for person in student.people:
            files = "; ".join(student.files)
            writer.writerow([student.name, person.lms, person.lms_id, person.name, person.email, files, student.note])
    for entry in found.ignored:
        writer.writerow(["", found.layout, "", "", "", entry, IGNORED])
    return buffer.getvalue()


def read_people(out: Path) -> list[tuple[str, Person]]:
    """(student, person) for every person ``out/students.csv`` names; without one (results of an
    older ``grade-all``), each student of ``gradebook.csv`` as a plain folder entry."""
    table = out / "students.csv"
    if table.exists():
        rows = csv.DictReader(io.StringIO(table.read_text(encoding="utf-8")))
        return [(r["student"], Person(r["lms"], r["lms_id"], r["name"], r["email"])) for r in rows if r["student"]]
    rows = csv.DictReader(io.StringIO((out / "gradebook.csv").read_text(encoding="utf-8")))
    return [(r["student"], Person("folder", r["student"])) for r in rows]
