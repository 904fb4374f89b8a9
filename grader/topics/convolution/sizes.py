"""``conv_output_size``: the formula, its known mistakes, its argument checks."""

from __future__ import annotations

import torch
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Failure,
    Misconception,
    NotApplicable,
    Property,
    applicable,
    crashed,
    outcome_value,
    raises_value_error,
)
from grader.topics.convolution.evidence import Signature

SIZE_ARGS = ("n", "kernel_size", "stride", "padding", "dilation")
SIGNATURE = Signature("conv_output_size", SIZE_ARGS, {"stride": 1, "padding": 0, "dilation": 1}, leading=2)


@st.composite
def size_cases(draw):
    """(n, kernel_size, stride, padding, dilation) with a result of 1 or more; an option at its default is
    sometimes left out, and the options are given by keyword or by position."""
    k, s, d = draw(st.integers(1, 7)), draw(st.integers(1, 4)), draw(st.integers(1, 3))
    p = draw(st.integers(0, 3))
    span = d * (k - 1) + 1
    n = draw(st.integers(max(1, span - 2 * p), span - 2 * p + 40))
    options = {
        name: value
        for name, value in zip(SIZE_ARGS[2:], (s, p, d))
        if value != SIGNATURE.defaults[name] or draw(st.booleans())
    }
    case = Case((n, k), options)
    return draw(st.sampled_from([case, SIGNATURE.positional(case)]))


def _size(n, k, stride=1, padding=0, dilation=1):
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def _size_mistake(id: str, explanation: str, formula) -> Misconception:
    """A conv_output_size mistake: ``formula(n, k, s, p, d)`` is the size it computes (as a 0-d tensor)."""

    def compute(case):
        case = SIGNATURE.spelled_out(case)
        n, k = case.args
        size = formula(n, k, *(case.kwargs[name] for name in SIZE_ARGS[2:]))
        if size < 1:
            raise NotApplicable("a size below 1: the code may raise (its own check) or return it")
        return torch.tensor(float(size), dtype=torch.float64)

    return Misconception(id, explanation, compute)


def _true_division(n, k, s, p, d):
    top = n + 2 * p - d * (k - 1) - 1
    if top % s == 0:
        raise NotApplicable("/ and // agree")
    return top / s + 1


SIZE_MISTAKES = [
    _size_mistake(
        "convolution.ignores_dilation_dilated_kernel_spans",
        "it ignores dilation: a dilated kernel spans dilation*(kernel_size-1)+1 cells",
        lambda n, k, s, p, d: (n + 2 * p - (k - 1) - 1) // s + 1,
    ),
    _size_mistake(
        "convolution.pads_only_one_side_padding",
        "it pads only one side: padding is added on both sides (2*padding)",
        lambda n, k, s, p, d: (n + p - d * (k - 1) - 1) // s + 1,
    ),
    _size_mistake(
        "convolution.rounds_up_formula_uses_floor",
        "it rounds up: the formula uses floor, not ceil",
        lambda n, k, s, p, d: -((-(n + 2 * p - d * (k - 1) - 1)) // s) + 1,
    ),
    _size_mistake(
        "convolution.forgets_1_first_position_kernel",
        "it forgets the +1 (the first position of the kernel counts too)",
        lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) // s,
    ),
    _size_mistake(
        "convolution.ignores_stride_kernel_moves_stride",
        "it ignores the stride: the kernel moves `stride` cells at a time, so divide by the stride "
        "(floor division //) before adding 1",
        lambda n, k, s, p, d: n + 2 * p - d * (k - 1),
    ),
    _size_mistake(
        "convolution.divides_float_2_5_positions",
        "it divides with / (a float, 2.5 positions): use floor division //, which drops the last "
        "partial step and keeps the result an int",
        _true_division,
    ),
]


# Two cases that tell every pair of SIZE_MISTAKES apart (the shrunk failure, n=1 and kernel_size=1, tells none):
# on a failure the student's sizes there are observed too.
SIZE_COMPANIONS = (
    Case((2, 1), {"stride": 2, "padding": 1, "dilation": 1}),
    Case((1, 2), {"stride": 1, "padding": 2, "dilation": 2}),
)


def verify_size(ctx, case):
    """conv_output_size returns the int size nn.Conv2d's output has along one axis."""
    try:
        SIGNATURE.check(ctx, case, lambda called: _check_size(ctx, called))
    except Failure:
        for companion in SIZE_COMPANIONS:
            try:
                _check_size(ctx, companion)
            except Failure:
                pass
        raise


def _check_size(ctx, case):
    """``Failure`` unless conv_output_size returns the right int for ``case``; its answer goes to the evidence."""
    expected = _size(*case.args, **case.kwargs)
    outcome = ctx.call("conv_output_size", case)
    if crashed(outcome):
        ctx.evidence.observe_crash(SIZE_MISTAKES, case)
    try:
        value = outcome_value(outcome, "conv_output_size")
    except Failure as failure:
        raise Failure(f"{failure}\n    Input: {case.describe(SIZE_ARGS)}", failure.fatal) from None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        mistakes = applicable(SIZE_MISTAKES, case)
        if value == expected:  # right here: only the mistakes that predict another size are ruled out
            mistakes = [m for m in mistakes if float(m.compute(case)) != expected]
        ctx.evidence.observe(
            mistakes,
            case,
            torch.tensor(float(value), dtype=torch.float64),
            torch.tensor(float(expected), dtype=torch.float64),
        )
    if type(value) is not int or value != expected:
        shown = value if isinstance(value, (int, float)) else f"a {type(value).__name__}"
        raise Failure(
            f"`conv_output_size` returned {shown}; expected the int {expected}.\n    Input: {case.describe(SIZE_ARGS)}"
        )


BAD_SIZES = [
    (Case((0, 3)), "for n = 0"),
    (Case((-4, 3)), "for a negative n"),
    (Case((5, 0)), "for kernel_size = 0"),
    (Case((5, 3), {"stride": 0}), "for stride = 0"),
    (Case((5, 3), {"padding": -1}), "for negative padding"),
    (Case((5, 3), {"dilation": 0}), "for dilation = 0"),
    (Case((3, 5)), "when the kernel does not fit (result below 1)"),
    (Case((4, 3), {"dilation": 2}), "when the dilated kernel does not fit"),
    (Case((0, 3), {"padding": 2}), "for n = 0, even though the padded input (0 + 2 * 2) holds the kernel"),
    (Case((5, -1)), "for a negative kernel_size"),
    (Case((3, 3), {"stride": -1}), "for a negative stride"),
    (Case((5, 3, 1, 0, -1)), "for a negative dilation (given by position)"),
]


CHECKS = [
    Property(
        "conv_output_size_formula",
        "conv_output_size matches nn.Conv2d's output size",
        "conv_output_size",
        2.0,
        strategy=size_cases(),
        verify=verify_size,
        array_valued=False,
    ),
    raises_value_error(
        "conv_output_size_errors",
        "conv_output_size raises ValueError for invalid arguments",
        "conv_output_size",
        [(lambda c=c: c, why) for c, why in BAD_SIZES],
        SIZE_ARGS,
    ),
]
