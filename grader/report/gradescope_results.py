"""Gradescope's ``results.json``: a test per entry, the score per topic as the top-level output.

A failed test's output is HTML (``output_format``): the mistake the grader named, the checklist of
features, the feedback's words and the pictures of its counterexample as PNG ``data:`` URIs, each
followed by its description in words, so that it reads the same if Gradescope's sanitiser drops the
image. A passed test says "passed" in text. Who sees each test follows the config's ``[visibility]``
table, which the grade carries (``GradeResult.visibility``); the per-topic summary counts only the
tests every student sees.
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING

from grader.report.common import html_words, points
from grader.report.html import LIKELY, words_after_mistakes
from grader.report.pictures import test_pictures

if TYPE_CHECKING:  # annotations only: the command line reads FORMATS before PyTorch is imported
    from grader.score.grade import GradeResult, TestResult


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
                    "output": "passed" if test.passed else failed_html(test),
                    "output_format": "text" if test.passed else "html",
                    "visibility": visibility_of(result.visibility, name, test.id),
                }
            )
    document = {
        "score": result.score,
        "output": _summary(result),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def visibility_of(table: dict, topic: str, test_id: str) -> str:
    """Who sees a test: the config's ``[visibility]`` entry for ``"topic.test_id"``, else for the topic,
    else its ``default``, else ``"visible"``."""
    return table.get(f"{topic}.{test_id}", table.get(topic, table.get("default", "visible")))


def failed_html(test: TestResult) -> str:
    """A failed test for Gradescope's HTML output: plain tags only, no style, no script."""
    parts = [f"<p><strong>{LIKELY}</strong>{html_words(m.text)}</p>" for m in test.mistakes]
    if test.features:
        checklist = ", ".join(f"{_text(name)} {'✓' if held else '✗'}" for name, held in test.features)
        parts.append(f"<p>What works: {checklist}</p>")
    if test.feedback:
        parts.append(f"<pre>{html_words(words_after_mistakes(test))}</pre>")
    for picture in test_pictures(test):
        width, height = picture.pixels
        parts.append(
            f'<p><img src="{picture.data_uri("png")}" alt="{_text(picture.alt)}" width="{width}" height="{height}">'
            f"<br>Picture: {_text(picture.alt)} {_text(picture.caption)}</p>"
        )
    return "\n".join(parts)


def _summary(result: GradeResult) -> str:
    """The grader's version, each topic's score over the tests shown to every student, the grade's notes."""
    lines = [f"convgrade {result.version}", "", "Score per topic:"]
    width = max((len(name) for name in result.topics), default=0)
    for name, topic in result.topics.items():
        shown = [t for t in topic.tests if visibility_of(result.visibility, name, t.id) == "visible"]
        unseen = len(topic.tests) - len(shown)
        if not shown:
            lines.append(f"  {name:<{width}}  not shown here ({unseen} test{'s' if unseen > 1 else ''})")
            continue
        score, top = points(sum(t.score for t in shown)), points(sum(t.max_score for t in shown))
        passed = f"{sum(t.passed for t in shown)} of {len(shown)} tests passed"
        more = f"; {unseen} more not shown here" if unseen else ""
        lines.append(f"  {name:<{width}}  {score} / {top}  ({passed}{more})")
    return "\n".join([*lines, "", *result.notes]).rstrip() + "\n"


def _text(text: str) -> str:
    return html.escape(text, quote=True)
