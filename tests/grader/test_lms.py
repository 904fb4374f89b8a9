"""LMS downloads as classes (``grader.integrations.lms``), and what the terminal and the class's
figure show, without grading."""

from __future__ import annotations

import csv
import io
import re
import shutil
import time
import zipfile

import nbformat
import pytest
from helpers import ROOT
from lms_helpers import zipped

from grader.integrations.lms import canvas, class_students, students_table
from grader.load.submission import SubmissionError
from grader.topics import TOPIC_NAMES

PERCEPTRON = (ROOT / "solutions" / "perceptron.py").read_bytes()
DESCENT = (ROOT / "solutions" / "gradient_descent.py").read_bytes()


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
    clash = zipped(tmp_path / "clash.zip", {"alice/perceptron.py": PERCEPTRON, "alice.zip": b""})
    with pytest.raises(SubmissionError, match=r"two entries give the same student name \(alice\)"):
        class_students(clash)


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
    from grader.integrations.class_reports import scores_plot

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


def test_a_download_is_the_same_submission_as_its_neat_folder_and_stays_so(tmp_path):
    """What a result depends on (``submission_key``) is the same for a Canvas student and the same
    files in a folder, and for the same download read twice: a re-run resumes, it does not regrade."""
    from grader.integrations.batch import submission_key

    download = zipped(
        tmp_path / "s.zip",
        {"doejane_LATE_101_7_perceptron-1.py": PERCEPTRON, "doejane_101_3_perceptron.py": b"", "x.txt": b""},
    )
    (tmp_path / "neat" / "101").mkdir(parents=True)
    (tmp_path / "neat" / "101" / "perceptron.py").write_bytes(PERCEPTRON)
    keys = [submission_key(class_students(path).students[0].load(TOPIC_NAMES), "") for path in (download, download)]
    assert keys[0] == keys[1] == submission_key(class_students(tmp_path / "neat").students[0].load(TOPIC_NAMES), "")
