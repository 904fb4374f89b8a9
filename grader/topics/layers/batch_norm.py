"""``batch_norm``: equal to F.batch_norm in training mode; its known mistakes and argument checks."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from hypothesis import assume
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Misconception,
    NotApplicable,
    check_array_call,
    float32_result,
)
from grader.checks.strategies import DTYPES, tensors
from grader.topics.arguments import Bad
from grader.topics.layers.common import UNCHANGED

BN_FEATURES = ("(N, C, H, W) inputs", "eps by name", "eps by position", "default eps", "float64", UNCHANGED)
BN_ARGS = ("x", "eps")


@st.composite
def batch_norm_cases(draw, enabled: frozenset):
    """batch_norm arguments drawing only the ``enabled`` features, and whether x must come back unchanged.

    The core: a float32 (N, C) tensor with eps left out, whose channels' variances are at least 250000, so
    that any eps up to 1e-3 (placed anywhere under the root) changes the result by less than the float64
    tolerance (a mistake with eps shows in the eps features only). "eps by name" and "eps by position" give
    eps (1e-5 to 1) that way, "default eps" leaves it out, each on plain values or on channels of nearly
    equal values, whose variance is tiny next to eps.
    """
    on = enabled.__contains__
    dtype = draw(DTYPES) if on("float64") else torch.float32
    if not on("(N, C, H, W) inputs") or draw(st.booleans()):
        shape = (draw(st.integers(2, 8)), draw(st.integers(1, 4)))
    else:
        n, c, h, w = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
        if n * h * w == 1:
            h = 2
        shape = (n, c, h, w)
    ways = [way for way in ("eps by name", "eps by position", "default eps") if on(way)]
    way = draw(st.sampled_from(ways)) if ways and draw(st.booleans()) else None
    if way is None:  # spread channels, eps left out: the result hardly depends on eps
        x = 1000 * draw(tensors(shape, dtype, patterns=("small", "integers", "uniform", "negative")))
        assume(bool((_stats(x)[1] >= 250_000).all()))
        return Case((x,)), UNCHANGED in enabled
    if draw(st.booleans()):
        x = draw(tensors(shape, dtype))
    else:  # channels of nearly equal values: the variance is tiny next to eps (and the mean)
        offset = draw(st.sampled_from([0.0, 1.0, -1.0]))
        x = offset + draw(tensors(shape, dtype, -5, 5, patterns=("small", "integers"))) / 1000
    if way == "default eps":
        return Case((x,)), UNCHANGED in enabled
    eps = draw(st.one_of(st.sampled_from([1e-5, 1e-3, 0.1, 1.0]), st.integers(1, 1000).map(lambda k: k / 1000)))
    return (Case((x, eps)) if way == "eps by position" else Case((x,), {"eps": eps})), UNCHANGED in enabled


def _channel_dims(x):
    return [0] + list(range(2, x.dim()))


def _stats(x, unbiased=False):
    dims = _channel_dims(x)
    return x.mean(dim=dims, keepdim=True), x.var(dim=dims, keepdim=True, unbiased=unbiased)


def _eps(case):
    return case.args[1] if len(case.args) > 1 else case.kwargs.get("eps", 1e-5)


def _eps_given(case) -> bool:
    return len(case.args) > 1 or "eps" in case.kwargs


def _bn(case):
    """F.batch_norm in training mode."""
    return F.batch_norm(case.args[0], None, None, training=True, eps=_eps(case))


def _bn_scale(case, expected):
    """Magnitude of the terms behind each output.

    ``(|x| + mean(|x|)) / sqrt(var + eps)`` covers the rounding of ``x - mean`` (the mean's own rounding
    error is relative to the sum of |x|, so it is not zero where the mean is);
    ``|out| * mean(x**2) / (var + eps)`` covers a variance computed as
    ``E[x**2] - E[x]**2``, whose rounding error grows with the squares that cancel.
    At least 1: the outputs are standardised values, of magnitude 1.
    """
    x = case.args[0].to(torch.float64)
    dims = _channel_dims(x)
    _, var = _stats(x)
    mean_abs = x.abs().mean(dim=dims, keepdim=True)
    square = (x * x).mean(dim=dims, keepdim=True)
    eps = _eps(case)
    scale = (x.abs() + mean_abs) / torch.sqrt(var + eps) + expected.abs().to(torch.float64) * square / (var + eps)
    return scale.clamp(min=1.0)


def _bn_with(x, mean, var, eps):
    return (x - mean) / torch.sqrt(var + eps)


BN_MISTAKES = [
    Misconception(
        "layers.uses_unbiased_variance_divides_n",
        "it uses the unbiased variance (divides by n - 1); batch norm uses the biased one "
        "(divide by the number of values: unbiased=False / correction=0)",
        lambda c: _bn_with(c.args[0], *_stats(c.args[0], unbiased=True), _eps(c)),
    ),
    Misconception(
        "layers.eps_added_standard_deviation_sqrt",
        "eps is added to the standard deviation (sqrt(var) + eps); it belongs under the root: sqrt(var + eps)",
        lambda c: (c.args[0] - _stats(c.args[0])[0]) / (torch.sqrt(_stats(c.args[0])[1]) + _eps(c)),
    ),
    Misconception(
        "layers.eps_added_after_division_x",
        "eps is added after the division ((x - mean) / sqrt(var) + eps); it belongs under the root",
        lambda c: (c.args[0] - _stats(c.args[0])[0]) / torch.sqrt(_stats(c.args[0])[1]) + _eps(c),
    ),
    Misconception(
        "layers.eps_missing_divide_sqrt_var",
        "eps is missing: divide by sqrt(var + eps)",
        lambda c: _bn_with(c.args[0], *_stats(c.args[0]), 0.0),
    ),
    Misconception(
        "layers.statistics_taken_per_sample_over",
        "the statistics are taken per sample (over every dimension but N, as layer norm does); "
        "batch norm takes them per channel, over every dimension but C",
        lambda c: F.layer_norm(c.args[0], c.args[0].shape[1:], eps=_eps(c)),
    ),
    Misconception(
        "layers.statistics_taken_over_batch_dimension",
        "the statistics are taken over the batch dimension only; for (N, C, H, W) they are "
        "per channel over N, H and W together",
        lambda c: _bn_with(
            c.args[0], c.args[0].mean(0, keepdim=True), c.args[0].var(0, keepdim=True, unbiased=False), _eps(c)
        ),
    ),
    Misconception(
        "layers.one_mean_variance_whole_tensor",
        "one mean and variance for the whole tensor; batch norm has one per channel (dimension 1)",
        lambda c: _bn_with(c.args[0], c.args[0].mean(), c.args[0].var(unbiased=False), _eps(c)),
    ),
    Misconception(
        "layers.default_eps_wrong_1e_3",
        "the default eps is wrong (1e-3 is Keras' default): the signature is batch_norm(x, eps=1e-5), as in PyTorch",
        lambda c: _bn(c) if _eps_given(c) else _bn_with(c.args[0], *_stats(c.args[0]), 1e-3),
    ),
    Misconception(
        "layers.eps_passed_position_used_eps",
        "eps passed by position is not used as eps: the signature is batch_norm(x, eps=1e-5), eps "
        "right after x (an extra option such as momentum before it takes its place)",
        lambda c: _bn(Case(c.args[:1])) if len(c.args) > 1 else _bn(c),
    ),
]


def verify_batch_norm(ctx, drawn):
    """batch_norm(x, eps) equals F.batch_norm(x, None, None, training=True, eps=eps)."""
    case, unchanged = drawn
    expected = _bn(case)
    check_array_call(
        ctx,
        "batch_norm",
        case,
        expected,
        scale=_bn_scale(case, expected),
        misconceptions=BN_MISTAKES,
        dtype_mistakes=[float32_result(_bn, "x")],
        arg_names=BN_ARGS,
        check_inputs=unchanged,
    )


def _unchecked_single_value(case):
    """The formula on a single value per channel: no ValueError, zeros."""
    x = case.args[0]
    if x.numel() // x.shape[1] > 1:
        raise NotApplicable("more than one value per channel")
    return _bn_with(x, *_stats(x), _eps(case))


def _unchecked_eps(case):
    """The formula with the eps given, 0 or negative: no ValueError (NaN where var + eps < 0)."""
    if _eps(case) > 0:
        raise NotApplicable("a positive eps")
    return _bn_with(case.args[0], *_stats(case.args[0]), _eps(case))


UNCHECKED_BATCH_NORM = [
    Misconception(
        "layers.single_value_per_channel_rejected",
        "a single value per channel is not rejected: its variance is 0, so every output is 0 (or NaN "
        "without eps); raise ValueError when x.numel() // x.shape[1] == 1",
        _unchecked_single_value,
    ),
    Misconception(
        "layers.bn_eps_unchecked",
        "eps is not checked: eps = 0 divides by the standard deviation itself (0 / 0 for a constant channel) "
        "and a negative eps can take the root of a negative number; raise ValueError when eps <= 0, "
        "as F.batch_norm does in training mode",
        _unchecked_eps,
    ),
]

SINGLE_VALUE, EPS_NOT_POSITIVE = "a single value per channel", "eps <= 0"
SPREAD = [[1.0, -2.0], [3.0, 0.0], [-1.0, 4.0]]
BAD_BATCH_NORM = [
    Bad(
        lambda: Case((torch.tensor([[1.0, 2.0, 3.0]]),)),
        "for x of shape (1, 3): one sample gives a single value per channel",
        SINGLE_VALUE,
        ("x",),
    ),
    Bad(
        lambda: Case((torch.ones(1, 2, 1, 1, dtype=torch.float64),)),
        "for x of shape (1, 2, 1, 1): a single value per channel",
        SINGLE_VALUE,
        ("x",),
    ),
    Bad(lambda: Case((torch.tensor(SPREAD),), {"eps": 0.0}), "for eps = 0", EPS_NOT_POSITIVE, ("eps",)),
    Bad(
        lambda: Case((torch.tensor(SPREAD, dtype=torch.float64),), {"eps": -1e-5}),
        "for a negative eps",
        EPS_NOT_POSITIVE,
        ("eps",),
    ),
]
