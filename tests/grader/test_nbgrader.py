"""The course through the real nbgrader: init, generate_assignment, two students submitted, autograde
(nbgrader's in kernels, and convgrade's outside them), export; the scores equal `grader grade`'s. After
convgrade's autograde, nbgrader's own generate_feedback and release_feedback give each student their
feedback as HTML, with the pictures of what went wrong."""

from __future__ import annotations

import base64
import csv
import html
import json
import os
import re
import shutil
import subprocess

import nbformat
import pytest
from helpers import ROOT, grade_json, run_grader

from grader.report.common import plain

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nbgrader")]
pytest.importorskip("nbgrader", reason="the [instructor] extra (in [dev]) installs nbgrader")
TOPICS = ("convolution", "classification")
MISTAKES = {  # a conv2d with a flipped kernel, a softmax that overflows for large logits
    "convolution": ("weight[:, :, i, j]", "weight.flip(-2, -1)[:, :, i, j]"),
    "classification": ("torch.exp(logits - logits.amax(dim=dim, keepdim=True))", "torch.exp(logits)"),
}


def nbgrader(course, *args):
    """The real ``nbgrader`` command in ``course``; its config and kernels import this checkout's grader."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [shutil.which("nbgrader"), *args], cwd=course, capture_output=True, text=True, timeout=1200, env=env
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def submit(course, student, wrong: bool):
    """The released notebooks with the solution cells filled in, as nbgrader collects them."""
    folder = course / "submitted" / student / "cnn"
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2026-12-01 12:00:00.000000 UTC")
    (folder / "submission_secret.txt").write_text(f"{student}-secret")  # nbgrader submit writes one
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
def reports(course):
    """`grader grade` on each student's submitted notebooks: the JSON report of each topic."""
    topics = [a for t in TOPICS for a in ("--topic", t)]
    return {
        student: grade_json(course / "submitted" / student / "cnn", *topics)["topics"] for student in ("good", "bad")
    }


@pytest.fixture(scope="module")
def expected(reports):
    return {(student, topic): round(reports[student][topic]["score"], 4) for student in reports for topic in TOPICS}


@pytest.fixture(scope="module")
def feedback(course, tmp_path_factory):
    """convgrade's autograde, then nbgrader's generate_feedback and release_feedback: each feedback page."""
    result = run_grader("nbgrader", "autograde", course, "cnn", "--quiet", timeout=1200)
    assert result.returncode == 0, result.stderr
    exchange = tmp_path_factory.mktemp("exchange")
    nbgrader(course, "generate_feedback", "cnn")
    nbgrader(course, "release_feedback", "cnn", f"--Exchange.root={exchange}")
    return {
        "stderr": result.stderr,
        "pages": {
            (s, t): (course / "feedback" / s / "cnn" / f"{t}.html").read_text() for s in ("good", "bad") for t in TOPICS
        },
        "released": sorted(path.name for path in exchange.rglob("*.html")),
    }


def hidden_outputs(course, student, topic) -> list:
    notebook = nbformat.read(course / "autograded" / student / "cnn" / f"{topic}.ipynb", as_version=4)
    return [cell.outputs for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade")][0]


def words(page: str) -> str:
    """The text a reader sees on ``page``: tags dropped, entities read, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<style.*?</style>", "", page))).split())


def test_the_release_holds_no_solution_and_no_hidden_check(course):
    released = "".join((course / "release" / "cnn" / f"{t}.ipynb").read_text() for t in TOPICS)
    assert "BEGIN SOLUTION" not in released and "raise NotImplementedError()" not in released
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


def test_the_released_stubs_carry_the_hints_of_the_py_stubs(course):
    for topic in TOPICS:
        released = nbformat.read(course / "release" / "cnn" / f"{topic}.ipynb", as_version=4)
        lines = [line.strip() for cell in released.cells for line in cell.source.splitlines()]
        stubs = [i for i, line in enumerate(lines) if line.startswith("raise NotImplementedError(")]
        exercise = (ROOT / "exercises" / f"{topic}.py").read_text().splitlines()
        assert [lines[i] for i in stubs] == [line.strip() for line in exercise if "raise NotImplementedError(" in line]
        assert all(lines[i - 1] == "# YOUR CODE HERE" and ": " in lines[i] for i in stubs), topic


def test_convgrades_autograde_writes_the_scores_of_grader_grade(course, expected, feedback):
    assert "Warning" not in feedback["stderr"]  # nor SQLAlchemy's, which nbgrader's gradebook trips
    assert gradebook_scores(course) == expected
    assert expected[("good", "convolution")] == 20 and expected[("bad", "convolution")] < 20
    assert expected[("good", "classification")] == 10 and expected[("bad", "classification")] < 10
    totals = exported_totals(course)
    assert totals == {s: round(sum(v for (who, _), v in expected.items() if who == s), 4) for s in ("good", "bad")}


def test_generate_feedback_shows_each_topics_feedback_and_pictures(course, reports, expected, feedback):
    for (student, topic), page in feedback["pages"].items():
        report = reports[student][topic]
        assert f"Score: {round(expected[(student, topic)], 2)} / {float(report['max_score'])}" in page, (student, topic)
        assert 'class="convgrade"' in page  # the topic's feedback is the autograded cell's output
        failed = [test for test in report["tests"] if not test["passed"]]
        seen = words(page)
        for test in failed:
            assert words(test["name"]) in seen, (student, topic, test["name"])
            for mistake in test["mistakes"]:  # the named mistake, as the reader sees it
                assert words(plain(mistake["text"])) in seen, (student, topic, mistake["id"])
        pictures = re.findall(r"<img\b[^>]*>", page)
        assert bool(pictures) == bool(failed), (student, topic)
        for picture in pictures:  # inline, as an SVG or PNG data URI, with words for what it shows
            alt, src = (
                re.search(r'alt="([^"]+)"', picture),
                re.search(r'src="data:image/[^;]+;base64,([^"]+)"', picture),
            )
            image = base64.b64decode(src.group(1)) if src else b""
            assert alt and (b"<svg" in image or image.startswith(b"\x89PNG")), picture[:200]
    flipped = words(feedback["pages"][("bad", "convolution")])
    assert "flipped kernel" in flipped and "FAILED" in flipped
    assert "FAILED" not in words(feedback["pages"][("good", "convolution")])
    assert len(feedback["released"]) == 4  # nbgrader release_feedback: one page per student and notebook


def test_the_autograded_cell_holds_the_feedback_in_html_and_text_and_the_score_as_its_value(course, expected, feedback):
    for student in ("good", "bad"):
        for topic in TOPICS:
            shown, value = hidden_outputs(course, student, topic)
            assert shown.output_type == "display_data" and set(shown.data) == {"text/html", "text/plain"}
            assert f"{topic}  " in shown.data["text/plain"] and value.output_type == "execute_result"
            assert round(float(value.data["text/plain"]), 4) == expected[(student, topic)]


def test_a_second_autograde_grades_no_one_again_and_writes_the_same_notebooks(course, feedback):
    results = course / "convgrade" / "cnn" / "results"
    before = {s: (results / f"{s}.json").stat().st_mtime_ns for s in ("good", "bad")}  # each student's result
    first = {(s, t): hidden_outputs(course, s, t) for s in ("good", "bad") for t in TOPICS}
    shutil.rmtree(course / "autograded")
    result = run_grader("nbgrader", "autograde", course, "cnn", "--quiet", timeout=1200)
    assert result.returncode == 0, result.stderr
    assert {s: (results / f"{s}.json").stat().st_mtime_ns for s in ("good", "bad")} == before
    assert {(s, t): hidden_outputs(course, s, t) for s in ("good", "bad") for t in TOPICS} == first


def test_nbgraders_own_autograde_gives_the_same_scores(course, expected):
    nbgrader(course, "autograde", "cnn", "--force")
    assert gradebook_scores(course) == expected
    feedback = nbformat.read(course / "autograded" / "bad" / "cnn" / "convolution.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in feedback.cells for o in c.get("outputs", []))
    assert "flipped" in printed.lower()  # the hidden cell prints the failed tests' feedback


def test_the_autograded_cell_prints_points_with_at_most_two_decimals(monkeypatch, capsys):
    from grader.integrations.nbgrader import cell

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
