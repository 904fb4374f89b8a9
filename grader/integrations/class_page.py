"""``DIR/index.html``: the class on one page, for the instructor.

Per topic, the score distribution (the box plot of ``scores.png``, inline) and its figures; the
mistake groups of ``summary.json`` and the tests failed most often, each with the students behind
it; the pairs ``grader similarity`` flagged (from ``similarity.json``, when it ran); every student
with a link to their report. Self-contained like the student's report (``grader.report.html``): inline
style, the picture a ``data:`` URI, no script; every name and text escaped.
"""

from __future__ import annotations

import html
import json
import statistics
from pathlib import Path

from grader import __version__
from grader.integrations.class_reports import (
    MISTAKES_LISTED,
    MOST_FAILED,
    mistake_groups,
    number,
    read_results,
    scores_plot,
    write,
)
from grader.report.html import STYLE
from grader.report.pictures import Picture
from grader.topics import TOPIC_NAMES

PAIRS_LISTED = 20
CLASS_STYLE = """
.convgrade .wide { overflow-x: auto; }
.convgrade table.class { border-collapse: collapse; margin: 0.5rem 0; }
.convgrade .class th, .convgrade .class td { padding: 0.2rem 0.5rem; border-bottom: 1px solid #ddd;
  text-align: left; vertical-align: top; }
.convgrade .class td.n { text-align: right; white-space: nowrap; }
.convgrade nav a { margin-right: 0.8rem; }
"""


def write_class_page(out: Path, students: list[str]):
    write(out / "index.html", class_page(out, students))


def class_page(out: Path, students: list[str]) -> str:
    results = read_results(out, students)
    graded = {s: d for s, d in results.items() if d is not None and d.get("status") == "graded"}
    groups = mistake_groups(results)
    parts = [
        f"<h1>Class results: {len(graded)} of {len(results)} students graded</h1>",
        _links(out),
        _distributions(results, graded),
        _groups(groups),
        _similarity(out / "similarity.json"),
        _students(results),
        f"<footer>convgrade {html.escape(__version__)}</footer>",
    ]
    body = "\n".join(part for part in parts if part)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Class results</title><style>{STYLE}{CLASS_STYLE}</style></head>\n"
        f'<body class="convgrade"><main>\n{body}\n</main></body></html>\n'
    )


def _links(out: Path) -> str:
    files = ["gradebook.csv", "summary.md", "summary.json", "changes.md", "similarity.html", "students.csv"]
    present = [name for name in files if (out / name).exists()]
    return "<nav>" + "".join(f'<a href="{html.escape(n)}">{html.escape(n)}</a>' for n in present) + "</nav>"


def _distributions(results: dict, graded: dict) -> str:
    if not graded:
        return ""
    import matplotlib.pyplot as plt

    figure = scores_plot(results)
    rows, said = [], []
    for topic in TOPIC_NAMES:
        scores = [d["topics"][topic]["score"] for d in graded.values()]
        top = next(iter(graded.values()))["topics"][topic]["max_score"]
        mean, median = statistics.mean(scores), statistics.median(scores)
        full = sum(score >= top for score in scores)
        rows.append(
            f"<tr><td>{html.escape(topic)}</td><td class=n>{number(top)}</td><td class=n>{mean:.2f}</td>"
            f"<td class=n>{median:.2f}</td><td class=n>{number(min(scores))}</td>"
            f"<td class=n>{number(max(scores))}</td><td class=n>{full} / {len(scores)}</td></tr>"
        )
        said.append(f"{topic}: median {median / (top or 1):.0%}, mean {mean / (top or 1):.0%}")
    alt = "Box plot of each topic's scores as a share of its points. " + "; ".join(said) + "."
    picture = Picture(alt, "", figure)
    image = f'<img src="{picture.data_uri("svg")}" alt="{html.escape(alt)}">'
    plt.close(figure)
    return (
        f"<h2>Scores per topic</h2><figure>{image}</figure>"
        '<div class="wide"><table class="class"><thead><tr><th>topic</th><th>max</th><th>mean</th>'
        "<th>median</th><th>min</th><th>max reached</th><th>full marks</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _who(students: list[str]) -> str:
    return ", ".join(f'<a href="{html.escape(s)}.html">{html.escape(s)}</a>' for s in students)


def _groups(groups: dict) -> str:
    mistakes, tests, unwritten = groups["mistakes"], groups["tests"], groups["unwritten"]
    parts = ["<h2>Mistakes the feedback named</h2>"]
    if not mistakes:
        parts.append("<p>None named.</p>")
    for group in mistakes[:MISTAKES_LISTED]:
        parts.append(
            f"<p><strong>{html.escape(group['topic'])}</strong> ({len(group['students'])}): "
            f"{html.escape(group['text'])}<br>{_who(group['students'])}</p>"
        )
    if len(mistakes) > MISTAKES_LISTED:
        parts.append(f"<p>{len(mistakes) - MISTAKES_LISTED} more in summary.json.</p>")
    parts.append("<h2>Tests failed most often</h2>")
    stubbed = sum(len(g["students"]) for g in unwritten)
    parts.append(
        f"<p>{min(len(tests), MOST_FAILED)} of {len(tests)} failed tests; left out: {stubbed} failures of functions "
        "still unwritten.</p>"
    )
    parts += [
        f"<p><strong>{html.escape(g['topic'])}: {html.escape(g['test'])}</strong> ({len(g['students'])}): "
        f"{_who(g['students'])}</p>"
        for g in tests[:MOST_FAILED]
    ]
    return "\n".join(parts)


def _similarity(path: Path) -> str:
    if not path.exists():
        return "<h2>Similar submissions</h2><p>Not compared: run <code>grade-all --similarity</code>.</p>"
    found = json.loads(path.read_text(encoding="utf-8"))
    flagged = [pair for pair in found["pairs"] if pair["flagged"]]
    parts = [
        "<h2>Similar submissions</h2>",
        f"<p>{len(flagged)} pair(s) at the threshold {found['threshold']:g} or above; "
        f"{len(found['wrong_output_groups'])} group(s) with the same wrong output. "
        '<a href="similarity.html">The shared code, highlighted</a>.</p>',
    ]
    parts += [f"<p>{_who(pair['students'])}: {pair['score']:.2f}</p>" for pair in flagged[:PAIRS_LISTED]]
    return "\n".join(parts)


def _students(results: dict) -> str:
    rows = []
    for student, document in results.items():
        total = f"{number(document['score'])} / {number(document['max_score'])}" if document else ""
        status = document.get("status", "") if document else "not graded yet"
        link = _who([student]) if document else html.escape(student)
        rows.append(f"<tr><td>{link}</td><td class=n>{total}</td><td>{html.escape(status)}</td></tr>")
    return (
        f"<h2>Students ({len(results)})</h2>"
        '<div class="wide"><table class="class"><thead><tr><th>student</th><th>score</th><th>status</th></tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
