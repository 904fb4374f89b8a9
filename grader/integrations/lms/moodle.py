"""Moodle's assignment "Download all submissions" zip.

Relied on: Moodle's ``assign::download_submissions`` (``mod/assign/locallib.php``) prefixes every
file with ``<Full Name>_<participant id>_assignsubmission_<plugin>_`` (``fullname()`` with ``_``
turned into spaces, or "Participant" under blind marking; a team's name and "-" first). With
"Download submissions in folders" (the default since Moodle 3.1) that prefix is a folder holding
the student's files with their own paths (``Jane Doe_1234_assignsubmission_file_/convolution.py``);
without it, the prefix starts each file's name (``Jane Doe_1234_assignsubmission_file_convolution.py``).
The participant id is ``get_uniqueid_for_user``: the assignment's own id for the student, stable
for that assignment, and the one its grading worksheet lists as "Participant 1234" (see ``roster``).
Only the ``file`` plugin carries code; ``onlinetext`` and the others still mark the student.
"""

from __future__ import annotations

import re

from grader.integrations.lms.base import ClassList, ClassStudent, Person, load_student_files, safe_name

ENTRY = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<rest>.*)$")


def students(source) -> ClassList | None:
    """The download's students, one per participant id, or None when no entry is named as Moodle names them."""
    entries = [(name, is_dir, ENTRY.match(name)) for name, is_dir in source.children()]
    if not any(match for _, _, match in entries):
        return None
    found: dict[str, dict] = {}
    ignored = []
    for entry, is_dir, match in entries:
        if not match:
            ignored.append(source.label(entry))
            continue
        student = found.setdefault(match["id"], {"name": match["name"], "entries": [], "files": {}})
        student["entries"].append(entry)
        if match["plugin"] != "file":
            continue
        if is_dir:
            student["files"].update(source.files(entry))
        elif match["rest"]:
            student["files"][match["rest"]] = source.reader(entry)
    return ClassList("moodle", [_student(source, id, s) for id, s in found.items()], sorted(ignored))


def _student(source, participant: str, found: dict) -> ClassStudent:
    folder = next((e for e in found["entries"] if e.endswith("_assignsubmission_file_")), found["entries"][0])
    origin = source.label(folder)
    files = found["files"]
    return ClassStudent(
        safe_name(participant),
        (Person("moodle", participant, found["name"]),),
        tuple(found["entries"]),
        lambda topics: load_student_files(files, topics, origin),
    )
