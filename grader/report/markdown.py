"""The Markdown report (``feedback.md``): a score table, then every test of every topic with its mark."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grader.report.common import NO_BREAK, REVIEW, points, stub_line, unimplemented

if TYPE_CHECKING:  # annotations only: the command line reads FORMATS before PyTorch is imported
    from grader.score.grade import GradeResult


def to_markdown(result: GradeResult) -> str:
    lines = [
        f"# Feedback for {result.origin}: {points(result.score)} / {points(result.max_score)}",
        "",
        "| topic | score | tests passed |",
        "|---|---:|---:|",
    ]
    for name, topic in result.topics.items():
        passed = sum(t.passed for t in topic.tests)
        lines.append(f"| {name} | {points(topic.score)} / {points(topic.max_score)} | {passed} / {len(topic.tests)} |")
    lines += [""] + [f"> {note}" for note in result.notes] if result.notes else []
    for name, topic in result.topics.items():
        lines += ["", f"## {name} ({points(topic.score)} / {points(topic.max_score)})", ""]
        lines += [f"> {note}" for note in topic.notes]
        if topic.review:
            lines += [f"> {REVIEW}:"] + [f"> - {item}" for item in topic.review] + [""]
        if topic.reason:  # said once; the tests are listed without it
            lines += ["```text", *topic.reason.splitlines(), "```", ""]
        stubs, shown = unimplemented(topic), set()
        for test in topic.tests:
            if test.function in stubs:
                if test.function not in shown:
                    shown.add(test.function)
                    lines.append(
                        f"- ❌ not implemented yet: {stub_line(test.function, stubs[test.function])}".replace(
                            NO_BREAK, " "
                        )
                    )
                continue
            mark = "✅" if test.passed else "🟨" if test.score > 0 else "❌"
            lines.append(f"- {mark} {test.name} ({points(test.score)} / {points(test.max_score)})")
            if test.feedback and not test.passed and not topic.reason:
                lines += ["", "  ```text"] + [f"  {line}" for line in test.feedback.splitlines()] + ["  ```", ""]
    return "\n".join(lines) + "\n"
