"""``conv_output_size``: the formula, its known mistakes, its argument checks."""

from __future__ import annotations

import torch
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Failure,
    Misconception,
    Mistake,
    NotApplicable,
    Property,
    applicable,
    crashed,
    mistake_lines,
    outcome_value,
)
from grader.topics.arguments import Bad, argument_errors
from grader.topics.convolution.evidence import Signature, demands, drawn

SIZE_ARGS = ("n", "kernel_size", "stride", "padding", "dilation")
SIGNATURE = Signature("conv_output_size", SIZE_ARGS, {"stride": 1, "padding": 0, "dilation": 1}, leading=2)


SIZE_FEATURES = ("stride", "padding", "dilation", "int result", "defaults left out", "positional arguments")


@st.composite
def size_cases(draw, enabled: frozenset):
    """(n, kernel_size, stride, padding, dilation) with a result of 1 or more, drawing only the ``enabled``
    features. The core: stride 1, padding 0 and dilation 1, each given by keyword; the "stride", "padding"
    and "dilation" features draw other values of theirs, "defaults left out" leaves the options at their
    defaults out of the call (with other features too, an option is then left at its default half the
    time), "positional arguments" passes the options by position; "int result" demands an int (the core
    takes 5.0 for 5)."""
    on = enabled.__contains__

    def drawn_for(feature: str, values):
        at_default = not on(feature) or (on("defaults left out") and draw(st.booleans()))
        return SIGNATURE.defaults[feature] if at_default else draw(values)

    k = draw(st.integers(1, 7))
    s, p = drawn_for("stride", st.integers(2, 4)), drawn_for("padding", st.integers(1, 3))
    d = drawn_for("dilation", st.integers(2, 3))
    span = d * (k - 1) + 1
    n = draw(st.integers(max(1, span - 2 * p), span - 2 * p + 40))
    options = {
        name: value
        for name, value in zip(SIZE_ARGS[2:], (s, p, d))
        if value != SIGNATURE.defaults[name] or not on("defaults left out")
    }
    case = Case((n, k), options)
    positional = on("positional arguments") and not (on("defaults left out") and draw(st.booleans()))
    return drawn(SIGNATURE.positional(case) if positional else case, enabled)


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


FLOAT_SIZE = Mistake(
    "convolution.size_float_result",
    "the size is a float (/ gives one even where the division is exact: 6 / 2 is 3.0): divide with // "
    "so that the result is an int",
)


# Two cases that tell every pair of SIZE_MISTAKES apart (the shrunk failure, n=1 and kernel_size=1, tells none):
# on a failure the student's sizes there are observed too.
SIZE_COMPANIONS = (
    Case((2, 1), {"stride": 2, "padding": 1, "dilation": 1}),
    Case((1, 2), {"stride": 1, "padding": 2, "dilation": 2}),
)


def verify_size(ctx, case):
    """conv_output_size returns the int size nn.Conv2d's output has along one axis."""
    whole = demands(case, "int result")
    try:
        SIGNATURE.check(ctx, case, lambda called: _check_size(ctx, called, whole))
    except Failure:
        for companion in SIZE_COMPANIONS:
            try:
                _check_size(ctx, companion, whole)
            except Failure:
                pass
        raise


def _check_size(ctx, case, whole: bool):
    """``Failure`` unless conv_output_size returns the right size for ``case`` (an int, if ``whole``); its
    answer goes to the evidence."""
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
    if value != expected or (type(value) is not int and whole):
        shown = repr(value) if isinstance(value, (int, float)) else f"a {type(value).__name__}"
        named = (FLOAT_SIZE,) if isinstance(value, float) and value == expected else ()
        raise Failure(
            f"`conv_output_size` returned {shown}; expected the int {expected}.\n    Input: {case.describe(SIZE_ARGS)}"
            + mistake_lines(named),
            mistakes=named,
        )


def _bad(why: str, part: str, n, kernel_size, names=(), **options) -> Bad:
    """An invalid call of conv_output_size, every option given by keyword (the signature is checked apart)."""
    case = SIGNATURE.spelled_out(Case((n, kernel_size), options))
    return Bad(lambda: case, why, part, names)


BAD_SIZES = [
    _bad("for n = 0", "n >= 1", 0, 3, ("n",)),
    _bad("for a negative n", "n >= 1", -4, 3, ("n",)),
    _bad("for n = 0, even though the padded input (0 + 2 * 2) holds the kernel", "n >= 1", 0, 3, ("n",), padding=2),
    _bad("for kernel_size = 0", "kernel_size >= 1", 5, 0, ("kernel_size",)),
    _bad("for a negative kernel_size", "kernel_size >= 1", 5, -1, ("kernel_size",)),
    _bad("for stride = 0", "stride >= 1", 5, 3, ("stride",), stride=0),
    _bad("for a negative stride", "stride >= 1", 3, 3, ("stride",), stride=-1),
    _bad("for negative padding", "padding >= 0", 5, 3, ("padding",), padding=-1),
    _bad("for dilation = 0", "dilation >= 1", 5, 3, ("dilation",), dilation=0),
    _bad("for a negative dilation", "dilation >= 1", 5, 3, ("dilation",), dilation=-1),
    _bad("when the kernel does not fit (result below 1)", "result >= 1", 3, 5),
    _bad("when the dilated kernel does not fit", "result >= 1", 4, 3, dilation=2),
]


CHECKS = [
    Property(
        "conv_output_size_formula",
        "conv_output_size matches nn.Conv2d's output size",
        "conv_output_size",
        2.0,
        strategy=size_cases,
        verify=verify_size,
        array_valued=False,
        features=SIZE_FEATURES,
    ),
    argument_errors(
        "conv_output_size_errors",
        "conv_output_size raises ValueError for invalid arguments",
        "conv_output_size",
        BAD_SIZES,
        SIZE_ARGS,
    ),
]
