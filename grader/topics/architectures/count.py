"""``count_parameters`` on stacks of layers, some parameters frozen (``probes.count_parameters_probe``)."""
from __future__ import annotations

import torch
import torch.nn as nn
from hypothesis import strategies as st

from grader.checks import Case, Misconception, Property, outcome_value
from grader.sandbox.probes import layer_stack
from grader.sandbox import probes


LAYER = st.one_of(
    st.tuples(st.just("linear"), st.integers(1, 6), st.integers(1, 6), st.booleans()),
    st.tuples(st.just("conv"), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.booleans()),
    st.tuples(st.just("bn"), st.integers(1, 4)),
    st.tuples(st.just("relu")),
)


@st.composite
def count_cases(draw):
    layers = [list(layer) for layer in draw(st.lists(LAYER, min_size=1, max_size=4))]
    names = [name for name, _ in layer_stack(layers).named_parameters()]
    frozen = [name for name in names if draw(st.booleans())] if draw(st.booleans()) else []
    return Case((layers, frozen))


def _counts(layers, frozen):
    model = layer_stack(layers)
    sizes = {name: p.numel() for name, p in model.named_parameters()}
    return {"all": sum(sizes.values()), "trainable": sum(v for k, v in sizes.items() if k not in frozen),
            "buffers": sum(v.numel() for v in model.state_dict().values()),
            "tensors": len(sizes), "frozen": sum(v for k, v in sizes.items() if k in frozen)}


COUNT_CALLS = {"trainable_only=True": ("trainable", "count_parameters(model, True)", "trainable"),
               "default": ("default", "count_parameters(model)", "trainable"),
               "trainable_only=False": ("all", "count_parameters(model, trainable_only=False)", "all")}


def _count_mistake(explanation, compute):
    """A counting mistake: ``compute(counts, call)`` is its count for the call (a key of ``COUNT_CALLS``)."""
    return Misconception(explanation, lambda c: torch.tensor(compute(_counts(*c.args), c.kwargs["call"])))


COUNT_MISTAKES = [
    _count_mistake("frozen parameters (requires_grad=False) are counted although trainable_only is true: skip a "
                   "parameter p when trainable_only and not p.requires_grad", lambda counts, call: counts["all"]),
    _count_mistake("it counts the frozen parameters instead of the trainable ones",
                   lambda counts, call: counts["frozen"] if call != "trainable_only=False" else counts["all"]),
    _count_mistake("it counts buffers too (state_dict() holds BatchNorm's running_mean, running_var and "
                   "num_batches_tracked); count model.parameters() only", lambda counts, call: counts["buffers"]),
    _count_mistake("with trainable_only=False it counts state_dict() entries, buffers included (BatchNorm's "
                   "running_mean, running_var, num_batches_tracked); count model.parameters() only",
                   lambda counts, call: counts["buffers"] if call == "trainable_only=False" else
                   counts[COUNT_CALLS[call][2]]),
    _count_mistake("it counts parameter tensors; count their elements (p.numel())",
                   lambda counts, call: counts["tensors"]),
    _count_mistake("with trainable_only=False every parameter counts, frozen ones too",
                   lambda counts, call: counts["trainable"]),
    _count_mistake("the default is trainable_only=True: count_parameters(model) counts the trainable parameters "
                   "only", lambda counts, call: counts["all"] if call == "default" else counts[COUNT_CALLS[call][2]]),
]


def observe_count(evidence, case: Case, value: int, right: int):
    """What one count says about ``COUNT_MISTAKES``: a wrong one as ``Evidence.observe`` weighs it; a right
    one rules out every mistake that would have counted something else there."""
    if value != right:
        evidence.observe(COUNT_MISTAKES, case, torch.tensor(value), torch.tensor(right))
        return
    for mistake in COUNT_MISTAKES:
        if int(mistake.compute(case)) != right:
            evidence._rule_out(mistake)  # wish: a public Evidence.observe_right(misconceptions, case, right)


def verify_count(ctx, case: Case):
    """count_parameters counts elements of the trainable parameters, or of all with trainable_only=False."""
    layers, frozen = case.args
    got = outcome_value(ctx.probe("count_parameters", probes.count_parameters_probe, layers, frozen), "count_parameters")
    counts = _counts(layers, frozen)
    model = layer_stack(layers)
    described = f"{_describe_model(model)} with {('frozen ' + ', '.join(frozen)) if frozen else 'nothing frozen'}"
    for part, (key, call, want) in COUNT_CALLS.items():
        value = got[key]
        right = type(value) is int and value == counts[want]
        if type(value) is int:  # every count is evidence, the waived parts' and the right ones too
            observe_count(ctx.evidence, Case(case.args, {"call": part}), value, counts[want])
        shown = value if isinstance(value, (int, float)) else f"a {type(value).__name__}"
        ctx.require(part, right, f"{call} returned {shown}; expected the int {counts[want]}\n    Model: {described}")


def _describe_model(model: nn.Module) -> str:
    return "nn.Sequential(" + ", ".join(repr(m).replace("\n", "") for m in model) + ")"


COUNT = Property("count_parameters_counts", "count_parameters counts elements, trainable ones only by default",
                 "count_parameters", weight=1.0, strategy=count_cases(), verify=verify_count, examples=30,
                 array_valued=False, parts=tuple(COUNT_CALLS))
