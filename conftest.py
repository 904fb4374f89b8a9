"""Pytest set-up for the course tests.

The visible tests run against one implementation of the course modules:

* ``exercises`` -- your own work (the default in a student's copy);
* ``solutions`` -- the reference solutions (the default when they exist).

Choose with ``pytest --impl exercises`` or ``CONVGRADE_IMPL=exercises pytest``;
``--impl`` also takes a folder holding the modules (``pytest --impl ../attempt``).
A function that still raises ``NotImplementedError`` is listed once, at the end,
in one line that says what to implement. Of the other failures of a function,
the one with the smallest input is shown in full (tests/failures.py: the test's
line, your function's call, the values as grids, a known mistake they fit) and
the others in one line each.
"""

import os
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import Phase, settings

ROOT = Path(__file__).resolve().parent
STUB = "NOT IMPLEMENTED YET: "

# Hypothesis's "explain" phase points at lines that only failing examples ran: in these tests those
# are lines of PyTorch's comparison code, which tell a student nothing.
settings.register_profile("course", phases=[phase for phase in Phase if phase is not Phase.explain])
settings.load_profile("course")


def pytest_addoption(parser):
    parser.addoption(
        "--impl",
        default=None,
        metavar="exercises|solutions|FOLDER",
        help="which course modules the visible tests import: a package or a folder of modules "
        "(default: $CONVGRADE_IMPL, else solutions/ if present, else exercises/)",
    )


def pytest_configure(config):
    chosen = config.getoption("--impl") or os.environ.get("CONVGRADE_IMPL")
    if not chosen:
        chosen = "solutions" if (ROOT / "solutions").is_dir() else "exercises"
    if not chosen.isidentifier():  # a folder of modules, not a package name
        if not Path(chosen).is_dir():
            raise pytest.UsageError(f"--impl {chosen}: no such folder (give exercises, solutions or a folder)")
        chosen = str(Path(chosen).resolve())
    os.environ["CONVGRADE_IMPL"] = chosen


def pytest_report_header(config):
    return f"course modules under test: {os.environ['CONVGRADE_IMPL']}/"


def pytest_runtest_setup(item):
    course = sys.modules.get("course")  # tests/course.py, once a test module imported it
    if course is not None:
        course.last_call = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.excinfo is not None and report.failed:
        error = _not_implemented(call.excinfo.value)
        if error is not None:
            where = _student_frame(call.excinfo)
            report.longrepr = f"{STUB}{error}" + (f"  ({where})" if where else "")
            if _visible(item):  # listed once per function at the end (pytest_terminal_summary)
                report.user_properties.append(("course", "not implemented"))
        elif _visible(item) and call.when == "call":
            import failures  # tests/failures.py, importable once a visible test module was

            try:
                described = failures.describe(item, call.excinfo)
            except Exception as error:  # noqa: BLE001 -- a bug of the report must not hide the failure
                report.sections.append(("the short report failed", f"{type(error).__name__}: {error}"))
            else:
                report.longrepr = described.text
                report.user_properties.append(("course", {k: v for k, v in vars(described).items() if k != "text"}))
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    try:
        return (yield)
    finally:
        if _visible(item):  # hypothesis would write a patch of the failing examples into .hypothesis/patches
            item.__dict__.pop("_hypothesis_failing_examples", None)


def pytest_report_teststatus(report):
    if report.failed and _course(report) == "not implemented":
        return "not implemented", "F", "NOT IMPLEMENTED YET"
    return None


def pytest_sessionfinish(session):
    """Before pytest prints the failures: one failure per function and problem in full, the smallest
    example, with the known mistake that the evidence of all of them names; the others in one line."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    failed = reporter.stats.get("failed", []) if reporter else []
    groups = {}
    for report in failed:
        if isinstance(_course(report), dict):
            groups.setdefault((_course(report)["function"], _course(report)["problem"]), []).append(report)
    shown = set()
    for (function, problem), reports in groups.items():
        first = min(reports, key=lambda report: _course(report)["size"])
        shown.add(id(first))
        mistake = _verdict(reports)
        first.longrepr = _Longrepr(
            f"{first.longrepr}\n{mistake}" if mistake else str(first.longrepr), f"{function} {problem}"
        )
        for report in reports:
            if report is not first:
                report.longrepr = _Longrepr(
                    f"{function} {problem} here too: see {first.head_line} above", f"{function} {problem}"
                )
    functions = list(dict.fromkeys(function for function, _ in groups))

    def rank(report):  # the failures of one function together, the one shown in full first
        described = _course(report)
        if not isinstance(described, dict):
            return len(functions), False
        return functions.index(described["function"]), id(report) not in shown

    failed.sort(key=rank)


def pytest_terminal_summary(terminalreporter):
    """The unwritten functions, one line each (with how many tests wait for it)."""
    reports = terminalreporter.stats.get("not implemented", [])
    stubs = Counter(str(report.longrepr).removeprefix(STUB) for report in reports)
    if stubs:
        terminalreporter.section("NOT IMPLEMENTED YET", yellow=True)
        for line, count in stubs.items():
            terminalreporter.line(f"{line}  [{count} test{'s' * (count > 1)}]")


class _Longrepr:
    """A failure's text, and the few words pytest's short summary puts after the test's name."""

    def __init__(self, text: str, summary: str):
        self.text, self.reprcrash = text, SimpleNamespace(message=summary)

    def toterminal(self, writer):
        for line in self.text.splitlines():
            writer.line(line)

    def __str__(self) -> str:
        return self.text


def _verdict(reports) -> str:
    """The known mistake that fits some of these failures and none contradicts ("" if none, or several)."""
    import known_mistakes

    ruled_out = {id for report in reports for id in _course(report)["ruled_out"]}
    named = list(dict.fromkeys(id for r in reports for id in _course(r)["fits"] if id not in ruled_out))
    if len(named) > 1:
        return "Your results fit more than one known mistake:" + "".join(
            f"\n  - {known_mistakes.TEXT[id]}" for id in named
        )
    return f"Likely mistake: {known_mistakes.TEXT[named[0]]}" if named else ""


def _course(report):
    """What this plugin noted on the report: "not implemented", a failure's description (a dict), or None."""
    return dict(report.user_properties).get("course")


def _visible(item) -> bool:
    return item.path.parent == ROOT / "tests"


def _not_implemented(exc):
    """The NotImplementedError behind ``exc`` (hypothesis may wrap it), as text."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, NotImplementedError):
            return str(exc) or "this function is still a stub"
        if isinstance(exc, BaseExceptionGroup):
            for inner in exc.exceptions:
                found = _not_implemented(inner)
                if found:
                    return found
        exc = exc.__cause__ or exc.__context__
    return None


def _student_frame(excinfo):
    for entry in reversed(excinfo.traceback):
        path = str(entry.path)
        if f"{os.sep}exercises{os.sep}" in path:
            return f"{Path(path).relative_to(ROOT) if ROOT in Path(path).parents else path}, line {entry.lineno + 1}"
    return None
