"""``count_parameters`` on drawn models: flat or nested ``nn.Sequential``, custom modules with submodules and a
parameter of their own, a bare layer, a layer used twice (shared), a weight tied between two layers, some
parameters frozen (``probes.count_parameters_probe``, which builds ``probes.counting_model(spec)``).

``model.parameters()`` lists every parameter once, however deep and however often it is used; the known
mistakes are other ways of walking the model, each run here on the same model.
"""

from __future__ import annotations

import torch
import torch.nn as nn
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Failure,
    Misconception,
    Mistake,
    Property,
    not_implemented,
    outcome_value,
    predictions_of,
)
from grader.sandbox import probes
from grader.sandbox.probes import counting_model

LEAF = st.one_of(
    st.tuples(st.just("linear"), st.integers(1, 6), st.integers(1, 6), st.booleans()),
    st.tuples(st.just("conv"), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.booleans()),
    st.tuples(st.just("bn"), st.integers(1, 4)),
    st.tuples(st.just("relu")),
).map(list)


@st.composite
def count_models(draw):
    """A model spec for ``probes.counting_model``: a Sequential (the simplest, and what shrinking aims at), a
    custom Block or a bare layer, nested two deep at most, with shared layers and tied weights sometimes."""
    leaves = []  # the leaf nodes made so far, in build order (what "again" and "tied" refer to)

    def is_linear(i):
        return leaves[i][0] in ("linear", "tied")

    def node(depth):
        options = (
            ["leaf"]
            + (["seq", "block"] if depth < 2 else [])
            + (["again"] if leaves else [])
            + (["tied"] if any(is_linear(i) for i in range(len(leaves))) else [])
        )
        kind = draw(st.sampled_from(options))
        if kind in ("seq", "block"):
            return container(kind, depth + 1)
        if kind == "again":
            return ["again", draw(st.integers(0, len(leaves) - 1))]
        made = (
            ["tied", draw(st.sampled_from([i for i in range(len(leaves)) if is_linear(i)]))]
            if kind == "tied"
            else draw(LEAF)
        )
        leaves.append(made)
        return made

    def container(kind, depth):
        children = [node(depth) for _ in range(draw(st.integers(1, 4 if depth == 1 else 3)))]
        return ["seq", children] if kind == "seq" else ["block", children, draw(st.integers(0, 3))]

    root = draw(st.sampled_from(["seq", "block", "leaf"]))
    return container(root, 1) if root != "leaf" else node(2)


@st.composite
def count_cases(draw):
    spec = draw(count_models())
    names = [name for name, _ in counting_model(spec).named_parameters()]
    frozen = [name for name in names if draw(st.booleans())] if draw(st.booleans()) else []
    return Case((spec, frozen))


def frozen_model(spec, frozen) -> nn.Module:
    model = counting_model(spec)
    for name, p in model.named_parameters():
        if name in frozen:
            p.requires_grad_(False)
    return model


# ------------------------------------------------------------------ the calls and the mistakes

# part -> the probe's call (``probes.COUNT_CALLS``) that counts for it: (key, the call in words, trainable only?)
COUNT_PARTS = {
    "trainable_only=False": ("trainable_only=False", "count_parameters(model, trainable_only=False)", False),
    "trainable_only=True": ("trainable_only=True", "count_parameters(model, trainable_only=True)", True),
    "default": ("default", "count_parameters(model)", True),
}
POSITION = "trainable_only by position"
# the positional calls and the keyword calls they must agree with
POSITIONAL = {"False": "trainable_only=False", "True": "trainable_only=True"}
TRAINABLE_ONLY = {"default": True, "True": True, "trainable_only=True": True, "False": False}
TRAINABLE_ONLY["trainable_only=False"] = False
# Counting model.parameters()' elements is the function (all of them: its core); leaving the frozen ones out is
# the second half; the default and the positional form are slips around them, a tied weight an edge case.
COUNT_WEIGHTS = {"trainable_only=False": 2.0, "trainable_only=True": 2.0, "default": 1.0, POSITION: 1.0}


def _size(params, trainable_only: bool) -> int:
    return sum(p.numel() for p in params if p.requires_grad or not trainable_only)


def right_count(model: nn.Module, trainable_only: bool) -> int:
    return _size(model.parameters(), trainable_only)


def _count_mistake(id, explanation, count):
    """A counting mistake: ``count(model, trainable_only, call)`` is its answer for the probe's call ``call``."""

    def compute(case: Case):
        call = case.kwargs["call"]
        return torch.tensor(count(frozen_model(*case.args), TRAINABLE_ONLY[call], call))

    return Misconception(id, explanation, compute)


def _state_dict_size(model) -> int:
    return sum(v.numel() for v in model.state_dict().values())


COUNT_MISTAKES = [
    _count_mistake(
        "architectures.frozen_parameters_requires_grad_false",
        "frozen parameters (requires_grad=False) are counted although trainable_only is true: skip a "
        "parameter p when trainable_only and not p.requires_grad",
        lambda model, flag, call: right_count(model, False),
    ),
    _count_mistake(
        "architectures.counts_frozen_parameters_trainable_ones",
        "it counts the frozen parameters instead of the trainable ones",
        lambda model, flag, call: (
            sum(p.numel() for p in model.parameters() if not p.requires_grad) if flag else right_count(model, False)
        ),
    ),
    _count_mistake(
        "architectures.counts_buffers_too_state_dict",
        "it counts buffers too (state_dict() holds BatchNorm's running_mean, running_var and "
        "num_batches_tracked); count model.parameters() only",
        lambda model, flag, call: _state_dict_size(model),
    ),
    _count_mistake(
        "architectures.trainable_only_false_counts_state",
        "with trainable_only=False it counts state_dict() entries, buffers included (BatchNorm's "
        "running_mean, running_var, num_batches_tracked); count model.parameters() only",
        lambda model, flag, call: right_count(model, True) if flag else _state_dict_size(model),
    ),
    _count_mistake(
        "architectures.counts_parameter_tensors_count_elements",
        "it counts parameter tensors; count their elements (p.numel())",
        lambda model, flag, call: sum(1 for p in model.parameters() if p.requires_grad or not flag),
    ),
    _count_mistake(
        "architectures.trainable_only_false_every_parameter",
        "with trainable_only=False every parameter counts, frozen ones too",
        lambda model, flag, call: right_count(model, True),
    ),
    _count_mistake(
        "architectures.default_trainable_only_true_count",
        "the default is trainable_only=True: count_parameters(model) counts the trainable parameters only",
        lambda model, flag, call: right_count(model, flag and call != "default"),
    ),
    _count_mistake(
        "architectures.adds_up_m_parameters_every",
        "it adds up m.parameters() for every m in model.modules(): modules() lists the model and every "
        "container too, and m.parameters() already includes the submodules', so a nested parameter is "
        "counted once per enclosing module; sum over model.parameters() once",
        lambda model, flag, call: sum(_size(m.parameters(), flag) for m in model.modules()),
    ),
    _count_mistake(
        "architectures.iterates_over_model_layer_model",
        "it iterates over the model (for layer in model), which works for an nn.Sequential only and "
        "visits a layer used twice twice; sum over model.parameters(), which lists every parameter once",
        lambda model, flag, call: sum(_size(layer.parameters(), flag) for layer in model),
    ),
    _count_mistake(
        "architectures.adds_up_parameters_model_children",
        "it adds up the parameters of model.children(), which misses those the model holds itself (a "
        "bare nn.Linear, a custom module's own nn.Parameter) and counts a weight two children share "
        "twice; sum over model.parameters()",
        lambda model, flag, call: sum(_size(child.parameters(), flag) for child in model.children()),
    ),
    _count_mistake(
        "architectures.adds_up_m_parameters_recurse",
        "it adds up m.parameters(recurse=False) over model.modules(), which counts a tied weight (one "
        "nn.Parameter used by two layers) once per layer; model.parameters() lists it once",
        lambda model, flag, call: sum(_size(m.parameters(recurse=False), flag) for m in model.modules()),
    ),
]


def observe_count(evidence, case: Case, value: int, right: int):
    """What one count says about ``COUNT_MISTAKES``: a wrong one as ``Evidence.observe`` weighs it; a right
    one rules out every mistake that would have counted something else there (or crashed)."""
    if value != right:
        evidence.observe(COUNT_MISTAKES, case, torch.tensor(value), torch.tensor(right))
        return
    for mistake, (answer, predicted) in zip(
        COUNT_MISTAKES, predictions_of(COUNT_MISTAKES, case, f"{__name__}.COUNT_MISTAKES")
    ):
        if answer == "not applicable":
            continue
        if answer == "raised" or int(predicted) != right:  # a crash, where the student's code counted right
            evidence._rule_out(mistake)  # wish: a public Evidence.observe_right(misconceptions, case, right)


# ------------------------------------------------------------------ the check


def verify_count(ctx, case: Case):
    """count_parameters counts the elements of model.parameters(), trainable ones only unless told otherwise."""
    spec, frozen = case.args
    got = outcome_value(ctx.probe("count_parameters", probes.count_parameters_probe, spec, frozen), "count_parameters")
    if got["default"].get("raised", [None])[0] == "NotImplementedError":
        raise Failure(not_implemented("count_parameters"), stub=True)
    model = frozen_model(spec, frozen)
    described = f"{describe_spec(spec)} with {('frozen ' + ', '.join(frozen)) if frozen else 'nothing frozen'}"
    if _wrong_only_when_tied(ctx, spec, frozen, got, model):
        ctx.require(
            TIED,
            False,
            f"the counts are wrong for a model with a tied weight and right once the weight is untied: "
            f"{_answers(got, model)}\n    {TIED_TWICE}\n    Model: {described}",
            mistakes=(TIED_TWICE,),
        )
        return
    for part, (key, call, trainable_only) in COUNT_PARTS.items():
        right, result, here = right_count(model, trainable_only), got[key], Case(case.args, {"call": key})
        if "raised" in result:  # every answer is evidence, the waived parts' and the right ones too
            ctx.evidence.observe_crash(COUNT_MISTAKES, here)
            ctx.require(
                part, False, f"{call} raised {result['raised'][0]}: {result['raised'][1]}\n    Model: {described}"
            )
            continue
        value = result["value"]
        if type(value) is int:
            observe_count(ctx.evidence, here, value, right)
        ctx.require(
            part,
            type(value) is int and value == right,
            f"{call} returned {_shown(value)}; expected the int {right}\n    Model: {described}",
        )
    for key, by_name in POSITIONAL.items():
        positional, named = got[key], got[by_name]
        right = right_count(model, TRAINABLE_ONLY[key])
        ctx.require(
            POSITION,
            positional == named or positional.get("value") == right,
            f"count_parameters(model, {key}) {_answer(positional)}, but count_parameters(model, {by_name}) "
            f"{_answer(named)}: trainable_only is the second parameter, and callers may pass it by position"
            f"\n    Model: {described}",
        )


TIED = "a weight tied between two layers"
TIED_TWICE = Mistake(
    "architectures.tied_weight_counted_twice",
    "a weight tied between two layers (one nn.Parameter used by both) is counted once per layer: "
    "model.parameters() lists each parameter once, so sum over it",
)


def _untied(spec):
    """The spec with every tied layer made a Linear layer of its own (same shape)."""
    leaves = []

    def walk(node):
        if node[0] in ("seq", "block"):
            return [node[0], [walk(child) for child in node[1]], *node[2:]]
        if node[0] == "again":
            return node
        made = list(leaves[node[1]]) if node[0] == "tied" else node
        leaves.append(made)
        return made

    return walk(spec)


def _right(got: dict, model) -> bool:
    return all(got[key].get("value") == right_count(model, flag) for key, _, flag in COUNT_PARTS.values())


def _answers(got: dict, model) -> str:
    return "; ".join(
        f"{call} {_answer(got[key])}, expected {right_count(model, flag)}" for key, call, flag in COUNT_PARTS.values()
    )


def _wrong_only_when_tied(ctx, spec, frozen, got: dict, model) -> bool:
    """Are the counts wrong here and right for the same model with its tied weights untied?"""
    untied = _untied(spec)
    if untied == spec or _right(got, model):
        return False
    outcome = ctx.probe("count_parameters", probes.count_parameters_probe, untied, frozen)
    return outcome.ok and _right(outcome.value, frozen_model(untied, frozen))


def _shown(value) -> str:
    return str(value) if isinstance(value, (int, float)) else f"a {type(value).__name__}"


def _answer(result: dict) -> str:
    if "raised" in result:
        return f"raised {result['raised'][0]}: {result['raised'][1]}"
    return f"returned {_shown(result['value'])}"


def describe_spec(spec) -> str:
    """A model spec in short words: leaves that are used again (or whose weight is tied) get a letter."""
    referenced, count = [], [0]

    def scan(node):
        if node[0] in ("seq", "block"):
            for child in node[1]:
                scan(child)
        elif node[0] in ("again", "tied") and node[1] not in referenced:
            referenced.append(node[1])

    def text(node):
        kind = node[0]
        if kind == "seq":
            return "nn.Sequential(" + ", ".join(text(child) for child in node[1]) + ")"
        if kind == "block":
            own = [f"own=nn.Parameter of {node[2]} element{'s' if node[2] > 1 else ''}"] if node[2] else []
            return "Block(" + ", ".join([text(child) for child in node[1]] + own) + ")"
        if kind == "again":
            return f"{letter(node[1])} again (the same module)"
        index, count[0] = count[0], count[0] + 1
        label = f"{letter(index)}=" if index in referenced else ""
        if kind == "tied":
            return f"{label}Linear tied to {letter(node[1])} (its weight is {letter(node[1])}.weight)"
        if kind == "linear":
            return f"{label}Linear({node[1]}, {node[2]}{'' if node[3] else ', bias=False'})"
        if kind == "conv":
            return f"{label}Conv2d({node[1]}, {node[2]}, {node[3]}{'' if node[4] else ', bias=False'})"
        return f"{label}BatchNorm2d({node[1]})" if kind == "bn" else f"{label}ReLU()"

    def letter(index):
        return "abcdefghijklmnopqrstuvwxyz"[sorted(referenced).index(index)]

    scan(spec)
    words = text(spec)
    if "Block(" in words:
        words += " (Block: a custom nn.Module holding those submodules as attributes, not iterable)"
    return words


COUNT = Property(
    "count_parameters_counts",
    "count_parameters counts elements of model.parameters() (nested, shared, tied), trainable ones only by default",
    "count_parameters",
    weight=1.0,
    strategy=count_cases(),
    verify=verify_count,
    examples=30,
    array_valued=False,
    parts=(*COUNT_PARTS, POSITION, TIED),
    core_part="trainable_only=False",
    part_weights=COUNT_WEIGHTS | {TIED: 1.0},
)
