"""The similarity of a class as Markdown, JSON and a self-contained HTML page (no script, no network).

The Markdown and the page rank the flagged pairs and, for context, the next ``CONTEXT`` below the
threshold; the page shows each listed pair's shared code highlighted side by side. The JSON holds
the first ``JSON_PAIRS`` pairs (every flagged pair among them) and every wrong-output group.
"""

from __future__ import annotations

import html
import json
from pathlib import Path, PurePosixPath

import numpy as np

from grader import __version__
from grader.integrations.similarity import FLOOR, WINDOW, K, Pair, Similarity

CONTEXT = 10  # pairs below the threshold listed after the flagged ones
JSON_PAIRS = 10_000
CONTEXT_LINES = 3  # unshared lines shown around shared code on the page
FORMATS = (".md", ".json", ".html")

EXPLAIN = (
    "A student's *own code* is what is neither the starter code (the stubs of `exercises/`) nor written "
    "the same way in {common} or more students' submissions (the obvious way to write a line). A pair's "
    "score is the larger of the two shares of own code that the other student has too, after renaming and "
    "reformatting are undone (copydetect's tokens; own code counts as at least {floor} tokens). "
    "Pairs scoring {threshold:g} or more are flagged."
)
WEAKER = (
    "Weaker evidence than shared code. The inputs are deterministic, so students whose function returns "
    "the same wrong value on the same counterexample may share code, or only a misconception: more likely "
    "when the feedback names a known mistake or the group is large."
)


def listed(similarity: Similarity) -> list[Pair]:
    """The flagged pairs and the next ``CONTEXT`` below the threshold."""
    return similarity.pairs[: len(similarity.flagged) + CONTEXT]


def to_markdown(similarity: Similarity) -> str:
    lines = [
        f"# Similarity (convgrade {__version__})",
        "",
        _counts(similarity),
        "",
        _explain(similarity),
        "",
        f"## Pairs: {len(similarity.flagged)} flagged",
        "",
    ]
    if similarity.pairs:
        lines += ["| rank | students | score | shares | lines shared | where | same wrong output |"]
        lines += ["|---:|---|---:|---:|---:|---|---:|"]
        for rank, pair in enumerate(listed(similarity), start=1):
            if rank == len(similarity.flagged) + 1:
                lines.append(f"| | *below {similarity.threshold:g}* | | | | | |")
            lines.append(
                f"| {rank} | {_md(pair.a)} – {_md(pair.b)} | {pair.score:.2f} | {pair.shares[0]:.2f} / "
                f"{pair.shares[1]:.2f} | {pair.lines[0]} / {pair.lines[1]} | {_md(', '.join(_where(pair)))} "
                f"| {pair.same_wrong} |"
            )
    else:
        lines.append("No two students share code of their own.")
    lines += ["", f"## Same wrong output on the same input: {len(similarity.groups)} groups", "", WEAKER, ""]
    if similarity.groups:
        lines += ["| topic | test | function | students | named mistake | got |", "|---|---|---|---|---|---|"]
        for group in similarity.groups:
            lines.append(
                f"| {group.topic} | {_md(group.test)} | `{group.function}` | {_md(', '.join(group.students))} "
                f"| {_md(', '.join(group.mistakes)) or '—'} | {_md(_short(group.got))} |"
            )
    lines += [""] + [f"- {_md(note)}" for note in similarity.notes]
    return "\n".join(lines).rstrip() + "\n"


def to_json(similarity: Similarity) -> str:
    document = {
        "convgrade": __version__,
        "students": len(similarity.students),
        "with_own_code": sum(tokens > 0 for tokens in similarity.own.values()),
        "threshold": similarity.threshold,
        "common": similarity.common,
        "fingerprints": {"k": K, "window": WINDOW, "floor": FLOOR},
        "pairs": [
            {
                "students": [pair.a, pair.b],
                "score": round(float(pair.score), 4),
                "shares": [round(float(share), 4) for share in pair.shares],
                "lines": list(pair.lines),
                "modules": [list(modules) for modules in pair.modules],
                "same_wrong_outputs": pair.same_wrong,
                "flagged": bool(pair.score >= similarity.threshold),
            }
            for pair in similarity.pairs[:JSON_PAIRS]
        ],
        "pairs_not_listed": max(0, len(similarity.pairs) - JSON_PAIRS),
        "wrong_output_groups": [
            {
                "topic": group.topic,
                "test": group.test,
                "function": group.function,
                "students": list(group.students),
                "inputs": group.inputs,
                "got": group.got,
                "mistakes": list(group.mistakes),
            }
            for group in similarity.groups
        ],
        "notes": similarity.notes,
    }
    return json.dumps(document, indent=1) + "\n"


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: .3em .6em; text-align: left; vertical-align: top; }
td.n { text-align: right; }
tr.below td { color: #777; }
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1em; }
pre { background: #f7f7f7; padding: .6em; overflow: auto; max-height: 40em; font-size: 85%; }
mark { background: #ffd54f; }
"""


def to_html(similarity: Similarity) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>Similarity</title>',
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Similarity <small>(convgrade {e(__version__)})</small></h1>",
        f"<p>{e(_counts(similarity))}</p><p>{e(_explain(similarity).replace('*', '').replace('`', ''))}</p>",
        f"<h2>Pairs: {len(similarity.flagged)} flagged</h2>",
    ]
    if similarity.pairs:
        parts.append(
            "<table><tr><th>rank</th><th>students</th><th>score</th><th>shares</th><th>lines shared</th>"
            "<th>where</th><th>same wrong output</th></tr>"
        )
        for rank, pair in enumerate(listed(similarity), start=1):
            below = ' class="below"' if pair.score < similarity.threshold else ""
            parts.append(
                f'<tr{below}><td class="n">{rank}</td><td><a href="#pair-{rank}">{e(pair.a)} – {e(pair.b)}</a></td>'
                f'<td class="n">{pair.score:.2f}</td><td class="n">{pair.shares[0]:.2f} / {pair.shares[1]:.2f}</td>'
                f'<td class="n">{pair.lines[0]} / {pair.lines[1]}</td><td>{e(", ".join(_where(pair)))}</td>'
                f'<td class="n">{pair.same_wrong}</td></tr>'
            )
        parts.append("</table>")
        for rank, pair in enumerate(listed(similarity), start=1):
            parts.append(f'<h3 id="pair-{rank}">{rank}. {e(pair.a)} – {e(pair.b)}: {pair.score:.2f}</h3>')
            parts.append('<div class="pair">')
            for name, cut in zip((pair.a, pair.b), pair.slices):
                parts.append(
                    f"<div><b>{e(name)}</b><pre>{_highlighted(similarity.documents[name].text, cut)}</pre></div>"
                )
            parts.append("</div>")
    else:
        parts.append("<p>No two students share code of their own.</p>")
    parts += [f"<h2>Same wrong output on the same input: {len(similarity.groups)} groups</h2>", f"<p>{e(WEAKER)}</p>"]
    if similarity.groups:
        parts.append(
            "<table><tr><th>topic</th><th>test</th><th>function</th><th>students</th>"
            "<th>named mistake</th><th>inputs</th><th>got</th></tr>"
        )
        for group in similarity.groups:
            cells = [group.topic, group.test, group.function, ", ".join(group.students), ", ".join(group.mistakes)]
            cells += [_short(group.inputs, 200), _short(group.got)]
            parts.append("<tr>" + "".join(f"<td>{e(cell or '—')}</td>" for cell in cells) + "</tr>")
        parts.append("</table>")
    if similarity.notes:
        parts.append("<ul>" + "".join(f"<li>{e(note)}</li>" for note in similarity.notes) + "</ul>")
    return "\n".join(parts + ["</body></html>"]) + "\n"


def write(similarity: Similarity, out: Path) -> list[Path]:
    """``out/similarity.md``, ``.json`` and ``.html``; or only ``out`` when it names one of those formats."""
    render = {".md": to_markdown, ".json": to_json, ".html": to_html}
    targets = [out] if out.suffix in FORMATS else [out / f"similarity{suffix}" for suffix in FORMATS]
    for path in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render[path.suffix](similarity), encoding="utf-8")
    return targets


def _counts(similarity: Similarity) -> str:
    own = sum(tokens > 0 for tokens in similarity.own.values())
    return (
        f"{len(similarity.students)} students, {own} with code of their own "
        "(the others' code is all starter code or common code, or could not be read)."
    )


def _explain(similarity: Similarity) -> str:
    return EXPLAIN.format(common=similarity.common, floor=FLOOR, threshold=similarity.threshold)


def _where(pair: Pair) -> list[str]:
    """The files with shared code, by name (``convolution.py``, ``convolution.ipynb``)."""
    return list(dict.fromkeys(PurePosixPath(label).name for label in pair.modules[0] + pair.modules[1]))


def _highlighted(text: str, cut: np.ndarray) -> str:
    """``text`` escaped, shared spans in ``<mark>``, long unshared stretches cut to ``CONTEXT_LINES`` around them."""
    from copydetect.utils import highlight_overlap

    spans = []
    for start, end in zip(*cut):
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    if not spans:
        return html.escape(text)
    marked, _ = highlight_overlap(text, np.array(spans).T, "<mark>", "</mark>", CONTEXT_LINES, escape_html=True)
    return marked


def _short(value, limit: int = 80) -> str:
    """A value of a counterexample in a few words: an array as dtype, shape and first values."""
    if isinstance(value, dict) and {"dtype", "shape", "values"} <= value.keys():
        shown = ", ".join(map(str, value["values"][:6])) + (", …" if len(value["values"]) > 6 else "")
        return f"{value['dtype']} {tuple(value['shape'])} [{shown}]"
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
