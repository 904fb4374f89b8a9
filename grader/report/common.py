"""What every report shares: points as a person reads them, stubs said once, the review line."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the command line reads FORMATS before PyTorch is imported
    from grader.score.grade import TestResult, TopicResult

NO_BREAK = "\u00a0"  # a space the text report never wraps at


REVIEW = "flagged for review (computed access the static scan cannot read; scores nothing by itself)"


def points(x: float) -> str:
    """Points for a person: at most two decimals (JSON keeps the exact value)."""
    return f"{round(x, 2):g}"


EMPHASIS = re.compile(r"(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])")  # Markdown's *flipped* in the feedback


def plain(text: str) -> str:
    """Feedback without Markdown emphasis (``*flipped*`` -> ``flipped``)."""
    return EMPHASIS.sub(r"\1", text)


def html_words(text: str) -> str:
    """Feedback for HTML: escaped (it can hold the student's output), its Markdown emphasis as ``<em>``."""
    return EMPHASIS.sub(r"<em>\1</em>", html.escape(text, quote=True))


def score_text(score: float, max_score: float) -> str:
    """``(score / max)``, kept on one line when wrapped (no-break spaces, see ``_wrapped``)."""
    return f"({points(score)}{NO_BREAK}/{NO_BREAK}{points(max_score)})"


def unimplemented(topic: TopicResult) -> dict[str, list[TestResult]]:
    """The functions of ``topic`` that are still stubs (each of their tests failed on the stub), with their tests."""
    tests: dict[str, list[TestResult]] = {}
    for test in topic.tests:
        tests.setdefault(test.function, []).append(test)
    return {function: own for function, own in tests.items() if all(t.not_implemented for t in own)}


def stub_line(function: str, tests: list[TestResult]) -> str:
    count = f"{len(tests)} test" + ("s" if len(tests) > 1 else "")
    return f"{function}  {score_text(0, sum(t.max_score for t in tests))} in {count}"
