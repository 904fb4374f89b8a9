"""Stage 5, report: a ``GradeResult`` as text, JSON, Markdown or Gradescope results.

JSON follows the contract; Gradescope follows its ``results.json`` schema.
Every format is a pure function of the result, so the same grade gives the
same bytes.
"""
from __future__ import annotations

import io
import json

from rich import box
from rich.console import Console
from rich.table import Table

from grader.grade import GradeResult

FORMATS = ("text", "json", "markdown", "gradescope")


def render(result: GradeResult, fmt: str) -> str:
    return {"text": to_text, "json": to_json, "markdown": to_markdown, "gradescope": to_gradescope}[fmt](result)


def _points(x: float) -> str:
    return f"{x:g}"


def to_json(result: GradeResult) -> str:
    document = {
        "score": result.score,
        "max_score": result.max_score,
        "topics": {
            name: {
                "score": topic.score,
                "max_score": topic.max_score,
                "tests": [{"name": t.name, "score": t.score, "max_score": t.max_score,
                           "passed": t.passed, "feedback": t.feedback} for t in topic.tests],
            }
            for name, topic in result.topics.items()
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_text(result: GradeResult) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=110, color_system=None, force_terminal=False, highlight=False)
    summary = Table(title=f"convgrade {result.version}: {result.origin}", box=box.SIMPLE_HEAD)
    summary.add_column("topic")
    summary.add_column("score", justify="right")
    summary.add_column("tests passed", justify="right")
    for name, topic in result.topics.items():
        passed = sum(t.passed for t in topic.tests)
        summary.add_row(name, f"{_points(topic.score)} / {_points(topic.max_score)}", f"{passed} / {len(topic.tests)}")
    summary.add_row("total", f"{_points(result.score)} / {_points(result.max_score)}", "", style="bold")
    console.print(summary)
    for name, topic in result.topics.items():
        failed = [t for t in topic.tests if not t.passed]
        if not failed and not topic.notes:
            continue
        console.print(f"\n[bold]{name}[/bold]  {_points(topic.score)} / {_points(topic.max_score)}")
        for note in topic.notes:
            console.print(f"  note: {note}", markup=False)
        for test in failed:
            console.print(f"  FAILED {test.name}  ({_points(test.score)} / {_points(test.max_score)})", markup=False)
            for line in test.feedback.splitlines():
                console.print(f"      {line}", markup=False)
    return buffer.getvalue()


def to_markdown(result: GradeResult) -> str:
    lines = [f"# Feedback: {_points(result.score)} / {_points(result.max_score)}", "",
             "| topic | score | tests passed |", "|---|---:|---:|"]
    for name, topic in result.topics.items():
        passed = sum(t.passed for t in topic.tests)
        lines.append(f"| {name} | {_points(topic.score)} / {_points(topic.max_score)} | {passed} / {len(topic.tests)} |")
    for name, topic in result.topics.items():
        lines += ["", f"## {name} ({_points(topic.score)} / {_points(topic.max_score)})", ""]
        lines += [f"> {note}" for note in topic.notes]
        for test in topic.tests:
            mark = "✅" if test.passed else "❌"
            lines.append(f"- {mark} {test.name} ({_points(test.score)} / {_points(test.max_score)})")
            if test.feedback and not test.passed:
                lines += ["", "  ```text"] + [f"  {line}" for line in test.feedback.splitlines()] + ["  ```", ""]
    return "\n".join(lines) + "\n"


def to_gradescope(result: GradeResult) -> str:
    tests = []
    for name, topic in result.topics.items():
        for test in topic.tests:
            tests.append({
                "name": f"{name}: {test.name}",
                "score": test.score,
                "max_score": test.max_score,
                "status": "passed" if test.passed else "failed",
                "output": test.feedback or "passed",
                "visibility": "visible",
            })
    document = {"score": result.score, "output": f"convgrade {result.version}", "visibility": "visible",
                "stdout_visibility": "hidden", "tests": tests}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
