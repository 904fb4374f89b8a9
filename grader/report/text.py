"""The text report: the score table, then each failed test's feedback wrapped to the terminal."""

from __future__ import annotations

import io
import shutil
import textwrap
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table

from grader.report.common import NO_BREAK, REVIEW, plain, points, score_text, stub_line, unimplemented

if TYPE_CHECKING:  # annotations only: the command line reads FORMATS before PyTorch is imported
    from grader.score.grade import GradeResult


PLAIN_WIDTH = 100  # text width when stdout is not a terminal


def terminal_width() -> int:
    """``$COLUMNS`` if set, else the width of the terminal stdout is, else ``PLAIN_WIDTH``."""
    return shutil.get_terminal_size((PLAIN_WIDTH, 24)).columns


def _wrapped(line: str, indent: str, width: int) -> list[str]:
    """``line`` wrapped to ``width``, continuation lines keeping the line's own indentation; a bracketed
    group (a shape, a small tensor's values) is not split unless it is longer than half the width."""
    own = indent + line[: len(line) - len(line.lstrip())]
    line = _groups_kept_together(line.strip(), max(width // 2, 20))
    lines = textwrap.wrap(
        line,
        width=max(width, len(own) + 20),
        initial_indent=own,
        subsequent_indent=own + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [text.replace(NO_BREAK, " ") for text in lines] or [""]


def _groups_kept_together(text: str, longest: int) -> str:
    """``text`` with no-break spaces inside each outermost (...) or [...] of at most ``longest`` characters."""
    pieces, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "([":
            if depth == 0:
                pieces.append(text[start:i])
                start = i
            depth += 1
        elif char in ")]" and depth > 0:
            depth -= 1
            if depth == 0:
                group = text[start : i + 1]
                pieces.append(group.replace(" ", NO_BREAK) if len(group) <= longest else group)
                start = i + 1
    return "".join(pieces) + text[start:]


def to_text(result: GradeResult, width: int | None = None) -> str:
    width = width or terminal_width()
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, highlight=False)
    summary = Table(title=f"convgrade {result.version}: {result.origin}", box=box.SIMPLE_HEAD)
    summary.add_column("topic")
    summary.add_column("score", justify="right")
    summary.add_column("tests passed", justify="right")
    for name, topic in result.topics.items():
        passed = sum(t.passed for t in topic.tests)
        summary.add_row(name, f"{points(topic.score)} / {points(topic.max_score)}", f"{passed} / {len(topic.tests)}")
    summary.add_row("total", f"{points(result.score)} / {points(result.max_score)}", "", style="bold")
    console.print(summary)
    lines = [line.rstrip() for line in buffer.getvalue().splitlines()]
    for note in result.notes:
        lines += _wrapped(f"note: {plain(note)}", "", width)
    for name, topic in result.topics.items():
        failed = [t for t in topic.tests if not t.passed]
        if not failed and not topic.notes and not topic.review:
            continue
        lines += ["", f"{name}  {points(topic.score)} / {points(topic.max_score)}"]
        for note in topic.notes:
            lines += _wrapped(f"note: {plain(note)}", "  ", width)
        if topic.review:
            lines += _wrapped(f"{REVIEW}:", "  ", width)
            for item in topic.review:
                lines += _wrapped(f"- {item}", "      ", width)
        if topic.reason:  # said once, not for every test
            for line in plain(topic.reason).splitlines():
                lines += _wrapped(line, "  ", width)
            continue
        stubs, shown = unimplemented(topic), set()
        for test in failed:
            if test.function in stubs:
                if test.function not in shown:
                    shown.add(test.function)
                    lines += _wrapped(
                        f"NOT IMPLEMENTED YET {stub_line(test.function, stubs[test.function])}", "  ", width
                    )
                continue
            verdict = "PARTIAL" if test.score > 0 else "FAILED"
            lines += _wrapped(f"{verdict} {test.name}  {score_text(test.score, test.max_score)}", "  ", width)
            for line in plain(test.feedback).splitlines():
                lines += _wrapped(line, "      ", width)
    return "\n".join(lines) + "\n"
