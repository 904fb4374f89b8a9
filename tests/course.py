"""Helpers of the visible tests: load the course module under test, and say clearly what went wrong.

``convolution = course.load("convolution")`` is the module of ``$CONVGRADE_IMPL`` (see conftest.py).
Its functions remember their last call: when a test fails, pytest shows that call's arguments and
what it returned ("your code's last call"). ``assert_close`` shows the expected and the actual values.
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

SHOWN_ELEMENTS = 64  # tensors and arrays up to this size are printed in full


@dataclass
class Call:
    """One call of a course function: the arguments as they were passed, and what came back."""

    function: str
    args: tuple
    kwargs: dict
    parameters: tuple = ()  # the function's parameter names, to name the positional arguments
    outcome: list = field(default_factory=list)  # [returned value], or [] while running / when it raised

    def __str__(self) -> str:
        names = self.parameters + (None,) * len(self.args)
        arguments = [f"{name}={show(a)}" if name else show(a) for name, a in zip(names, self.args)]
        arguments += [f"{k}={show(v)}" for k, v in self.kwargs.items()]
        text = f"{self.function}(\n" + "".join(f"    {a},\n" for a in arguments) + ")"
        return text + (f"\nreturned {show(self.outcome[0])}" if self.outcome else "")


last_call: Call | None = None


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


def show(value) -> str:
    """A value for a person: small tensors and arrays in full with 4 decimals, others by shape."""
    if isinstance(value, torch.Tensor):
        described = f"{str(value.dtype).removeprefix('torch.')} tensor of shape {tuple(value.shape)}"
        if value.numel() > SHOWN_ELEMENTS:
            return described
        return f"{described}: {_numbers(value.detach().tolist())}"
    if isinstance(value, np.ndarray):
        described = f"{value.dtype} array of shape {value.shape}"
        return described if value.size > SHOWN_ELEMENTS else f"{described}: {_numbers(value.tolist())}"
    text = repr(value)
    return text if len(text) <= 300 else text[:300] + " ..."


def _numbers(values) -> str:
    """Nested lists of numbers, floats to 4 significant digits."""
    if isinstance(values, list):
        return "[" + ", ".join(_numbers(v) for v in values) + "]"
    return f"{values:.4g}" if isinstance(values, float) else repr(values)


def assert_close(actual, expected, **tolerances):
    """``torch.testing.assert_close``; when they differ, the message also shows both values."""
    __tracebackhide__ = True  # pytest shows the test's line, not this helper's
    try:
        torch.testing.assert_close(actual, expected, **tolerances)
    except AssertionError as error:
        raise AssertionError(f"{error}\nexpected: {show(expected)}\nactual:   {show(actual)}") from None
