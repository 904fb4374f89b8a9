"""``grader export canvas|moodle DIR --roster FILE``: the class's totals as the LMS's gradebook imports them.

Canvas (Grades, Import), as instructure/canvas-lms ``app/models/gradebook_importer.rb`` reads it: a
header ``Student,ID,SIS User ID,SIS Login ID,Section`` (the first cell holds "Student", the
second "ID", the last student column "Section") then one column per assignment, ``Name (id)`` to
fill an existing assignment (a name Canvas does not know makes a new one); under it a row whose
first cell is ``Points Possible``; then a row per student, found by ``ID`` (Canvas user id), else
``SIS User ID``, else ``SIS Login ID``, else the name. Scores are compared at two decimals.

Moodle (Grades, Import, CSV file), as ``grade/import/csv`` reads it: a header; one column the
instructor maps ("Map from") to ``useremail``, ``username`` or ``useridnumber`` ("Map to"), and a
grade column mapped to the grade item; other columns are ignored. Grades are numbers (``-`` or
empty for none), at most 100 unless the site allows more; e-mail addresses are compared as written.

Only students whose status is ``graded`` are exported; the others are listed, to grade by hand.
Totals are scaled to the assignment's points: ``--points``, else the Canvas export's Points
Possible for the column or the worksheet's Maximum Grade, else the grader's maximum.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from grader.integrations.lms import read_people
from grader.integrations.lms.roster import HEADERS, Roster, RosterError, match, read_roster, report

CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
IDENTIFIERS = {"email": ("Email address", "email"), "username": ("Username", "login"), "idnumber": ("ID number", "sid")}
DEFAULT_ASSIGNMENT = "convgrade"


@dataclass
class Export:
    text: str  # the CSV to import
    lines: list[str]  # what the instructor should read first: matching, what changes, what is left out
    written: int  # students in the CSV


def export(lms: str, out: Path, roster_path: Path, assignment=None, points=None, identifier="email") -> Export:
    """The import CSV for ``lms`` ("canvas" or "moodle") of the results in ``out``; ``RosterError`` if it cannot be."""
    try:
        people = read_people(out)
        book = {r["student"]: r for r in csv.DictReader(io.StringIO((out / "gradebook.csv").read_text("utf-8")))}
    except OSError:
        raise RosterError(f"{out} holds no gradebook.csv: run `grader grade-all CLASS --out {out}` first") from None
    roster = read_roster(roster_path)
    found = match([person for _, person in people], roster)
    column = _column(lms, roster, assignment or DEFAULT_ASSIGNMENT)
    maximum = max((float(r["max_total"]) for r in book.values() if r["max_total"]), default=0.0)
    target = points if points is not None else _points(lms, roster, column) or maximum
    scale = target / maximum if maximum else 1.0
    lines = [report(people, found, roster)]
    if lms == "canvas" and not re.search(r"\(\d+\)$", column):
        lines.append(f'"{column}" has no Canvas assignment id: Canvas will make a new assignment of that name')
    if scale != 1.0:
        lines.append(f"totals scaled from {_number(maximum)} to {_number(target)} points")
    current = _current(lms, roster, column)
    rows, counts, left_out = [], {"new": 0, "changed": 0, "unchanged": 0}, []
    for number, row in sorted(found.rows.items(), key=lambda item: item[1].line):
        student, person = people[number]
        status = book.get(student, {}).get("status") or "no result in gradebook.csv"
        cells = _canvas_cells(row, person) if lms == "canvas" else _moodle_cells(row, person, identifier)
        if not status.startswith("graded") or cells is None:
            why = status if cells else f"the roster has no {IDENTIFIERS[identifier][0]} for them"
            left_out.append(f"  not exported: {student}: {why}")
            continue
        score, old = float(book[student]["total"]) * scale, current(row)
        change = "new" if old in ("", "-") else "unchanged" if _same(old, score) else "changed"
        counts[change] += 1
        if change != "unchanged":
            lines.append(f"  {change}: {student} ({row.label()}): {old or '-'} -> {_number(score)}")
        rows.append(cells + [_number(score)])
    lines += left_out
    lines.append(", ".join(f"{count} {kind}" for kind, count in counts.items()) + f' in column "{column}"')
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if lms == "canvas":
        writer.writerows([CANVAS_COLUMNS + [column], ["Points Possible", "", "", "", "", _number(target)]])
    else:
        writer.writerow([IDENTIFIERS[identifier][0], "Full name", column])
    writer.writerows(rows)
    return Export(buffer.getvalue(), lines, len(rows))


def _column(lms: str, roster: Roster, name: str) -> str:
    """The column to fill: for Canvas, the roster's ``name (id)`` when ``name`` has no id and one matches."""
    if lms != "canvas" or roster.kind != "canvas" or re.search(r"\(\d+\)$", name):
        return name
    known = [h for h in roster.header if re.fullmatch(rf"{re.escape(name)} \(\d+\)", h)]
    return known[0] if len(known) == 1 else name


def _points(lms: str, roster: Roster, column: str) -> float | None:
    if lms == "canvas":
        text = roster.points.get(column, "")
    else:
        maximum = roster.column("maximum grade")
        text = next((r.cells.get(maximum, "") for r in roster.rows if maximum and r.cells.get(maximum)), "")
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _current(lms: str, roster: Roster, column: str):
    """The grade a roster row holds now in the column being filled ("" when it holds none)."""
    existing = roster.column(column, f"Assignment: {column} (Real)")
    if lms == "moodle" and roster.kind == "moodle worksheet":
        existing = roster.column("grade")
    return lambda row: row.cells.get(existing, "") if existing else ""


def _canvas_cells(row, person) -> list[str]:
    """Student, ID, SIS User ID, SIS Login ID, Section: the roster's, else what is known of the student."""
    canvas_id = row.cells.get("ID", "") if "canvas" in row.ids else person.lms_id if person.lms == "canvas" else ""
    login = row.cells.get("SIS Login ID", "") or _cell(row, "login")
    sid = row.cells.get("SIS User ID", "") or _cell(row, "sid")
    return [row.name or person.name, canvas_id, sid, login, row.cells.get("Section", "")]


def _moodle_cells(row, person, identifier: str) -> list[str] | None:
    value = _cell(row, IDENTIFIERS[identifier][1])
    return [value, row.name or person.name] if value else None


def _cell(row, kind: str) -> str:
    """The row's value, as written, of the first column holding a ``kind`` identifier."""
    return next((v for c, v in row.cells.items() if v and c.strip().casefold() in HEADERS[kind]), "")


def _same(old: str, score: float) -> bool:
    try:
        return round(float(old.replace(",", ".")), 2) == round(score, 2)
    except ValueError:
        return False


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")
