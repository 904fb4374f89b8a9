"""Pytest set-up for the course tests.

The visible tests run against one implementation of the course modules:

* ``exercises`` -- your own work (the default in a student's copy);
* ``solutions`` -- the reference solutions (the default when they exist).

Choose with ``pytest --impl exercises`` or ``CONVGRADE_IMPL=exercises pytest``;
``--impl`` also takes a folder holding the modules (``pytest --impl ../attempt``).
A function that still raises ``NotImplementedError`` is reported in one line
that says what to implement, instead of a long traceback. Any other failure
shows the last call your code received and what it returned.
"""
import os
import sys
from pathlib import Path

import pytest
from hypothesis import Phase, settings

ROOT = Path(__file__).resolve().parent

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
            report.longrepr = f"NOT IMPLEMENTED YET: {error}" + (f"\n    ({where})" if where else "")
        elif getattr(sys.modules.get("course"), "last_call", None) is not None:
            report.sections.append(("your code's last call", str(sys.modules["course"].last_call)))
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
