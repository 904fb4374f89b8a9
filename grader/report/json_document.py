"""The contract's JSON report, with the feedback as data (``grader.checks.feedback``) on every test."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the command line reads FORMATS before PyTorch is imported
    from grader.score.grade import GradeResult, TestResult


def to_json(result: GradeResult) -> str:
    """The contract's document; a topic whose module reaches names by computation also has ``"review"``
    (a list of "where, line N: what" for the instructor), an optional field beyond the contract's."""
    document = {
        "score": result.score,
        "max_score": result.max_score,
        "topics": {name: _topic_json(topic) for name, topic in result.topics.items()},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _topic_json(topic) -> dict:
    document = {
        "score": topic.score,
        "max_score": topic.max_score,
        "tests": [
            {
                "name": t.name,
                "score": t.score,
                "max_score": t.max_score,
                "passed": t.passed,
                "feedback": t.feedback,
                **_feedback_data(t),
            }
            for t in topic.tests
        ],
    }
    if topic.review:
        document["review"] = list(topic.review)
    return document


def _feedback_data(test: TestResult) -> dict:
    """The feedback as data (``grader.checks.feedback``), beyond the contract: see docs/reference.md."""
    return {
        "counterexample": test.counterexample,
        "mistakes": [{"id": m.id, "text": m.text} for m in test.mistakes],
        "features": [{"name": name, "passed": held} for name, held in test.features],
        "not_implemented": test.not_implemented,
        "illustration": test.illustration,
    }
