"""Helpers of the visible tests: load the course module under test, compare values, draw small inputs.

``convolution = course.load("convolution")`` is the module of ``$CONVGRADE_IMPL`` (see conftest.py).
Its functions remember their last call: when a test fails, the report (failures.py) shows that
call's arguments and, when ``assert_close`` or ``assert_equal`` failed, the expected and actual values.
``integers(generator, shape)`` makes tensors of small whole numbers: hand-sized examples once hypothesis shrinks.
"""

import functools
import importlib
import importlib.util
import inspect
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch


@dataclass
class Call:
    """One call of a course function: the arguments as they were passed, and what came back."""

    function: str
    args: tuple
    kwargs: dict
    parameters: tuple = ()  # the function's parameter names, to name the positional arguments
    outcome: list = field(default_factory=list)  # [returned value], or [] while running / when it raised

    def arguments(self) -> dict:
        """The arguments by parameter name (positional ones named after the function's parameters)."""
        return dict(zip(self.parameters, self.args)) | self.kwargs


last_call: Call | None = None


def implementation() -> Path:
    """The folder of the course modules under test."""
    impl = os.environ.get("CONVGRADE_IMPL", "exercises")
    if not impl.isidentifier():
        return Path(impl)
    return Path(next(iter(importlib.util.find_spec(impl).submodule_search_locations)))


def load(topic: str):
    """The module ``<topic>`` of the implementation under test (a package name or a folder)."""
    impl = os.environ.get("CONVGRADE_IMPL", "exercises")
    if impl.isidentifier():
        return _Recorded(importlib.import_module(f"{impl}.{topic}"))
    spec = importlib.util.spec_from_file_location(f"course_under_test.{topic}", Path(impl) / f"{topic}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return _Recorded(module)


class _Recorded:
    """A course module whose functions record their last call in ``last_call``."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        value = getattr(self._module, name)
        if not inspect.isfunction(value):
            return value

        positional = tuple(
            p.name
            for p in inspect.signature(value).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        )

        @functools.wraps(value)
        def recorded(*args, **kwargs):
            global last_call
            last_call = Call(name, tuple(map(_copy, args)), {k: _copy(v) for k, v in kwargs.items()}, positional)
            result = value(*args, **kwargs)
            last_call.outcome.append(result)
            return result

        return recorded


def _copy(value):
    """Tensors and arrays as they were passed (a function that modifies them in place must not hide it)."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    return value.copy() if isinstance(value, np.ndarray) else value


class Mismatch(AssertionError):
    """``actual`` is not ``expected``; ``note`` says what was checked (``msg=``), if the test said it;
    ``call`` is the last call of a course function before the comparison."""

    def __init__(self, message: str, actual, expected, note: str | None = None):
        super().__init__(message)
        self.actual, self.expected, self.note, self.call = actual, expected, note, last_call


def assert_close(actual, expected, msg=None, **tolerances):
    """``torch.testing.assert_close`` (tensors, arrays or numbers); ``Mismatch`` when they differ."""
    __tracebackhide__ = True  # pytest shows the test's line, not this helper's
    try:
        torch.testing.assert_close(actual, expected, **tolerances)
    except AssertionError as error:
        raise Mismatch(str(error), actual, expected, msg) from None
    except TypeError:  # no comparison of these two types
        message = f"expected a {type(expected).__name__}, got a {type(actual).__name__}"
        raise Mismatch(message, actual, expected, msg) from None


def assert_equal(actual, expected, msg=None):
    """The same shape and exactly the same values (NaN equals NaN; the dtype is not compared)."""
    __tracebackhide__ = True
    if isinstance(actual, torch.Tensor) and isinstance(expected, (list, tuple, int, float)):
        expected = torch.as_tensor(expected)
    elif isinstance(actual, np.ndarray) and isinstance(expected, (list, tuple, int, float)):
        expected = np.asarray(expected)
    if isinstance(actual, (torch.Tensor, np.ndarray)) or isinstance(expected, (torch.Tensor, np.ndarray)):
        assert_close(actual, expected, msg, rtol=0, atol=0, equal_nan=True, check_dtype=False)
    elif not actual == expected:
        raise Mismatch(f"{actual!r} != {expected!r}", actual, expected, msg)


def integers(generator, shape, dtype=torch.float32, bound=3):
    """Random whole numbers from -bound to bound: inputs small enough to check by hand.

    Draw ``seed`` with hypothesis and pass ``torch.Generator().manual_seed(seed)``: a failing example
    then shrinks to the smallest shapes and the first seeds."""
    return torch.randint(-bound, bound + 1, tuple(shape), generator=generator).to(dtype)
