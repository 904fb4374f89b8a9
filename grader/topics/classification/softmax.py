"""``softmax`` and ``log_softmax``: equal to PyTorch's along any ``dim``, stable for large logits; their
known mistakes."""

from __future__ import annotations

import contextlib

import torch
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Failure,
    Misconception,
    NotApplicable,
    as_tensor,
    check_array_call,
    compare,
    crashed,
    first_difference,
    float32_result,
    outcome_value,
    predicts_otherwise,
)
from grader.checks.strategies import DTYPES, tensors
from grader.sandbox.wire import Array

UNCHANGED = "input unchanged"  # a feature: only its search demands the inputs unchanged after the call

SOFTMAX_ARGS = ("logits", "dim")
LOSS_ARGS = ("logits", "labels")
BCE_ARGS = ("probs", "labels")


def _shapes(min_dims, max_dims):
    return st.lists(st.integers(1, 4), min_size=min_dims, max_size=max_dims).map(tuple)


@st.composite
def large_logits(draw, shape, dtype):
    """Logits up to |1e4|: huge and nearly equal, plateaus of equal values, or spread over the range
    (in that order, so that a failure shrinks to round numbers such as 10000 + 1)."""
    kind = draw(st.sampled_from(["offset", "plateau", "wide"]))
    if kind == "offset":  # every exp overflows (or underflows) unless the max is subtracted
        base = draw(st.sampled_from([1e4, -1e4, 1000.0, -1000.0, 200.0]))
        return base + draw(tensors(shape, dtype, -4.0, 4.0))
    if kind == "plateau":
        plateau = draw(tensors(shape, dtype, 0, 4, patterns=("integers",)))  # indices into the plateau values
        return torch.tensor([0.0, 1e4, -1e4, 9999.0, -5000.0], dtype=dtype)[plateau.long()]
    return draw(tensors(shape, dtype, -1e4, 1e4))


def logits_strategy(shape, dtype, large: bool):
    return large_logits(shape, dtype) if large else tensors(shape, dtype, -20.0, 20.0)


# "1-D and 3-D+ inputs" first: its counterexample tells "always the last dimension" from "always dimension 1",
# which agree on 2-D tensors
SOFTMAX_FEATURES = ("1-D and 3-D+ inputs", "any dim", "float64", UNCHANGED)


@st.composite
def softmax_cases(draw, enabled: frozenset, large: bool = False):
    """softmax/log_softmax arguments drawing only the ``enabled`` features, and whether the logits must come
    back unchanged; the core is a float32 2-D tensor of at least 2 x 2 (a single row or column hides which
    dimension is normalised) normalised along its last dimension (``dim`` left out, or given as -1 or 1)."""
    on = enabled.__contains__
    dtype = draw(DTYPES) if on("float64") else torch.float32
    shape = draw(_shapes(1, 4)) if on("1-D and 3-D+ inputs") else (draw(st.integers(2, 4)), draw(st.integers(2, 4)))
    logits = draw(logits_strategy(shape, dtype, large))
    last = len(shape) - 1
    dim = draw(st.one_of(st.none(), st.integers(-len(shape), last) if on("any dim") else st.sampled_from([-1, last])))
    if dim is None:
        return Case((logits,)), on(UNCHANGED)
    return (Case((logits, dim)) if draw(st.booleans()) else Case((logits,), {"dim": dim})), on(UNCHANGED)


def large_cases(cases):
    """The stability checks' draws: ``cases`` with large logits, float32 or float64, nothing else (the other
    features are the *_matches_reference checks' requirements)."""
    return cases(frozenset({"float64"}), large=True)


def _dim(case):
    return case.args[1] if len(case.args) > 1 else case.kwargs.get("dim", -1)


def _axis(case):
    """``dim`` as a non-negative axis."""
    return _dim(case) % case.args[0].dim()


def _row_scale(case):
    """The largest |logit| of each output's row (the contract's magnitude for softmax-like functions)."""
    logits = case.args[0]
    return logits.abs().amax(dim=_dim(case), keepdim=True).expand_as(logits)


def _log_row_scale(case):
    """For log_softmax ``x_i - m - log(sum(exp(x - m)))``: the row's largest |logit|, plus |logsumexp|,
    plus 1 for the log of the shifted sum (a value in [1, C] whose rounding costs about one ulp of 1
    however small the logits are)."""
    logits = case.args[0].to(torch.float64)
    lse = torch.logsumexp(logits, dim=_dim(case), keepdim=True).abs()
    return (logits.abs().amax(dim=_dim(case), keepdim=True) + lse + 1).expand_as(logits)


def _naive_softmax(x, dim):
    e = torch.exp(x)
    return e / e.sum(dim=dim, keepdim=True)


def _global_shift_softmax(x, dim):
    return _naive_softmax(x - x.max(), dim)


WRONG_DEFAULT = "the default dim is wrong"


def _dim_given(case) -> bool:
    return len(case.args) > 1 or "dim" in case.kwargs


def _along(function, axis: int, ranks=None):
    """``function(logits, axis)``, whatever ``dim`` is, for tensors of ``ranks`` (``NotApplicable`` for others)."""

    def compute(case):
        x = case.args[0]
        if ranks is not None and x.dim() not in ranks:
            raise NotApplicable("on these tensors the mistake is another one's")
        return function(x, axis)  # an axis the tensor lacks raises IndexError, as the student's code does

    return compute


def _default_dim(function, axis: int):
    """``function`` with the default ``dim=axis``: wrong only where ``dim`` is left out."""

    def compute(case):
        return function(case.args[0], _dim(case) if _dim_given(case) else axis)

    return compute


def _whole_sum_softmax(case):
    x = case.args[0]
    e = torch.exp(x - x.max())
    return e / e.sum()


def _no_keepdim_softmax(case):
    x = case.args[0]
    e = torch.exp(x - x.amax(dim=_dim(case), keepdim=True))
    return e / e.sum(dim=_dim(case))  # broadcasts against the trailing dimensions, or raises


SOFTMAX_MISTAKES = [
    Misconception(
        "classification.exp_overflows_inf_inf_nan",
        "exp overflows (inf / inf = nan) or underflows (0 / 0 = nan) for large logits: subtract "
        "the maximum along `dim` before exponentiating (it cancels in the ratio)",
        lambda c: _naive_softmax(c.args[0], _dim(c)),
    ),
    Misconception(
        "classification.subtracts_maximum_whole_tensor_subtract",
        "it subtracts the maximum of the whole tensor; subtract each row's own maximum "
        "(amax along `dim`, keepdim=True), or rows far below the global maximum underflow to 0 / 0",
        lambda c: _global_shift_softmax(c.args[0], _dim(c)),
    ),
    Misconception(
        "classification.ignores_dim_always_normalises_along",
        "it ignores `dim` and always normalises along the last dimension",
        _along(torch.softmax, -1),
    ),
    # on 2-D tensors dimension 1 is the last one: the mistake above names both there
    Misconception(
        "classification.always_normalises_along_dimension_1",
        "it always normalises along dimension 1 (as d2l's X_exp.sum(1, keepdim=True)); "
        "normalise along `dim`, which may be any dimension of a tensor of any rank",
        _along(torch.softmax, 1, ranks=(1, 3, 4)),
    ),
    Misconception(
        "classification.softmax_wrong_default_dim",
        WRONG_DEFAULT + ": softmax(logits) normalises along the last dimension "
        "(the signature is softmax(logits, dim=-1))",
        _default_dim(torch.softmax, 1),
    ),
    Misconception(
        "classification.normalises_along_dimension_0_dim",
        "it normalises along dimension 0 instead of `dim`",
        _along(torch.softmax, 0),
    ),
    Misconception(
        "classification.divides_sum_over_whole_tensor",
        "it divides by the sum over the whole tensor; the sum runs along `dim` only (keepdim=True so it broadcasts)",
        _whole_sum_softmax,
    ),
    Misconception(
        "classification.sum_along_dim_taken_without",
        "the sum along `dim` is taken without keepdim=True, so it broadcasts against the wrong "
        "dimension (or not at all): divide by e.sum(dim=dim, keepdim=True)",
        _no_keepdim_softmax,
    ),
]


# The student functions each may call: one already known wrong is the grader's in that call (``Context.call``).
CALLEES = {"log_softmax": ("softmax",), "cross_entropy": ("softmax", "log_softmax")}


def check_softmax_like(ctx, function, case, expected, scale, mistakes, check_inputs):
    """``check_array_call``; where ``dim`` was left out and the answer is wrong, the call is repeated with
    dim=-1 given: what it returns tells a wrong default (right once -1 is given) from a wrong dimension."""
    try:
        check_array_call(
            ctx,
            function,
            case,
            expected,
            scale=scale,
            misconceptions=mistakes,
            dtype_mistakes=[float32_result(lambda c: expected, "logits")],
            arg_names=SOFTMAX_ARGS,
            check_inputs=check_inputs,
            callees=CALLEES.get(function, ()),
        )
    except Failure as failure:
        if failure.fatal or _dim_given(case):
            raise
        explicit = Case((case.args[0], -1))
        outcome = ctx.call(function, explicit, callees=CALLEES.get(function, ()))
        if crashed(outcome):
            ctx.evidence.observe_crash(mistakes, explicit)
        elif outcome.ok and isinstance(outcome.value, Array) and outcome.value.kind == "tensor":
            got = torch.from_numpy(outcome.value.data.copy())
            right = got.shape == expected.shape and first_difference(got.to(expected.dtype), expected, scale)[0] is None
            # right with dim=-1 given: every mistake but the default's is ruled out by this answer
            ctx.evidence.observe(
                [m for m in mistakes if not (right and m.explanation.startswith(WRONG_DEFAULT))],
                explicit,
                got,
                expected,
                scale,
            )
        raise


def _answer(ctx, function: str, case: Case, expected, scale, mistakes):
    """``function``'s answer on ``case``, judged in the dtype it returned; a wrong one (or a crash) is weighed
    against ``mistakes``. The answer, or None if it crashed."""
    outcome = ctx.call(function, case, callees=CALLEES.get(function, ()))
    if crashed(outcome):
        ctx.evidence.observe_crash(mistakes, case)
    got = as_tensor(outcome_value(outcome, function), function)
    target = expected.to(got.dtype) if got.is_floating_point() else expected
    try:
        compare(got, target, scale=scale, function=function)
    except Failure:
        if got.shape == expected.shape:
            ctx.evidence.observe(mistakes, case, got, expected, scale)
        raise
    return got


def check_stable(ctx, function: str, case: Case, reference, scale, mistakes, arg_names, axis: int):
    """``function`` on ``case`` equals ``reference(case)`` in the dtype it returned: the stability checks judge
    the values only (the dtype and the inputs left unchanged are the *_matches_reference checks' requirements).

    A failing case has a companion, the logits shifted so that every row's largest is 1e4 (``axis``: the rows'
    dimension): a function that subtracts each row's maximum is right there, one whose exp overflows is not,
    which tells the two mistakes apart where the failing case fits both.
    """
    try:
        _answer(ctx, function, case, reference(case), scale(case), mistakes)
    except Failure as failure:
        if not failure.fatal:
            logits = case.args[0]
            shifted = Case((logits - logits.amax(dim=axis, keepdim=True) + 1e4, *case.args[1:]), case.kwargs)
            expected, size = reference(shifted), scale(shifted)
            with contextlib.suppress(Failure):  # a wrong answer there is weighed like the first one
                got = _answer(ctx, function, shifted, expected, size, mistakes)
                # right there: the mistakes that predict anything else are ruled out
                telling = [m for m in mistakes if predicts_otherwise(m, shifted, expected, size)]
                ctx.evidence.observe(telling, shifted, got, expected, size)
        raise Failure(f"{failure}\n    Input: {case.describe(arg_names)}", failure.fatal) from None


def verify_softmax(ctx, drawn):
    """softmax(logits, dim) equals torch.softmax(logits, dim)."""
    case, unchanged = drawn
    expected = torch.softmax(case.args[0], _dim(case))
    check_softmax_like(ctx, "softmax", case, expected, _row_scale(case), SOFTMAX_MISTAKES, unchanged)


def verify_softmax_large(ctx, drawn):
    """softmax(logits) equals torch.softmax(logits) for logits up to |1e4|."""
    case, _ = drawn
    reference = lambda c: torch.softmax(c.args[0], _dim(c))  # noqa: E731
    check_stable(ctx, "softmax", case, reference, _row_scale, SOFTMAX_MISTAKES, SOFTMAX_ARGS, _axis(case))


LOG_SOFTMAX_MISTAKES = [
    Misconception(
        "classification.takes_log_softmax_x_probability",
        "it takes log(softmax(x)): a probability that underflows to 0 gives -inf; use "
        "x - max - log(sum(exp(x - max))), which stays finite",
        lambda c: torch.log(torch.softmax(c.args[0], _dim(c))),
    ),
    Misconception(
        "classification.log_sum_exp_x_overflows",
        "log(sum(exp(x))) overflows for large logits: subtract the maximum along `dim` first, "
        "x - m - log(sum(exp(x - m)))",
        lambda c: c.args[0] - torch.log(torch.exp(c.args[0]).sum(dim=_dim(c), keepdim=True)),
    ),
    Misconception(
        "classification.takes_log_softmax_computed_without",
        "it takes the log of a softmax computed without subtracting the maximum: exp overflows "
        "(nan) or every probability underflows (log 0 = -inf); use x - m - log(sum(exp(x - m)))",
        lambda c: torch.log(_naive_softmax(c.args[0], _dim(c))),
    ),
    Misconception(
        "classification.subtracts_maximum_whole_tensor_use",
        "it subtracts the maximum of the whole tensor; use each row's own maximum along `dim`",
        lambda c: torch.log(_global_shift_softmax(c.args[0], _dim(c))),
    ),
    Misconception(
        "classification.ignores_dim_always_works_along",
        "it ignores `dim` and always works along the last dimension",
        _along(torch.log_softmax, -1),
    ),
    Misconception(
        "classification.works_along_dimension_0_dim",
        "it works along dimension 0 instead of `dim`",
        _along(torch.log_softmax, 0),
    ),
    Misconception(
        "classification.log_softmax_wrong_default_dim",
        WRONG_DEFAULT + ": log_softmax(logits) works along the last dimension "
        "(the signature is log_softmax(logits, dim=-1))",
        _default_dim(torch.log_softmax, 1),
    ),
]


def verify_log_softmax(ctx, drawn):
    """log_softmax(logits, dim) equals torch.log_softmax(logits, dim)."""
    case, unchanged = drawn
    expected = torch.log_softmax(case.args[0], _dim(case))
    check_softmax_like(ctx, "log_softmax", case, expected, _log_row_scale(case), LOG_SOFTMAX_MISTAKES, unchanged)


def verify_log_softmax_large(ctx, drawn):
    """log_softmax(logits) equals torch.log_softmax(logits) for logits up to |1e4|."""
    case, _ = drawn
    reference = lambda c: torch.log_softmax(c.args[0], _dim(c))  # noqa: E731
    check_stable(ctx, "log_softmax", case, reference, _log_row_scale, LOG_SOFTMAX_MISTAKES, SOFTMAX_ARGS, _axis(case))
