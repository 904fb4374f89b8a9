"""Pytest set-up for the course tests.

The visible tests run against one implementation of the course modules:

* ``exercises`` -- your own work (the default in a student's copy);
* ``solutions`` -- the reference solutions (the default when they exist).

Choose with ``pytest --impl exercises`` or ``CONVGRADE_IMPL=exercises pytest``.
A function that still raises ``NotImplementedError`` is reported in one line
that says what to implement, instead of a long traceback.
"""
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent


def pytest_addoption(parser):
    parser.addoption(
        "--impl",
        choices=["exercises", "solutions"],
        default=None,
        help="which course modules the visible tests import "
        "(default: $CONVGRADE_IMPL, else solutions/ if present, else exercises/)",
    )


def pytest_configure(config):
    chosen = config.getoption("--impl") or os.environ.get("CONVGRADE_IMPL")
    if not chosen:
        chosen = "solutions" if (ROOT / "solutions").is_dir() else "exercises"
    os.environ["CONVGRADE_IMPL"] = chosen


def pytest_report_header(config):
    return f"course modules under test: {os.environ['CONVGRADE_IMPL']}/"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.excinfo is not None and report.failed:
        error = _not_implemented(call.excinfo.value)
        if error is not None:
            where = _student_frame(call.excinfo)
            report.longrepr = f"NOT IMPLEMENTED YET: {error}" + (f"\n    ({where})" if where else "")
    return report


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
