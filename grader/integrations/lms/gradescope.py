"""Gradescope's "Export Submissions" zip.

Relied on: the export is ``assignment_<id>_export/`` holding ``submission_metadata.yml`` and a folder
``submission_<id>/`` per active submission with the files as uploaded. The YAML maps each folder's
name to its record, written with Ruby-style keys: ``:submitters`` (a list, several for a group
submission, each with ``:name``, ``:sid`` and ``:email``), ``:created_at``, ``:score``,
``:history`` (earlier submissions, whose files the export leaves out). Read with PyYAML's safe
loader. The stable id is a submitter's ``:sid`` (the student id the instructor gave Gradescope),
else their ``:email``.
"""

from __future__ import annotations

import yaml

from grader.integrations.lms.base import ClassList, ClassStudent, Person, load_student_files, safe_name
from grader.load.submission import SubmissionError

METADATA = "submission_metadata.yml"


def students(source) -> ClassList | None:
    """The export's students, one per submission folder, or None when there is no ``submission_metadata.yml``."""
    children = dict(source.children())
    if children.get(METADATA) is not False:
        return None
    try:
        metadata = yaml.safe_load(source.reader(METADATA)(None))
    except yaml.YAMLError as exc:
        raise SubmissionError(f"{source.label(METADATA)} is not valid YAML: {exc}") from None
    if not isinstance(metadata, dict):
        raise SubmissionError(
            f"{source.label(METADATA)} should map each submission folder to its submitters; it holds "
            f"{type(metadata).__name__}: is it Gradescope's export?"
        )
    found = [_student(source, folder, record, children) for folder, record in metadata.items()]
    ignored = [source.label(name) for name in children if name != METADATA and name not in metadata]
    return ClassList("gradescope", found, sorted(ignored))


def _field(record: dict, key: str):
    """``record[":key"]`` as Gradescope writes it (or without the colon)."""
    return record.get(f":{key}", record.get(key)) if isinstance(record, dict) else None


def _person(submitter, folder: str) -> Person:
    email, name = str(_field(submitter, "email") or ""), str(_field(submitter, "name") or "")
    return Person("gradescope", str(_field(submitter, "sid") or email or folder), name, email)


def _student(source, folder: str, record, children: dict) -> ClassStudent:
    people = tuple(_person(s, folder) for s in _field(record, "submitters") or []) or (Person("gradescope", folder),)
    files = source.files(folder) if children.get(folder) else {}
    origin = source.label(folder)
    return ClassStudent(
        safe_name(people[0].lms_id),
        people,
        (folder,),
        lambda topics: load_student_files(files, topics, origin),
    )
