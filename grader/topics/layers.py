"""Hidden tests for ``layers``: relu, flatten, batch_norm against PyTorch; dropout by its properties."""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import assume
from hypothesis import strategies as st

from grader.checks import (TOLERANCES, Case, Failure, Generator, Misconception, NotApplicable, Property, as_tensor, check_array_call, compare, crashed, describe, inputs_unchanged,
                           number, outcome_value, raises_value_error)
from grader.forbidden import Rule
from grader.sandbox.wire import Array
from grader.strategies import DTYPES, tensors
from grader.sandbox import probes

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

RELU_FEATURES = ("any shape", "float64")


@st.composite
def relu_cases(draw, enabled: frozenset):
    """relu's input drawing only the ``enabled`` features; the core is a float32 vector."""
    dtype = draw(DTYPES) if "float64" in enabled else torch.float32
    shape = draw(_shapes(0, 4)) if "any shape" in enabled else draw(_shapes(1, 1))
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
FLOAT32_RESULT = ("the result is built in float32 for float64 inputs (torch.tensor of a Python list, "
                  "torch.zeros(shape) and .float() all give float32): compute with the input's tensors, "
                  "or pass dtype=x.dtype")


def _returned(ctx, function, case):
    """The tensor ``function`` returns on ``case`` (as an ``Array``), or None."""
    outcome = ctx.call(function, case)
    value = outcome.value if outcome.ok else None
    return value if isinstance(value, Array) and value.kind == "tensor" else None


def check_dtype_kept(ctx, function, case, expected, **options):
    """``check_array_call``, naming the float32 mistake when a float64 case comes back float32 (a dtype
    alone, not the values, shows it; the call is repeated for the dtype, check_array_call keeps only
    the value)."""
    try:
        check_array_call(ctx, function, case, expected, **options)
    except Failure as failure:
        if failure.fatal or expected.dtype != torch.float64:
            raise
        returned = _returned(ctx, function, case)
        if returned is None or returned.data.dtype != np.float32:
            raise
        raise Failure(f"{failure}\n    Likely mistake: {FLOAT32_RESULT}") from None


def verify_relu(ctx, case):
    """relu(x) equals torch.relu(x)."""
    x = case.args[0]
    check_dtype_kept(ctx, "relu", case, torch.relu(x), scale=x.abs(), misconceptions=RELU_MISTAKES, arg_names=("x",))


# ------------------------------------------------------------------ flatten

FLATTEN_FEATURES = ("2-D, 3-D and 5-D inputs", "float64")


@st.composite
def flatten_cases(draw, enabled: frozenset):
    """flatten's input drawing only the ``enabled`` features; the core is a float32 (N, C, H, W) tensor."""
    dtype = draw(DTYPES) if "float64" in enabled else torch.float32
    shape = draw(_shapes(2, 5)) if "2-D, 3-D and 5-D inputs" in enabled else draw(_shapes(4, 4))
    return Case((draw(tensors(shape, dtype)),))


def _flat(x):
    return torch.nn.Flatten()(x)


def _four_d_only(case):
    """``x.reshape(N, C * H * W)`` written for 4-D inputs: other ranks raise."""
    x = case.args[0]
    n, c, h, w = x.shape  # raises ValueError, as indexing x.shape[2] or x.shape[3] raises IndexError
    return x.reshape(n, c * h * w)


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
    Misconception("it is written for 4-D inputs (N, C, H, W) only; flatten takes any number of dimensions "
                  "from 2 up: x.reshape(x.shape[0], -1)", _four_d_only),
]


def verify_flatten(ctx, case):
    """flatten(x) equals nn.Flatten()(x)."""
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


def _viewed(compute):
    """A flatten mistake, applied to the strided view the student got."""
    return lambda c: compute(Case((_view(c),)))


def _storage_order(case):
    """The view's first values in the order of the underlying (contiguous) storage, as reading the
    memory from the view's start gives them."""
    x, dims, step = case.args
    view = _view(case)
    return x.reshape(-1)[:view.numel()].reshape(view.shape[0], -1)


def _with_view(case):
    view = _view(case)
    return view.view(view.shape[0], -1)  # raises for views whose memory cannot be merged


NONCONTIGUOUS_MISTAKES = [
    Misconception("`view` needs a contiguous tensor and this one is not (it is transposed or sliced); "
                  "`reshape` copies when it must", _with_view),
    Misconception("the values were taken in the memory order of the underlying storage, not in the "
                  "(permuted) order of the tensor's indices", _storage_order),
] + [Misconception(m.explanation, _viewed(m.compute)) for m in FLATTEN_MISTAKES]


def verify_noncontiguous(ctx, case):
    """flatten(x) equals nn.Flatten()(x) for a transposed or sliced view x."""
    x, dims, step = case.args
    view = _view(case)
    words = f"x = base.permute{tuple(dims)}" + (f"[..., ::{step}]" if step > 1 else "")
    where = (f"\n    Input: {words}, a non-contiguous view of shape {tuple(view.shape)}, with "
             f"base={describe(x)}")
    outcome = ctx.probe("flatten", probes.call_noncontiguous, "flatten", x, dims, step)
    expected = _flat(view)
    try:
        if crashed(outcome):
            ctx.evidence.observe_crash(NONCONTIGUOUS_MISTAKES, case)
        got = as_tensor(outcome_value(outcome, "flatten"), "flatten")
        try:
            compare(got, expected, function="flatten")
        except Failure:
            ctx.evidence.observe(NONCONTIGUOUS_MISTAKES, case, got, expected)
            raise
    except Failure as failure:
        raise Failure(f"{failure}{where}", failure.fatal) from None




UNCHECKED_FLATTEN = [
    Misconception("the number of dimensions is not checked: x.reshape(x.shape[0], -1) turns a 1-D tensor of "
                  "n values into shape (n, 1); raise ValueError when x.dim() < 2",
                  lambda c: c.args[0].reshape(c.args[0].shape[0], -1)),
]

BAD_FLATTEN = [
    (lambda: Case((torch.ones(5),)), "for a 1-D tensor (flatten needs a batch dimension and at least one more)"),
    (lambda: Case((torch.tensor(3.0),)), "for a 0-d tensor"),
]


# ------------------------------------------------------------------ batch_norm

BN_FEATURES = ("(N, C, H, W) inputs", "eps", "float64")


@st.composite
def batch_norm_cases(draw, enabled: frozenset):
    """batch_norm arguments drawing only the ``enabled`` features; the core is a float32 (N, C) tensor
    and the default eps. Without "eps", every channel's variance is at least 1/4, so that eps changes the
    result by less than the tolerance (a mistake with eps shows in that feature only); "eps" draws eps
    and channels of nearly equal values, whose variance is tiny next to eps."""
    on = enabled.__contains__
    dtype = draw(DTYPES) if on("float64") else torch.float32
    if not on("(N, C, H, W) inputs") or draw(st.booleans()):
        shape = (draw(st.integers(2, 8)), draw(st.integers(1, 4)))
    else:
        n, c, h, w = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
        if n * h * w == 1:
            h = 2
        shape = (n, c, h, w)
    kind = draw(st.sampled_from(["plain", "plain", "offset"])) if on("eps") else "spread"
    if kind == "plain":
        x = draw(tensors(shape, dtype))
    elif kind == "spread":
        x = draw(tensors(shape, dtype, patterns=("small", "integers", "uniform", "negative")))
        assume(bool((_stats(x)[1] >= 0.25).all()))
    else:  # channels of nearly equal values: the variance is tiny next to eps (and the mean)
        offset = draw(st.sampled_from([0.0, 1.0, -1.0]))
        x = offset + draw(tensors(shape, dtype, -5, 5, patterns=("small", "integers"))) / 1000
    eps = draw(st.one_of(st.none(), st.sampled_from([1e-5, 1e-3, 0.1, 1.0]),
                         st.integers(1, 1000).map(lambda k: k / 1000))) if on("eps") else None
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
    """batch_norm(x, eps) equals F.batch_norm(x, None, None, training=True, eps=eps)."""
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


MASK_PARTS = ("zero or x / (1 - p)", "input unchanged")


def _mask_mistakes(x, p, got):
    """What a dropout with the student's own mask returns when it scales the survivors wrongly."""
    dropped = got == 0
    return [
        Misconception("the survivors are not scaled. This is inverted dropout: multiply the kept values by "
                      "1 / (1 - p) during training so that nothing changes at test time",
                      lambda c: torch.where(dropped, torch.zeros_like(x), x)),
        Misconception("the survivors are multiplied by (1 - p); inverted dropout divides them by (1 - p)",
                      lambda c: torch.where(dropped, torch.zeros_like(x), x * (1 - p))),
    ]


def verify_dropout_mask(ctx, case):
    """Every element of dropout(x, p) is 0 or x / (1 - p), and x is left unchanged."""
    x, p = case.args[0], _p(case)
    outcome, got = _call_tensor(ctx, "dropout", case, DROPOUT_ARGS)
    where = f"\n    Input: {case.describe(DROPOUT_ARGS)}"
    if got.dtype != x.dtype or got.shape != x.shape:
        raise Failure(f"the result of `dropout` is a {str(got.dtype).replace('torch.', '')} tensor of shape "
                      f"{tuple(got.shape)}; expected {str(x.dtype).replace('torch.', '')} of shape "
                      f"{tuple(x.shape)} (same as x){where}")
    scale = x.to(torch.float64).abs() / (1 - p)
    kept = x / (1 - p)
    ok = _close(got, torch.zeros_like(x), scale, x.dtype) | _close(got, kept, scale, x.dtype)
    if not bool(ok.all()) and MASK_PARTS[0] not in ctx.waived:
        index = tuple(int(i) for i in (~ok).nonzero()[0])
        at = f"at index {list(index)}" if index else "the value"
        # the right answer for the elements the student dropped
        ctx.evidence.observe(_mask_mistakes(x, p, got), case, got,
                             torch.where(got == 0, torch.zeros_like(x), kept), scale)
        ctx.require(MASK_PARTS[0], False,
                    f"every element of the result of `dropout` must be 0 (dropped) or x / (1 - p) (kept); "
                    f"{at} x = {number(x[index])}, so expected 0 or {number(kept[index])}, "
                    f"got {number(got[index])}{where}")
    try:
        inputs_unchanged(outcome, case, "dropout")
    except Failure as failure:
        ctx.require(MASK_PARTS[1], False, f"{failure}{where}\n    Likely mistake: the mask is applied to x in "
                                          "place (x *= mask, x[mask] = 0 or x.mul_) and x is returned; the "
                                          "caller's tensor must stay as it was")


@st.composite
def dropout_identity_cases(draw):
    dtype = draw(DTYPES)
    x = draw(tensors(draw(_shapes(1, 4, 1, 5)), dtype))
    mode = draw(st.sampled_from(["eval", "p0", "p1"]))
    if mode == "eval":
        p = draw(st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(0.0, 1.0)))
        return _dropout_case(x, p, False, draw(_generators()), draw)
    return _dropout_case(x, 0.0 if mode == "p0" else 1.0, True, draw(_generators()), draw)


IDENTITY_PARTS = ("training=False", "p = 0", "p = 1")


def _identity_mistakes(x, p, got):
    """Mistakes of the identity and p = 1 scenarios; the dropping ones predicted with the student's own mask."""
    def ignores_training(case):
        if case.kwargs.get("training", True) or p == 0 or got is None:
            raise NotApplicable("training mode, nothing to drop, or no result to take the mask from")
        return torch.zeros_like(x) if p == 1 else torch.where(got == 0, torch.zeros_like(x), x / (1 - p))

    def divides_by_zero(case, crash: bool):
        if p != 1 or not case.kwargs.get("training", True):
            raise NotApplicable("no division by 1 - p = 0 here")
        if crash:
            raise ZeroDivisionError("float division by zero")
        return torch.full_like(x, float("nan"))

    return [
        Misconception("it drops and scales even when training=False: at test time dropout returns x unchanged "
                      "(test `training` before drawing the mask)", ignores_training),
        Misconception("with p = 1 it divides by 1 - p = 0 (0 / 0 = nan): handle p == 1 on its own and return "
                      "zeros", lambda c: divides_by_zero(c, crash=False)),
        Misconception("with p = 1 it divides by 1 - p = 0 (ZeroDivisionError): handle p == 1 on its own and "
                      "return zeros", lambda c: divides_by_zero(c, crash=True)),
    ]


def verify_dropout_identity(ctx, case):
    """dropout returns x when training=False or p = 0, and zeros when p = 1."""
    x, p = case.args[0], _p(case)
    training = case.kwargs.get("training", True)
    part = "training=False" if not training else "p = 0" if p == 0 else "p = 1"
    if part in ctx.waived:
        return
    expected = x if (not training or p == 0) else torch.zeros_like(x)
    outcome = ctx.call("dropout", case, return_inputs=True)
    try:
        if crashed(outcome):
            ctx.evidence.observe_crash(_identity_mistakes(x, p, None), case)
        got = as_tensor(outcome_value(outcome, "dropout"), "dropout")
        try:
            compare(got, expected, function="dropout")
        except Failure:
            if got.shape == x.shape:
                ctx.evidence.observe(_identity_mistakes(x, p, got), case, got, expected)
            raise
        inputs_unchanged(outcome, case, "dropout")
    except Failure as failure:
        if failure.fatal:
            raise
        raise Failure(f"{failure}\n    Input: {case.describe(DROPOUT_ARGS)}", part=part) from None


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
    """dropout(ones, p) zeroes a fraction p of the elements (within 6 standard deviations)."""
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


SEED_PARTS = ("same seed, same mask", "other seed, other mask")


def verify_dropout_seed(ctx, drawn):
    """dropout gives the same result twice for one seed, and another result for another seed."""
    case, other = drawn
    first = _call_tensor(ctx, "dropout", case, DROPOUT_ARGS)[1]
    again = _call_tensor(ctx, "dropout", case, DROPOUT_ARGS)[1]
    where = f"\n    Input: {case.describe(DROPOUT_ARGS)}"
    ctx.require(SEED_PARTS[0], first.shape == again.shape and torch.equal(first, again),
                "two calls of `dropout` with the same seeded generator gave different results" + where +
                "\n    Likely mistake: it uses PyTorch's global random generator; draw the random numbers from "
                "`generator` (torch.rand(x.shape, generator=generator)) so that a seed makes the mask reproducible")
    different = Case(case.args, {"generator": other})
    third = _call_tensor(ctx, "dropout", different, DROPOUT_ARGS)[1]
    if bool((first != 0).all()):  # x has no zeros: nothing was dropped
        cause = "nothing is dropped while training, so every seed gives the same result: apply the mask"
    else:
        cause = ("it seeds a generator of its own (torch.manual_seed or torch.Generator().manual_seed inside "
                 "dropout); the random numbers must come from `generator`, not from a fixed seed of your own")
    ctx.require(SEED_PARTS[1], not (third.shape == first.shape and torch.equal(third, first)),
                f"`dropout` gave the same mask for the generators seeded {case.kwargs['generator'].seed} "
                f"and {other.seed}" + where + f"\n    Likely mistake: {cause}")


BAD_DROPOUT = [
    (lambda: Case((torch.ones(3), -0.1)), "for p = -0.1"),
    (lambda: Case((torch.ones(3), 1.5)), "for p = 1.5"),
    (lambda: Case((torch.ones(2, 2),), {"p": 2.0}), "for p = 2.0"),
]


CHECKS = [
    Property("relu_matches_reference", "relu matches torch.relu (any shape, float32 and float64)",
             "relu", 2.0, strategy=relu_cases, verify=verify_relu, features=RELU_FEATURES),
    Property("flatten_matches_reference", "flatten matches nn.Flatten for 2-D to 5-D inputs",
             "flatten", 1.25, strategy=flatten_cases, verify=verify_flatten, features=FLATTEN_FEATURES),
    Property("flatten_non_contiguous", "flatten matches nn.Flatten for transposed and sliced (non-contiguous) inputs",
             "flatten", 0.75, strategy=noncontiguous_cases(), verify=verify_noncontiguous),
    raises_value_error("flatten_errors", "flatten raises ValueError for fewer than 2 dimensions",
                       "flatten", BAD_FLATTEN, ("x",), 0.5, UNCHECKED_FLATTEN),
    Property("batch_norm_matches_reference",
             "batch_norm matches F.batch_norm in training mode ((N, C) and (N, C, H, W), any eps)",
             "batch_norm", 2.5, strategy=batch_norm_cases, verify=verify_batch_norm, features=BN_FEATURES),
    raises_value_error("batch_norm_errors", "batch_norm raises ValueError for a single value per channel",
                       "batch_norm", BAD_BATCH_NORM, ("x",), weight=0.5),
    Property("dropout_mask_values", "dropout zeroes elements and scales the survivors by 1 / (1 - p)",
             "dropout", 1.0, strategy=dropout_mask_cases(), verify=verify_dropout_mask, parts=MASK_PARTS),
    Property("dropout_identity_and_extremes",
             "dropout is the identity for training=False or p = 0, all zeros for p = 1",
             "dropout", 0.5, strategy=dropout_identity_cases(), verify=verify_dropout_identity, examples=40,
             array_valued=False, parts=IDENTITY_PARTS),
    Property("dropout_rate", "dropout zeroes a fraction p of the elements",
             "dropout", 0.5, strategy=dropout_rate_cases(), verify=verify_dropout_rate, examples=8, array_valued=False),
    Property("dropout_seeded", "dropout is reproducible with a seeded torch.Generator",
             "dropout", 0.25, strategy=dropout_seed_cases(), verify=verify_dropout_seed, examples=8,
             array_valued=False, parts=SEED_PARTS),
    raises_value_error("dropout_errors", "dropout raises ValueError for p outside [0, 1]",
                       "dropout", BAD_DROPOUT, DROPOUT_ARGS, weight=0.25),
]
