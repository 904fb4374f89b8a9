"""``flatten``: equal to nn.Flatten, for non-contiguous inputs too; its known mistakes and argument checks."""

from __future__ import annotations

import dataclasses

import torch
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Failure,
    Misconception,
    as_tensor,
    check_array_call,
    compare,
    crashed,
    describe,
    float32_result,
    outcome_value,
)
from grader.checks.strategies import DTYPES, tensors
from grader.sandbox import probes
from grader.topics.arguments import Bad
from grader.topics.layers.common import UNCHANGED, _finite_or_not, _shapes

FLATTEN_FEATURES = ("2-D, 3-D and 5-D inputs", "float64", "NaN and ±inf", UNCHANGED)


@st.composite
def flatten_cases(draw, enabled: frozenset):
    """flatten's input drawing only the ``enabled`` features, and whether it must come back unchanged; the core
    is a float32 (N, C, H, W) tensor of finite values."""
    dtype = draw(DTYPES) if "float64" in enabled else torch.float32
    shape = draw(_shapes(2, 5)) if "2-D, 3-D and 5-D inputs" in enabled else draw(_shapes(4, 4))
    return Case((draw(_finite_or_not(shape, dtype, -10.0, 10.0, enabled)),)), UNCHANGED in enabled


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


def verify_flatten(ctx, drawn):
    """flatten(x) equals nn.Flatten()(x)."""
    case, unchanged = drawn
    x = case.args[0]
    check_array_call(
        ctx,
        "flatten",
        case,
        _flat(x),
        misconceptions=FLATTEN_MISTAKES,
        dtype_mistakes=[float32_result(lambda c: _flat(c.args[0]), "x")],
        arg_names=("x",),
        check_inputs=unchanged,
    )


@st.composite
def noncontiguous_cases(draw):
    """A 4-D base tensor of sizes 1 to 4 and the strided view ``base.permute(*dims)[..., ::step]`` the student
    gets (other ranks are flatten_matches_reference's requirement). Sizes that differ tell the batch
    dimension from the others in a wrong answer's shape."""
    dtype = draw(DTYPES)
    shape = tuple(draw(st.permutations([1, 2, 3, 4])))
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

FEW_DIMENSIONS = "fewer than 2 dimensions"
BAD_FLATTEN = [  # x is flatten's only argument: any message says which one is wrong
    Bad(
        lambda: Case((torch.ones(5),)),
        "for a 1-D tensor (flatten needs a batch dimension and at least one more)",
        FEW_DIMENSIONS,
    ),
    Bad(lambda: Case((torch.tensor(3.0),)), "for a 0-d tensor", FEW_DIMENSIONS),
]
