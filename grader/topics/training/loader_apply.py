"""``loader_apply``: ``func(x, y)`` per batch, stacked along a new first dimension, summed or averaged.

The probe builds an unshuffled loader over drawn ``(x, y)`` and passes one of
the trusted ``probes.LOADER_FUNCS`` by name.
"""

from __future__ import annotations

import torch
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Failure,
    Misconception,
    NotApplicable,
    Property,
    as_tensor,
    compare,
    crashed,
    describe,
    first_difference,
    outcome_value,
)
from grader.checks.strategies import tensors
from grader.sandbox import probes
from grader.sandbox.probes import LOADER_FUNCS
from grader.sandbox.wire import Array
from grader.topics.training.results import observe_right, observe_typed, raises_naming
from grader.topics.training.scenarios import batches

APPLY_FEATURES = ("reduce='mean'", "default reduce", "reduce by position", "int64 results", "0-d results", "float64")


@st.composite
def loader_apply_cases(draw, enabled: frozenset = frozenset(APPLY_FEATURES)):
    """Batches of ``(x, y)`` (a DataLoader or a plain list), a func and reduce; the core sums the float32 column
    sums, reduce given by name."""
    on = enabled.__contains__
    dtype = draw(st.sampled_from([torch.float32, torch.float64])) if on("float64") else torch.float32
    n, batch_size = draw(st.integers(1, 6)), draw(st.integers(1, 3))
    x = draw(tensors((n, draw(st.integers(1, 2))), dtype))
    y = torch.tensor(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)), dtype=torch.int64)
    funcs = (
        ["column_sums"]
        + (["class_counts", "hits"] if on("int64 results") else [])
        + (["batch_mean"] if on("0-d results") else [])
    )
    reduces = ["sum"] + (["mean"] if on("reduce='mean'") else []) + ([None] if on("default reduce") else [])
    return Case(
        (x, y, batch_size, draw(st.sampled_from(funcs))),
        {
            "reduce": draw(st.sampled_from(reduces)),
            "positional": draw(st.booleans()) if on("reduce by position") else False,
            "as_list": draw(st.booleans()),
        },
    )


def _stacked(case: Case) -> torch.Tensor:
    x, y, batch_size, func = case.args
    return torch.stack([LOADER_FUNCS[func](a, b) for a, b in batches(x, y, batch_size)])


def reference_apply(case: Case, reduce=None) -> torch.Tensor:
    stacked = _stacked(case)
    if (reduce or case.kwargs["reduce"] or "sum") == "sum":
        return stacked.sum(dim=0, dtype=stacked.dtype)
    return stacked.float().mean(dim=0)


def _summing(case: Case) -> bool:
    return (case.kwargs["reduce"] or "sum") == "sum"


def _only_for_mean(compute):
    def applies(case):
        if _summing(case):
            raise NotApplicable
        return compute(case)

    return applies


APPLY_MISTAKES = [
    Misconception(
        "training.mean_taken_results_own_dtype",
        "the mean is taken in the results' own dtype; cast to float32 first (results.float().mean(0)): "
        "int64 counts cannot be averaged as they are",
        _only_for_mean(lambda c: _stacked(c).mean(dim=0)),
    ),
    Misconception(
        "training.sum_changes_dtype_sum_keeps",
        "the sum changes the dtype: 'sum' keeps the results' dtype",
        lambda c: _stacked(c).float().sum(dim=0) if _summing(c) else reference_apply(c),
    ),
    Misconception(
        "training.reduce_ignored_always_sums_reduce",
        "reduce is ignored: it always sums; reduce='mean' averages the float32 results",
        lambda c: reference_apply(c, "sum"),
    ),
    Misconception(
        "training.reduce_ignored_always_averages_reduce",
        "reduce is ignored: it always averages; reduce='sum' (the default) adds the results up",
        lambda c: reference_apply(c, "mean"),
    ),
    Misconception(
        "training.default_reduce_sum_mean",
        "the default reduce is 'sum', not 'mean'",
        lambda c: reference_apply(c, "mean") if c.kwargs["reduce"] is None else reference_apply(c),
    ),
    Misconception(
        "training.reduces_over_every_dimension_reduce",
        "it reduces over every dimension; reduce only over the new first (batch) dimension",
        lambda c: reference_apply(c).sum() if _summing(c) else _stacked(c).float().mean(),
    ),
    Misconception(
        "training.results_concatenated_torch_cat_stacked",
        "the results are concatenated (torch.cat) instead of stacked along a new first dimension",
        lambda c: (
            torch.cat(list(_stacked(c))).sum(dim=0) if _summing(c) else torch.cat(list(_stacked(c))).float().mean(dim=0)
        ),
    ),
    Misconception(
        "training.mean_divides_number_samples_averages",
        "'mean' divides by the number of samples; it averages the per-batch results (divide by the number of batches)",
        _only_for_mean(lambda c: _stacked(c).float().sum(dim=0) / len(c.args[0])),
    ),
]

FUNC_WORDS = {
    "class_counts": "lambda x, y: torch.bincount(y, minlength=3)  (int64, shape (3,))",
    "column_sums": "lambda x, y: x.sum(dim=0)  (x's dtype, shape (d,))",
    "batch_mean": "lambda x, y: x.mean()  (x's dtype, shape ())",
    "hits": "per class c: [count of (y == c) & (x[:, 0] > 0), count of y == c]  (int64, shape (3, 2))",
}


def describe_apply(case: Case) -> str:
    x, y, batch_size, func = case.args
    sizes = [len(b) for b, _ in batches(x, y, batch_size)]
    reduce, kw = case.kwargs["reduce"], case.kwargs
    call = (
        "loader_apply(loader, func)"
        if reduce is None
        else f"loader_apply(loader, func, {reduce!r})"
        if kw.get("positional")
        else f"loader_apply(loader, func, reduce={reduce!r})"
    )
    loader = "a plain list of" if kw.get("as_list") else "a DataLoader of"
    return (
        f"\n    Input: {call}, loader = {loader} {len(sizes)} unshuffled batches of sizes {sizes} over "
        f"x = {describe(x)}, y = {y.tolist()}; func = {FUNC_WORDS[func]}"
    )


def verify_loader_apply(ctx, case: Case):
    """loader_apply stacks func's results and sums them (same dtype) or averages them (float32)."""
    x, y, batch_size, func = case.args
    words = describe_apply(case)
    outcome = ctx.probe(
        "loader_apply",
        probes.loader_apply_probe,
        x=x,
        y=y,
        batch_size=batch_size,
        func=func,
        reduce=case.kwargs["reduce"],
        positional=case.kwargs["positional"],
        as_list=case.kwargs["as_list"],
    )
    if crashed(outcome):
        ctx.evidence.observe_crash(APPLY_MISTAKES, case)
    try:
        value = outcome_value(outcome, "loader_apply")
        got = as_tensor(value["result"], "loader_apply")
        if value["shape"] is not None and got.numel() == _numel(value["shape"]):
            got = got.reshape(value["shape"])  # the shape the child saw (the wire may add a dimension to 0-d arrays)
    except Failure as failure:
        raise Failure(f"{failure}{words}", failure.fatal) from None
    expected = reference_apply(case)
    stacked = _stacked(case)
    scale = stacked.abs().to(torch.float64).sum(dim=0) if stacked.is_floating_point() else None
    try:
        if got.dtype != expected.dtype:
            raise Failure(
                f"the result of `loader_apply` has dtype {str(got.dtype).replace('torch.', '')}; expected "
                f"{str(expected.dtype).replace('torch.', '')} ('sum' keeps the dtype of func's results, "
                "'mean' casts them to float32 first)"
            )
        compare(got, expected, scale=scale, function="loader_apply")
    except Failure as failure:
        observe_typed(ctx.evidence, APPLY_MISTAKES, case, got, expected, scale)
        _second_opinion(ctx, case)
        raise Failure(f"{failure}{words}") from None


def _second_opinion(ctx, case: Case):
    """Evidence from the same batches with 2-D results (``hits``): with 1-D results some mistakes agree
    (torch.cat, then a sum over dim 0, is the sum over everything), with 2-D ones they do not."""
    x, y, batch_size, func = case.args
    if func == "hits":
        return
    other = Case((x, y, batch_size, "hits"), dict(case.kwargs))
    outcome = ctx.probe(
        "loader_apply",
        probes.loader_apply_probe,
        x=x,
        y=y,
        batch_size=batch_size,
        func="hits",
        reduce=case.kwargs["reduce"],
        positional=case.kwargs["positional"],
        as_list=case.kwargs["as_list"],
    )
    if crashed(outcome):
        ctx.evidence.observe_crash(APPLY_MISTAKES, other)
        return
    result = outcome.value.get("result") if outcome.ok and isinstance(outcome.value, dict) else None
    if not isinstance(result, Array) or result.kind != "tensor":
        return
    got, expected = torch.from_numpy(result.data.copy()), reference_apply(other)
    if got.dtype == expected.dtype and got.shape == expected.shape and first_difference(got, expected)[0] is None:
        observe_right(ctx.evidence, APPLY_MISTAKES, other, expected, f"{__name__}.APPLY_MISTAKES")
    else:
        observe_typed(ctx.evidence, APPLY_MISTAKES, other, got, expected)


def _numel(shape) -> int:
    count = 1
    for n in shape:
        count *= int(n)
    return count


APPLY = Property(
    "loader_apply_reduces",
    "loader_apply stacks func(x, y) per batch and sums (same dtype) or averages (float32)",
    "loader_apply",
    weight=0.75,
    strategy=loader_apply_cases,
    verify=verify_loader_apply,
    features=APPLY_FEATURES,
)


def _apply_with(reduce):
    """A case of loader_apply with ``reduce`` by name on fixed batches, its words and its part."""
    return (
        lambda: Case((), {"reduce": reduce, "positional": False}),
        f"for loader_apply(loader, func, reduce={reduce!r}) (only 'sum' and 'mean' are valid; loader = batches of "
        "x = torch.arange(6.0).reshape(3, 2), func = lambda x, y: x.sum(dim=0))",
        "unknown reduce",
    )


def _run_errors_case(ctx, case: Case):
    return ctx.probe(
        "loader_apply",
        probes.loader_apply_probe,
        x=torch.arange(6.0).reshape(3, 2),
        y=torch.tensor([0, 1, 2]),
        batch_size=2,
        func="column_sums",
        **case.kwargs,
    )


APPLY_ERRORS = raises_naming(
    "loader_apply_errors",
    "loader_apply raises ValueError naming reduce for an unknown reduce",
    "loader_apply",
    [_apply_with(reduce) for reduce in ("max", "median", "Sum", "avg")],  # by position: loader_apply_reduces
    "reduce",
    call=_run_errors_case,
    weight=0.25,
)

CHECKS = [APPLY, APPLY_ERRORS]
