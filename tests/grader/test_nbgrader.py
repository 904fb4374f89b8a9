"""The course through the real nbgrader: init, generate_assignment, two students submitted, autograde
(nbgrader's in kernels, and convgrade's outside them), export; the scores equal `grader grade`'s."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess

import nbformat
import pytest
from helpers import ROOT, grade_json, run_grader

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nbgrader")]
pytest.importorskip("nbgrader", reason="the [instructor] extra (in [dev]) installs nbgrader")
TOPICS = ("convolution", "classification")
MISTAKES = {  # a conv2d with a flipped kernel, a softmax that overflows for large logits
    "convolution": ("weight[:, :, i, j]", "weight.flip(-2, -1)[:, :, i, j]"),
    "classification": ("torch.exp(logits - logits.amax(dim=dim, keepdim=True))", "torch.exp(logits)"),
}


def nbgrader(course, *args):
    result = subprocess.run([shutil.which("nbgrader"), *args], cwd=course, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def submit(course, student, wrong: bool):
    """The released notebooks with the solution cells filled in, as nbgrader collects them."""
    folder = course / "submitted" / student / "cnn"
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2026-12-01 12:00:00.000000 UTC")
    for topic in TOPICS:
        released = nbformat.read(course / "release" / "cnn" / f"{topic}.ipynb", as_version=4)
        source = nbformat.read(course / "source" / "cnn" / f"{topic}.ipynb", as_version=4)
        answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells if "nbgrader" in c.metadata}
        for cell in released.cells:
            if cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = answers[cell.metadata["nbgrader"]["grade_id"]]
                if wrong:
                    old, new = MISTAKES[topic]
                    cell.source = cell.source.replace(old, new)
        nbformat.write(released, folder / f"{topic}.ipynb")


def gradebook_scores(course) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            (student, topic): round(gradebook.find_grade(f"{topic}-hidden", topic, "cnn", student).score, 4)
            for student in ("good", "bad")
            for topic in TOPICS
        }


def exported_totals(course) -> dict:
    nbgrader(course, "export")
    with open(course / "grades.csv") as handle:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("nbgrader") / "course"
    topics = [arg for topic in TOPICS for arg in ("--topic", topic)]
    result = run_grader("nbgrader", "init", course, *topics)
    assert result.returncode == 0, result.stderr
    nbgrader(course, "generate_assignment", "cnn")
    submit(course, "good", wrong=False)
    submit(course, "bad", wrong=True)
    return course


@pytest.fixture(scope="module")
def expected(course):
    """`grader grade` on each student's submitted notebooks."""
    scores = {}
    for student in ("good", "bad"):
        report = grade_json(course / "submitted" / student / "cnn", *(a for t in TOPICS for a in ("--topic", t)))
        scores |= {(student, topic): round(report["topics"][topic]["score"], 4) for topic in TOPICS}
    return scores


def test_the_release_holds_no_solution_and_no_hidden_check(course):
    released = "".join((course / "release" / "cnn" / f"{t}.ipynb").read_text() for t in TOPICS)
    assert "BEGIN SOLUTION" not in released and "raise NotImplementedError()" in released
    for topic in TOPICS:
        solution = (ROOT / "solutions" / f"{topic}.py").read_text().split("### BEGIN SOLUTION")[1:]
        bodies = [
            line.strip()
            for region in solution
            for line in region.split("### END SOLUTION")[0].splitlines()
            if len(line.strip()) > 25 and not line.strip().startswith(("#", "raise", "if "))
        ]
        assert bodies and not [line for line in bodies if json.dumps(line)[1:-1] in released], topic
    assert "grader.topics" not in released and "CHECKS" not in released


def test_convgrades_autograde_writes_the_scores_of_grader_grade(course, expected):
    result = run_grader("nbgrader", "autograde", course, "cnn", "--quiet", timeout=1200)
    assert result.returncode == 0, result.stderr
    assert gradebook_scores(course) == expected
    assert expected[("good", "convolution")] == 20 and expected[("bad", "convolution")] < 20
    assert expected[("good", "classification")] == 10 and expected[("bad", "classification")] < 10
    totals = exported_totals(course)
    assert totals == {s: round(sum(v for (who, _), v in expected.items() if who == s), 4) for s in ("good", "bad")}


def test_nbgraders_own_autograde_gives_the_same_scores(course, expected):
    nbgrader(course, "autograde", "cnn", "--force")
    assert gradebook_scores(course) == expected
    feedback = nbformat.read(course / "autograded" / "bad" / "cnn" / "convolution.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in feedback.cells for o in c.get("outputs", []))
    assert "flipped" in printed.lower()  # the hidden cell prints the failed tests' feedback


def test_the_autograded_cell_prints_points_with_at_most_two_decimals(monkeypatch, capsys):
    from grader.integrations import nbgrader as cell

    report = {
        "topics": {
            "convolution": {
                "score": 6.04444,
                "max_score": 20.0,
                "tests": [
                    {
                        "name": "conv2d matches F.conv2d",
                        "score": 6.04444,
                        "max_score": 8.0,
                        "passed": False,
                        "feedback": "...",
                    }
                ],
            }
        }
    }
    monkeypatch.setattr(
        cell.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, json.dumps(report), "")
    )
    assert cell.grade_notebook("convolution") == 6.04444
    out = capsys.readouterr().out
    assert "conv2d matches F.conv2d (6.04 / 8):" in out and out.endswith("convolution: 6.04 / 20\n")
