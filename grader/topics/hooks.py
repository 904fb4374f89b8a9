"""Hidden tests for ``hooks``: capture_outputs against forward hooks registered here.

The models are built by the trusted ``probes.build_model`` in the sandbox and
here, with the same weights: the case-study CNN and a model of nested
Sequentials (names such as ``"block.0"``, an in-place ReLU that overwrites
the tensor ``block.0`` produced). The probe reports the returned dict and the
hooks left on the model; the reference outputs come from hooks of our own.
"""
from __future__ import annotations

from collections import OrderedDict

import torch
from hypothesis import strategies as st

from grader.checks import Case, Failure, Property, compare, first_difference, outcome_value
from grader.sandbox.probes import build_model
from grader.sandbox.wire import Array

POINTS = 5
BY_LOOPS: dict = {}


# ------------------------------------------------------------------ scenarios

def random_state(spec: dict, seed: int) -> "OrderedDict[str, torch.Tensor]":
    generator = torch.Generator().manual_seed(seed)
    state = OrderedDict()
    for name, value in build_model(spec).state_dict().items():
        u = torch.rand(value.shape, generator=generator, dtype=torch.float64) * 2 - 1
        state[name] = (u * (3.0 / value[0].numel()) ** 0.5 if value.dim() > 1 else u * 0.5).to(value.dtype)
    return state


def module_names(spec: dict) -> list[str]:
    return [name for name, _ in build_model(spec).named_modules()]


@st.composite
def model_cases(draw, exploding: bool = False):
    if exploding:
        spec, size = {"kind": "exploding", "channels": draw(st.integers(1, 3))}, 10
    elif draw(st.booleans()):
        spec, size = {"kind": "cnn", "channels": draw(st.integers(1, 3))}, 10
    else:
        size = draw(st.sampled_from([2, 4, 6]))
        spec = {"kind": "nested", "channels": draw(st.integers(1, 3)), "size": size}
    names = draw(st.lists(st.sampled_from(module_names(spec)), min_size=1, max_size=4, unique=True))
    seed = draw(st.integers(0, 2**31 - 1))
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(draw(st.integers(1, 3)), 1, size, size, generator=generator) * draw(st.sampled_from([0.5, 3.0]))
    return Case((x, names), {"spec": spec, "state": random_state(spec, seed + 1)})


def describe_case(case: Case) -> str:
    x, names = case.args
    spec = case.kwargs["spec"]
    model = {"cnn": f"the case-study CNN with {spec['channels']} channel(s) "
                    "(conv1, relu1, maxp1, flatten, fc1, relu2, fc2)",
             "nested": f"nn.Sequential(stem=Conv2d(1, {spec.get('channels')}, 3, padding=1), block=nn.Sequential("
                       "Conv2d, ReLU(inplace=True), Conv2d), pool=MaxPool2d(2), head=nn.Sequential(Flatten, Linear))",
             "exploding": "a model with children conv1, relu1, fc whose forward raises RuntimeError after conv1 "
                          "and relu1 ran"}[spec["kind"]]
    note = " ('' names the model itself)" if "" in names else ""
    return f"\n    Input: model = {model}, x = {tuple(x.shape)} float32 tensor, layer_names = {names}{note}"


def capture(case: Case, absolute: bool = False, what: str = "output", clone: bool = True) -> dict:
    """The reference: our own forward hooks on the named modules."""
    x, names = case.args
    model = build_model(case.kwargs["spec"])
    state = case.kwargs["state"]
    model.load_state_dict({k: v.abs() for k, v in state.items()} if absolute else state)
    modules = dict(model.named_modules())
    captured = {}

    def hook_for(name):
        def hook(module, inputs, output):
            value = output if what == "output" else inputs[0]
            captured[name] = value.detach().clone() if clone else value.detach()
        return hook

    handles = [modules[name].register_forward_hook(hook_for(name)) for name in names]
    try:
        model(x.abs() if absolute else x)
    finally:
        for handle in handles:
            handle.remove()
    return {name: captured[name] for name in names if name in captured}


# ------------------------------------------------------------------ capture_outputs values

def verify_values(ctx, case: Case):
    x, names = case.args
    kw = case.kwargs
    words = describe_case(case)
    got = outcome_value(ctx.probe("capture_outputs", "capture_probe", kw["spec"], kw["state"], x, names),
                        "capture_outputs")
    result = got["result"]
    if not isinstance(result, dict):
        shown = "None (did you forget `return`?)" if result is None else f"a {type(result).__name__}"
        raise Failure(f"capture_outputs returned {shown}; expected a dict from layer name to tensor{words}")
    keys = list(result)
    if keys != names:
        if sorted(keys) == sorted(names):
            raise Failure(f"capture_outputs returned the keys in the order {keys}; keep the order of layer_names, "
                          f"{names}{words}")
        raise Failure(f"capture_outputs returned the keys {keys}; expected one per name of layer_names, {names}{words}")
    expected, scale = capture(case), capture(case, absolute=True)
    for name in names:
        value = result[name]
        if not isinstance(value, Array) or value.kind != "tensor":
            raise Failure(f"the value for {name!r} is not a tensor{words}")
        if value.requires_grad:
            raise Failure(f"the tensor captured for {name!r} still requires grad: store `output.detach()` so the "
                          f"captured feature maps do not keep the computation graph alive{words}")
        tensor = torch.from_numpy(value.data.copy())
        try:
            compare(tensor, expected[name], scale=scale[name], function="capture_outputs",
                    what=f"the output captured for {name!r}")
        except Failure as failure:
            raise Failure(f"{failure}{_hint(tensor, case, name)}{words}") from None


def _hint(tensor, case: Case, name: str) -> str:
    for what, clone, explanation in (
            ("input", True, "it stores the module's input; a forward hook's arguments are (module, inputs, "
                            "output) and the result is the output"),
            ("output", False, "the stored tensor was overwritten by a later in-place layer (ReLU(inplace=True)): "
                              "store a copy, `output.detach().clone()`")):
        try:
            wrong = capture(case, what=what, clone=clone)[name]
        except Exception:  # noqa: BLE001 -- the mistake does not apply to this module
            continue
        if wrong.shape == tensor.shape and first_difference(tensor, wrong)[0] is None:
            return f"\n    Likely mistake: {explanation}"
    return ""


# ------------------------------------------------------------------ hooks removed

@st.composite
def removal_cases(draw):
    case = draw(model_cases(exploding=draw(st.booleans())))
    names = module_names(case.kwargs["spec"])
    case.kwargs["keep"] = draw(st.sampled_from(names))  # a hook of the user's own, which must survive
    return case


def verify_removal(ctx, case: Case):
    x, names = case.args
    kw = case.kwargs
    words = describe_case(case)
    if kw["spec"]["kind"] == "exploding":
        got = outcome_value(ctx.probe("capture_outputs", "capture_error_probe", kw["spec"], kw["state"], x, names),
                            "capture_outputs")
        if (got["raised"] or {}).get("type") == "NotImplementedError":
            raise Failure("`capture_outputs` is not implemented yet (it still raises NotImplementedError)")
        if got["hooks_left"]:
            raise Failure(f"after a forward pass that raised, {got['hooks_left']} hook(s) are still registered on the "
                          f"model: remove the handles in a `finally:` block so they go even when model(x) fails{words}")
        return
    got = outcome_value(ctx.probe("capture_outputs", "capture_probe", kw["spec"], kw["state"], x, names, kw["keep"]),
                        "capture_outputs")
    if got["hooks_left"] > 0:
        raise Failure(f"after capture_outputs, {got['hooks_left']} hook(s) it registered are still on the model: "
                      f"keep the handle that register_forward_hook returns and call handle.remove(){words}")
    if got["hooks_left"] < 0 or not got["own_hook_kept"]:
        raise Failure("capture_outputs removed a forward hook it did not register (one the caller had put on "
                      f"{kw['keep']!r}): remove only your own hooks, through their handles{words}")


# ------------------------------------------------------------------ unknown names

UNKNOWN = ["conv9", "fc3", "block.7", "Conv1", "head.1.0", "layer1", "features"]


@st.composite
def unknown_cases(draw):
    case = draw(model_cases())
    names = list(case.args[1])
    known = set(module_names(case.kwargs["spec"]))
    bad = draw(st.sampled_from([n for n in UNKNOWN if n not in known]))
    names.insert(draw(st.integers(0, len(names))), bad)
    case.args = (case.args[0], names)
    case.kwargs["bad"] = bad
    return case


def verify_unknown(ctx, case: Case):
    x, names = case.args
    kw = case.kwargs
    words = describe_case(case)
    got = outcome_value(ctx.probe("capture_outputs", "capture_error_probe", kw["spec"], kw["state"], x, names),
                        "capture_outputs")
    raised = got["raised"] or {}
    if raised.get("type") == "NotImplementedError":
        raise Failure("`capture_outputs` is not implemented yet (it still raises NotImplementedError)")
    if raised.get("type") != "ValueError":
        did = f"raised {raised['type']}" if raised else "returned normally"
        raise Failure(f"capture_outputs should raise ValueError for the unknown layer name {kw['bad']!r}, but it "
                      f"{did}{words}")
    if kw["bad"] not in raised.get("message", ""):
        raise Failure(f"the ValueError's message should name the unknown layer {kw['bad']!r}; it says: "
                      f"{raised.get('message')!r}{words}")
    if got["hooks_left"]:
        raise Failure(f"after the ValueError, {got['hooks_left']} hook(s) are still registered: check every name "
                      f"before registering any hook (or remove them in a `finally:` block){words}")


CHECKS = [
    Property("capture_outputs_matches_reference", "capture_outputs returns each named layer's output, detached, "
             "in the order given", "capture_outputs", 2.5, strategy=model_cases(), verify=verify_values),
    Property("capture_outputs_removes_hooks", "capture_outputs removes its hooks, also when the forward pass raises, "
             "and only its own", "capture_outputs", 1.5, strategy=removal_cases(), verify=verify_removal, examples=20, array_valued=False),
    Property("capture_outputs_unknown_name", "capture_outputs raises ValueError naming an unknown layer, leaving no "
             "hooks", "capture_outputs", 1.0, strategy=unknown_cases(), verify=verify_unknown, examples=15, array_valued=False),
]
