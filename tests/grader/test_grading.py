"""The grader end to end: full marks for solutions/, zero for the stubs, every wrong
implementation caught in its own topic, every correct variant given full marks.
(Byte-identical results run after run, cold, warm, uncached and serial: test_cache.py.)"""

from __future__ import annotations

import json

import pytest
from helpers import CASES, ROOT, as_module, case_credits, case_expectations, named_mistakes, run_grader

from grader.checks import LIKELY
from grader.load.submission import Submission, load_submission
from grader.report import to_json, to_text
from grader.score.grade import grade_submission
from grader.topics import TOPICS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def solutions_json():
    result = run_grader("grade", ROOT / "solutions", "--format", "json", "--quiet")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_solutions_get_every_point(solutions_json):
    report = json.loads(solutions_json)
    assert set(report["topics"]) == set(TOPICS)
    failed = {
        f"{topic}/{t['name']}": t["feedback"]
        for topic, r in report["topics"].items()
        for t in r["tests"]
        if not t["passed"]
    }
    assert failed == {}
    assert report["score"] == report["max_score"] == 100.0


def test_stubs_score_zero_and_say_not_implemented_once_per_function_in_the_text_report():
    result = grade_submission(load_submission(ROOT / "exercises", TOPICS), jobs=2)
    report = json.loads(to_json(result))
    assert report["score"] == 0.0
    for topic, graded in report["topics"].items():
        for test in graded["tests"]:
            assert not test["passed"], (topic, test["name"])
            assert "not implemented" in test["feedback"], (topic, test["name"], test["feedback"])
    functions = {(topic, test.function) for topic, graded in result.topics.items() for test in graded.tests}
    text = to_text(result, width=100)
    assert text.count("NOT IMPLEMENTED YET") == len(functions) and "FAILED" not in text
    assert len(text.splitlines()) < 100


def grade_case(case):
    """The case's topic graded in this process (the sandbox's zygote is shared between cases)."""
    topic = case.parent.name
    submission = Submission({topic: as_module(case).encode()}, case.name)
    return grade_submission(submission, topics=[topic]).topics[topic]


def _cases(prefix):
    return sorted(CASES.glob(f"*/{prefix}_*.py"), key=lambda p: (p.parent.name, p.name))


@pytest.mark.parametrize("case", _cases("wrong"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_wrong_implementation_loses_points_in_its_checks(case):
    expected_fail, expected_feedback = case_expectations(case)
    assert expected_fail, f"{case.name} names no expect-fail checks"
    result = grade_case(case)
    failed = {t.id for t in result.tests if not t.passed}
    assert failed == expected_fail, {t.id: t.feedback for t in result.tests if not t.passed}
    feedback = "\n".join(t.feedback for t in result.tests)
    for text in expected_feedback:
        assert text.lower() in feedback.lower(), feedback
    credits = {t.id: round(t.score / t.max_score, 3) for t in result.tests}
    assert {check: credits[check] for check in case_credits(case)} == case_credits(case), feedback
    # no hint may name a mistake the code does not make: every named one is what the case expects
    for named in named_mistakes(feedback):
        assert any(text.lower() in named.lower() for text in expected_feedback), named
    for test in result.tests:  # the feedback's data says what its words say
        assert_feedback_data_matches_words(test)


def test_every_wrong_case_declares_what_each_failing_test_should_keep():
    """A reader's judgement of what each mistake should cost: an ``expect-credit`` for every expected failure
    (``test_wrong_implementation_loses_points_in_its_checks`` holds the grader to it)."""
    undeclared = {
        f"{case.parent.name}/{case.stem}": sorted(case_expectations(case)[0] - set(case_credits(case)))
        for case in _cases("wrong")
    }
    assert {case: checks for case, checks in undeclared.items() if checks} == {}


def assert_feedback_data_matches_words(test):
    """The JSON fields of a test agree with its words: each "Likely mistake: ..." line is one of its
    ``mistakes``, in order, and a failing test whose words show a counterexample's input has one."""
    lines = [
        line.strip().removeprefix(LIKELY) for line in test.feedback.splitlines() if line.strip().startswith(LIKELY)
    ]
    assert list(dict.fromkeys(lines)) == [m.text for m in test.mistakes], (test.feedback, test.mistakes)
    if "\n    Input: " in test.feedback:
        assert test.counterexample is not None, test.feedback


@pytest.mark.parametrize("case", _cases("right"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_correct_variant_gets_full_marks(case):
    result = grade_case(case)
    assert result.score == result.max_score, [t.feedback for t in result.tests if not t.passed]


def test_every_array_valued_property_runs_at_least_100_examples():
    from grader.checks import Property
    from grader.score.config import Config

    assert Config().examples_for("convolution") >= 100
    capped = [
        f"{topic}.{check.id}"
        for topic, module in TOPICS.items()
        for check in module.CHECKS
        if isinstance(check, Property) and check.array_valued and check.examples and check.examples < 100
    ]
    assert capped == []
