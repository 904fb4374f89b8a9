"""The class list an LMS exports, and which of its students handed in which submission.

A roster is a CSV (comma, semicolon or tab; UTF-8, with or without Excel's BOM) whose header names
the students' identifiers. Recognised, case aside:

- Canvas's gradebook export (Grades, Export): ``Student`` (sortable name, "Doe, Jane"), ``ID`` (the
  Canvas user id), ``SIS User ID``, ``SIS Login ID``, ``Section``, then a ``Name (id)`` column per
  assignment; a ``Points Possible`` row under the header (instructure/canvas-lms
  ``app/models/gradebook_importer.rb`` reads the same columns back). Its "Student, Test" row, the
  test student every course has, is left out.
- Moodle's grading worksheet (assignment, "Download grading worksheet"): ``Identifier``
  ("Participant 1234", the participant id of the submission download), ``Full name``,
  ``Email address``, ``Grade``, ``Maximum Grade`` (``mod/assign/gradingtable.php``).
- Moodle's participants export and grade export: ``First name``, ``Last name`` / ``Surname``,
  ``Email address``, ``Username``, ``ID number``.
- Any CSV with a login, email, name or student id column (``login``, ``username``, ``email``,
  ``sid``, ``student id``, ``id``, ``name``, ...).

Matching tries, in order, the ids that cannot be mistaken (Canvas user id, Moodle participant id),
the student id, the email, the login, and last the name (letters and digits only, in either order).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from grader.integrations.lms.base import Person

KINDS = ("canvas", "participant", "sid", "email", "login", "name")
HEADERS = {
    "sid": {"sis user id", "id number", "idnumber", "student id", "student_id", "studentid", "student number", "sid"},
    "email": {"email", "email address", "e-mail", "e-mail address", "mail"},
    "login": {"sis login id", "login", "login id", "username", "user name", "user", "netid", "uid"},
    "name": {"name", "full name", "student name", "student"},
}
FIRST, LAST = {"first name", "firstname", "given name"}, {"last name", "lastname", "surname", "family name"}


class RosterError(Exception):
    """The roster cannot be used; the message says what to fix."""


@dataclass
class RosterRow:
    line: int
    cells: dict[str, str]
    ids: dict[str, set[str]] = field(default_factory=dict)  # kind -> the values that identify the row
    name: str = ""  # as the roster writes it

    def label(self) -> str:
        """``line 12: Doe, Jane (jane@example.edu)``, from what the row has."""
        other = next((sorted(self.ids[k])[0] for k in ("email", "login", "sid", "canvas") if k in self.ids), "")
        name = self.name
        return f"line {self.line}: {name} ({other})" if name and other else f"line {self.line}: {name or other}"


@dataclass
class Roster:
    path: Path
    kind: str  # "canvas", "moodle worksheet" or "csv"
    header: list[str]
    rows: list[RosterRow]
    points: dict[str, str] = field(default_factory=dict)  # Canvas's Points Possible row, by column

    def column(self, *names: str) -> str | None:
        """The header cell that is one of ``names``, case aside."""
        wanted = {n.casefold() for n in names}
        return next((h for h in self.header if h.strip().casefold() in wanted), None)


def squash(name: str) -> str:
    """A name as Canvas's download writes it: lower case, letters and digits only."""
    return re.sub(r"[\W_]", "", name.casefold())


def read_roster(path: Path) -> Roster:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RosterError(f"cannot read roster {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise RosterError(f"roster {path} is not UTF-8 text: save it from the spreadsheet as CSV UTF-8") from None
    lines = text.splitlines()
    if not lines:
        raise RosterError(f"roster {path} is empty: export the class list from the LMS as CSV")
    delimiter = max(",;\t", key=lambda d: lines[0].count(d))
    table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [h.strip() for h in table[0]]
    canvas = len(header) > 3 and header[0].startswith("Student") and header[1].strip() == "ID"
    roster = Roster(path, "canvas" if canvas else "csv", header, [])
    if roster.column("identifier") and roster.column("full name"):
        roster.kind = "moodle worksheet"
    for number, cells in enumerate(table[1:], start=2):
        row = dict(zip(header, (c.strip() for c in cells)))
        if canvas and row.get(header[0], "").startswith("Points Possible"):
            roster.points = row
        elif not any(row.values()) or (canvas and _canvas_extra(row, header)):
            continue
        else:
            roster.rows.append(_identified(roster, number, row))
    if not any(row.ids for row in roster.rows):
        raise RosterError(
            f"roster {path}: no column identifies the students (its header: {', '.join(header)}); give Canvas's "
            "gradebook export, Moodle's grading worksheet or participants export, or a CSV with a login, email, "
            "student id or name column"
        )
    return roster


def _canvas_extra(row: dict, header: list[str]) -> bool:
    """Canvas's rows that are no student: its test student, and the "Muted"/"Manual Posting" row."""
    muted = all(re.fullmatch(r"\s*(Muted|Manual Posting.*)?\s*", value or "") for value in row.values())
    return row.get(header[0], "") == "Student, Test" or muted


def _identified(roster: Roster, line: int, cells: dict) -> RosterRow:
    row = RosterRow(line, cells)

    def add(kind: str, value: str):
        value = value.strip()
        if value:
            row.ids.setdefault(kind, set()).add(value if kind in ("canvas", "sid") else value.casefold())

    for column, value in cells.items():
        key = column.strip().casefold()
        if roster.kind == "canvas" and key == "id":
            add("canvas", value)
        elif key == "identifier" and (match := re.fullmatch(r"\D*(\d+)", value or "")):
            add("participant", match[1])
        elif key in HEADERS["sid"] or (key == "id" and roster.kind == "csv"):
            add("sid", value)
        elif key in HEADERS["email"]:
            add("email", value)
        elif key in HEADERS["login"]:
            add("login", value)
            if "@" in value:
                add("email", value)
        if key in HEADERS["name"]:
            row.name = row.name or value
            add("name", squash(value))
            if "," in value:  # "Doe, Jane" (Canvas's sortable name): also "Jane Doe"
                last, _, first = value.partition(",")
            else:  # "Jane Doe": also "Doe Jane", as Canvas's download writes names
                first, _, last = value.rpartition(" ")
            add("name", squash(first + last))
            add("name", squash(last + first))
    first, last = roster.column(*FIRST), roster.column(*LAST)
    if first and last:
        row.name = row.name or f"{cells.get(first, '')} {cells.get(last, '')}".strip()
        add("name", squash(cells.get(first, "") + cells.get(last, "")))
        add("name", squash(cells.get(last, "") + cells.get(first, "")))
    return row


def person_ids(person: Person) -> list[tuple[str, str]]:
    """What identifies ``person`` in a roster, most certain first."""
    if person.lms in ("canvas", "moodle"):
        ids = [("canvas" if person.lms == "canvas" else "participant", person.lms_id)]
    elif person.lms == "gradescope":
        ids = [("sid", person.lms_id)] if person.lms_id != person.email else []
    else:  # nbgrader and folder entries are named by a login, an email or a student id
        ids = [("sid", person.lms_id), ("login", person.lms_id.casefold())]
        ids += [("email", person.lms_id.casefold())] if "@" in person.lms_id else []
    ids += [("email", person.email.casefold())] if person.email else []
    ids += [("name", squash(person.name))] if squash(person.name) else []
    return sorted(ids, key=lambda pair: KINDS.index(pair[0]))


@dataclass
class Match:
    """Of ``people`` (by index): the roster row of each matched one, those no row names, those that are
    ambiguous (and why); and the roster rows no submission matched."""

    rows: dict[int, RosterRow]
    unmatched: list[int]
    duplicates: dict[int, str]
    missing: list[RosterRow]


def match(people: list[Person], roster: Roster) -> Match:
    index: dict[tuple[str, str], list[RosterRow]] = {}
    for row in roster.rows:
        for kind, values in row.ids.items():
            for value in values:
                index.setdefault((kind, value), []).append(row)
    rows, unmatched, duplicates = {}, [], {}
    for number, person in enumerate(people):
        for kind, value in person_ids(person):
            found = index.get((kind, value), [])
            if len(found) == 1:
                rows[number] = found[0]
                break
            if found:
                duplicates[number] = f"roster lines {', '.join(str(r.line) for r in found)} all have {kind} {value}"
                break
        else:
            unmatched.append(number)
    claimed: dict[int, list[int]] = {}
    for number, row in rows.items():
        claimed.setdefault(row.line, []).append(number)
    for line, numbers in claimed.items():
        if len(numbers) > 1:
            for number in numbers:
                del rows[number]
                duplicates[number] = f"roster line {line} matches {len(numbers)} submissions"
    matched_lines = {row.line for row in rows.values()}
    missing = [row for row in roster.rows if row.line not in matched_lines and row.line not in claimed]
    return Match(rows, unmatched, duplicates, missing)


def report(people: list[tuple[str, Person]], found: Match, roster: Roster) -> str:
    """What the instructor should know before grades are written, one line each."""

    def who(number: int) -> str:
        student, person = people[number]
        extra = person.name or person.email
        return f"{student} ({extra})" if extra and extra != student else student

    lines = [
        f"roster {roster.path} ({roster.kind}, {len(roster.rows)} students): "
        f"{len(found.rows)} of {len(people)} submitters matched"
    ]
    lines += [f"  unmatched (no roster row): {who(n)}" for n in found.unmatched]
    lines += [f"  duplicate: {who(n)}: {why}" for n, why in sorted(found.duplicates.items())]
    lines += [f"  missing (no submission): {row.label()}" for row in found.missing]
    return "\n".join(lines)
