"""Rosters (``grader.integrations.lms.roster``) and the grade exports Canvas and Moodle import, without grading."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import ROOT, run_grader
from lms_helpers import read_canvas_import, read_moodle_import, zipped

from grader.integrations.lms import class_students
from grader.integrations.lms.export import export
from grader.integrations.lms.roster import RosterError, match, read_roster, report

CANVAS_ROSTER = """\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,CNN lab (4321),Current Score
    Points Possible,,,,,10,(read only)
"Doe, Jane",101,S101,jdoe,Sec 1,,
"Smith, Bob",102,S102,bsmith,Sec 1,4.5,
"Student, Test",999,,,Sec 1,,
"Lee, Ann",104,S104,alee,Sec 2,,
"""
WORKSHEET = """Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed
Participant 2001,Jane Doe,Jane.Doe@example.edu,Submitted,,20.00,Yes
Participant 2002,Bob Smith,bob@example.edu,Submitted,12.00,20.00,Yes
Participant 2005,Cy Young,cy@example.edu,No submission,,20.00,Yes
"""


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def test_a_canvas_gradebook_export_is_a_roster(tmp_path):
    roster = read_roster(write(tmp_path / "canvas.csv", CANVAS_ROSTER))
    assert roster.kind == "canvas" and [r.name for r in roster.rows] == ["Doe, Jane", "Smith, Bob", "Lee, Ann"]
    assert roster.points["CNN lab (4321)"] == "10"
    assert roster.rows[0].ids == {"canvas": {"101"}, "sid": {"S101"}, "login": {"jdoe"}, "name": {"doejane", "janedoe"}}


def test_matching_lists_unmatched_duplicate_and_missing_students(tmp_path):
    found = class_students(
        zipped(
            tmp_path / "s.zip",
            {"doejane_101_1_perceptron.py": b"", "smithbob_102_2_perceptron.py": b"", "newkid_105_3_p.py": b""},
        )
    )
    roster = read_roster(write(tmp_path / "canvas.csv", CANVAS_ROSTER))
    people = [(s.name, p) for s in found.students for p in s.people]
    result = match([p for _, p in people], roster)
    assert {people[n][0]: row.line for n, row in result.rows.items()} == {"101": 3, "102": 4}
    text = report(people, result, roster)
    assert "unmatched (no roster row): 105 (newkid)" in text and "missing (no submission): line 6: Lee, Ann" in text
    twice = read_roster(write(tmp_path / "twice.csv", "login,name\njdoe,Jane\njdoe,Jane again\nbob,Bob\n"))
    folder = tmp_path / "class"
    for name in ("jdoe", "bob", "BOB"):
        (folder / name).mkdir(parents=True)
    people = [(s.name, p) for s in class_students(folder).students for p in s.people]
    result = match([p for _, p in people], twice)
    text = report(people, result, twice)
    assert "duplicate: jdoe: roster lines 2, 3 all have login jdoe" in text
    assert "duplicate: BOB: roster line 4 matches 2 submissions" in text and not result.rows


def test_moodle_worksheets_and_generic_csvs_are_rosters(tmp_path):
    worksheet = read_roster(write(tmp_path / "w.csv", WORKSHEET))
    assert worksheet.kind == "moodle worksheet" and worksheet.rows[0].ids["participant"] == {"2001"}
    generic = read_roster(write(tmp_path / "g.csv", "First name;Surname;Username\nJane;Doe;jdoe\n"))
    assert generic.rows[0].ids == {"login": {"jdoe"}, "name": {"janedoe", "doejane"}}
    with pytest.raises(RosterError, match="no column identifies the students"):
        read_roster(write(tmp_path / "bad.csv", "score,comment\n3,ok\n"))
    with pytest.raises(RosterError, match="cannot read roster"):
        read_roster(tmp_path / "missing.csv")


# ------------------------------------------------------------------ exports


def graded_dir(tmp_path, rows: dict, people: list[tuple]) -> object:
    """A grade-all folder: gradebook.csv with ``rows`` (student -> total, status) and students.csv."""
    out = tmp_path / "out"
    out.mkdir()
    book = ["student,total,max_total,status"] + [f"{s},{t},100,{status}" for s, (t, status) in rows.items()]
    write(out / "gradebook.csv", "\n".join(book) + "\n")
    lines = ["student,lms,lms_id,name,email,files,note"] + [",".join(p) + ",x," for p in people]
    write(out / "students.csv", "\n".join(lines) + "\n")
    return out


def test_a_canvas_export_round_trips_through_canvas_rules(tmp_path):
    out = graded_dir(
        tmp_path,
        {"101": (80, "graded"), "102": (45, "graded; review: pooling (1)"), "104": (0, "not graded: no modules")},
        [
            ("101", "canvas", "101", "doejane", ""),
            ("102", "canvas", "102", "smithbob", ""),
            ("104", "canvas", "104", "leeann", ""),
        ],
    )
    done = export("canvas", out, write(tmp_path / "canvas.csv", CANVAS_ROSTER), "CNN lab")
    points, scores = read_canvas_import(done.text)
    assert points == {"CNN lab (4321)": 10.0}  # the roster's column, scaled to its points
    assert scores == {"101": {"CNN lab (4321)": 8.0}, "102": {"CNN lab (4321)": 4.5}}
    text = "\n".join(done.lines)
    assert "new: 101 (line 3: Doe, Jane (jdoe)): - -> 8" in text and "102" not in text  # 4.5 already, unchanged
    assert "not exported: 104: not graded: no modules" in text and "1 new, 0 changed, 1 unchanged" in text
    assert "totals scaled from 100 to 10 points" in text
    fresh = export("canvas", out, write(tmp_path / "logins.csv", "login,name\njdoe,Jane Doe\n"), points=100)
    assert read_canvas_import(fresh.text)[1] == {"101": {"convgrade": 80.0}}  # the Canvas user id from the download
    assert "Canvas will make a new assignment" in "\n".join(fresh.lines)


def test_a_moodle_export_round_trips_through_moodle_rules(tmp_path):
    out = graded_dir(
        tmp_path,
        {"2001": (75, "graded"), "2002": (60, "graded")},
        [("2001", "moodle", "2001", "Jane Doe", ""), ("2002", "moodle", "2002", "Bob Smith", "")],
    )
    done = export("moodle", out, write(tmp_path / "w.csv", WORKSHEET), "CNN lab")
    field, column, grades = read_moodle_import(done.text)
    assert (field, column) == ("useremail", "CNN lab")
    assert grades == {"Jane.Doe@example.edu": 15.0, "bob@example.edu": 12.0}  # as written; out of Maximum Grade
    assert (
        "1 new, 0 changed, 1 unchanged" in done.lines[-1]
        and "missing (no submission): line 4: Cy Young" in done.lines[0]
    )
    with_usernames = export(
        "moodle", out, write(tmp_path / "p.csv", "First name,Last name,Username\nJane,Doe,jd\n"), identifier="username"
    )
    assert read_moodle_import(with_usernames.text)[0::2] == ("username", {"jd": 75.0})  # Jane, by her name
    no_email = export("moodle", out, write(tmp_path / "q.csv", "First name,Last name,Username\nJane,Doe,jd\n"))
    assert no_email.written == 0 and "the roster has no Email address for them" in "\n".join(no_email.lines)


def test_export_refuses_a_folder_without_results(tmp_path):
    with pytest.raises(RosterError, match="holds no gradebook.csv: run `grader grade-all"):
        export("canvas", tmp_path, write(tmp_path / "canvas.csv", CANVAS_ROSTER))


def test_the_export_command_dry_run_writes_nothing(tmp_path):
    out = graded_dir(tmp_path, {"101": (80, "graded")}, [("101", "canvas", "101", "doejane", "")])
    roster = write(tmp_path / "canvas.csv", CANVAS_ROSTER)
    dry = run_grader("export", "canvas", out, "--roster", roster, "--dry-run")
    assert dry.returncode == 0 and "dry run: nothing written" in dry.stderr
    assert not (out / "canvas_import.csv").exists()
    wrong = run_grader("export", "canvas", out, "--roster", roster, "--identifier", "email")
    assert wrong.returncode == 2 and "--identifier chooses Moodle's user field" in wrong.stderr
    done = run_grader("export", "canvas", out, "--roster", roster)
    assert done.returncode == 0 and "wrote" in done.stderr
    assert read_canvas_import((out / "canvas_import.csv").read_text())[1] == {"101": {"convgrade": 80.0}}


@pytest.mark.parametrize("what", ["no class", "no roster"])
def test_grade_all_refuses_what_is_no_class_or_roster_before_pytorch_starts(tmp_path, what):
    """Before anything is written or anything slow (PyTorch, the sandbox) starts."""
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "class" / "alice").mkdir(parents=True)
    out = ["--out", str(tmp_path / "out")]
    args = ["grade-all", str(tmp_path / "notes.txt"), *out]
    if what == "no roster":
        args = ["grade-all", str(tmp_path / "class"), *out, "--roster", str(tmp_path / "x.csv")]
    script = (
        "import sys; from grader.cli import main; from grader.sandbox.session import Zygote\n"
        f"code = main({args!r})\n"
        "print(code, 'torch' in sys.modules, Zygote._instance is not None)"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.stdout.split() == ["2", "False", "False"], run.stdout + run.stderr
    assert ("neither a folder nor a .zip" if what == "no class" else "cannot read roster") in run.stderr
    assert not (tmp_path / "out").exists()
