"""Gradescope's ``results.json``: one entry per test, the grader's version and notes as the top-level output."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the command line reads FORMATS before PyTorch is imported
    from grader.score.grade import GradeResult


def to_gradescope(result: GradeResult) -> str:
    tests = []
    for name, topic in result.topics.items():
        for test in topic.tests:
            tests.append(
                {
                    "name": f"{name}: {test.name}",
                    "score": test.score,
                    "max_score": test.max_score,
                    "status": "passed" if test.passed else "failed",
                    "output": test.feedback or "passed",
                    "visibility": "visible",
                }
            )
    output = "\n".join([f"convgrade {result.version}", *result.notes])
    document = {
        "score": result.score,
        "output": output,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
