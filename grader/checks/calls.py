"""Calling a student's function on a case and demanding an answer: equal to a reference, or an error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from grader.checks.cases import Case, describe
from grader.checks.failure import Failure
from grader.checks.mistakes import applicable, predicts_otherwise
from grader.checks.running import Context, Scripted
from grader.checks.verdicts import (
    _is_stub,
    as_tensor,
    compare,
    crashed,
    first_difference,
    not_implemented,
    outcome_value,
)
from grader.sandbox.session import Outcome
from grader.sandbox.wire import Array


@dataclass(frozen=True)
class Companion:
    """A larger relative of a failing case: ``grow(case)``, judged against ``reference`` with ``scale``.

    A tiny case (a 1x1 input) often fits several mistakes at once (a flipped kernel and top/left "same"
    padding both give x * w[1, 1]); the student's answer on its companion tells them apart.
    """

    grow: Callable[[Case], Case]
    reference: Callable[[Case], torch.Tensor]
    scale: Callable[[Case], torch.Tensor | None]


def check_array_call(
    ctx: Context,
    function: str,
    case: Case,
    expected: torch.Tensor,
    *,
    scale: torch.Tensor | None = None,
    misconceptions=(),
    dtype_mistakes=(),
    companion: Companion | None = None,
    arg_names=(),
    check_inputs: bool = True,
    callees=(),
) -> torch.Tensor:
    """Call ``function`` on ``case`` and demand a tensor equal to ``expected`` (and the inputs unchanged).

    What a wrong answer or a crash says about ``misconceptions`` goes to ``ctx.evidence``; a result of
    another dtype is also weighed against ``dtype_mistakes`` (a float32 copy of the right float64 answer
    agrees in value); and a failing case's ``companion`` is called too, its answer weighed the same way.
    ``callees``: the student functions ``function`` calls (``Context.call``).
    """
    outcome = ctx.call(function, case, return_inputs=check_inputs, callees=callees)
    try:
        if crashed(outcome):
            ctx.evidence.observe_crash(misconceptions, case)
        got = as_tensor(outcome_value(outcome, function), function)
        try:
            compare(got, expected, scale=scale, function=function)
        except Failure:
            same_shape = got.shape == expected.shape
            ctx.evidence.observe(applicable(misconceptions, case), case, got, expected, scale if same_shape else None)
            if got.dtype != expected.dtype:
                ctx.evidence.observe(applicable(dtype_mistakes, case), case, got, None)
            raise
        if check_inputs:
            inputs_unchanged(outcome, case, function)
    except Failure as failure:
        if companion is not None and not failure.fatal and not outcome.child_lost:
            _observe_companion(ctx, function, companion.grow(case), companion, misconceptions)
        raise Failure(f"{failure}\n    Input: {case.describe(arg_names)}", failure.fatal) from None
    return got


def returned_tensor(
    ctx: Context, function: str, case: Case, *, misconceptions=(), arg_names=()
) -> tuple[Outcome, torch.Tensor]:
    """Call ``function`` on ``case`` (inputs returned too): its outcome and the tensor it returned, or a
    ``Failure`` naming the input. A crash goes to ``ctx.evidence`` for ``misconceptions``."""
    outcome = ctx.call(function, case, return_inputs=True)
    if crashed(outcome):
        ctx.evidence.observe_crash(misconceptions, case)
    try:
        return outcome, as_tensor(outcome_value(outcome, function), function)
    except Failure as failure:
        raise Failure(f"{failure}\n    Input: {case.describe(arg_names)}", failure.fatal) from None


def _observe_companion(ctx: Context, function: str, case: Case, companion: Companion, misconceptions):
    """What the student's answer on ``case`` says about ``misconceptions``, right or wrong.

    Where the student is right, the mistakes that predict anything else are ruled out (and the ones
    that also predict the right answer are left alone: this case says nothing about them).
    """
    expected, scale = companion.reference(case), companion.scale(case)
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


def inputs_unchanged(outcome: Outcome, case: Case, function: str):
    """``Failure`` if the student modified an input array in place."""
    originals = [v for v in list(case.args) + list(case.kwargs.values()) if isinstance(v, (torch.Tensor, np.ndarray))]
    after = outcome.inputs_after or []
    for original, now in zip(originals, after):
        if not isinstance(now, Array):
            continue
        before = original.detach().numpy() if isinstance(original, torch.Tensor) else original
        if before.shape != now.data.shape or not np.array_equal(before, now.data, equal_nan=True):
            raise Failure(
                f"`{function}` modified its input in place ({describe(original)}); "
                "compute a new tensor instead (e.g. `x * mask`, not `x *= mask` or `x[...] = 0`)"
            )


def check_raises(ctx: Context, function: str, case: Case, exception: str = "ValueError", why: str = "", arg_names=()):
    """Demand that ``function`` raises ``exception`` on ``case``."""
    outcome = ctx.call(function, case)
    if outcome.status == "raised" and (outcome.error or {}).get("type") == exception:
        return
    if outcome.status == "raised" and _is_stub(outcome.error or {}):
        raise Failure(not_implemented(function), stub=True)
    if outcome.status in ("missing", "killed", "broken"):
        outcome_value(outcome, function)
    got = f"raised {outcome.error.get('type')}" if outcome.status == "raised" else "returned normally"
    raise Failure(f"`{function}` should raise {exception} {why}, but it {got}.\n    Input: {case.describe(arg_names)}")


def raises_value_error(
    id: str, title: str, function: str, cases, arg_names=(), weight: float = 1.0, misconceptions=()
) -> Scripted:
    """A check that every ``(make_case, why)`` of ``cases`` makes ``function`` raise ValueError.

    What the function did instead (a value, another exception) goes to ``ctx.evidence`` for
    ``misconceptions`` such as "the shapes are not checked".
    """

    def body(ctx):
        for make_case, why in cases:
            case = make_case()
            try:
                check_raises(ctx, function, case, "ValueError", why, arg_names)
            except Failure as failure:
                if misconceptions and not failure.fatal:  # call again: check_raises keeps no outcome
                    outcome = ctx.call(function, case)
                    if crashed(outcome):
                        ctx.evidence.observe_crash(misconceptions, case)
                    elif outcome.ok and isinstance(outcome.value, Array) and outcome.value.kind == "tensor":
                        ctx.evidence.observe(misconceptions, case, torch.from_numpy(outcome.value.data.copy()), None)
                raise

    return Scripted(id, title, function, weight, body=body)
