"""The HTML report: one self-contained page per student, readable on a phone, a laptop and on paper.

No script, no network: the style is inline and the pictures (``grader.report.pictures``) are
``data:`` URIs. The score table comes first, then each topic, those with failed tests first: a
failed test shows the mistake the grader named, its checklist of features, its words and the
pictures of its counterexample; passed tests are folded away. Every text that can hold the
student's output is escaped.

``topic_html(name, topic)`` is one topic as a fragment with its own ``<style>`` (scoped to
``.convgrade``), for pages the grader does not own: nbgrader puts it in a notebook's cell output.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from grader.report.common import REVIEW, html_words, points, stub_line, unimplemented
from grader.report.pictures import Picture, test_pictures

SCALE = 1.5  # pictures are drawn small; the page shows them larger (SVG stays sharp)
LIKELY = "Likely mistake: "  # how the feedback's words name a mistake (grader.checks.failure.LIKELY)

if TYPE_CHECKING:  # annotations only: the command line reads FORMATS before PyTorch is imported
    from grader.score.grade import GradeResult, TestResult, TopicResult

STYLE = """
.convgrade { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: #1b1b1b; background: #fff; overflow-wrap: anywhere; }
.convgrade main { max-width: 60rem; margin: 0 auto; padding: 0.75rem; }
.convgrade h1 { font-size: 1.5rem; margin: 0.5rem 0; }
.convgrade h2 { font-size: 1.25rem; margin: 1.5rem 0 0.5rem; border-bottom: 2px solid #ddd; }
.convgrade h3 { font-size: 1.05rem; margin: 0 0 0.4rem; }
.convgrade table.scores { border-collapse: collapse; width: 100%; max-width: 32rem; }
.convgrade .scores th, .convgrade .scores td { padding: 0.2rem 0.5rem; border-bottom: 1px solid #ddd; }
.convgrade .scores td + td, .convgrade .scores th + th { text-align: right; white-space: nowrap; }
.convgrade .scores tfoot td { font-weight: bold; border-bottom: none; }
.convgrade .note { color: #444; background: #f4f4f4; padding: 0.4rem 0.6rem; border-radius: 4px; }
.convgrade .test { border: 1px solid #ddd; border-left: 6px solid #c62828; border-radius: 4px;
  padding: 0.6rem 0.8rem; margin: 0.8rem 0; }
.convgrade .test.partial { border-left-color: #e0a800; }
.convgrade .points { white-space: nowrap; color: #444; font-weight: normal; }
.convgrade .mark { font-weight: bold; color: #b71c1c; }
.convgrade .partial .mark { color: #8a6100; }
.convgrade .mistake { background: #fff4e5; border: 1px solid #f0c36d; border-radius: 4px;
  padding: 0.4rem 0.6rem; margin: 0.4rem 0; }
.convgrade ul.features { list-style: none; padding: 0; margin: 0.4rem 0; display: flex; flex-wrap: wrap;
  gap: 0.3rem; }
.convgrade .features li { border: 1px solid #ccc; border-radius: 1rem; padding: 0 0.6rem; font-size: 0.9rem; }
.convgrade .features .held { background: #e8f5e9; }
.convgrade .features .missed { background: #ffebee; font-weight: bold; }
.convgrade pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa; padding: 0.5rem;
  border-radius: 4px; font-size: 0.85rem; margin: 0.4rem 0; }
.convgrade figure { margin: 0.6rem 0; }
.convgrade figure img { display: block; max-width: 100%; height: auto; }
.convgrade figcaption { font-size: 0.85rem; color: #444; }
.convgrade details { margin: 0.5rem 0; }
.convgrade summary { cursor: pointer; color: #2e7d32; }
.convgrade .passed li { color: #2e7d32; }
.convgrade footer { color: #666; font-size: 0.8rem; margin-top: 2rem; }
@media print {
  .convgrade { font-size: 11pt; }
  .convgrade main { max-width: none; padding: 0; }
  .convgrade a { color: inherit; text-decoration: none; }
  .convgrade .test, .convgrade figure, .convgrade tr { break-inside: avoid; }
  .convgrade details::details-content { content-visibility: visible; display: block; }
}
"""


def to_html(result: GradeResult) -> str:
    """The whole page: the score table, then the topics with failed tests, then the others."""
    title = f"Feedback: {points(result.score)} / {points(result.max_score)}"
    order = sorted(result.topics.items(), key=lambda item: all(t.passed for t in item[1].tests))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_text(title)}</title><style>{STYLE}</style></head>",
        '<body class="convgrade"><main>',
        f"<h1>{_text(title)}</h1>",
        _score_table(result),
        *(f'<p class="note">{_text(note)}</p>' for note in result.notes),
        *(_topic(name, topic) for name, topic in order),
        f"<footer>convgrade {_text(result.version)}</footer>",
        "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"


def topic_html(name: str, topic: TopicResult) -> str:
    """One topic as a self-contained fragment (its style included), for a notebook's output or any page."""
    return f'<div class="convgrade"><style>{STYLE}</style>\n{_topic(name, topic)}\n</div>\n'


def _score_table(result: GradeResult) -> str:
    rows = []
    for name, topic in result.topics.items():
        passed = sum(t.passed for t in topic.tests)
        rows.append(
            f'<tr><td><a href="#{_anchor(name)}">{_text(name)}</a></td>'
            f"<td>{_fraction(topic.score, topic.max_score)}</td><td>{passed}&nbsp;/&nbsp;{len(topic.tests)}</td></tr>"
        )
    return (
        '<table class="scores"><thead><tr><th>topic</th><th>score</th><th>tests passed</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody><tfoot><tr><td>total</td>"
        f"<td>{_fraction(result.score, result.max_score)}</td><td></td></tr></tfoot></table>"
    )


def _topic(name: str, topic: TopicResult) -> str:
    """A topic's section: its notes, its failed tests in full (stubs once per function), its passed tests folded."""
    mark = "✓ " if all(t.passed for t in topic.tests) else ""
    parts = [f'<section id="{_anchor(name)}">', f"<h2>{mark}{_text(name)} {_score(topic.score, topic.max_score)}</h2>"]
    parts += [f'<p class="note">{_text(note)}</p>' for note in topic.notes]
    if topic.review:
        items = "".join(f"<li>{_text(item)}</li>" for item in topic.review)
        parts.append(f'<div class="note">{_text(REVIEW)}:<ul>{items}</ul></div>')
    passed = [t for t in topic.tests if t.passed]
    if topic.reason:  # said once; the tests failed for it are only listed
        parts.append(f"<pre>{_text(topic.reason)}</pre>")
        parts.append(_folded(f"{len(topic.tests)} tests not run", topic.tests, "failed"))
    else:
        stubs = unimplemented(topic)
        if stubs:
            items = "".join(f"<li>{_text(stub_line(function, tests))}</li>" for function, tests in stubs.items())
            parts.append(
                f'<div class="test"><h3><span class="mark">Not implemented yet</span></h3><ul>{items}</ul></div>'
            )
        parts += [_failed(test) for test in topic.tests if not test.passed and test.function not in stubs]
    if passed:
        parts.append(_folded(f"{len(passed)} test{'s' if len(passed) > 1 else ''} passed", passed, "passed"))
    parts.append("</section>")
    return "\n".join(parts)


def _failed(test: TestResult) -> str:
    """A failed test: its mark and points, the named mistakes, its checklist, its words and its pictures."""
    partial = test.score > 0
    parts = [
        f'<article class="test{" partial" if partial else ""}">',
        f'<h3><span class="mark">{"PARTIAL" if partial else "FAILED"}</span> {_text(test.name)} '
        f"{_score(test.score, test.max_score)}</h3>",
    ]
    parts += [f'<p class="mistake"><strong>{LIKELY}</strong>{html_words(m.text)}</p>' for m in test.mistakes]
    if test.features:
        items = "".join(
            f'<li class="{"held" if held else "missed"}">{"✓" if held else "✗"} {_text(name)}</li>'
            for name, held in test.features
        )
        parts.append(f'<ul class="features" aria-label="what works">{items}</ul>')
    if test.feedback:
        parts.append(f"<pre>{html_words(words_after_mistakes(test))}</pre>")
    parts += [figure(picture) for picture in test_pictures(test)]
    parts.append("</article>")
    return "\n".join(parts)


def words_after_mistakes(test: TestResult) -> str:
    """The feedback's words without the lines naming its ``mistakes``, which a report shows above them."""
    said = {f"{LIKELY}{m.text}" for m in test.mistakes}
    return "\n".join(line for line in test.feedback.splitlines() if line.strip() not in said)


def figure(picture: Picture) -> str:
    """``picture`` as a ``<figure>``: the SVG image (a ``data:`` URI at ``SCALE`` times its size, scaled down to
    fit a narrow screen) and its caption."""
    width, height = (round(n * SCALE) for n in picture.pixels)
    return (
        f'<figure><img src="{picture.data_uri("svg")}" alt="{_text(picture.alt)}" width="{width}" height="{height}">'
        f"<figcaption>{_text(picture.caption)}</figcaption></figure>"
    )


def _folded(summary: str, tests: list[TestResult], kind: str) -> str:
    items = "".join(f"<li>{_text(t.name)} {_score(t.score, t.max_score)}</li>" for t in tests)
    return f'<details class="{kind}"><summary>{_text(summary)}</summary><ul>{items}</ul></details>'


def _score(score: float, max_score: float) -> str:
    return f'<span class="points">({_fraction(score, max_score)})</span>'


def _fraction(score: float, max_score: float) -> str:
    return f"{points(score)}&nbsp;/&nbsp;{points(max_score)}"


def _anchor(name: str) -> str:
    return "topic-" + re.sub(r"[^\w-]", "-", name)


def _text(text: str) -> str:
    return html.escape(text, quote=True)
