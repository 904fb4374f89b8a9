"""Calling a student's function on a case and demanding an answer: equal to a reference, or an error."""

from __future__ import annotations

import numpy as np
import torch

from grader.checks.cases import Case, describe
from grader.checks.failure import Failure, Mistake
from grader.checks.running import Context, Scripted
from grader.checks.verdicts import _is_stub, as_tensor, compare, crashed, not_implemented, outcome_value
from grader.sandbox.session import Outcome
from grader.sandbox.wire import Array


def check_array_call(
    ctx: Context,
    function: str,
    case: Case,
    expected: torch.Tensor,
    *,
    scale: torch.Tensor | None = None,
    misconceptions=(),
    arg_names=(),
    check_inputs: bool = True,
) -> torch.Tensor:
    """Call ``function`` on ``case`` and demand a tensor equal to ``expected``.

    What a wrong answer (or a crash) says about ``misconceptions`` goes to ``ctx.evidence``.
    """
    outcome = ctx.call(function, case, return_inputs=check_inputs)
    try:
        if crashed(outcome):
            ctx.evidence.observe_crash(misconceptions, case)
        got = as_tensor(outcome_value(outcome, function), function)
        try:
            compare(got, expected, scale=scale, function=function)
        except Failure:
            ctx.evidence.observe(misconceptions, case, got, expected, scale if got.shape == expected.shape else None)
            raise
        if check_inputs:
            inputs_unchanged(outcome, case, function)
    except Failure as failure:
        raise Failure(f"{failure}\n    Input: {case.describe(arg_names)}", failure.fatal) from None
    return got


def check_dtype_kept(ctx: Context, function: str, case: Case, expected: torch.Tensor, float32: Mistake, **options):
    """``check_array_call``, naming the mistake ``float32`` when a float64 case comes back float32 (a dtype
    alone, not the values, shows it; the call is repeated for the dtype, check_array_call keeps only
    the value)."""
    try:
        check_array_call(ctx, function, case, expected, **options)
    except Failure as failure:
        if failure.fatal or expected.dtype != torch.float64 or _returned_dtype(ctx, function, case) != np.float32:
            raise
        raise Failure(f"{failure}\n    {float32}", mistakes=(float32,)) from None


def _returned_dtype(ctx: Context, function: str, case: Case):
    """The dtype of the tensor ``function`` returns on ``case``, or None."""
    outcome = ctx.call(function, case)
    value = outcome.value if outcome.ok else None
    return value.data.dtype if isinstance(value, Array) and value.kind == "tensor" else None


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
