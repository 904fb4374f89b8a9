"""For the LMS tests: downloads built as zips, and readers that check a gradebook import the way the
LMS reads it, written from the LMS's importer (not from the exporter under test): they fail on
what the LMS would reject or misread."""

from __future__ import annotations

import csv
import io
import re
import zipfile


def zipped(path, files: dict):
    """A zip at ``path`` (or into a file object) holding ``files``, name -> text or bytes."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def read_canvas_import(text: str) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """(points possible per assignment, {student key: {assignment: score}}) of a Canvas gradebook CSV.

    As instructure/canvas-lms ``app/models/gradebook_importer.rb`` reads it: the header's first cell
    holds "Student" and its second "ID" (more than 3 cells); the student columns are Student, ID,
    then SIS Login ID, or SIS User ID and SIS Login ID (and Integration ID), ending with Section;
    the rest are assignments. A row whose first cell holds "Points Possible" gives their points. A
    student is found by ID, else SIS User ID, else SIS Login ID, else name; scores are numbers or blank.
    """
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert len(header) > 3 and "Student" in header[0] and "ID" in header[1], header
    columns = 3
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        columns = 4
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        columns = 6 if re.search(r"Integration\s+ID", header[4]) else 5
    assert "Section" in header[columns - 1], f"the last student column is {header[columns - 1]!r}, not Section"
    assignments = header[columns:]
    assert assignments and len(set(assignments)) == len(assignments), assignments
    assert "Points Possible" in rows[1][0], rows[1]
    points = {name: float(value) for name, value in zip(assignments, rows[1][columns:])}
    scores, seen = {}, set()
    for row in rows[2:]:
        assert len(row) == len(header), row
        key = row[1] or (row[2] if columns >= 5 else "") or row[columns - 2] or row[0]
        assert key and key not in seen, f"a student Canvas cannot tell apart: {row}"
        assert not row[1] or row[1].isdigit(), f"ID must be a Canvas user id: {row[1]!r}"
        seen.add(key)
        scores[key] = {name: float(value) for name, value in zip(assignments, row[columns:]) if value}
    return points, scores


MOODLE_FIELDS = {"email address": "useremail", "username": "username", "id number": "useridnumber"}


def read_moodle_import(text: str, maximum: float = 100.0) -> tuple[str, str, dict[str, float]]:
    """(user field, grade column, {identifier: grade}) of a Moodle CSV grade import.

    As ``grade/import/csv`` reads it: one header row; the instructor maps one column ("Map from") to
    useremail, username or useridnumber ("Map to") and a grade column to the grade item, every other
    column is ignored; a grade is a number, at most 100 unless the site allows more (``-`` or
    empty for none); a row without the identifier is skipped, so every row must have one.
    """
    rows = list(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in rows[0]]
    identifiers = [h for h in header if h.casefold() in MOODLE_FIELDS]
    assert len(identifiers) == 1, f"one identifier column to map, found {identifiers}"
    column = header.index(identifiers[0])
    grades = [i for i, h in enumerate(header) if i != column and h.casefold() not in ("full name",)]
    assert len(grades) == 1, f"one grade column to map, found {[header[i] for i in grades]}"
    values = {}
    for row in rows[1:]:
        assert len(row) == len(header), row
        identifier, grade = row[column], row[grades[0]]
        assert identifier and identifier not in values, f"a row Moodle cannot map: {row}"
        assert re.fullmatch(r"-?\d+(\.\d+)?", grade), f"not a grade Moodle reads: {grade!r}"
        assert 0 <= float(grade) <= maximum, f"{grade} is above the grade maximum {maximum}"
        values[identifier] = float(grade)
    return MOODLE_FIELDS[identifiers[0].casefold()], header[grades[0]], values
