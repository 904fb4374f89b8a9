"""Calling a tensor function, and what its wrong answers say about the known mistakes.

``check_array_call`` of ``grader.checks`` with three additions (wishes for the framework):
a result of the wrong dtype is matched against dtype mistakes; a failing case gets a larger
companion, whose answer tells apart mistakes a 1x1 input cannot; and a mistake that raises
``NotApplicable`` is left out of ``Evidence.observe`` instead of being ruled out.

And ``Signature``: the contract's parameter order and defaults, for cases drawn as positional calls
or with defaults left out (pooling and edges use it too; a wish for ``grader.checks``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from grader.checks import (
    Case,
    Evidence,
    Failure,
    Misconception,
    Mistake,
    NotApplicable,
    as_tensor,
    compare,
    crashed,
    first_difference,
    inputs_unchanged,
    outcome_value,
)


def pair(value) -> tuple[int, int]:
    """``(a, b)`` from an int or a pair."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


@dataclass(frozen=True)
class Signature:
    """A function's parameters in the contract's order: ``leading`` ones first, then options with ``defaults``.

    The grader's references and mistakes read a case in its ``canonical`` form (the ``leading`` parameters by
    position, the options given by keyword); the student gets the case as drawn: options by position
    (``positional``) or left out.
    """

    function: str
    names: tuple[str, ...]
    defaults: dict
    leading: int  # parameters the canonical form passes by position (defaults filled in)

    def text(self) -> str:
        return (
            f"{self.function}("
            + ", ".join(n if n not in self.defaults else f"{n}={self.defaults[n]!r}" for n in self.names)
            + ")"
        )

    def positional(self, case: Case) -> Case:
        """The same call with its options passed by position, in the contract's order."""
        return case.as_positional(self.names, self.defaults)

    def _values(self, case: Case) -> dict:
        values = dict(zip(self.names, case.args))
        values.update(case.kwargs)
        return values

    def canonical(self, case: Case) -> Case:
        """The leading parameters by position (defaults filled in), the options given by keyword."""
        values = self._values(case)
        args = tuple(values.pop(n) if n in values else self.defaults[n] for n in self.names[: self.leading])
        return Case(args, values)

    def spelled_out(self, case: Case) -> Case:
        """The leading parameters by position, every option by keyword (defaults written out)."""
        values = dict(self.defaults, **self._values(case))
        return Case(tuple(values.pop(n) for n in self.names[: self.leading]), values)

    def on_canonical(self, compute: Callable) -> Callable:
        """``compute`` (written for the canonical form) applied to any form of a case."""
        return lambda case: compute(self.canonical(case))

    def mistakes(self, misconceptions) -> list[Misconception]:
        return [dataclasses.replace(m, compute=self.on_canonical(m.compute)) for m in misconceptions]

    def check(self, ctx, case: Case, check: Callable[[Case], object]):
        """``check(case)``; where a positional call (or one leaving defaults out) fails but the same call
        with every argument by keyword holds, a ``Failure`` that names the signature."""
        full = self.spelled_out(case)
        if len(case.args) == len(full.args) and set(case.kwargs) == set(full.kwargs):
            return check(case)
        evidence, ctx.evidence = ctx.evidence, Evidence()  # what this call says may be about the binding only
        try:
            return check(case)
        except Failure as failure:
            if failure.fatal:
                raise
            first = failure
        finally:
            ctx.evidence = evidence
        check(full)  # a mistake that shows with keyword arguments too: its own feedback and evidence
        left_out = [n for n in self.names[len(case.args) :] if n not in case.kwargs]
        mistake = Mistake(
            "signature.not_the_contracts",
            f"the signature is not the contract's `{self.text()}` (parameter order, names or "
            f"defaults): the call `{self.call_text(case)}`"
            + (f" (leaving out {', '.join(left_out)})" if left_out else "")
            + " fails, but the same call with every argument given by keyword works",
        )
        raise Failure(f"{first}\n    {mistake}", mistakes=(mistake,)) from None

    def call_text(self, case: Case) -> str:
        """The call as written: arrays by their parameter names, other values as literals."""

        def shown(name, value):
            return name if isinstance(value, (torch.Tensor, np.ndarray)) else repr(value)

        parts = [shown(name, value) for name, value in zip(self.names, case.args)]
        parts += [f"{name}={shown(name, value)}" for name, value in case.kwargs.items()]
        return f"{self.function}({', '.join(parts)})"


def check_tensor_call(
    ctx,
    function: str,
    case: Case,
    reference,
    scale_of,
    *,
    misconceptions=(),
    dtype_mistakes=(),
    arg_names=(),
    grown=None,
) -> torch.Tensor:
    """``check_array_call`` against ``reference(case)``, with two more sources of evidence on a failure.

    A result of the wrong dtype is matched against ``dtype_mistakes`` (``Evidence`` compares values only,
    and a float32 copy of the right float64 answer agrees with it). And the function is called once more
    on ``grown(case)``, a larger relative of the failing case: a tiny case (a 1x1 input) often fits
    several mistakes at once (a flipped kernel and top/left "same" padding both give x * w[1, 1]),
    and its companion tells them apart.
    """
    expected, scale = reference(case), scale_of(case)
    outcome = ctx.call(function, case, return_inputs=True)
    try:
        if crashed(outcome):
            ctx.evidence.observe_crash(misconceptions, case)
        got = as_tensor(outcome_value(outcome, function), function)
        try:
            compare(got, expected, scale=scale, function=function)
        except Failure:
            ctx.evidence.observe(
                applicable(misconceptions, case), case, got, expected, scale if got.shape == expected.shape else None
            )
            if got.dtype != expected.dtype:
                ctx.evidence.observe(applicable(dtype_mistakes, case), case, got, None)
            raise
        inputs_unchanged(outcome, case, function)
    except Failure as failure:
        if grown is not None and not failure.fatal and not outcome.child_lost:
            _observe_companion(ctx, function, grown(case), reference, scale_of, misconceptions)
        raise Failure(f"{failure}\n    Input: {case.describe(arg_names)}", failure.fatal) from None
    return got


def applicable(misconceptions, case: Case) -> list[Misconception]:
    """The mistakes that say something about ``case``, each with its prediction computed once.

    ``Evidence.observe`` takes a ``NotApplicable`` for a predicted crash, which rules the mistake out
    on every failing case it says nothing about (a correlate2d missing its +1 on a 1x1 image); so the
    inapplicable ones are left out here.
    """
    kept = []
    for mistake in misconceptions:
        try:
            predicted = mistake.compute(case)
        except NotApplicable:
            continue
        except Exception as error:  # noqa: BLE001 -- the mistake crashes here: keep that prediction
            kept.append(dataclasses.replace(mistake, compute=_raises(error)))
            continue
        kept.append(dataclasses.replace(mistake, compute=lambda c, predicted=predicted: predicted))
    return kept


def _raises(error: Exception):
    def compute(case):
        raise error

    return compute


def _observe_companion(ctx, function: str, case: Case, reference, scale_of, misconceptions):
    """What the student's answer on ``case`` says about ``misconceptions``, right or wrong.

    Where the student is right, the mistakes that predict anything else are ruled out (and the ones
    that also predict the right answer are left alone: this case says nothing about them).
    """
    expected, scale = reference(case), scale_of(case)
    outcome = ctx.call(function, case)
    if crashed(outcome):
        ctx.evidence.observe_crash(misconceptions, case)
        return
    try:
        got = as_tensor(outcome_value(outcome, function), function)
    except Failure:
        return
    right = got.shape == expected.shape and first_difference(got, expected, scale)[0] is None
    telling = [m for m in applicable(misconceptions, case) if not right or predicts_otherwise(m, case, expected, scale)]
    ctx.evidence.observe(telling, case, got, expected, scale if got.shape == expected.shape else None)


def predicts_otherwise(mistake: Misconception, case: Case, expected: torch.Tensor, scale) -> bool:
    """``mistake`` predicts a crash or a value other than ``expected`` on ``case``."""
    try:
        predicted = mistake.compute(case)
    except NotApplicable:
        return False
    except Exception:  # noqa: BLE001 -- the mistake crashes here
        return True
    return not (
        isinstance(predicted, torch.Tensor)
        and predicted.shape == expected.shape
        and first_difference(predicted.to(expected.dtype), expected, scale)[0] is None
    )


def grown_values(shape, dtype) -> torch.Tensor:
    """Small integers (-3..3) without an obvious symmetry, for a companion input."""
    index = torch.arange(int(torch.Size(shape).numel()), dtype=torch.float64)
    return ((3 * index * index + 5 * index + 1) % 7 - 3).reshape(shape).to(dtype)


def _float32_result(reference):
    """What a function returns that builds its result with ``torch.zeros(...)`` (float32) whatever the inputs."""

    def compute(case):
        expected = reference(case)
        if expected.dtype == torch.float32:
            raise NotApplicable("float32 inputs")
        return expected.to(torch.float32)

    return compute


def float32_mistake(reference, like: str) -> Misconception:
    return Misconception(
        "dtype.float32_result",
        f"the result is float32 whatever the inputs' dtype (torch.zeros(...) and torch.empty(...) "
        f"default to float32): create it with dtype={like}.dtype (or {like}.new_zeros(...)) so that "
        f"float64 inputs give a float64 result",
        _float32_result(reference),
    )
