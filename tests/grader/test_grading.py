"""The grader end to end: full marks for solutions/, zero for the stubs, every wrong
implementation caught in its own topic, every correct variant given full marks,
byte-identical results run after run."""
from __future__ import annotations

import json

import pytest

from grader.topics import TOPICS
from helpers import CASES, ROOT, case_expectations, grade_json, run_grader, solution_source, submission_with

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def solutions_json():
    result = run_grader("grade", ROOT / "solutions", "--format", "json", "--quiet")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_solutions_get_every_point(solutions_json):
    report = json.loads(solutions_json)
    assert set(report["topics"]) == set(TOPICS)
    failed = {f"{topic}/{t['name']}": t["feedback"] for topic, r in report["topics"].items()
              for t in r["tests"] if not t["passed"]}
    assert failed == {}
    assert report["score"] == report["max_score"] == 100.0


def test_grading_twice_gives_identical_json(solutions_json):
    again = run_grader("grade", ROOT / "solutions", "--format", "json", "--quiet")
    assert again.stdout == solutions_json


def test_stubs_score_zero_and_say_not_implemented():
    report = grade_json(ROOT / "exercises")
    assert report["score"] == 0.0
    for topic, result in report["topics"].items():
        for test in result["tests"]:
            assert not test["passed"], (topic, test["name"])
            assert "not implemented" in test["feedback"], (topic, test["name"], test["feedback"])


def as_module(case):
    """A case file holds only what differs from the reference: the reference module, then the case."""
    return solution_source(case.parent.name) + "\n\n# ---- the case ----\n" + case.read_text()


def _cases(prefix):
    return sorted(CASES.glob(f"*/{prefix}_*.py"), key=lambda p: (p.parent.name, p.name))


@pytest.mark.parametrize("case", _cases("wrong"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_wrong_implementation_loses_points_in_its_checks(case, tmp_path):
    topic = case.parent.name
    expected_fail, expected_feedback = case_expectations(case)
    report = grade_json(submission_with(tmp_path, topic, as_module(case)), "--topic", topic)
    tests = {t["name"]: t for t in report["topics"][topic]["tests"]}
    ids = {c.title: c.id for c in TOPICS[topic].CHECKS}
    failed = {ids[name] for name, t in tests.items() if not t["passed"]}
    assert expected_fail, f"{case.name} names no expect-fail checks"
    assert failed == expected_fail
    feedback = "\n".join(t["feedback"] for t in tests.values())
    for text in expected_feedback:
        assert text.lower() in feedback.lower(), feedback


@pytest.mark.parametrize("case", _cases("right"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_correct_variant_gets_full_marks(case, tmp_path):
    topic = case.parent.name
    report = grade_json(submission_with(tmp_path, topic, as_module(case)), "--topic", topic)
    result = report["topics"][topic]
    assert result["score"] == result["max_score"], [t["feedback"] for t in result["tests"] if not t["passed"]]
