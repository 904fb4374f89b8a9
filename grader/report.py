"""Stage 5, report: a ``GradeResult`` as text, JSON, Markdown or Gradescope results.

JSON follows the contract; Gradescope follows its ``results.json`` schema.
Every format is a pure function of the result, so the same grade gives the
same bytes.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import textwrap
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:  # annotations only: the command line reads FORMATS before PyTorch is imported
    from grader.grade import GradeResult, TestResult, TopicResult


PLAIN_WIDTH = 100  # text width when stdout is not a terminal
NO_BREAK = "\u00a0"  # a space the text report never wraps at


def render(result: GradeResult, fmt: str) -> str:
    """The report of ``result`` in ``fmt``, one of ``FORMATS``."""
    return RENDERERS[fmt](result)


def _points(x: float) -> str:
    """Points for a person: at most two decimals (JSON keeps the exact value)."""
    return f"{round(x, 2):g}"


def terminal_width() -> int:
    """``$COLUMNS`` if set, else the width of the terminal stdout is, else ``PLAIN_WIDTH``."""
    return shutil.get_terminal_size((PLAIN_WIDTH, 24)).columns


def _plain(text: str) -> str:
    """Feedback without Markdown emphasis (``*flipped*`` -> ``flipped``)."""
    return re.sub(r"(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])", r"\1", text)


def _score(score: float, max_score: float) -> str:
    """``(score / max)``, kept on one line when wrapped (no-break spaces, see ``_wrapped``)."""
    return f"({_points(score)}{NO_BREAK}/{NO_BREAK}{_points(max_score)})"


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
    """The feedback as data (``grader.feedback``): fields beyond the contract's, documented in docs/reference.md."""
    return {
        "counterexample": test.counterexample,
        "mistakes": [{"id": m.id, "text": m.text} for m in test.mistakes],
        "features": [{"name": name, "passed": held} for name, held in test.features],
    }


REVIEW = "flagged for review (computed access the static scan cannot read; scores nothing by itself)"


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
        summary.add_row(name, f"{_points(topic.score)} / {_points(topic.max_score)}", f"{passed} / {len(topic.tests)}")
    summary.add_row("total", f"{_points(result.score)} / {_points(result.max_score)}", "", style="bold")
    console.print(summary)
    lines = [line.rstrip() for line in buffer.getvalue().splitlines()]
    for note in result.notes:
        lines += _wrapped(f"note: {_plain(note)}", "", width)
    for name, topic in result.topics.items():
        failed = [t for t in topic.tests if not t.passed]
        if not failed and not topic.notes and not topic.review:
            continue
        lines += ["", f"{name}  {_points(topic.score)} / {_points(topic.max_score)}"]
        for note in topic.notes:
            lines += _wrapped(f"note: {_plain(note)}", "  ", width)
        if topic.review:
            lines += _wrapped(f"{REVIEW}:", "  ", width)
            for item in topic.review:
                lines += _wrapped(f"- {item}", "      ", width)
        if topic.reason:  # said once, not for every test
            for line in _plain(topic.reason).splitlines():
                lines += _wrapped(line, "  ", width)
            continue
        stubs, shown = unimplemented(topic), set()
        for test in failed:
            if test.function in stubs:
                if test.function not in shown:
                    shown.add(test.function)
                    lines += _wrapped(
                        f"NOT IMPLEMENTED YET {_stub_line(test.function, stubs[test.function])}", "  ", width
                    )
                continue
            verdict = "PARTIAL" if test.score > 0 else "FAILED"
            lines += _wrapped(f"{verdict} {test.name}  {_score(test.score, test.max_score)}", "  ", width)
            for line in _plain(test.feedback).splitlines():
                lines += _wrapped(line, "      ", width)
    return "\n".join(lines) + "\n"


def unimplemented(topic: TopicResult) -> dict[str, list[TestResult]]:
    """The functions of ``topic`` that are still stubs (each of their tests failed on the stub), with their tests."""
    tests: dict[str, list[TestResult]] = {}
    for test in topic.tests:
        tests.setdefault(test.function, []).append(test)
    return {function: own for function, own in tests.items() if all(t.not_implemented for t in own)}


def _stub_line(function: str, tests: list[TestResult]) -> str:
    count = f"{len(tests)} test" + ("s" if len(tests) > 1 else "")
    return f"{function}  {_score(0, sum(t.max_score for t in tests))} in {count}"


def to_markdown(result: GradeResult) -> str:
    lines = [
        f"# Feedback: {_points(result.score)} / {_points(result.max_score)}",
        "",
        "| topic | score | tests passed |",
        "|---|---:|---:|",
    ]
    for name, topic in result.topics.items():
        passed = sum(t.passed for t in topic.tests)
        lines.append(
            f"| {name} | {_points(topic.score)} / {_points(topic.max_score)} | {passed} / {len(topic.tests)} |"
        )
    lines += [""] + [f"> {note}" for note in result.notes] if result.notes else []
    for name, topic in result.topics.items():
        lines += ["", f"## {name} ({_points(topic.score)} / {_points(topic.max_score)})", ""]
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
                        f"- ❌ not implemented yet: {_stub_line(test.function, stubs[test.function])}".replace(
                            NO_BREAK, " "
                        )
                    )
                continue
            mark = "✅" if test.passed else "🟨" if test.score > 0 else "❌"
            lines.append(f"- {mark} {test.name} ({_points(test.score)} / {_points(test.max_score)})")
            if test.feedback and not test.passed and not topic.reason:
                lines += ["", "  ```text"] + [f"  {line}" for line in test.feedback.splitlines()] + ["  ```", ""]
    return "\n".join(lines) + "\n"


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


# The renderers by format name: the command line's --format choices.
RENDERERS = {"text": to_text, "json": to_json, "markdown": to_markdown, "gradescope": to_gradescope}
FORMATS = tuple(RENDERERS)
