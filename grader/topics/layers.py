"""Hidden tests for ``layers``: relu, flatten, batch_norm against PyTorch; dropout by its properties."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.checks import (TOLERANCES, Case, Failure, Generator, Misconception, Property, as_tensor,
                           check_array_call, compare, explain, inputs_unchanged,
                           outcome_value, raises_value_error)
from grader.forbidden import Rule
from grader.strategies import DTYPES, tensors

POINTS = 10

BY_LOOPS = {
    "relu": [Rule("a built-in ReLU or clamp (torch.relu, F.relu, nn.ReLU, clamp, clip, threshold)",
                  runtime=r"^(fn|aten):(relu_?|clamp(_min|_max)?_?|clip_?|_?threshold_?)$",
                  static=r"\.(relu_?|ReLU|clamp(_min|_max)?_?|clip_?|threshold_?)$")],
    "flatten": [Rule("a built-in flatten (torch.flatten, Tensor.flatten, nn.Flatten)",
                     runtime=r"^(fn|aten):flatten$", static=r"\.(flatten|Flatten)$")],
    "batch_norm": [Rule("a built-in normalisation (F.batch_norm, nn.BatchNorm*, F.layer_norm, F.instance_norm)",
                        runtime=r"^(fn|aten):(batch_norm\w*|native_batch_norm\w*|_native_batch_norm_legit\w*"
                                r"|_batch_norm\w*|cudnn_batch_norm|miopen_batch_norm|layer_norm|native_layer_norm"
                                r"|instance_norm)$",
                        static=r"\.(batch_norm|BatchNorm[123]d|LazyBatchNorm[123]d|layer_norm|LayerNorm"
                               r"|instance_norm|InstanceNorm[123]d)$")],
    "dropout": [Rule("a built-in dropout (F.dropout, nn.Dropout, torch.dropout)",
                     runtime=r"^(fn|aten):(native_|feature_|alpha_|feature_alpha_|_fused_|fused_)?dropout([123]d)?_?$",
                     static=r"\.((feature_|alpha_|feature_alpha_)?dropout([123]d)?_?"
                            r"|(Alpha|FeatureAlpha)?Dropout([123]d)?)$")],
}


def _shapes(min_dims: int, max_dims: int, low: int = 1, high: int = 4):
    return st.lists(st.integers(low, high), min_size=min_dims, max_size=max_dims).map(tuple)


# ------------------------------------------------------------------ relu

@st.composite
def relu_cases(draw):
    dtype = draw(DTYPES)
    shape = draw(_shapes(0, 4))
    bound = draw(st.sampled_from([10.0, 1e4]))
    return Case((draw(tensors(shape, dtype, -bound, bound)),))


RELU_MISTAKES = [
    Misconception("negative inputs keep a small slope (leaky ReLU); ReLU maps every negative value to exactly 0",
                  lambda c: F.leaky_relu(c.args[0], 0.01)),
    Misconception("negative inputs change sign (|x|); ReLU maps them to 0", lambda c: c.args[0].abs()),
    Misconception("it keeps the negative part min(x, 0); ReLU is max(x, 0): keep the positive values",
                  lambda c: torch.minimum(c.args[0], torch.zeros_like(c.args[0]))),
    Misconception("it returns the mask x > 0 (the derivative of ReLU) instead of x where x is positive",
                  lambda c: (c.args[0] > 0).to(c.args[0].dtype)),
]




def verify_relu(ctx, case):
    x = case.args[0]
    check_array_call(ctx, "relu", case, torch.relu(x), scale=x.abs(), misconceptions=RELU_MISTAKES, arg_names=("x",))


# ------------------------------------------------------------------ flatten

@st.composite
def flatten_cases(draw):
    dtype = draw(DTYPES)
    return Case((draw(tensors(draw(_shapes(2, 5)), dtype)),))


def _flat(x):
    return torch.nn.Flatten()(x)


FLATTEN_MISTAKES = [
    Misconception("the batch dimension is flattened too: keep dimension 0 (N) and merge only the others, "
                  "giving shape (N, product of the other sizes)", lambda c: c.args[0].reshape(-1)),
    Misconception("it merges all dimensions but the last; flatten keeps the first (batch) dimension",
                  lambda c: c.args[0].reshape(-1, c.args[0].shape[-1])),
    Misconception("the batch size ends up last (reshape(-1, N)); the result is (N, features), "
                  "one row per sample", lambda c: c.args[0].reshape(-1, c.args[0].shape[0])),
    Misconception("the values come out channels-last (the channel dimension moved to the end first); "
                  "flatten keeps the order of the remaining dimensions (row-major, as reshape reads them)",
                  lambda c: c.args[0].movedim(1, -1).reshape(c.args[0].shape[0], -1)),
]



def verify_flatten(ctx, case):
    x = case.args[0]
    check_array_call(ctx, "flatten", case, _flat(x), misconceptions=FLATTEN_MISTAKES, arg_names=("x",))


@st.composite
def noncontiguous_cases(draw):
    """A base tensor and the strided view ``base.permute(*dims)[..., ::step]`` the student gets."""
    dtype = draw(DTYPES)
    shape = draw(_shapes(2, 4, low=2, high=4))
    identity = list(range(len(shape)))
    dims = draw(st.permutations(identity))
    step = draw(st.sampled_from([1, 2]))
    if dims == identity and step == 1:
        dims = identity[::-1]
    return Case((draw(tensors(shape, dtype)), dims, step))


def _view(case):
    x, dims, step = case.args
    return x.permute(*dims)[..., ::step]


def verify_noncontiguous(ctx, case):
    x, dims, step = case.args
    view = _view(case)
    words = f"x = base.permute{tuple(dims)}" + (f"[..., ::{step}]" if step > 1 else "")
    where = (f"\n    Input: a non-contiguous {str(view.dtype).replace('torch.', '')} tensor of shape "
             f"{tuple(view.shape)} ({words}, base of shape {tuple(x.shape)})")
    outcome = ctx.probe("flatten", "call_noncontiguous", "flatten", x, dims, step)
    try:
        got = as_tensor(outcome_value(outcome, "flatten"), "flatten")
    except Failure as failure:
        hint = ""
        if outcome.status == "raised" and "view" in (outcome.error or {}).get("message", ""):
            hint = ("\n    Likely mistake: `view` needs a contiguous tensor and this one is not (it is "
                    "transposed or sliced); `reshape` copies when it must")
        raise Failure(f"{failure}{hint}{where}", failure.fatal) from None
    expected = _flat(view)
    try:
        compare(got, expected, function="flatten")
    except Failure as failure:
        hint = explain(got, Case((view,)), FLATTEN_MISTAKES)
        if not hint and step == 1 and got.shape == expected.shape and torch.equal(got, x.reshape(expected.shape)):
            hint = ("the values were taken in the memory order of the underlying storage, not in the "
                    "(permuted) order of the tensor's indices")
        hint = f"\n    Likely mistake: {hint}" if hint else ""
        raise Failure(f"{failure}{hint}{where}") from None


BAD_FLATTEN = [
    (lambda: Case((torch.ones(5),)), "for a 1-D tensor (flatten needs a batch dimension and at least one more)"),
    (lambda: Case((torch.tensor(3.0),)), "for a 0-d tensor"),
]


# ------------------------------------------------------------------ batch_norm

@st.composite
def batch_norm_cases(draw):
    dtype = draw(DTYPES)
    if draw(st.booleans()):
        shape = (draw(st.integers(2, 8)), draw(st.integers(1, 4)))
    else:
        n, c, h, w = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
        if n * h * w == 1:
            h = 2
        shape = (n, c, h, w)
    kind = draw(st.sampled_from(["plain", "plain", "offset"]))
    if kind == "plain":
        x = draw(tensors(shape, dtype))
    else:  # channels of nearly equal values: the variance is tiny next to eps (and the mean)
        offset = draw(st.sampled_from([0.0, 1.0, -5.0, 10.0]))
        x = offset + draw(tensors(shape, dtype, -2.0**-6, 2.0**-6))
    eps = draw(st.one_of(st.none(), st.sampled_from([1e-5, 1e-3, 0.1, 1.0]),
                         st.floats(1e-6, 1.0, allow_nan=False, allow_infinity=False)))
    return Case((x,), {} if eps is None else {"eps": eps})


def _channel_dims(x):
    return [0] + list(range(2, x.dim()))


def _stats(x, unbiased=False):
    dims = _channel_dims(x)
    return x.mean(dim=dims, keepdim=True), x.var(dim=dims, keepdim=True, unbiased=unbiased)


def _eps(case):
    return case.kwargs.get("eps", 1e-5)


def _bn(case):
    return F.batch_norm(case.args[0], None, None, training=True, eps=_eps(case))


def _bn_scale(case, expected):
    """Magnitude of the terms behind each output.

    ``(|x| + |mean|) / sqrt(var + eps)`` covers the rounding of ``x - mean``;
    ``|out| * mean(x**2) / (var + eps)`` covers a variance computed as
    ``E[x**2] - E[x]**2``, whose rounding error grows with the squares that cancel.
    """
    x = case.args[0].to(torch.float64)
    mean, var = _stats(x)
    square = (x * x).mean(dim=_channel_dims(x), keepdim=True)
    eps = _eps(case)
    return (x.abs() + mean.abs()) / torch.sqrt(var + eps) + expected.abs().to(torch.float64) * square / (var + eps)


def _bn_with(x, mean, var, eps):
    return (x - mean) / torch.sqrt(var + eps)


BN_MISTAKES = [
    Misconception("it uses the unbiased variance (divides by n - 1); batch norm uses the biased one "
                  "(divide by the number of values: unbiased=False / correction=0)",
                  lambda c: _bn_with(c.args[0], *_stats(c.args[0], unbiased=True), _eps(c))),
    Misconception("eps is added to the standard deviation (sqrt(var) + eps); it belongs under the root: "
                  "sqrt(var + eps)",
                  lambda c: (c.args[0] - _stats(c.args[0])[0]) / (torch.sqrt(_stats(c.args[0])[1]) + _eps(c))),
    Misconception("eps is added after the division ((x - mean) / sqrt(var) + eps); it belongs under the root",
                  lambda c: (c.args[0] - _stats(c.args[0])[0]) / torch.sqrt(_stats(c.args[0])[1]) + _eps(c)),
    Misconception("eps is missing: divide by sqrt(var + eps)",
                  lambda c: _bn_with(c.args[0], *_stats(c.args[0]), 0.0)),
    Misconception("the statistics are taken per sample (over every dimension but N, as layer norm does); "
                  "batch norm takes them per channel, over every dimension but C",
                  lambda c: F.layer_norm(c.args[0], c.args[0].shape[1:], eps=_eps(c))),
    Misconception("the statistics are taken over the batch dimension only; for (N, C, H, W) they are "
                  "per channel over N, H and W together",
                  lambda c: _bn_with(c.args[0], c.args[0].mean(0, keepdim=True),
                                     c.args[0].var(0, keepdim=True, unbiased=False), _eps(c))),
    Misconception("one mean and variance for the whole tensor; batch norm has one per channel (dimension 1)",
                  lambda c: _bn_with(c.args[0], c.args[0].mean(), c.args[0].var(unbiased=False), _eps(c))),
]




def verify_batch_norm(ctx, case):
    expected = _bn(case)
    check_array_call(ctx, "batch_norm", case, expected, scale=_bn_scale(case, expected),
                     misconceptions=BN_MISTAKES, arg_names=("x",))


BAD_BATCH_NORM = [
    (lambda: Case((torch.tensor([[1.0, 2.0, 3.0]]),)),
     "for x of shape (1, 3): one sample gives a single value per channel"),
    (lambda: Case((torch.ones(1, 2, 1, 1, dtype=torch.float64),)),
     "for x of shape (1, 2, 1, 1): a single value per channel"),
]


# ------------------------------------------------------------------ dropout

def _dropout_case(x, p, training, generator, draw):
    """The arguments in one of the ways a caller may write them."""
    kwargs = {}
    if training is not True or draw(st.booleans()):
        kwargs["training"] = training
    if generator is not None:
        kwargs["generator"] = generator
    if draw(st.booleans()):
        return Case((x,), {"p": p, **kwargs})
    return Case((x, p), kwargs)


def _p(case):
    return case.args[1] if len(case.args) > 1 else case.kwargs["p"]


def _generators():
    return st.one_of(st.none(), st.integers(0, 2**31 - 1).map(Generator))


@st.composite
def dropout_mask_cases(draw):
    dtype = draw(DTYPES)
    x = draw(tensors(draw(_shapes(1, 4, 1, 5)), dtype))
    p = draw(st.one_of(st.sampled_from([0.1, 0.25, 0.5, 0.8]), st.floats(0.01, 0.95)))
    return _dropout_case(x, p, True, draw(_generators()), draw)


def _call_tensor(ctx, function, case, arg_names=()):
    outcome = ctx.call(function, case, return_inputs=True)
    try:
        got = as_tensor(outcome_value(outcome, function), function)
    except Failure as failure:
        raise Failure(f"{failure}\n    Input: {case.describe(arg_names)}", failure.fatal) from None
    return outcome, got


DROPOUT_ARGS = ("x", "p")


def _close(got, target, scale, dtype):
    rtol, atol = TOLERANCES[dtype]
    g, t = got.to(torch.float64), target.to(torch.float64)
    return (g == t) | ((g - t).abs() <= atol * scale + rtol * t.abs())


def verify_dropout_mask(ctx, case):
    x, p = case.args[0], _p(case)
    outcome, got = _call_tensor(ctx, "dropout", case, DROPOUT_ARGS)
    where = f"\n    Input: {case.describe(DROPOUT_ARGS)}"
    if got.dtype != x.dtype or got.shape != x.shape:
        raise Failure(f"the result of `dropout` is a {str(got.dtype).replace('torch.', '')} tensor of shape "
                      f"{tuple(got.shape)}; expected {str(x.dtype).replace('torch.', '')} of shape "
                      f"{tuple(x.shape)} (same as x){where}")
    x64 = x.to(torch.float64)
    scale = x64.abs() / (1 - p)
    kept = x / (1 - p)
    ok = _close(got, torch.zeros_like(x), scale, x.dtype) | _close(got, kept, scale, x.dtype)
    if not bool(ok.all()):
        bad = (~ok).nonzero()
        index = tuple(int(i) for i in bad[0])
        at = f"at index {list(index)}" if index else "the value"
        text = (f"every element of the result of `dropout` must be 0 (dropped) or x / (1 - p) (kept); "
                f"{at} x = {float(x[index]):.7g}, so expected 0 or {float(kept[index]):.7g}, "
                f"got {float(got[index]):.7g}")
        survivors = got != 0
        if bool(survivors.any()):
            if bool(_close(got, x, scale, x.dtype)[survivors].all()):
                text += ("\n    Likely mistake: the survivors are not scaled. This is inverted dropout: multiply "
                         "the kept values by 1 / (1 - p) during training so that nothing changes at test time")
            elif bool(_close(got, x * (1 - p), scale, x.dtype)[survivors].all()):
                text += ("\n    Likely mistake: the survivors are multiplied by (1 - p); inverted dropout "
                         "divides them by (1 - p)")
        raise Failure(text + where)
    inputs_unchanged(outcome, case, "dropout")


@st.composite
def dropout_identity_cases(draw):
    dtype = draw(DTYPES)
    x = draw(tensors(draw(_shapes(1, 4, 1, 5)), dtype))
    mode = draw(st.sampled_from(["eval", "p0", "p1"]))
    if mode == "eval":
        p = draw(st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(0.0, 1.0)))
        return _dropout_case(x, p, False, draw(_generators()), draw)
    return _dropout_case(x, 0.0 if mode == "p0" else 1.0, True, draw(_generators()), draw)


def verify_dropout_identity(ctx, case):
    x, p = case.args[0], _p(case)
    training = case.kwargs.get("training", True)
    expected = x if (not training or p == 0) else torch.zeros_like(x)
    try:
        check_array_call(ctx, "dropout", case, expected, arg_names=DROPOUT_ARGS)
    except Failure as failure:
        text = str(failure)
        if failure.fatal or not (" is wrong: " in text or " raised " in text) or "not implemented" in text:
            raise
        if not training:
            hint = ("with training=False dropout does nothing: return x unchanged (nothing is dropped or scaled "
                    "at test time)")
        elif p == 0:
            hint = "with p = 0 nothing is dropped and 1 / (1 - p) = 1: the result equals x"
        else:
            hint = ("with p = 1 every element is dropped: return zeros (1 / (1 - p) divides by zero, "
                    "so handle p == 1 on its own)")
        raise Failure(f"{text}\n    Remember: {hint}") from None


@st.composite
def dropout_rate_cases(draw):
    dtype = draw(DTYPES)
    shape = draw(st.sampled_from([(20000,), (200, 100), (20, 10, 100)]))
    p = draw(st.one_of(st.sampled_from([0.1, 0.2, 0.3, 0.75, 0.9]), st.floats(0.05, 0.95)))
    return Case((torch.ones(shape, dtype=dtype), p), {"generator": Generator(draw(st.integers(0, 2**31 - 1)))})


def _rate_bound(p, n):
    """A correct implementation stays this close to p (more than 6 standard deviations)."""
    return 6 * math.sqrt(p * (1 - p) / n) + 1e-3


def verify_dropout_rate(ctx, case):
    x, p = case.args
    outcome, got = _call_tensor(ctx, "dropout", case, DROPOUT_ARGS)
    if got.shape != x.shape:
        raise Failure(f"the result of `dropout` has shape {tuple(got.shape)}; expected {tuple(x.shape)}"
                      f"\n    Input: {case.describe(DROPOUT_ARGS)}")
    n = x.numel()
    dropped = float((got == 0).to(torch.float64).mean())
    if abs(dropped - p) > _rate_bound(p, n):
        text = (f"`dropout` zeroed {dropped:.2%} of {n} ones with p = {p:.4g}; about {p:.2%} should be zeroed "
                f"(each element independently with probability p)")
        if abs(dropped - (1 - p)) <= _rate_bound(p, n):
            text += ("\n    Likely mistake: elements are kept with probability p; p is the probability "
                     "of dropping (keep when rand >= p, or when rand < 1 - p)")
        elif dropped == 0:
            text += "\n    Likely mistake: nothing is dropped while training"
        raise Failure(f"{text}\n    Input: {case.describe(DROPOUT_ARGS)}")


@st.composite
def dropout_seed_cases(draw):
    dtype = draw(DTYPES)
    shape = draw(st.sampled_from([(100,), (10, 10), (4, 5, 6)]))
    x = draw(tensors(shape, dtype, 0.5, 10.0))
    p = draw(st.sampled_from([0.3, 0.5, 0.7]))
    seeds = draw(st.lists(st.integers(0, 2**31 - 1), min_size=2, max_size=2, unique=True))
    return Case((x, p), {"generator": Generator(seeds[0])}), Generator(seeds[1])


def verify_dropout_seed(ctx, drawn):
    case, other = drawn
    first = _call_tensor(ctx, "dropout", case, DROPOUT_ARGS)[1]
    again = _call_tensor(ctx, "dropout", case, DROPOUT_ARGS)[1]
    where = f"\n    Input: {case.describe(DROPOUT_ARGS)}"
    if first.shape != again.shape or not torch.equal(first, again):
        raise Failure("two calls of `dropout` with the same seeded generator gave different results; draw "
                      "the random numbers from `generator` (e.g. torch.rand(x.shape, generator=generator)) "
                      "so that a seed makes the mask reproducible" + where)
    different = Case(case.args, {"generator": other})
    third = _call_tensor(ctx, "dropout", different, DROPOUT_ARGS)[1]
    if third.shape == first.shape and torch.equal(third, first):
        raise Failure(f"`dropout` gave the same mask for the generators seeded {case.kwargs['generator'].seed} "
                      f"and {other.seed}: the random numbers must come from `generator`, not from a fixed "
                      "seed of your own" + where)


BAD_DROPOUT = [
    (lambda: Case((torch.ones(3), -0.1)), "for p = -0.1"),
    (lambda: Case((torch.ones(3), 1.5)), "for p = 1.5"),
    (lambda: Case((torch.ones(2, 2),), {"p": 2.0}), "for p = 2.0"),
]


CHECKS = [
    Property("relu_matches_reference", "relu matches torch.relu (any shape, float32 and float64)",
             "relu", 2.0, strategy=relu_cases(), verify=verify_relu),
    Property("flatten_matches_reference", "flatten matches nn.Flatten for 2-D to 5-D inputs",
             "flatten", 1.25, strategy=flatten_cases(), verify=verify_flatten),
    Property("flatten_non_contiguous", "flatten matches nn.Flatten for transposed and sliced (non-contiguous) inputs",
             "flatten", 0.75, strategy=noncontiguous_cases(), verify=verify_noncontiguous),
    raises_value_error("flatten_errors", "flatten raises ValueError for fewer than 2 dimensions",
                       "flatten", BAD_FLATTEN, ("x",), weight=0.5),
    Property("batch_norm_matches_reference",
             "batch_norm matches F.batch_norm in training mode ((N, C) and (N, C, H, W), any eps)",
             "batch_norm", 2.5, strategy=batch_norm_cases(), verify=verify_batch_norm),
    raises_value_error("batch_norm_errors", "batch_norm raises ValueError for a single value per channel",
                       "batch_norm", BAD_BATCH_NORM, ("x",), weight=0.5),
    Property("dropout_mask_values", "dropout zeroes elements and scales the survivors by 1 / (1 - p)",
             "dropout", 1.0, strategy=dropout_mask_cases(), verify=verify_dropout_mask),
    Property("dropout_identity_and_extremes",
             "dropout is the identity for training=False or p = 0, all zeros for p = 1",
             "dropout", 0.5, strategy=dropout_identity_cases(), verify=verify_dropout_identity, examples=40, array_valued=False),
    Property("dropout_rate", "dropout zeroes a fraction p of the elements",
             "dropout", 0.5, strategy=dropout_rate_cases(), verify=verify_dropout_rate, examples=8, array_valued=False),
    Property("dropout_seeded", "dropout is reproducible with a seeded torch.Generator",
             "dropout", 0.25, strategy=dropout_seed_cases(), verify=verify_dropout_seed, examples=8, array_valued=False),
    raises_value_error("dropout_errors", "dropout raises ValueError for p outside [0, 1]",
                       "dropout", BAD_DROPOUT, DROPOUT_ARGS, weight=0.25),
]
