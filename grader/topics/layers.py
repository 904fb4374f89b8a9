"""Hidden tests for ``layers``: relu, flatten, batch_norm against PyTorch; dropout by its properties."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import assume
from hypothesis import strategies as st

from grader.checks import (
    TOLERANCES,
    Case,
    Failure,
    Generator,
    Misconception,
    Mistake,
    NotApplicable,
    Property,
    as_tensor,
    check_array_call,
    compare,
    crashed,
    describe,
    inputs_unchanged,
    mistake_lines,
    number,
    outcome_value,
    raises_value_error,
)
from grader.forbidden import Rule
from grader.sandbox import probes
from grader.sandbox.wire import Array
from grader.strategies import DTYPES, tensors

POINTS = 10

BY_LOOPS = {
    "relu": [
        Rule(
            "a built-in ReLU or clamp (torch.relu, F.relu, nn.ReLU, clamp, clip, threshold)",
            runtime=r"^(fn|aten):(relu_?|clamp(_min|_max)?_?|clip_?|_?threshold_?)$",
            static=r"\.(relu_?|ReLU|clamp(_min|_max)?_?|clip_?|threshold_?)$",
        )
    ],
    "flatten": [
        Rule(
            "a built-in flatten (torch.flatten, Tensor.flatten, nn.Flatten)",
            runtime=r"^(fn|aten):flatten$",
            static=r"\.(flatten|Flatten)$",
        )
    ],
    "batch_norm": [
        Rule(
            "a built-in normalisation (F.batch_norm, nn.BatchNorm*, F.layer_norm, F.instance_norm)",
            runtime=r"^(fn|aten):(batch_norm\w*|native_batch_norm\w*|_native_batch_norm_legit\w*"
            r"|_batch_norm\w*|cudnn_batch_norm|miopen_batch_norm|layer_norm|native_layer_norm"
            r"|instance_norm)$",
            static=r"\.(batch_norm|BatchNorm[123]d|LazyBatchNorm[123]d|layer_norm|LayerNorm"
            r"|instance_norm|InstanceNorm[123]d)$",
        )
    ],
    "dropout": [
        Rule(
            "a built-in dropout (F.dropout, nn.Dropout, torch.dropout)",
            runtime=r"^(fn|aten):(native_|feature_|alpha_|feature_alpha_|_fused_|fused_)?dropout([123]d)?_?$",
            static=r"\.((feature_|alpha_|feature_alpha_)?dropout([123]d)?_?"
            r"|(Alpha|FeatureAlpha)?Dropout([123]d)?)$",
        )
    ],
}


def _shapes(min_dims: int, max_dims: int, low: int = 1, high: int = 4):
    return st.lists(st.integers(low, high), min_size=min_dims, max_size=max_dims).map(tuple)


# ------------------------------------------------------------------ relu

NON_FINITE = [float("nan"), float("inf"), -float("inf")]
RELU_FEATURES = ("any shape", "float64", "NaN and ±inf")


def _finite_or_not(shape, dtype, low, high, enabled):
    """Values in [low, high]; with the "NaN and ±inf" feature, often some NaN, inf and -inf among them."""
    plain = tensors(shape, dtype, low, high)
    if "NaN and ±inf" not in enabled:
        return plain
    # finite values first: a failure that does not need NaN or inf shrinks to one without them
    return st.one_of(plain, tensors(shape, dtype, low, high, specials=NON_FINITE, patterns=("specials",)))


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
FLOAT32_RESULT = Mistake(
    "layers.float32_result",
    "the result is built in float32 for float64 inputs (torch.tensor of a Python list, "
    "torch.zeros(shape) and .float() all give float32): compute with the input's tensors, "
    "or pass dtype=x.dtype",
)
MASK_IN_PLACE = Mistake(
    "layers.dropout_mask_in_place",
    "the mask is applied to x in place (x *= mask, x[mask] = 0 or "
    "x.mul_) and x is returned; the caller's tensor must stay as it was",
)
KEEPS_WITH_P = Mistake(
    "layers.dropout_keeps_with_p",
    "elements are kept with probability p; p is the probability "
    "of dropping (keep when rand >= p, or when rand < 1 - p)",
)
DROPS_NOTHING = Mistake("layers.dropout_drops_nothing", "nothing is dropped while training")
GLOBAL_GENERATOR = Mistake(
    "layers.dropout_global_generator",
    "it uses PyTorch's global random generator; draw the "
    "random numbers from `generator` (torch.rand(x.shape, generator=generator)) so that a "
    "seed makes the mask reproducible",
)


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
        raise Failure(f"{failure}\n    {FLOAT32_RESULT}", mistakes=(FLOAT32_RESULT,)) from None


def verify_relu(ctx, case):
    """relu(x) equals torch.relu(x)."""
    x = case.args[0]
    check_dtype_kept(ctx, "relu", case, torch.relu(x), scale=x.abs(), misconceptions=RELU_MISTAKES, arg_names=("x",))


# ------------------------------------------------------------------ flatten

FLATTEN_FEATURES = ("2-D, 3-D and 5-D inputs", "float64", "NaN and ±inf")


@st.composite
def flatten_cases(draw, enabled: frozenset):
    """flatten's input drawing only the ``enabled`` features; the core is a float32 (N, C, H, W) tensor of
    finite values."""
    dtype = draw(DTYPES) if "float64" in enabled else torch.float32
    shape = draw(_shapes(2, 5)) if "2-D, 3-D and 5-D inputs" in enabled else draw(_shapes(4, 4))
    return Case((draw(_finite_or_not(shape, dtype, -10.0, 10.0, enabled)),))


def _flat(x):
    return torch.nn.Flatten()(x)


def _four_d_only(case):
    """``x.reshape(N, C * H * W)`` written for 4-D inputs: other ranks raise."""
    x = case.args[0]
    n, c, h, w = x.shape  # raises ValueError, as indexing x.shape[2] or x.shape[3] raises IndexError
    return x.reshape(n, c * h * w)


def _through_identity(case):
    """``x.reshape(N, -1) @ eye``: right for finite values, NaN across a row that holds NaN or inf."""
    x = case.args[0]
    rows = x.reshape(x.shape[0], -1)
    return rows @ torch.eye(rows.shape[1], dtype=x.dtype)


FLATTEN_MISTAKES = [
    Misconception(
        "layers.batch_dimension_flattened_too_keep",
        "the batch dimension is flattened too: keep dimension 0 (N) and merge only the others, "
        "giving shape (N, product of the other sizes)",
        lambda c: c.args[0].reshape(-1),
    ),
    Misconception(
        "layers.merges_all_dimensions_but_last",
        "it merges all dimensions but the last; flatten keeps the first (batch) dimension",
        lambda c: c.args[0].reshape(-1, c.args[0].shape[-1]),
    ),
    Misconception(
        "layers.batch_size_ends_up_last",
        "the batch size ends up last (reshape(-1, N)); the result is (N, features), one row per sample",
        lambda c: c.args[0].reshape(-1, c.args[0].shape[0]),
    ),
    Misconception(
        "layers.values_come_out_channels_last",
        "the values come out channels-last (the channel dimension moved to the end first); "
        "flatten keeps the order of the remaining dimensions (row-major, as reshape reads them)",
        lambda c: c.args[0].movedim(1, -1).reshape(c.args[0].shape[0], -1),
    ),
    Misconception(
        "layers.written_4_d_inputs_n",
        "it is written for 4-D inputs (N, C, H, W) only; flatten takes any number of dimensions "
        "from 2 up: x.reshape(x.shape[0], -1)",
        _four_d_only,
    ),
    Misconception(
        "layers.multiplies_identity_matrix_sums_products",
        "it multiplies by an identity matrix (or sums products with 0): inf * 0 and NaN * 0 are NaN, "
        "so one non-finite value spoils its whole row; flatten only rearranges the values "
        "(x.reshape(x.shape[0], -1)), as nn.Flatten does",
        _through_identity,
    ),
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
    return x.reshape(-1)[: view.numel()].reshape(view.shape[0], -1)


def _with_view(case):
    view = _view(case)
    return view.view(view.shape[0], -1)  # raises for views whose memory cannot be merged


NONCONTIGUOUS_MISTAKES = [
    Misconception(
        "layers.view_needs_contiguous_tensor_one",
        "`view` needs a contiguous tensor and this one is not (it is transposed or sliced); "
        "`reshape` copies when it must",
        _with_view,
    ),
    Misconception(
        "layers.values_were_taken_memory_order",
        "the values were taken in the memory order of the underlying storage, not in the "
        "(permuted) order of the tensor's indices",
        _storage_order,
    ),
] + [dataclasses.replace(m, compute=_viewed(m.compute)) for m in FLATTEN_MISTAKES]


def verify_noncontiguous(ctx, case):
    """flatten(x) equals nn.Flatten()(x) for a transposed or sliced view x."""
    x, dims, step = case.args
    view = _view(case)
    words = f"x = base.permute{tuple(dims)}" + (f"[..., ::{step}]" if step > 1 else "")
    where = f"\n    Input: {words}, a non-contiguous view of shape {tuple(view.shape)}, with base={describe(x)}"
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
    Misconception(
        "layers.number_dimensions_checked_x_reshape",
        "the number of dimensions is not checked: x.reshape(x.shape[0], -1) turns a 1-D tensor of "
        "n values into shape (n, 1); raise ValueError when x.dim() < 2",
        lambda c: c.args[0].reshape(c.args[0].shape[0], -1),
    ),
]

BAD_FLATTEN = [
    (lambda: Case((torch.ones(5),)), "for a 1-D tensor (flatten needs a batch dimension and at least one more)"),
    (lambda: Case((torch.tensor(3.0),)), "for a 0-d tensor"),
]


# ------------------------------------------------------------------ batch_norm

BN_FEATURES = ("(N, C, H, W) inputs", "eps", "float64")
BN_ARGS = ("x", "eps")


@st.composite
def batch_norm_cases(draw, enabled: frozenset):
    """batch_norm arguments drawing only the ``enabled`` features; the core is a float32 (N, C) tensor
    and the default eps. Without "eps", every channel's variance is at least 1/4, so that eps changes the
    result by less than the tolerance (a mistake with eps shows in that feature only); "eps" draws eps
    (left out, by name or by position; 0 on such spread channels) and channels of nearly equal values,
    whose variance is tiny next to eps."""
    on = enabled.__contains__
    dtype = draw(DTYPES) if on("float64") else torch.float32
    if not on("(N, C, H, W) inputs") or draw(st.booleans()):
        shape = (draw(st.integers(2, 8)), draw(st.integers(1, 4)))
    else:
        n, c, h, w = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
        if n * h * w == 1:
            h = 2
        shape = (n, c, h, w)
    # "eps 0" divides by the standard deviation itself: only channels whose variance is far from 0
    kind = draw(st.sampled_from(["plain", "plain", "offset", "eps 0"])) if on("eps") else "spread"
    if kind == "plain":
        x = draw(tensors(shape, dtype))
    elif kind in ("spread", "eps 0"):
        x = draw(tensors(shape, dtype, patterns=("small", "integers", "uniform", "negative")))
        assume(bool((_stats(x)[1] >= 0.25).all()))
    else:  # channels of nearly equal values: the variance is tiny next to eps (and the mean)
        offset = draw(st.sampled_from([0.0, 1.0, -1.0]))
        x = offset + draw(tensors(shape, dtype, -5, 5, patterns=("small", "integers"))) / 1000
    eps = (
        draw(
            st.one_of(st.none(), st.sampled_from([1e-5, 1e-3, 0.1, 1.0]), st.integers(1, 1000).map(lambda k: k / 1000))
        )
        if kind not in ("spread", "eps 0")
        else None
    )
    eps = 0.0 if kind == "eps 0" else eps
    case = Case((x,), {} if eps is None else {"eps": eps})
    return draw(st.sampled_from([case, case.as_positional(BN_ARGS, {"eps": 1e-5})]))


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
    """F.batch_norm in training mode; for eps = 0 (which F.batch_norm rejects, and the exercise accepts: the
    visible tests standardise with it) the same formula in float64, rounded to x's dtype."""
    x, eps = case.args[0], _eps(case)
    if eps == 0:
        return _bn_with(x.double(), *_stats(x.double()), 0.0).to(x.dtype)
    return F.batch_norm(x, None, None, training=True, eps=eps)


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


def verify_batch_norm(ctx, case):
    """batch_norm(x, eps) equals F.batch_norm(x, None, None, training=True, eps=eps)."""
    expected = _bn(case)
    check_array_call(
        ctx,
        "batch_norm",
        case,
        expected,
        scale=_bn_scale(case, expected),
        misconceptions=BN_MISTAKES,
        arg_names=BN_ARGS,
    )


UNCHECKED_BATCH_NORM = [
    Misconception(
        "layers.single_value_per_channel_rejected",
        "a single value per channel is not rejected: its variance is 0, so every output is 0 (or NaN "
        "without eps); raise ValueError when x.numel() // x.shape[1] == 1",
        lambda c: _bn_with(c.args[0], *_stats(c.args[0]), _eps(c)),
    ),
]

BAD_BATCH_NORM = [
    (
        lambda: Case((torch.tensor([[1.0, 2.0, 3.0]]),)),
        "for x of shape (1, 3): one sample gives a single value per channel",
    ),
    (
        lambda: Case((torch.ones(1, 2, 1, 1, dtype=torch.float64),)),
        "for x of shape (1, 2, 1, 1): a single value per channel",
    ),
]


# ------------------------------------------------------------------ dropout

DROPOUT_ARGS = ("x", "p", "training", "generator")
DROPOUT_DEFAULTS = {"training": True, "generator": None}


def _dropout_case(x, p, training, generator, draw):
    """The arguments in one of the ways a caller may write them: options by name or by position in the
    contract's order, defaults given or left out."""
    kwargs = {}
    if training is not True or draw(st.booleans()):
        kwargs["training"] = training
    if generator is not None:
        kwargs["generator"] = generator
    case = Case((x,), {"p": p, **kwargs}) if draw(st.booleans()) else Case((x, p), kwargs)
    # by position first, as the slides call it (dropout(x, 0.5, False)): hypothesis draws the first choice often
    return draw(st.sampled_from([case.as_positional(DROPOUT_ARGS, DROPOUT_DEFAULTS), case]))


def _arg(case, name):
    """The value of dropout's argument ``name`` in ``case``, by position or by name (or its default)."""
    index = DROPOUT_ARGS.index(name)
    if len(case.args) > index:
        return case.args[index]
    return case.kwargs[name] if name in case.kwargs else DROPOUT_DEFAULTS[name]


def _p(case):
    return _arg(case, "p")


def _options_by_position(right):
    """dropout with its options in another order (dropout(x, p, generator=None, training=True)): a call that
    gives ``training`` by position hands a bool to torch.rand as the generator (TypeError) unless p is 0 or 1;
    ``right(case)`` where the options come by name."""

    def compute(case):
        if len(case.args) <= 2:
            return right(case)
        x, p = case.args[0], _p(case)
        if p == 0:
            return x
        if p == 1:
            return torch.zeros_like(x)
        raise TypeError("rand() received an invalid combination of arguments - got (generator=bool)")

    return Misconception(
        "layers.calling_options_position_fails_signature",
        "calling it with its options by position fails: the signature is dropout(x, p, "
        "training=True, generator=None), these names in this order, as the slides call it "
        "(dropout(x, 0.5, False))",
        compute,
    )


def _generators():
    return st.one_of(st.none(), st.integers(0, 2**31 - 1).map(Generator))


@st.composite
def dropout_mask_cases(draw):
    dtype = draw(DTYPES)
    x = draw(tensors(draw(_shapes(1, 4, 1, 5)), dtype))
    p = draw(st.one_of(st.sampled_from([0.1, 0.25, 0.5, 0.8]), st.floats(0.01, 0.95)))
    return _dropout_case(x, p, True, draw(_generators()), draw)


def _call_tensor(ctx, function, case, arg_names=()):
    """Call dropout on ``case``: its outcome and the tensor it returned, or a ``Failure`` naming the input."""
    outcome = ctx.call(function, case, return_inputs=True)
    if crashed(outcome):
        ctx.evidence.observe_crash([_options_by_position(lambda c: c.args[0])], case)
    try:
        got = as_tensor(outcome_value(outcome, function), function)
    except Failure as failure:
        raise Failure(f"{failure}\n    Input: {case.describe(arg_names)}", failure.fatal) from None
    return outcome, got


def _close(got, target, scale, dtype):
    rtol, atol = TOLERANCES[dtype]
    g, t = got.to(torch.float64), target.to(torch.float64)
    return (g == t) | ((g - t).abs() <= atol * scale + rtol * t.abs())


MASK_PARTS = ("zero or x / (1 - p)", "input unchanged")


def _mask_mistakes(x, p, got):
    """What a dropout with the student's own mask returns when it scales the survivors wrongly."""
    dropped = got == 0
    return [
        Misconception(
            "layers.survivors_scaled_inverted_dropout_multiply",
            "the survivors are not scaled. This is inverted dropout: multiply the kept values by "
            "1 / (1 - p) during training so that nothing changes at test time",
            lambda c: torch.where(dropped, torch.zeros_like(x), x),
        ),
        Misconception(
            "layers.survivors_multiplied_1_p_inverted",
            "the survivors are multiplied by (1 - p); inverted dropout divides them by (1 - p)",
            lambda c: torch.where(dropped, torch.zeros_like(x), x * (1 - p)),
        ),
    ]


def verify_dropout_mask(ctx, case):
    """Every element of dropout(x, p) is 0 or x / (1 - p), and x is left unchanged."""
    x, p = case.args[0], _p(case)
    outcome, got = _call_tensor(ctx, "dropout", case, DROPOUT_ARGS)
    where = f"\n    Input: {case.describe(DROPOUT_ARGS)}"
    if got.dtype != x.dtype or got.shape != x.shape:
        raise Failure(
            f"the result of `dropout` is a {str(got.dtype).replace('torch.', '')} tensor of shape "
            f"{tuple(got.shape)}; expected {str(x.dtype).replace('torch.', '')} of shape "
            f"{tuple(x.shape)} (same as x){where}"
        )
    scale = x.to(torch.float64).abs() / (1 - p)
    kept = x / (1 - p)
    ok = _close(got, torch.zeros_like(x), scale, x.dtype) | _close(got, kept, scale, x.dtype)
    if not bool(ok.all()) and MASK_PARTS[0] not in ctx.waived:
        index = tuple(int(i) for i in (~ok).nonzero()[0])
        at = f"at index {list(index)}" if index else "the value"
        # the right answer for the elements the student dropped
        ctx.evidence.observe(
            _mask_mistakes(x, p, got), case, got, torch.where(got == 0, torch.zeros_like(x), kept), scale
        )
        ctx.require(
            MASK_PARTS[0],
            False,
            f"every element of the result of `dropout` must be 0 (dropped) or x / (1 - p) (kept); "
            f"{at} x = {number(x[index])}, so expected 0 or {number(kept[index])}, "
            f"got {number(got[index])}{where}",
        )
    try:
        inputs_unchanged(outcome, case, "dropout")
    except Failure as failure:
        ctx.require(MASK_PARTS[1], False, f"{failure}{where}\n    {MASK_IN_PLACE}", mistakes=(MASK_IN_PLACE,))


@st.composite
def dropout_identity_cases(draw):
    dtype = draw(DTYPES)
    mode = draw(st.sampled_from(["eval", "p0", "p1"]))
    # the identity passes NaN and ±inf through (as F.dropout does); p = 1 gives zeros, drawn from finite x only
    # (F.dropout's x * 0 would give NaN there)
    x = draw(_finite_or_not(draw(_shapes(1, 4, 1, 5)), dtype, -10.0, 10.0, {"NaN and ±inf"} if mode != "p1" else set()))
    if mode == "eval":
        p = draw(st.one_of(st.sampled_from([0.5, 0.0, 1.0]), st.floats(0.0, 1.0)))  # 0.5 first: the slides' call
        return _dropout_case(x, p, False, draw(_generators()), draw)
    return _dropout_case(x, 0.0 if mode == "p0" else 1.0, True, draw(_generators()), draw)


IDENTITY_PARTS = ("training=False", "p = 0", "p = 1")


def _identity_mistakes(x, p, got):
    """Mistakes of the identity and p = 1 scenarios; the dropping ones predicted with the student's own mask."""

    def ignores_training(case):
        if _arg(case, "training") or p == 0:
            raise NotApplicable("training mode, or nothing to drop")
        if got is None:
            return x  # a value (no crash) that the mistake's mask would decide
        return torch.zeros_like(x) if p == 1 else torch.where(got == 0, torch.zeros_like(x), x / (1 - p))

    def divides_by_zero(case, crash: bool):
        if p != 1 or not _arg(case, "training"):
            raise NotApplicable("no division by 1 - p = 0 here")
        if crash:
            raise ZeroDivisionError("float division by zero")
        return torch.full_like(x, float("nan"))

    def nan_replaced(case):
        if (_arg(case, "training") and p != 0) or bool(torch.isfinite(x).all()):
            raise NotApplicable("something is dropped, or x is finite")
        return torch.nan_to_num(x)

    return [
        Misconception(
            "layers.drops_scales_even_when_training",
            "it drops and scales even when training=False: at test time dropout returns x unchanged "
            "(test `training` before drawing the mask)",
            ignores_training,
        ),
        Misconception(
            "layers.p_1_divides_1_p",
            "with p = 1 it divides by 1 - p = 0 (0 / 0 = nan): handle p == 1 on its own and return zeros",
            lambda c: divides_by_zero(c, crash=False),
        ),
        Misconception(
            "layers.p_1_divides_1_p_2",
            "with p = 1 it divides by 1 - p = 0 (ZeroDivisionError): handle p == 1 on its own and return zeros",
            lambda c: divides_by_zero(c, crash=True),
        ),
        Misconception(
            "layers.nan_inf_replaced_torch_nan",
            "NaN and inf are replaced (torch.nan_to_num): when nothing is dropped dropout returns x "
            "exactly as it is, NaN and inf included",
            nan_replaced,
        ),
        _options_by_position(_identity_expected),
    ]


def _identity_expected(case):
    """x when training=False or p = 0, zeros when p = 1."""
    x = case.args[0]
    return x if (not _arg(case, "training") or _p(case) == 0) else torch.zeros_like(x)


def verify_dropout_identity(ctx, case):
    """dropout returns x (NaN and inf included) when training=False or p = 0, and zeros when p = 1."""
    x, p = case.args[0], _p(case)
    training = _arg(case, "training")
    part = "training=False" if not training else "p = 0" if p == 0 else "p = 1"
    if part in ctx.waived:
        return
    expected = _identity_expected(case)
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
        raise Failure(
            f"the result of `dropout` has shape {tuple(got.shape)}; expected {tuple(x.shape)}"
            f"\n    Input: {case.describe(DROPOUT_ARGS)}"
        )
    n = x.numel()
    dropped = float((got == 0).to(torch.float64).mean())
    if abs(dropped - p) > _rate_bound(p, n):
        text = (
            f"`dropout` zeroed {dropped:.2%} of {n} ones with p = {p:.4g}; about {p:.2%} should be zeroed "
            f"(each element independently with probability p)"
        )
        named = (
            (KEEPS_WITH_P,) if abs(dropped - (1 - p)) <= _rate_bound(p, n) else (DROPS_NOTHING,) if dropped == 0 else ()
        )
        text += mistake_lines(named)
        raise Failure(f"{text}\n    Input: {case.describe(DROPOUT_ARGS)}", mistakes=named)


@st.composite
def dropout_seed_cases(draw):
    dtype = draw(DTYPES)
    shape = draw(st.sampled_from([(100,), (10, 10), (4, 5, 6)]))
    x = draw(tensors(shape, dtype, 0.5, 10.0))
    p = draw(st.sampled_from([0.3, 0.5, 0.7]))
    seeds = draw(st.lists(st.integers(0, 2**31 - 1), min_size=2, max_size=2, unique=True))
    return _dropout_case(x, p, True, Generator(seeds[0]), draw), Generator(seeds[1])


def _with_generator(case, generator):
    """``case`` with its generator replaced."""
    if len(case.args) > 3:
        return Case(case.args[:3] + (generator,), case.kwargs)
    return Case(case.args, {**case.kwargs, "generator": generator})


SEED_PARTS = ("same seed, same mask", "other seed, other mask")


def verify_dropout_seed(ctx, drawn):
    """dropout gives the same result twice for one seed, and another result for another seed."""
    case, other = drawn
    first = _call_tensor(ctx, "dropout", case, DROPOUT_ARGS)[1]
    again = _call_tensor(ctx, "dropout", case, DROPOUT_ARGS)[1]
    where = f"\n    Input: {case.describe(DROPOUT_ARGS)}"
    ctx.require(
        SEED_PARTS[0],
        first.shape == again.shape and torch.equal(first, again),
        "two calls of `dropout` with the same seeded generator gave different results"
        + where
        + f"\n    {GLOBAL_GENERATOR}",
        mistakes=(GLOBAL_GENERATOR,),
    )
    different = _with_generator(case, other)
    third = _call_tensor(ctx, "dropout", different, DROPOUT_ARGS)[1]
    if bool((first != 0).all()):  # x has no zeros: nothing was dropped
        cause = Mistake(
            "layers.dropout_drops_nothing_any_seed",
            "nothing is dropped while training, so every seed gives the same result: apply the mask",
        )
    else:
        cause = Mistake(
            "layers.dropout_own_seed",
            "it seeds a generator of its own (torch.manual_seed or "
            "torch.Generator().manual_seed inside dropout); the random numbers must come from "
            "`generator`, not from a fixed seed of your own",
        )
    ctx.require(
        SEED_PARTS[1],
        not (third.shape == first.shape and torch.equal(third, first)),
        f"`dropout` gave the same mask for the generators seeded {_arg(case, 'generator').seed} "
        f"and {other.seed}" + where + f"\n    {cause}",
        mistakes=(cause,),
    )


def _unchecked_when_not_training(case):
    """A dropout that returns x for training=False before it looks at p."""
    if _arg(case, "training"):
        raise NotApplicable("training mode")
    return case.args[0]


UNCHECKED_DROPOUT = [
    Misconception(
        "layers.p_checked_only_training_mode",
        "p is checked only in training mode: for training=False it returns x before looking at p; "
        "check p first, whatever `training` is",
        _unchecked_when_not_training,
    ),
]

BAD_DROPOUT = [
    (lambda: Case((torch.ones(3), -0.1)), "for p = -0.1"),
    (lambda: Case((torch.ones(3), 1.5)), "for p = 1.5"),
    (lambda: Case((torch.ones(2, 2),), {"p": 2.0}), "for p = 2.0"),
    (lambda: Case((torch.ones(3), -0.1), {"training": False}), "for p = -0.1, also when training=False"),
    (lambda: Case((torch.ones(2, 3), 1.5, False)), "for p = 1.5, also when training=False"),
]


CHECKS = [
    Property(
        "relu_matches_reference",
        "relu matches torch.relu (any shape, float32 and float64, NaN and ±inf)",
        "relu",
        2.0,
        strategy=relu_cases,
        verify=verify_relu,
        features=RELU_FEATURES,
    ),
    Property(
        "flatten_matches_reference",
        "flatten matches nn.Flatten for 2-D to 5-D inputs (NaN and ±inf passed through)",
        "flatten",
        1.25,
        strategy=flatten_cases,
        verify=verify_flatten,
        features=FLATTEN_FEATURES,
    ),
    Property(
        "flatten_non_contiguous",
        "flatten matches nn.Flatten for transposed and sliced (non-contiguous) inputs",
        "flatten",
        0.75,
        strategy=noncontiguous_cases(),
        verify=verify_noncontiguous,
    ),
    raises_value_error(
        "flatten_errors",
        "flatten raises ValueError for fewer than 2 dimensions",
        "flatten",
        BAD_FLATTEN,
        ("x",),
        0.5,
        UNCHECKED_FLATTEN,
    ),
    Property(
        "batch_norm_matches_reference",
        "batch_norm matches F.batch_norm in training mode ((N, C) and (N, C, H, W), any eps)",
        "batch_norm",
        2.5,
        strategy=batch_norm_cases,
        verify=verify_batch_norm,
        features=BN_FEATURES,
    ),
    raises_value_error(
        "batch_norm_errors",
        "batch_norm raises ValueError for a single value per channel",
        "batch_norm",
        BAD_BATCH_NORM,
        BN_ARGS,
        weight=0.5,
        misconceptions=UNCHECKED_BATCH_NORM,
    ),
    Property(
        "dropout_mask_values",
        "dropout zeroes elements and scales the survivors by 1 / (1 - p)",
        "dropout",
        1.0,
        strategy=dropout_mask_cases(),
        verify=verify_dropout_mask,
        parts=MASK_PARTS,
    ),
    Property(
        "dropout_identity_and_extremes",
        "dropout is the identity (NaN and ±inf included) for training=False or p = 0, all zeros for p = 1",
        "dropout",
        0.5,
        strategy=dropout_identity_cases(),
        verify=verify_dropout_identity,
        examples=40,
        array_valued=False,
        parts=IDENTITY_PARTS,
    ),
    Property(
        "dropout_rate",
        "dropout zeroes a fraction p of the elements",
        "dropout",
        0.5,
        strategy=dropout_rate_cases(),
        verify=verify_dropout_rate,
        examples=8,
        array_valued=False,
    ),
    Property(
        "dropout_seeded",
        "dropout is reproducible with a seeded torch.Generator",
        "dropout",
        0.25,
        strategy=dropout_seed_cases(),
        verify=verify_dropout_seed,
        examples=8,
        array_valued=False,
        parts=SEED_PARTS,
    ),
    raises_value_error(
        "dropout_errors",
        "dropout raises ValueError for p outside [0, 1], in training and eval mode",
        "dropout",
        BAD_DROPOUT,
        DROPOUT_ARGS,
        weight=0.25,
        misconceptions=UNCHECKED_DROPOUT,
    ),
]
