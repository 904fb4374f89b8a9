"""``relu``: equal to torch.relu, NaN and ±inf included, integer tensors too; its known mistakes."""

from __future__ import annotations

import dataclasses

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Misconception,
    NotApplicable,
    check_array_call,
    float32_result,
)
from grader.checks.strategies import DTYPES, arrays
from grader.topics.layers.common import UNCHANGED, _finite_or_not, _shapes

RELU_FEATURES = ("any shape", "float64", "NaN and ±inf", "integer tensors", UNCHANGED)
INTEGER_DTYPES = {torch.int64: np.int64, torch.int32: np.int32, torch.int8: np.int8}


@st.composite
def relu_cases(draw, enabled: frozenset):
    """relu's input drawing only the ``enabled`` features, and whether it must come back unchanged; the core is
    a float32 vector of finite values."""
    shape = draw(_shapes(0, 4)) if "any shape" in enabled else draw(_shapes(1, 1))
    if "integer tensors" in enabled and draw(st.booleans()):
        dtype = draw(st.sampled_from(list(INTEGER_DTYPES)))
        x = torch.from_numpy(draw(arrays(INTEGER_DTYPES[dtype], shape, -100, 100)))
        return Case((x,)), UNCHANGED in enabled
    dtype = draw(DTYPES) if "float64" in enabled else torch.float32
    bound = draw(st.sampled_from([10.0, 1e4]))
    return Case((draw(_finite_or_not(shape, dtype, -bound, bound, enabled)),)), UNCHANGED in enabled


def _mask_only(case):
    """The mask x > 0 as numbers: it tells itself apart from relu only where some x is positive and not 1."""
    x = case.args[0]
    if not bool(((x > 0) & (x != 1) & torch.isfinite(x)).any()):
        raise NotApplicable("the mask and relu agree on every finite value here")
    return (x > 0).to(x.dtype)


RELU_MISTAKES = [
    Misconception(
        "layers.negative_inputs_keep_small_slope",
        "negative inputs keep a small slope (leaky ReLU); ReLU maps every negative value to exactly 0",
        lambda c: F.leaky_relu(c.args[0], 0.01),
    ),
    Misconception(
        "layers.negative_inputs_change_sign_x",
        "negative inputs change sign (|x|); ReLU maps them to 0",
        lambda c: c.args[0].abs(),
    ),
    Misconception(
        "layers.keeps_negative_part_min_x",
        "it keeps the negative part min(x, 0); ReLU is max(x, 0): keep the positive values",
        lambda c: torch.minimum(c.args[0], torch.zeros_like(c.args[0])),
    ),
    Misconception(
        "layers.returns_mask_x_0_derivative",
        "it returns the mask x > 0 (the derivative of ReLU) instead of x where x is positive",
        _mask_only,
    ),
    Misconception(
        "layers.nan_becomes_0_comparison_nan",
        "NaN becomes 0: a comparison with NaN is always false, so torch.where(x > 0, x, 0) (or "
        "`v if v > 0 else 0`) sends NaN to the 0 branch; test x < 0 instead (torch.where(x < 0, 0, x)) "
        "so that NaN passes through as in torch.relu",
        lambda c: torch.where(c.args[0] > 0, c.args[0], torch.zeros_like(c.args[0])),
    ),
    Misconception(
        "layers.multiplies_mask_x_x_0",
        "it multiplies by the mask (x * (x > 0)): -inf * 0 is NaN, not 0; select with "
        "torch.where(x < 0, 0, x) instead of multiplying",
        lambda c: c.args[0] * (c.args[0] > 0),
    ),
]


def _floats_only(mistake: Misconception) -> Misconception:
    """``mistake`` where x is a float tensor (an integer x has a mistake of its own)."""

    def compute(case):
        if not case.args[0].is_floating_point():
            raise NotApplicable("an integer input")
        return mistake.compute(case)

    return dataclasses.replace(mistake, compute=compute)


def _integers_to_float(case):
    x = case.args[0]
    if x.is_floating_point():
        raise NotApplicable("a float input")
    return torch.relu(x).to(torch.float32)


RELU_DTYPE_MISTAKES = [
    _floats_only(float32_result(lambda c: torch.relu(c.args[0]), "x")),
    Misconception(
        "layers.relu_integers_become_float",
        "an integer input gives a float32 result: a float in the computation (the 0.0 of torch.where(x < 0, 0.0, "
        "x), torch.tensor(0.), .float(), a division) promotes the integers; keep x's dtype (0, or "
        "torch.zeros_like(x)), as torch.relu does",
        _integers_to_float,
    ),
]


def verify_relu(ctx, drawn):
    """relu(x) equals torch.relu(x)."""
    case, unchanged = drawn
    x = case.args[0]
    check_array_call(
        ctx,
        "relu",
        case,
        torch.relu(x),
        scale=x.abs().double(),
        misconceptions=RELU_MISTAKES,
        dtype_mistakes=RELU_DTYPE_MISTAKES,
        arg_names=("x",),
        check_inputs=unchanged,
    )
