"""What a failing visible test prints: the test's line, your function's call, the values as grids, a known mistake.

conftest.py calls ``describe`` for each failing test; at the end it shows one failure per function
and problem in full, naming a known mistake (``known_mistakes``) when the results of that function's
failing tests fit it somewhere and contradict it nowhere (``Described.fits``, ``Described.ruled_out``).
"""

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import course
import grids
import numpy as np
import pytest
import torch

import known_mistakes

MAX_LINES = 30  # a failure longer than this is cut (a test prints at most about 40 lines)
MAX_MESSAGE_LINES = 6


@dataclass
class Described:
    """One failing test, ready to print; ``function`` and ``problem`` group the failures shown once."""

    function: str
    problem: str  # "returned a wrong value", "raised IndexError", ...
    size: float  # how many numbers the call's arguments hold: the smallest example is shown in full
    text: str
    fits: list = field(default_factory=list)  # ids of the known mistakes the result fits
    ruled_out: list = field(default_factory=list)  # ids of those it contradicts


def describe(item, excinfo) -> Described:
    """The report of the failing test ``item`` (``excinfo``: what it raised)."""
    leaves = _leaves(excinfo.value)  # hypothesis may have found several distinct failures: show one
    error = next((e for e in leaves if isinstance(e, course.Mismatch)), leaves[0])
    if error is not excinfo.value:
        excinfo = pytest.ExceptionInfo.from_exception(error)
    call, root = getattr(error, "call", None) or course.last_call, item.config.rootpath
    function = call.function if call else item.originalname
    lines = [_test_line(item, excinfo, root)]
    values = [(name, v) for name, v in (call.arguments().items() if call else []) if grids.as_array(v) is not None]
    described = Described(function, "failed", _size(values) if call else float("inf"), "")
    student = _student_line(excinfo, root)
    returned = call is not None and call.outcome and call.outcome[0] is getattr(error, "actual", None)
    if isinstance(error, course.Mismatch) and returned:
        described.problem = "returned a wrong value"
        lines += [f"{_signature(call)} {described.problem}" + (f" ({error.note})" if error.note else "")]
        lines += grids.blocks([*values, ("expected", error.expected), ("actual", error.actual)])
        lines += _first_difference(error.expected, error.actual)
        described.fits, described.ruled_out = evidence(call, error.expected, error.actual)
    elif student is not None:
        described.problem = f"raised {type(error).__name__}"
        lines += [f"{_signature(call) if call else function} {described.problem}: {_first_line(error)}", student]
        lines += grids.blocks(values)
    elif isinstance(error, course.Mismatch):  # a value that is not the call's result (an input it changed, ...)
        described.problem = error.note or "gave a wrong value"
        lines += [f"{_signature(call) if call else function}: {described.problem}"]
        lines += grids.blocks([*values, ("expected", error.expected), ("actual", error.actual)])
    else:
        raised = _did_not_raise(error)
        described.problem = f"did not raise {raised}" if raised else "failed a check"
        if call and raised:
            lines += [f"{_signature(call)} did not raise {raised}" + (": it returned" if call.outcome else "")]
        else:
            lines += _message(error) + ([f"your code's last call: {_signature(call)}"] if call else [])
        lines += grids.blocks(values + [("returned", outcome) for outcome in (call.outcome if call else [])])
    if len(leaves) > 1:
        lines += [f"(and {len(leaves) - 1} other failure{'s' * (len(leaves) > 2)} of this test: fix this one first)"]
    described.text = "\n".join(lines if len(lines) <= MAX_LINES else [*lines[: MAX_LINES - 1], "..."])
    return described


def _leaves(error) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]


def evidence(call, expected, actual) -> tuple[list[str], list[str]]:
    """Which known mistakes of ``call.function`` predict ``actual`` here (fits), and which predict another value."""
    fits, ruled_out = [], []
    for mistake in known_mistakes.for_function(call.function):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                predicted = mistake.predict(**call.arguments())
        except Exception:  # noqa: BLE001 -- NotApplicable, or arguments the catalogue cannot read: no evidence
            continue
        right = _same(predicted, expected)
        (fits if _same(predicted, actual) and not right else ruled_out).append(mistake.id)
    return fits, ruled_out


def _same(a, b) -> bool:
    try:
        a, b = (torch.as_tensor(np.asarray(v) if isinstance(v, np.ndarray) else v).double() for v in (a, b))
    except (TypeError, ValueError, RuntimeError):
        return False
    scale = max(1.0, float(b[b.isfinite()].abs().max())) if b.isfinite().any() else 1.0
    return a.shape == b.shape and torch.allclose(a, b, rtol=1e-4, atol=1e-5 * scale, equal_nan=True)


def _size(values) -> int:
    return sum(grids.as_array(v).size for _, v in values)


def _signature(call) -> str:
    """``conv2d(input, weight, bias=None, stride=2)``: tensors by name (their grids follow), other values in full."""
    shown = [
        name if grids.as_array(value) is not None else f"{name}={grids.describe(value)}"
        for name, value in call.arguments().items()
    ]
    return f"{call.function}({', '.join(shown)})"


def _test_line(item, excinfo, root) -> str:
    """``tests/test_x.py:12: <the line>``: the test function's own line, not a helper's."""
    entries = [e for e in excinfo.traceback if e.path == item.path and e.name == item.originalname]
    if not entries:
        return item.nodeid
    return f"{_relative(entries[-1].path, root)}:{entries[-1].lineno + 1}: {_source(entries[-1])}"


def _student_line(excinfo, root) -> str | None:
    """Where the error came from in the course module under test, if it did."""
    folder = course.implementation().resolve()
    for entry in reversed(excinfo.traceback):
        if Path(entry.path).resolve().parent == folder:
            return f"  in your code, {_relative(entry.path, root)}:{entry.lineno + 1}: {_source(entry)}"
    return None


def _source(entry) -> str:
    try:
        lines = [line.strip() for line in entry.statement.lines]
    except Exception:  # noqa: BLE001 -- no source (a notebook, a deleted file)
        return ""
    return lines[0] + (" ..." if len(lines) > 1 else "")


def _relative(path, root) -> str:
    path = Path(path).resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _first_line(error) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else ""


def _message(error) -> list[str]:
    """The error's own words: an assertion's first line (pytest's explanation of it repeats the values),
    or the error's type and at most ``MAX_MESSAGE_LINES`` of its message."""
    lines = str(error).strip().splitlines() or [""]
    if isinstance(error, AssertionError):
        return lines[:1]
    rest = [line for line in lines[1:MAX_MESSAGE_LINES] if line.strip()]
    return [f"{type(error).__name__}: {lines[0]}", *rest] + (["..."] if len(lines) > MAX_MESSAGE_LINES else [])


def _did_not_raise(error) -> str | None:
    """The exception ``pytest.raises`` waited for in vain ("ValueError"), if that is the failure."""
    text = str(error)
    if isinstance(error, pytest.fail.Exception) and text.startswith("DID NOT RAISE"):
        return text.removeprefix("DID NOT RAISE").strip().removeprefix("<class '").removesuffix("'>")
    return None


def _first_difference(expected, actual) -> list[str]:
    """Where a large result first differs (the grids say it for small ones)."""
    e, a = grids.as_array(expected), grids.as_array(actual)
    if e is None or a is None or max(e.size, a.size) <= grids.MAX_ELEMENTS:
        return []
    if e.shape != a.shape:
        return [f"the shapes differ: expected {e.shape}, actual {a.shape}"]
    wrong = np.argwhere(~np.isclose(a.astype(np.float64), e.astype(np.float64), rtol=1e-4, atol=1e-5, equal_nan=True))
    if not len(wrong):
        return []
    index = tuple(int(i) for i in wrong[0])
    return [
        f"{len(wrong)} of {e.size} values differ; the first at {index}: "
        f"expected {grids.number(e[index].item())}, actual {grids.number(a[index].item())}"
    ]
