"""`grader grade-all`: a class of 21 graded by two workers, rows that match `grader grade`, nothing
lost when the run is killed, edited submissions graded again."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import nbformat
import pytest
from helpers import CASES, ROOT, run_grader

from grader.integrations.class_reports import gradebook
from grader.integrations.lms.folders import students_in
from grader.load.submission import SubmissionError

# One xdist worker runs them all (`--dist loadgroup`): the class is graded once, not once per worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("batch")]

# Few examples per property: this tests the batch, not the checks (test_grading does those). A short
# CPU limit ends ivan's endless loop sooner, but must leave `fit` (a CNN trained for some epochs,
# up to 2 s of CPU on a busy machine) room to finish on every run.
WRONG = 12  # students with one wrong topic each, spread over the topics
# Classification's edge features (probabilities 0 and 1) need more than 8 draws to show a wrong clamp.
CONFIG = "[examples]\ndefault = 8\nclassification = 20\n[limits]\ncall_cpu_seconds = 8\n"


def make_class(folder):
    """21 students: right, unfilled, one wrong topic each, broken, empty, zipped, a notebook and hostile."""
    folder.mkdir()

    def student(name, replace=None):
        path = folder / name
        shutil.copytree(ROOT / "solutions", path, ignore=shutil.ignore_patterns("__pycache__"))
        for topic, text in (replace or {}).items():
            (path / f"{topic}.py").write_text(text)
        return path

    student("alice")
    shutil.copytree(ROOT / "exercises", folder / "bob", ignore=shutil.ignore_patterns("__pycache__"))
    wrong = sorted(p for p in CASES.glob("*/wrong_*.py"))
    for n, case in enumerate(wrong[:: max(1, len(wrong) // WRONG)][:WRONG]):
        topic = case.parent.name
        student(f"wrong{n:02d}", {topic: (ROOT / "solutions" / f"{topic}.py").read_text() + "\n" + case.read_text()})
    student("dave", {"perceptron": "def sigmoid(z:\n"})
    (folder / "erin").mkdir()
    (folder / "frank.zip").write_text("not a zip")
    with zipfile.ZipFile(folder / "gina.zip", "w") as archive:
        for path in (ROOT / "solutions").glob("*.py"):
            archive.write(path, f"exercises/{path.name}")
    cells = [nbformat.v4.new_code_cell(p.read_text()) for p in sorted((ROOT / "solutions").glob("[!_]*.py"))]
    (folder / "nora.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook(cells=cells)))
    student("harry", {"perceptron": "import os\nos._exit(3)\n"})
    student(
        "ivan",
        {"layers": (ROOT / "solutions" / "layers.py").read_text() + "\ndef relu(x):\n    while True:\n        pass\n"},
    )
    return folder


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    config = root / "config.toml"
    config.write_text(CONFIG)
    folder = make_class(root / "class")
    out = root / "out"
    result = run_grader("grade-all", folder, "--out", out, "-j", "2", "--config", config, timeout=1800)
    assert result.returncode == 0, result.stderr
    return folder, out, config


def rows(out):
    return {row["student"]: row for row in csv.DictReader(io.StringIO((out / "gradebook.csv").read_text()))}


def test_every_student_gets_a_row_a_json_and_a_feedback_file(graded_class):
    folder, out, _ = graded_class
    book = rows(out)
    assert len(book) == 9 + WRONG == len(students_in(folder))
    for name, row in book.items():
        assert all((out / f"{name}.{kind}").exists() for kind in ("json", "md", "html"))
        assert row["max_total"] == "100"
    assert book["alice"]["total"] == book["gina"]["total"] == book["nora"]["total"] == "100"
    assert book["bob"]["total"] == book["erin"]["total"] == "0"
    assert book["erin"]["status"].startswith("not graded") and "none of the course's modules" in book["erin"]["status"]
    assert book["frank"]["status"].startswith("not graded") and "zip" in book["frank"]["status"]
    assert book["dave"]["perceptron"] == "0" and book["dave"]["convolution"] == "20"
    assert book["harry"]["perceptron"] == "0" and book["harry"]["layers"] == "10"
    assert float(book["ivan"]["layers"]) < 10 and book["ivan"]["convolution"] == "20"
    assert all(float(book[f"wrong{n:02d}"]["total"]) < 100 for n in range(WRONG))
    assert "## Mistakes the feedback named" in (out / "summary.md").read_text()
    assert (out / "scores.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("name", ["dave", "wrong03"])
def test_a_row_matches_grading_that_student_alone(graded_class, name):
    folder, out, config = graded_class
    alone = run_grader("grade", folder / name, "--format", "json", "--quiet", "--config", config)
    assert alone.returncode == 0, alone.stderr
    assert (out / f"{name}.json").read_text() == alone.stdout


def test_a_run_killed_midway_resumes_to_the_same_gradebook(graded_class, tmp_path):
    folder, out, config = graded_class
    small = tmp_path / "class"
    small.mkdir()
    names = ["alice", "bob", "dave", "wrong01"]
    for name in names:
        shutil.copytree(folder / name, small / name)
    resumed = tmp_path / "resumed"
    command = [
        sys.executable,
        "-m",
        "grader",
        "grade-all",
        str(small),
        "--out",
        str(resumed),
        "-j",
        "2",
        "--config",
        str(config),
        "--quiet",
    ]
    run = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 900
    while not len(list((resumed / ".convgrade").glob("*.json"))) >= 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    assert not (resumed / "gradebook.csv").exists()
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert finished.returncode == 0, finished.stderr
    assert "unchanged" in finished.stderr  # what the killed run saved was kept
    assert rows(resumed) == {name: row for name, row in rows(out).items() if name in names}
    for name in names:
        assert (resumed / f"{name}.json").read_text() == (out / f"{name}.json").read_text()


def test_only_edited_submissions_are_graded_again(graded_class, tmp_path):
    folder, out, config = graded_class
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    (folder / "alice" / "pooling.py").write_text("def max_pool2d(*args, **kwargs):\n    return None\n")
    try:
        again = run_grader("grade-all", folder, "--out", copy, "--config", config, timeout=900)
    finally:
        shutil.copy(ROOT / "solutions" / "pooling.py", folder / "alice" / "pooling.py")
    assert again.returncode == 0, again.stderr
    # everyone unchanged but alice; erin (no module) and frank (not a zip) are unreadable again
    assert "1 graded" in again.stderr and f"{6 + WRONG} unchanged" in again.stderr and "2 unreadable" in again.stderr
    assert rows(copy)["alice"]["pooling"] == "0"
    changes = json.loads((copy / "changes.json").read_text())["students"]
    assert [entry["student"] for entry in changes] == ["alice"]
    assert changes[0]["old"] > changes[0]["new"] and {t["topic"] for t in changes[0]["tests"]} == {"pooling"}
    assert "| alice |" in (copy / "changes.md").read_text()


def test_the_summary_names_the_students_behind_each_mistake_and_leaves_stubs_apart(graded_class):
    _, out, _ = graded_class
    groups = json.loads((out / "summary.json").read_text())
    wrong_students = {f"wrong{n:02d}" for n in range(WRONG)}
    assert groups["mistakes"] and all(set(g["students"]) <= wrong_students for g in groups["mistakes"])
    assert all("bob" not in g["students"] for g in groups["tests"])  # bob's are unwritten stubs
    assert groups["unwritten"] and all(g["students"] == ["bob"] for g in groups["unwritten"])
    text = (out / "summary.md").read_text()
    assert "left out:" in text and "failures of functions still unwritten" in text
    first = groups["mistakes"][0]
    assert f"| {', '.join(first['students'])} |" in text
    assert (out / "alice.md").read_text().startswith("# Feedback for alice: ")


def test_a_regrade_after_a_config_change_lists_exactly_the_students_whose_score_changed(tmp_path):
    """Pooling's points doubled: alice (right) and bob (one wrong test) change; carol (gradient descent only)
    does not."""
    folder = tmp_path / "class"
    for name in ("alice", "bob", "carol"):
        (folder / name).mkdir(parents=True)
    pooling = (ROOT / "solutions" / "pooling.py").read_text()
    (folder / "alice" / "pooling.py").write_text(pooling)
    (folder / "bob" / "pooling.py").write_text(
        pooling + "\n" + (CASES / "pooling" / "wrong_stride_zero_unchecked.py").read_text()
    )
    shutil.copy(ROOT / "solutions" / "gradient_descent.py", folder / "carol" / "gradient_descent.py")
    config, out = tmp_path / "config.toml", tmp_path / "out"
    config.write_text("[examples]\ndefault = 8\n")
    assert run_grader("grade-all", folder, "--out", out, "--config", config, timeout=900).returncode == 0
    assert not (out / "changes.json").exists()  # a first grade changes nothing
    before = rows(out)
    config.write_text("[examples]\ndefault = 8\n[points]\npooling = 30\n")
    regrade = run_grader("grade-all", folder, "--out", out, "--config", config, timeout=900)
    assert regrade.returncode == 0, regrade.stderr
    after = rows(out)
    changed = json.loads((out / "changes.json").read_text())["students"]
    assert [e["student"] for e in changed] == [s for s in sorted(after) if after[s]["total"] != before[s]["total"]]
    assert [e["student"] for e in changed] == ["alice", "bob"]
    assert all({t["topic"] for t in e["tests"]} == {"pooling"} for e in changed)
    assert "No student's score changed." not in (out / "changes.md").read_text()


def test_students_without_any_module_get_a_row_that_says_so(tmp_path):
    from grader.integrations.batch import grade_all

    (tmp_path / "class" / "erin").mkdir(parents=True)
    nested = tmp_path / "class" / "olga" / "homework" / "cnn"
    nested.mkdir(parents=True)
    (nested / "hooks.py").write_text("")
    assert grade_all(tmp_path / "class", tmp_path / "out") == {"unreadable": 2}
    book = rows(tmp_path / "out")
    for name in ("erin", "olga"):
        assert book[name]["total"] == "0" and "holds none of the course's modules" in book[name]["status"]
        assert "\n" not in book[name]["status"]
    assert "homework/cnn/" in (tmp_path / "out" / "olga.md").read_text()


def test_a_module_moved_to_another_folder_is_graded_again(tmp_path):
    """The report says where each module was found, so where is part of what a result depends on."""
    from grader.integrations.batch import submission_key
    from grader.load.submission import load_submission
    from grader.topics import TOPIC_NAMES

    for folder in (tmp_path / "before", tmp_path / "after" / "exercises"):
        folder.mkdir(parents=True)
        (folder / "hooks.py").write_text("x = 1\n")
    keys = {submission_key(load_submission(tmp_path / name, TOPIC_NAMES), "") for name in ("before", "after")}
    assert len(keys) == 2


def test_two_entries_with_one_name_are_refused(tmp_path):
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice.zip").write_bytes(b"")
    with pytest.raises(SubmissionError, match="alice"):
        students_in(tmp_path)


def test_a_student_without_results_gets_a_row_saying_so():
    book = gradebook({"zoe": None})
    assert book.splitlines()[1].startswith("zoe,") and book.rstrip().endswith("not graded yet")


@pytest.fixture
def dask_cluster(tmp_path):
    """A real `dask scheduler` and two `dask worker` processes on 127.0.0.1."""
    pytest.importorskip("distributed", reason="the [cluster] extra (in [dev]) installs Dask")
    address_file = tmp_path / "scheduler.json"
    processes = [
        subprocess.Popen(
            [
                "dask",
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--dashboard-address",
                ":0",
                "--scheduler-file",
                str(address_file),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    ]
    deadline = time.monotonic() + 60
    while not address_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    for _ in range(2):
        processes.append(
            subprocess.Popen(
                [
                    "dask",
                    "worker",
                    "--scheduler-file",
                    str(address_file),
                    "--nthreads",
                    "1",
                    "--nworkers",
                    "1",
                    "--no-dashboard",
                ],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
    yield json.loads(address_file.read_text())["address"]
    for process in processes:
        with contextlib.suppress(ProcessLookupError):  # a test may have killed it already
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_a_dask_cluster_gives_the_local_gradebook_even_when_a_worker_dies(graded_class, dask_cluster, tmp_path):
    """A worker killed (with its nanny) while it grades: its students are graded again elsewhere."""
    from distributed import Client

    folder, out, config = graded_class
    small = tmp_path / "class"
    small.mkdir()
    for name in ("alice", "bob", "dave", "wrong00"):
        shutil.copytree(folder / name, small / name)
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "grader",
            "grade-all",
            str(small),
            "--out",
            str(tmp_path / "out"),
            "--config",
            str(config),
            "--scheduler",
            dask_cluster,
        ],
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    with Client(dask_cluster, timeout="30s") as client:
        deadline, busy = time.monotonic() + 900, []
        while not busy and time.monotonic() < deadline and run.poll() is None:
            busy = [worker for worker, keys in client.processing().items() if keys]
            time.sleep(0.1)
        assert busy, "no worker was ever seen grading"
        victim = client.run(os.getpid, workers=busy[:1])[busy[0]]
    os.killpg(os.getpgid(victim), signal.SIGKILL)
    _, stderr = run.communicate(timeout=1800)
    assert run.returncode == 0, stderr
    local, remote = rows(out), rows(tmp_path / "out")
    assert set(remote) == {"alice", "bob", "dave", "wrong00"}
    for name, row in remote.items():
        assert row == local[name]
        assert (tmp_path / "out" / f"{name}.json").read_text() == (out / f"{name}.json").read_text()


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path):
    pytest.importorskip("distributed")
    (tmp_path / "class" / "alice").mkdir(parents=True)
    result = run_grader(
        "grade-all", tmp_path / "class", "--out", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:9", timeout=300
    )
    assert result.returncode == 2 and "cannot reach the Dask scheduler" in result.stderr
