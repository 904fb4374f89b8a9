"""``relu``: equal to torch.relu, NaN and ±inf included; its known mistakes."""

from __future__ import annotations

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
from grader.checks.strategies import DTYPES
from grader.topics.layers.common import _finite_or_not, _shapes

RELU_FEATURES = ("any shape", "float64", "NaN and ±inf")


@st.composite
def relu_cases(draw, enabled: frozenset):
    """relu's input drawing only the ``enabled`` features; the core is a float32 vector of finite values."""
    dtype = draw(DTYPES) if "float64" in enabled else torch.float32
    shape = draw(_shapes(0, 4)) if "any shape" in enabled else draw(_shapes(1, 1))
    bound = draw(st.sampled_from([10.0, 1e4]))
    return Case((draw(_finite_or_not(shape, dtype, -bound, bound, enabled)),))


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


RELU_DTYPE_MISTAKES = [float32_result(lambda c: torch.relu(c.args[0]), "x")]


def verify_relu(ctx, case):
    """relu(x) equals torch.relu(x)."""
    x = case.args[0]
    check_array_call(
        ctx,
        "relu",
        case,
        torch.relu(x),
        scale=x.abs(),
        misconceptions=RELU_MISTAKES,
        dtype_mistakes=RELU_DTYPE_MISTAKES,
        arg_names=("x",),
    )
