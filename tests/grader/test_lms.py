"""LMS downloads as classes (``grader.integrations.lms``), rosters, and the grade exports, without grading."""

from __future__ import annotations

import csv
import io
import re
import shutil
import time
import zipfile

import nbformat
import pytest
from helpers import ROOT, run_grader
from lms_formats import read_canvas_import, read_moodle_import

from grader.integrations.lms import canvas, class_students, students_table
from grader.integrations.lms.export import export
from grader.integrations.lms.roster import RosterError, match, read_roster, report
from grader.load.submission import SubmissionError
from grader.topics import TOPIC_NAMES

PERCEPTRON = (ROOT / "solutions" / "perceptron.py").read_bytes()
DESCENT = (ROOT / "solutions" / "gradient_descent.py").read_bytes()


def zipped(path, files: dict) -> str:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def table(found) -> list[dict]:
    return list(csv.DictReader(io.StringIO(students_table(found))))


@pytest.mark.parametrize(
    "entry, expected",
    [
        ("doejane_101_5001_convolution.py", ("doejane", "101", False, 5001, "convolution.py")),
        ("doejane_LATE_101_5001_conv_2_3.py", ("doejane", "101", True, 5001, "conv_2_3.py")),
        ("doejaneLATE_101_5001_pooling.py", ("doejane", "101", True, 5001, "pooling.py")),
        ("anon_Xy12z_77_hooks.py", ("", "anon_Xy12z", False, 77, "hooks.py")),
        ("LATE_anon_Xy12z_77_hooks.py", ("", "anon_Xy12z", True, 77, "hooks.py")),
        ("doejane_101_text.html", ("doejane", "101", False, None, None)),
        ("notes.txt", None),
        ("convolution.py", None),
    ],
)
def test_canvas_names_are_read_as_canvas_writes_them(entry, expected):
    parsed = canvas.parse(entry)
    assert (parsed and (parsed.name, parsed.user, parsed.late, parsed.attachment, parsed.file)) == expected


@pytest.mark.parametrize(
    "file, original",
    [
        ("convolution-1.py", "convolution.py"),
        ("convolution-12.py", "convolution.py"),
        ("cnn-2f0c5a1e-3b4d-4c5e-8f90-123456789abc.ipynb", "cnn.ipynb"),
        ("pooling (2).py", "pooling.py"),
        ("handin-1.zip", "handin.zip"),
        ("conv-2d.py", "conv-2d.py"),
        ("convolution.py", "convolution.py"),
    ],
)
def test_canvas_renamed_uploads_map_back_to_the_students_names(file, original):
    assert canvas.canonical(file) == original


def test_a_canvas_download_is_one_student_per_user_with_the_newest_upload(tmp_path):
    download = zipped(
        tmp_path / "submissions.zip",
        {
            "doejane_101_5001_perceptron.py": b"old = 1\n",
            "doejane_101_5009_perceptron-1.py": PERCEPTRON,
            "doejane_101_5002_gradient_descent.py": DESCENT,
            "smithbob_LATE_102_5003_perceptron.py": PERCEPTRON,
            "leeann_103_text.html": b"<p>my answer</p>",
            "notes.txt": b"instructor's notes",
        },
    )
    found = class_students(download)
    assert found.layout == "canvas" and [s.name for s in found.students] == ["101", "103", "102"]
    assert found.ignored == [f"{download}/notes.txt"]
    jane = found.students[0].load(TOPIC_NAMES)
    assert jane.modules == {"perceptron": PERCEPTRON, "gradient_descent": DESCENT}
    assert jane.found == {"perceptron": "perceptron.py", "gradient_descent": "gradient_descent.py"}
    rows = {row["student"]: row for row in table(found)}
    assert "kept perceptron-1.py, the newest" in rows["101"]["note"] and rows["102"]["note"] == "late"
    assert rows[""]["files"].endswith("notes.txt") and "not graded" in rows[""]["note"]
    with pytest.raises(SubmissionError, match="holds none of the course's modules"):
        found.students[1].load(TOPIC_NAMES)  # a text entry only


def test_a_moodle_download_in_folders_or_flat(tmp_path):
    files = {
        "Jane Doe_2001_assignsubmission_file_/exercises/perceptron.py": PERCEPTRON,
        "Jane Doe_2001_assignsubmission_onlinetext_/onlinetext.html": b"hello",
        "Bob Smith_2002_assignsubmission_file_gradient_descent.py": DESCENT,
        "Ann Lee_2003_assignsubmission_onlinetext_/onlinetext.html": b"no code",
    }
    for download in (zipped(tmp_path / "moodle.zip", files), tmp_path / "unpacked"):
        if not download.suffix:
            zipfile.ZipFile(tmp_path / "moodle.zip").extractall(download)
        found = class_students(download)
        assert found.layout == "moodle" and [s.name for s in found.students] == ["2003", "2002", "2001"]
        people = {s.name: s.people[0] for s in found.students}
        assert people["2001"].name == "Jane Doe" and people["2001"].lms_id == "2001"
        assert found.students[2].load(TOPIC_NAMES).found == {"perceptron": "exercises/perceptron.py"}
        assert found.students[1].load(TOPIC_NAMES).modules == {"gradient_descent": DESCENT}
        with pytest.raises(SubmissionError):
            found.students[0].load(TOPIC_NAMES)


METADATA = """\
submission_11:
  :submitters:
  - :name: Jane Doe
    :sid: '4711'
    :email: jane@example.edu
  :created_at: 2026-03-01 10:00:00.000000000 -08:00
  :score: 0.0
  :history: []
submission_12:
  :submitters:
  - :name: Bob Smith
    :sid:
    :email: bob@example.edu
  - :name: Ann Lee
    :sid: '4713'
    :email: ann@example.edu
"""


def test_a_gradescope_export_reads_its_submitters(tmp_path):
    export_zip = zipped(
        tmp_path / "export.zip",
        {
            "assignment_9_export/submission_metadata.yml": METADATA,
            "assignment_9_export/submission_11/perceptron.py": PERCEPTRON,
            "assignment_9_export/submission_12/handin/perceptron.py": PERCEPTRON,
            "assignment_9_export/stray.pdf": b"%PDF",
        },
    )
    found = class_students(export_zip)
    assert found.layout == "gradescope" and [s.name for s in found.students] == ["4711", "bob@example.edu"]
    group = found.students[1]
    assert [(p.lms_id, p.email) for p in group.people] == [
        ("bob@example.edu", "bob@example.edu"),
        ("4713", "ann@example.edu"),
    ]
    assert group.load(TOPIC_NAMES).found == {"perceptron": "handin/perceptron.py"}
    assert [row["student"] for row in table(found)] == ["4711", "bob@example.edu", "bob@example.edu", ""]
    broken = zipped(tmp_path / "broken.zip", {"submission_metadata.yml": "a: [b"})
    with pytest.raises(SubmissionError, match="not valid YAML"):
        class_students(broken)


def test_nbgrader_submitted_and_a_course_with_two_assignments(tmp_path):
    course = tmp_path / "course"
    (course / "submitted" / "alice" / "cnn").mkdir(parents=True)
    (course / "submitted" / "alice" / "cnn" / "perceptron.py").write_bytes(PERCEPTRON)
    (course / "submitted" / "bob" / "cnn").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("")
    for path in (course, course / "submitted"):
        found = class_students(path)
        assert found.layout == "nbgrader" and [s.name for s in found.students] == ["alice", "bob"]
        assert found.students[0].load(TOPIC_NAMES).modules == {"perceptron": PERCEPTRON}
    (course / "submitted" / "bob" / "hw2").mkdir()
    with pytest.raises(SubmissionError, match=r"several assignments \(cnn, hw2\).*nbgrader autograde"):
        class_students(course)


def test_a_plain_class_zip_and_its_stray_files(tmp_path):
    notebook = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PERCEPTRON.decode())]))
    inner = io.BytesIO()
    zipped(inner, {"exercises/gradient_descent.py": DESCENT})
    files = {
        "class/alice/perceptron.py": PERCEPTRON,
        "class/bob.zip": inner.getvalue(),
        "class/carol.ipynb": notebook,
        "class/notes.txt": b"x",
        "__MACOSX/class/._alice": b"",
    }
    found = class_students(zipped(tmp_path / "class.zip", files))
    assert found.layout == "folder" and [s.name for s in found.students] == ["alice", "bob", "carol"]
    assert [set(s.load(TOPIC_NAMES).modules) for s in found.students] == [
        {"perceptron"},
        {"gradient_descent"},
        {"perceptron"},
    ]
    assert found.ignored == [f"{tmp_path / 'class.zip'}/class/notes.txt"]
    folder = tmp_path / "folder"
    (folder / "alice").mkdir(parents=True)
    (folder / "notes.txt").write_text("a stray file is listed, not skipped")
    assert class_students(folder).ignored == [str(folder / "notes.txt")]


def test_a_handin_zip_counts_when_no_module_is_loose(tmp_path):
    inner = io.BytesIO()
    zipped(inner, {"handin/perceptron.py": PERCEPTRON, "handin/gradient_descent.py": DESCENT})
    download = zipped(
        tmp_path / "s.zip",
        {"doejane_101_1_handin.zip": inner.getvalue(), "doejane_101_2_README.md": b"", "smithbob_102_3_x.py": b""},
    )
    jane = class_students(download).students[0].load(TOPIC_NAMES)
    assert set(jane.modules) == {"perceptron", "gradient_descent"} and jane.origin.endswith("doejane_101_*/handin.zip")


def test_not_a_class_is_a_clear_error(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(SubmissionError, match="neither a folder nor a .zip"):
        class_students(tmp_path / "notes.txt")
    with pytest.raises(SubmissionError, match="does not exist"):
        class_students(tmp_path / "missing")


# ------------------------------------------------------------------ rosters

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


def test_grade_all_refuses_what_is_no_class_before_grading(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    refused = run_grader("grade-all", tmp_path / "notes.txt", "--out", tmp_path / "out")
    assert refused.returncode == 2 and "neither a folder nor a .zip" in refused.stderr
    (tmp_path / "class" / "alice").mkdir(parents=True)
    no_roster = run_grader("grade-all", tmp_path / "class", "--out", tmp_path / "out", "--roster", tmp_path / "x.csv")
    assert no_roster.returncode == 2 and "cannot read roster" in no_roster.stderr
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ what the terminal and the figure show


def test_the_class_progress_bar_shows_a_rate_not_raw_values():
    from rich.console import Console

    from grader.cli import _BarProgress, _class_bar

    console = Console(file=io.StringIO(), force_terminal=True, width=100, color_system=None)
    with _class_bar(console) as bar:
        progress = _BarProgress(bar)
        progress.start(4)
        bar.refresh()
        for student in ("alice", "bob", "carol"):
            time.sleep(0.05)
            progress.advance(student, "graded")
        bar.refresh()
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", console.file.getvalue())  # the terminal's control codes
    shown = [line for line in re.split(r"[\r\n]", screen) if "grading" in line][-1]
    assert "3/4" in shown and "None" not in shown
    assert re.search(r" \d+\.\d/min ", shown) and not re.search(r"\d\.\d{3}", shown)  # not 0.3960010475732556


def test_the_scores_figure_explains_its_marks():
    from grader.integrations.batch import scores_plot

    results = {
        f"s{n}": {"status": "graded", "topics": {t: {"score": n, "max_score": 5} for t in TOPIC_NAMES}}
        for n in range(4)
    }
    figure = scores_plot(results)
    legend = figure.axes[0].get_legend()
    labels = [text.get_text() for text in legend.get_texts()]
    assert labels[:2] == ["median", "mean"]
    marks = figure.axes[0].lines
    mean_marker = next(line.get_marker() for line in marks if line.get_marker() not in ("None", "", None, "o"))
    assert legend.legend_handles[1].get_marker() == mean_marker


def test_a_download_unpacked_is_the_same_class(tmp_path):
    """The .zip as the LMS gives it and the folder it unpacks to: the same students, the same modules."""
    download = zipped(tmp_path / "s.zip", {"doejane_101_1_perceptron.py": PERCEPTRON})
    shutil.unpack_archive(download, tmp_path / "unpacked")
    both = [class_students(p) for p in (download, tmp_path / "unpacked")]
    assert [[s.load(TOPIC_NAMES).modules for s in c.students] for c in both] == [[{"perceptron": PERCEPTRON}]] * 2
