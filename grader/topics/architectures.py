"""Hidden tests for ``architectures``: the four networks' structure and forward pass, count_parameters.

The student's models exist only in the sandbox. A probe builds one and sends
back its children and parameter shapes; another loads reference weights drawn
here (``load_state_dict(strict=True)``) and sends back its outputs. The
references below are built from the contract's text, never from solutions/.
"""
from __future__ import annotations

from collections import OrderedDict

import torch
import torch.nn as nn
from hypothesis import strategies as st

from grader.checks import (Case, Failure, Misconception, Property, Scripted, as_tensor, compare, explain,
                           outcome_value)
from grader.sandbox.probes import layer_stack

POINTS = 10
BY_LOOPS: dict = {}

# ------------------------------------------------------------------ references (from the contract)


def simple_cnn(pool=nn.AvgPool2d, sigmoid=True, features=16 * 16 * 6) -> nn.Sequential:
    """VSB ``first_simple_cnn``; the keywords build the misconceptions."""
    layers = [nn.Conv2d(1, 6, 3, 1, 1), nn.ReLU(), pool(2, 2), nn.Flatten(), nn.Linear(features, 1)]
    return nn.Sequential(*layers, *([nn.Sigmoid()] if sigmoid else []))


def simple_net(pool=nn.MaxPool2d, sigmoid=True, features=16 * 16 * 6) -> nn.Sequential:
    """VSB ``Net`` as a Sequential with the same parameter names (conv, fc)."""
    parts = [("conv", nn.Conv2d(1, 6, 3, 1, 1)), ("relu", nn.ReLU()), ("pool", pool(2, 2)),
             ("flatten", nn.Flatten()), ("fc", nn.Linear(features, 1))]
    return nn.Sequential(OrderedDict(parts + ([("sigmoid", nn.Sigmoid())] if sigmoid else [])))


def lenet5(relu_after_c5=True, c1_padding=2) -> nn.Sequential:
    """UFRN LeNet-5 with its twelve named children."""
    parts = [("C1", nn.Conv2d(1, 6, 5, padding=c1_padding)), ("func1", nn.ReLU()), ("S2", nn.MaxPool2d(2)),
             ("C3", nn.Conv2d(6, 16, 5)), ("func2", nn.ReLU()), ("S4", nn.MaxPool2d(2)),
             ("C5", nn.Conv2d(16, 120, 5)), ("func3", nn.ReLU()), ("flatten", nn.Flatten()),
             ("F6", nn.Linear(120, 84)), ("func4", nn.ReLU()), ("OUTPUT", nn.Linear(84, 10))]
    if not relu_after_c5:
        parts = [p for p in parts if p[0] != "func3"]
    return nn.Sequential(OrderedDict(parts))


def case_study_cnn(n_channels: int = 1, pool=nn.MaxPool2d) -> nn.Sequential:
    """UFRN case-study CNN for 1x10x10 images."""
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, n_channels, 3)), ("relu1", nn.ReLU()), ("maxp1", pool(2)),
        ("flatten", nn.Flatten()), ("fc1", nn.Linear(n_channels * 4 * 4, 10)), ("relu2", nn.ReLU()),
        ("fc2", nn.Linear(10, 3)),
    ]))


class Target:
    """One graded builder: how to call it, its reference, its input size, its known mistakes."""

    def __init__(self, name, reference, size, sequential=True, structure_mistakes=(), forward_mistakes=()):
        self.name, self.reference, self.size, self.sequential = name, reference, size, sequential
        self.structure_mistakes = structure_mistakes  # (explanation, args -> wrong model)
        self.forward_mistakes = forward_mistakes      # (explanation, args -> wrong model)


SIGMOID_MISSING = "the final Sigmoid is missing: the network must end in a probability in (0, 1)"
FEATURES = ("the Linear layer's in_features must be 16*16*6 = 1536: the 2x2 pooling halves the 32x32 "
            "feature maps to 16x16, and there are 6 of them")

TARGETS = {
    "build_simple_cnn": Target(
        "build_simple_cnn", lambda: simple_cnn(), 32,
        structure_mistakes=[
            ("the VSB Sequential model pools with AvgPool2d(2, 2), not MaxPool2d "
             "(max pooling is the nn.Module version, SimpleNet)", lambda: simple_cnn(pool=nn.MaxPool2d)),
            (SIGMOID_MISSING, lambda: simple_cnn(sigmoid=False)),
            (FEATURES, lambda: simple_cnn(features=32 * 32 * 6)),
        ],
        forward_mistakes=[
            ("the model pools with MaxPool2d; the VSB Sequential model uses AvgPool2d(2, 2)",
             lambda: simple_cnn(pool=nn.MaxPool2d)),
            (SIGMOID_MISSING, lambda: simple_cnn(sigmoid=False)),
        ]),
    "SimpleNet": Target(
        "SimpleNet", lambda: simple_net(), 32, sequential=False,
        structure_mistakes=[
            ("`self.pool` must be MaxPool2d(2, 2) in the nn.Module version (VSB `Net`)",
             lambda: simple_net(pool=nn.AvgPool2d)),
            (FEATURES, lambda: simple_net(features=32 * 32 * 6)),
        ],
        forward_mistakes=[
            ("forward pools by averaging; `self.pool` must be MaxPool2d(2, 2)", lambda: simple_net(pool=nn.AvgPool2d)),
            ("forward does not apply the sigmoid at the end (torch.sigmoid(self.fc(x)))",
             lambda: simple_net(sigmoid=False)),
        ]),
    "build_lenet5": Target(
        "build_lenet5", lambda: lenet5(), 28,
        structure_mistakes=[
            ("the ReLU after C5 is missing: naming it `func2` again (as the slides do) makes add_module "
             "replace the earlier func2 instead of adding a child; call it `func3`",
             lambda: lenet5(relu_after_c5=False)),
        ],
        forward_mistakes=[
            ("no ReLU is applied after C5: a second child named `func2` replaces the first one "
             "(add_module with an existing name); the ReLU after C5 is `func3`", lambda: lenet5(relu_after_c5=False)),
        ]),
    "build_case_study_cnn": Target(
        "build_case_study_cnn", lambda n=1: case_study_cnn(n), 10,
        structure_mistakes=[
            ("n_channels is ignored: it sets conv1's out_channels and fc1's in_features (n_channels*4*4)",
             lambda n=1: case_study_cnn(1)),
        ],
        forward_mistakes=[
            ("maxp1 averages: the case-study model uses MaxPool2d(2)", lambda n=1: case_study_cnn(n, nn.AvgPool2d)),
        ]),
}


# ------------------------------------------------------------------ weights and inputs

def random_state(model: nn.Module, seed: int) -> "OrderedDict[str, torch.Tensor]":
    """Deterministic weights for ``model`` (uniform, scaled by fan-in), from a seeded generator."""
    generator = torch.Generator().manual_seed(seed)
    state = OrderedDict()
    for name, value in model.state_dict().items():
        if not value.is_floating_point():
            state[name] = value.clone()
            continue
        u = torch.rand(value.shape, generator=generator, dtype=torch.float64) * 2 - 1
        if name.endswith("running_var"):
            u = 0.5 + u.abs()
        elif value.dim() > 1:
            u = u * (3.0 / value[0].numel()) ** 0.5
        else:
            u = u * 0.5
        state[name] = u.to(value.dtype)
    return state


def absolute_forward(model: nn.Module, state, x: torch.Tensor) -> torch.Tensor:
    """The magnitude of the terms behind each output: the network on |x| with |weights|, no Sigmoid."""
    model.load_state_dict({k: v.abs() for k, v in state.items()})
    with torch.no_grad():
        h = x.abs()
        for layer in model:
            if not isinstance(layer, nn.Sigmoid):
                h = layer(h)
    return h


def forward(model: nn.Module, state, x: torch.Tensor) -> torch.Tensor:
    model.load_state_dict(state, strict=True)
    model.eval()
    with torch.no_grad():
        return model(x)


# ------------------------------------------------------------------ structure

def summary_of(model: nn.Module) -> dict:
    """What ``probes.architecture_summary`` reports, for a model built here."""
    return {"children": [[n, type(c).__name__] for n, c in model.named_children()],
            "parameters": [[n, list(p.shape)] for n, p in model.named_parameters()],
            "count": sum(p.numel() for p in model.parameters())}


def _children(summary) -> list[str]:
    return [f"{name}: {kind}" for name, kind, *_ in summary["children"]]


def _shapes(summary) -> dict:
    return {name: tuple(shape) for name, shape in summary["parameters"]}


def _matches(got: dict, wrong: nn.Module, sequential: bool) -> bool:
    mine = summary_of(wrong)
    if sequential and [c[:2] for c in got["children"]] != mine["children"]:
        return False
    return _shapes(got) == _shapes(mine)


def verify_structure(ctx, target: Target, args: tuple):
    function = target.name
    got = outcome_value(ctx.probe(function, "architecture_summary", function, list(args)), function)
    expected = summary_of(target.reference(*args))
    called = f"{function}({', '.join(map(repr, args))})"
    if not got.get("module"):
        raise Failure(f"{called} gave a {got.get('type')}, not an nn.Module")
    problem = _structure_problem(target, got, expected)
    if problem:
        for explanation, wrong in target.structure_mistakes:
            if _matches(got, wrong(*args), target.sequential):
                problem += f"\n    Likely mistake: {explanation}"
                break
        raise Failure(f"{called}: {problem}")


def _structure_problem(target: Target, got: dict, expected: dict) -> str:
    if target.sequential:
        if not got["sequential"]:
            return f"it must be an nn.Sequential, but it is a {got['type']}"
        mine, theirs = _children(got), _children(expected)
        if mine != theirs:
            common = min(len(mine), len(theirs))
            first = next((i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b), common)
            where = (f"child {first} is `{mine[first]}`, expected `{theirs[first]}`" if first < common
                     else f"it has {len(mine)} children, expected {len(theirs)}")
            return (f"the children (name: class) are wrong: {where}.\n    Yours:    {', '.join(mine)}"
                    f"\n    Expected: {', '.join(theirs)}")
    else:
        kinds = {name: kind for name, kind, *_ in got["children"]}
        for name, kind in expected["children"]:
            if kind in ("Conv2d", "Linear", "MaxPool2d") and kinds.get(name) != kind:
                now = f"a {kinds[name]}" if name in kinds else "missing"
                return f"the attribute `self.{name}` must be an nn.{kind}; it is {now}"
    mine, theirs = _shapes(got), _shapes(expected)
    if mine != theirs:
        for name, shape in theirs.items():
            if name not in mine:
                return f"there is no parameter `{name}` (expected shape {shape}); parameters: {_list(mine)}"
            if mine[name] != shape:
                return f"parameter `{name}` has shape {mine[name]}, expected {shape}"
        extra = [n for n in mine if n not in theirs]
        return f"unexpected parameters {extra}; expected exactly {_list(theirs)}"
    if got["count"] != expected["count"]:
        return f"it has {got['count']} parameters, expected {expected['count']}"
    return ""


def _list(shapes: dict) -> str:
    return ", ".join(f"{n} {tuple(s)}" for n, s in shapes.items()) or "none"


# ------------------------------------------------------------------ forward

@st.composite
def forward_cases(draw, target: Target, channels: bool = False):
    args = (draw(st.integers(1, 4)),) if channels else ()
    n = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**31 - 1))
    amplitude = draw(st.sampled_from([0.1, 1.0, 10.0]))
    shift = draw(st.sampled_from([0.0, -1.0, 2.0]))
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 1, target.size, target.size, generator=generator) * amplitude + shift
    state = random_state(target.reference(*args), seed + 1)
    return Case((x,), {"args": args, "state": state, "seed": seed})


def verify_forward(ctx, target: Target, case: Case):
    function, args, state = target.name, case.kwargs["args"], case.kwargs["state"]
    x = case.args[0]
    called = f"{function}({', '.join(map(repr, args))})"
    words = (f"\n    Input: model = {called}, x = {tuple(x.shape)} float32 tensor (values around "
             f"{float(x.mean()):.3g}), reference weights drawn with seed {case.kwargs['seed']}")
    outcome = ctx.probe(function, "architecture_forward", function, list(args), state, x)
    if outcome.status == "raised" and "state_dict" in (outcome.error or {}).get("message", ""):
        message = outcome.error["message"].strip().replace("\n\t", " ").replace("\n", " ")
        message = message[:300] + ("..." if len(message) > 300 else "")
        raise Failure(f"the reference weights do not load into the model of {called}: child names and parameter "
                      f"shapes must match the contract exactly.\n    load_state_dict(strict=True) said: {message}")
    try:
        value = outcome_value(outcome, function)
    except Failure as failure:
        hint = "" if failure.fatal else _config_hint(ctx, target, args)
        raise Failure(f"{failure}{hint}{words}", failure.fatal) from None
    got = as_tensor(value["output"], function, "the output")
    reference = target.reference(*args)
    expected = forward(reference, state, x)
    scale = absolute_forward(reference, state, x)
    try:
        compare(got, expected, scale=scale, function=function, what="the output")
    except Failure as failure:
        mistakes = [Misconception(e, lambda c, w=w: forward(w(*c.kwargs["args"]), c.kwargs["state"], c.args[0]))
                    for e, w in target.forward_mistakes]
        hint = explain(got, case, mistakes, scale)
        text = str(failure) + (f"\n    Likely mistake: {hint}" if hint else _config_hint(ctx, target, args))
        raise Failure(text + words) from None
    if value.get("printed"):
        raise Failure(f"the forward pass of {called} prints ({value['printed'][:60]!r}...): forward runs for every "
                      f"batch, so printing there floods the output and slows training; remove the print" + words)


def _config_hint(ctx, target: Target, args) -> str:
    """Layers whose settings (kernel size, stride, padding, ...) differ from the contract's."""
    outcome = ctx.probe(target.name, "architecture_summary", target.name, list(args))
    if not outcome.ok or not isinstance(outcome.value, dict) or not outcome.value.get("module"):
        return ""
    reference = dict(target.reference(*args).named_children())
    differences = []
    for name, kind, text in outcome.value["children"]:
        if name in reference and kind == type(reference[name]).__name__:
            if _normal(text) != _normal(repr(reference[name])):
                differences.append(f"`{name}` is {text}, expected {reference[name]!r}")
    return ("\n    Check the layer settings: " + "; ".join(differences)) if differences else ""


def _normal(text: str) -> str:
    return text.replace("inplace=True", "").replace(", )", ")").replace("()", "")


# ------------------------------------------------------------------ count_parameters

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


def verify_count(ctx, case: Case):
    layers, frozen = case.args
    got = outcome_value(ctx.probe("count_parameters", "count_parameters_probe", layers, frozen), "count_parameters")
    counts = _counts(layers, frozen)
    model = layer_stack(layers)
    described = f"{_describe_model(model)} with {('frozen ' + ', '.join(frozen)) if frozen else 'nothing frozen'}"
    for key, call, want in (("trainable", "count_parameters(model, True)", counts["trainable"]),
                            ("default", "count_parameters(model)", counts["trainable"]),
                            ("all", "count_parameters(model, trainable_only=False)", counts["all"])):
        value = got[key]
        if type(value) is not int or value != want:
            shown = value if isinstance(value, (int, float)) else f"a {type(value).__name__}"
            text = f"{call} returned {shown}; expected the int {want}"
            hint = _count_hint(value, key, counts)
            raise Failure(text + (f"\n    Likely mistake: {hint}" if hint else "") + f"\n    Model: {described}")


def _count_hint(value, key, counts) -> str:
    if isinstance(value, dict):
        return ""
    if key != "all" and counts["frozen"] and value == counts["all"]:
        return ("frozen parameters (requires_grad=False) are counted although trainable_only is true: "
                "skip a parameter p when trainable_only and not p.requires_grad")
    if key != "all" and counts["frozen"] and value == counts["frozen"]:
        return "it counts the frozen parameters instead of the trainable ones"
    if value == counts["buffers"] and counts["buffers"] != counts["all"]:
        return ("it counts buffers too (state_dict() holds BatchNorm's running_mean, running_var and "
                "num_batches_tracked); count model.parameters() only")
    if value == counts["tensors"]:
        return "it counts parameter tensors; count their elements (p.numel())"
    if key == "all" and value == counts["trainable"] and counts["frozen"]:
        return "with trainable_only=False every parameter counts, frozen ones too"
    return ""


def _describe_model(model: nn.Module) -> str:
    return "nn.Sequential(" + ", ".join(repr(m).replace("\n", "") for m in model) + ")"


# ------------------------------------------------------------------ checks

def _structure_check(id, title, name, args=(), weight=1.0):
    return Scripted(id, title, name, weight, body=lambda ctx: verify_structure(ctx, TARGETS[name], args))


def verify_case_study_structure(ctx, case: Case):
    verify_structure(ctx, TARGETS["build_case_study_cnn"], case.args)


def _forward_check(id, title, name, weight, channels=False):
    target = TARGETS[name]
    return Property(id, title, name, weight, strategy=forward_cases(target, channels),
                    verify=lambda ctx, case: verify_forward(ctx, target, case))


CHECKS = [
    _structure_check("build_simple_cnn_structure", "build_simple_cnn has the six layers of the VSB first_simple_cnn",
                     "build_simple_cnn"),
    _forward_check("build_simple_cnn_forward", "build_simple_cnn computes the reference outputs with reference weights",
                   "build_simple_cnn", 1.0),
    _structure_check("simple_net_structure", "SimpleNet is an nn.Module with conv, pool and fc of the contract",
                     "SimpleNet"),
    _forward_check("simple_net_forward",
                   "SimpleNet.forward is conv, relu, pool, flatten, fc, sigmoid, and does not print",
                   "SimpleNet", 1.5),
    _structure_check("build_lenet5_structure", "build_lenet5 has the twelve named children and 61,706 parameters",
                     "build_lenet5"),
    _forward_check("build_lenet5_forward", "build_lenet5 computes the reference outputs with reference weights",
                   "build_lenet5", 1.5),
    Property("build_case_study_cnn_structure", "build_case_study_cnn has the case-study children for every n_channels",
             "build_case_study_cnn", 1.0, strategy=st.integers(1, 4).map(lambda n: Case((n,))),
             verify=verify_case_study_structure, examples=6, array_valued=False),
    _forward_check("build_case_study_cnn_forward", "build_case_study_cnn computes the reference outputs",
                   "build_case_study_cnn", 1.0, channels=True),
    Property("count_parameters_counts", "count_parameters counts elements, trainable ones only by default",
             "count_parameters", 1.0, strategy=count_cases(), verify=verify_count, examples=30, array_valued=False),
]
