"""A class as Canvas and as Moodle hand it out, built from the repository's own cases: `grade-all`
grades both zips exactly as the same students in a folder of neat names, and the exports go back
in the formats Canvas's and Moodle's gradebook imports read."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from helpers import CASES, ROOT, run_grader
from lms_helpers import read_canvas_import, read_moodle_import

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lms")]

CONFIG = "[examples]\ndefault = 8\n"  # few examples: this tests the class's way in and out, not the checks
TOPICS = ("gradient_descent", "perceptron")  # the others are missing for everyone: graded at once, as zero


def module(topic: str, case: str | None = None) -> str:
    """``solutions/<topic>.py``, followed by the wrong case ``case`` if given (see README, Layout)."""
    source = (ROOT / "solutions" / f"{topic}.py").read_text()
    return source + "\n\n" + (CASES / topic / case).read_text() if case else source


# id: (Canvas name, Moodle name, email, modules)
STUDENTS = {
    "101": ("doejane", "Jane Doe", "jane@example.edu", {t: module(t) for t in TOPICS}),
    "102": (
        "smithbob",
        "Bob Smith",
        "bob@example.edu",
        {**{t: module(t) for t in TOPICS}, "gradient_descent": module("gradient_descent", "wrong_deriv_sign.py")},
    ),
    "103": (
        "leeann",
        "Ann Lee",
        "ann@example.edu",
        {**{t: module(t) for t in TOPICS}, "perceptron": module("perceptron", "wrong_missing_bias.py")},
    ),
}
CANVAS_ROSTER = """Student,ID,SIS User ID,SIS Login ID,Section,CNN lab (4321),Current Score
    Points Possible,,,,,10,(read only)
"Doe, Jane",101,S101,jdoe,A,,
"Smith, Bob",102,S102,bsmith,A,,
"Lee, Ann",103,S103,alee,A,,
"Student, Test",999,,,A,,
"""
WORKSHEET = "Identifier,Full name,Email address,Status,Grade,Maximum Grade\n" + "".join(
    f"Participant {id},{moodle},{email},Submitted,,100.00\n" for id, (_, moodle, email, _) in STUDENTS.items()
)


def build(root):
    """The same three students as a folder of neat names, a Canvas download and a Moodle download."""
    neat = root / "neat"
    for id, (_, _, _, modules) in STUDENTS.items():
        (neat / id).mkdir(parents=True)
        for topic, source in modules.items():
            (neat / id / f"{topic}.py").write_text(source)
    with zipfile.ZipFile(root / "canvas.zip", "w") as archive:
        attachment = 500
        for id, (name, _, _, modules) in STUDENTS.items():
            late = "_LATE" if id == "103" else ""
            for topic, source in modules.items():
                attachment += 1
                if id == "102" and topic == "gradient_descent":  # uploaded twice: Canvas renames the second
                    archive.writestr(f"{name}_{id}_{attachment - 100}_{topic}.py", module(topic))
                    archive.writestr(f"{name}{late}_{id}_{attachment}_{topic}-1.py", source)
                else:
                    archive.writestr(f"{name}{late}_{id}_{attachment}_{topic}.py", source)
        archive.writestr("notes.txt", "what the instructor left in the download")
    with zipfile.ZipFile(root / "moodle.zip", "w") as archive:
        for id, (_, name, _, modules) in STUDENTS.items():
            for topic, source in modules.items():
                if id == "103":  # "Download submissions in folders" off: a flat name
                    archive.writestr(f"{name}_{id}_assignsubmission_file_{topic}.py", source)
                else:
                    archive.writestr(f"{name}_{id}_assignsubmission_file_/exercises/{topic}.py", source)
        archive.writestr("Jane Doe_101_assignsubmission_onlinetext_/onlinetext.html", "<p>done</p>")
    (root / "canvas.csv").write_text(CANVAS_ROSTER)
    (root / "worksheet.csv").write_text(WORKSHEET)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("lms")
    build(root)
    (root / "config.toml").write_text(CONFIG)
    runs = {}
    for name, source, roster in (
        ("neat", "neat", None),
        ("canvas", "canvas.zip", "canvas.csv"),
        ("moodle", "moodle.zip", "worksheet.csv"),
    ):
        extra = ("--roster", root / roster) if roster else ()
        runs[name] = run_grader(
            "grade-all",
            root / source,
            "--out",
            root / name,
            "--config",
            root / "config.toml",
            "-j",
            "2",
            *extra,
            timeout=1800,
        )
        assert runs[name].returncode == 0, runs[name].stderr
    return root, runs


def gradebook(out) -> dict:
    return {row["student"]: row for row in csv.DictReader(io.StringIO((out / "gradebook.csv").read_text()))}


def result(out, student: str) -> dict:
    """The student's JSON, with where the grader looked for the missing modules taken out (a path)."""
    text = re.sub(
        r"was not found in .*? \(looked", "was not found in <submission> (looked", (out / f"{student}.json").read_text()
    )
    return json.loads(text)


@pytest.mark.parametrize("lms", ["canvas", "moodle"])
def test_an_lms_download_grades_as_the_same_students_in_a_folder(graded, lms):
    root, runs = graded
    folder = gradebook(root / "neat")
    assert folder["101"]["total"] == "10" and float(folder["102"]["total"]) < 10 and float(folder["103"]["total"]) < 10
    assert gradebook(root / lms) == folder
    for student in STUDENTS:
        assert result(root / lms, student) == result(root / "neat", student)
    assert "3 of 3 submitters matched" in runs[lms].stderr


def test_the_students_csv_maps_ids_to_the_download(graded):
    root, runs = graded
    rows = list(csv.DictReader(io.StringIO((root / "canvas" / "students.csv").read_text())))
    assert [(r["student"], r["lms"], r["lms_id"], r["name"]) for r in rows[:3]] == [
        ("101", "canvas", "101", "doejane"),
        ("103", "canvas", "103", "leeann"),
        ("102", "canvas", "102", "smithbob"),
    ]
    assert rows[1]["note"] == "late" and "kept gradient_descent-1.py, the newest" in rows[2]["note"]
    assert rows[3]["student"] == "" and rows[3]["files"].endswith("canvas.zip/notes.txt")
    assert "notes.txt" in runs["canvas"].stderr  # listed before grading, not silently skipped


def test_the_exports_go_back_in_the_lms_formats(graded):
    root, _ = graded
    totals = {student: float(row["total"]) for student, row in gradebook(root / "neat").items()}
    done = run_grader("export", "canvas", root / "canvas", "--roster", root / "canvas.csv", "--assignment", "CNN lab")
    assert done.returncode == 0, done.stderr
    points, scores = read_canvas_import((root / "canvas" / "canvas_import.csv").read_text())
    assert points == {"CNN lab (4321)": 10.0}
    assert scores == {id: {"CNN lab (4321)": round(totals[id] / 10, 2)} for id in STUDENTS}
    done = run_grader(
        "export", "moodle", root / "moodle", "--roster", root / "worksheet.csv", "--assignment", "CNN lab"
    )
    assert done.returncode == 0, done.stderr
    field, column, grades = read_moodle_import((root / "moodle" / "moodle_import.csv").read_text())
    assert (field, column) == ("useremail", "CNN lab")
    assert grades == {email: totals[id] for id, (_, _, email, _) in STUDENTS.items()}
