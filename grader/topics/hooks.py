"""Hidden tests for ``hooks``: capture_outputs against forward hooks registered here.

The models are built by the trusted ``probes.build_model`` in the sandbox and
here, with the same weights (float32 or float64): the case-study CNN and a model
of nested Sequentials (names such as ``"block.0"``, an in-place ReLU that
overwrites the tensor ``block.0`` produced), and a model whose forward pass
raises ``ArithmeticError`` or, as a real model does, a shape mismatch's
``RuntimeError``. The probe calls ``capture_outputs`` positionally or with
``layer_names=`` and reports the returned dict, the hooks left on the model and
how often the model ran; the reference outputs come from hooks of our own.

Credit: the outputs are the function (a wrong one earns nothing of that test);
``''`` and dotted names are edge cases of the lookup, parts of their own, and
only the values test draws them.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from hypothesis import strategies as st

from grader.cache import remembered
from grader.checks import (
    Case,
    Failure,
    Misconception,
    Mistake,
    NotApplicable,
    compare,
    crashed,
    first_difference,
    mistake_lines,
    not_implemented,
    outcome_value,
)
from grader.checks.strategies import seeded_weights
from grader.sandbox import probes
from grader.sandbox.probes import build_model
from grader.sandbox.session import Outcome
from grader.sandbox.wire import Array
from grader.topics.training.scenarios import OnceProperty, named_once

POINTS = 5
BY_LOOPS: dict = {}


# ------------------------------------------------------------------ scenarios


def random_state(spec: dict, seed: int) -> OrderedDict[str, torch.Tensor]:
    return seeded_weights(build_model(spec).state_dict(), seed)


def module_names(spec: dict) -> list[str]:
    return [name for name, _ in build_model(spec).named_modules()]


def child_names(spec: dict) -> list[str]:
    """The names of the model's children (no '' and no dotted name)."""
    return [name for name in module_names(spec) if _plain(name)]


def _plain(name: str) -> bool:
    return name != "" and "." not in name


EDGE_PARTS = {"": "the model itself ('')", ".": "nested names ('block.0')"}
KEYWORD = "layer_names= by name"  # the part of a call with the parameter's name


def _edge(name: str) -> str | None:
    """The part a name that is not a child's belongs to, or None."""
    return EDGE_PARTS[""] if name == "" else EDGE_PARTS["."] if "." in name else None


@st.composite
def model_cases(draw, exploding: bool = False, children_only: bool = False):
    """A model (in float32 or float64), an input batch, names to capture (children's names only if
    ``children_only``; else also '' and dotted names); called positionally or with ``layer_names=``
    (``keyword``). The exploding model raises ``ArithmeticError`` or a shape mismatch's ``RuntimeError``."""
    if exploding:
        spec, size = {"kind": "exploding", "channels": draw(st.integers(1, 3))}, 10
        spec["error"] = draw(st.sampled_from(["ArithmeticError", "RuntimeError"]))
    elif draw(st.booleans()):
        spec, size = {"kind": "cnn", "channels": draw(st.integers(1, 3))}, 10
    else:
        size = draw(st.sampled_from([2, 4, 6]))
        spec = {"kind": "nested", "channels": draw(st.integers(1, 3)), "size": size}
    spec["dtype"] = draw(st.sampled_from(["float32", "float64"]))
    drawn_from = child_names(spec) if children_only else module_names(spec)
    names = draw(st.lists(st.sampled_from(drawn_from), min_size=1, max_size=4, unique=True))
    seed = draw(st.integers(0, 2**31 - 1))
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(draw(st.integers(1, 3)), 1, size, size, generator=generator, dtype=torch.float64)
    x = (x * draw(st.sampled_from([0.5, 3.0]))).to(getattr(torch, spec["dtype"]))
    return Case((x, names), {"spec": spec, "state": random_state(spec, seed + 1), "keyword": draw(st.booleans())})


def describe_model(spec: dict) -> str:
    """The model in words: in full the first time the topic's feedback names it, shorter afterwards."""
    c = spec["channels"]
    kind = spec["kind"]
    if kind == "cnn":
        words = f"the case-study CNN with {c} channel(s) (conv1, relu1, maxp1, flatten, fc1, relu2, fc2)"
        shorter = f"the case-study CNN with {c} channel(s)"
    elif kind == "nested":
        words = (
            f"nn.Sequential(stem=Conv2d(1, {c}, 3, padding=1), block=nn.Sequential(Conv2d, ReLU(inplace=True), "
            "Conv2d), pool=MaxPool2d(2), head=nn.Sequential(Flatten, Linear))"
        )
        shorter = f"the nested Sequential above (stem, block, pool, head) with {c} channel(s)"
    elif spec.get("error") == "RuntimeError":
        words = (
            f"a model with children conv1 (Conv2d(1, {c}, 3)), relu1, fc whose forward raises RuntimeError "
            f"after conv1 and relu1 ran (fc expects {64 * c + 1} features, it gets {64 * c})"
        )
        shorter = "the model above whose fc gets the wrong number of features"
    else:
        words = "a model with children conv1, relu1, fc whose forward raises ArithmeticError after conv1 and relu1 ran"
        shorter = "the model above that raises ArithmeticError"
    if spec.get("dtype", "float32") != "float32":
        words, shorter = f"{words} in {spec['dtype']}", f"{shorter} in {spec['dtype']}"
    return named_once(words, shorter)


def describe_case(case: Case) -> str:
    x, names = case.args
    spec = case.kwargs["spec"]
    model = describe_model(spec)
    note = " ('' names the model itself)" if "" in names else ""
    call = (
        "capture_outputs(model, x, layer_names=layer_names)"
        if case.kwargs.get("keyword")
        else "capture_outputs(model, x, layer_names)"
    )
    return (
        f"\n    Input: {call}, model = {model}, x = {tuple(x.shape)} {str(x.dtype).replace('torch.', '')} tensor, "
        f"layer_names = {names}{note}"
    )


@remembered
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


def _per_name(compute):
    """A mistake about one captured tensor: ``compute(case, name)`` for the name in ``case.kwargs["name"]``."""
    return lambda case: compute(case, case.kwargs["name"])


VALUE_MISTAKES = [
    Misconception(
        "hooks.stores_modules_input_forward_hooks",
        "it stores the module's input; a forward hook's arguments are (module, inputs, output) and the "
        "result is the output",
        _per_name(lambda c, name: capture(c, what="input")[name]),
    ),
    Misconception(
        "hooks.every_hook_registered_model_itself",
        "every hook is registered on the model itself, so each name holds the model's final output; "
        "register each hook on its own submodule, dict(model.named_modules())[name]",
        _per_name(lambda c, name: _final_output(c)),
    ),
]

KEY_MISTAKES = [
    Misconception(
        "hooks.every_hook_stores_under_last",
        "every hook stores under the last name: the closure reads the loop variable `name` when it runs, "
        "not when it was made; bind it (def make_hook(name): ..., or lambda m, i, o, name=name: ...)",
        lambda c: _key_indices(c.args[1], [c.args[1][-1]]) if len(c.args[1]) > 1 else _not_applicable(),
    ),
]


def _not_applicable():
    raise NotApplicable


def _final_output(case: Case) -> torch.Tensor:
    model = build_model(case.kwargs["spec"])
    model.load_state_dict(case.kwargs["state"])
    with torch.no_grad():
        return model(case.args[0])


def _key_indices(names, keys) -> torch.Tensor:
    """Keys as positions in ``names`` (-1 for a key that is not one), so ``Evidence`` can weigh them."""
    return torch.tensor([names.index(k) if k in names else -1 for k in keys], dtype=torch.int64)


VALUE_PARTS = (
    "outputs",
    EDGE_PARTS[""],
    EDGE_PARTS["."],
    "dtype kept",
    "detached",
    "copied",
    "order",
    "model(x) once",
    KEYWORD,
)
# The outputs are the function; '' and dotted names are edge cases of the lookup, the rest slips around it.
VALUE_WEIGHTS = {
    "outputs": 4.0,
    EDGE_PARTS[""]: 0.5,
    EDGE_PARTS["."]: 1.0,
    "dtype kept": 0.5,
    "detached": 1.0,
    "copied": 1.0,
    "order": 0.5,
    "model(x) once": 1.0,
    KEYWORD: 0.5,
}


def _capture(ctx, case: Case, names: list, keep: str | None = None) -> Outcome:
    kw = case.kwargs
    return ctx.probe(
        "capture_outputs",
        probes.capture_probe,
        spec=kw["spec"],
        state=kw["state"],
        x=case.args[0],
        names=names,
        keep=keep,
        keyword=kw["keyword"],
    )


def _edges_apart(ctx, case: Case, outcome: Outcome) -> tuple[list, Outcome]:
    """A call that crashed on names with '' or dotted ones: each kind of name that makes it crash (where the
    children's names alone do not) breaks its own part, and the children's names are judged without them.
    Returns the names judged and their outcome."""
    x, names = case.args
    edges = sorted({_edge(name) for name in names} - {None})
    plain = [name for name in names if _plain(name)] or child_names(case.kwargs["spec"])[:1]
    alone = _capture(ctx, case, plain)
    if not edges or crashed(alone):  # the children's names crash it too: not an edge case
        return names, outcome
    crashing = False
    for part in edges:
        tried = [name for name in names if _edge(name) == part]
        outcome = _capture(ctx, case, tried)
        if crashed(outcome):
            crashing = True
            error = outcome.error or {}
            ctx.require(
                part,
                False,
                f"capture_outputs raised {error.get('type')}: {error.get('message', '')}; with {plain!r} it "
                f"works{mistake_lines((EDGE_MISTAKES[part],))}{describe_case(Case((x, tried), case.kwargs))}",
                mistakes=(EDGE_MISTAKES[part],),
            )
    return (plain, alone) if crashing else (names, outcome)


def _missing_alone(ctx, case: Case, names: list) -> bool:
    """Does capture_outputs give no entry for one of ``names`` (of one edge kind) asked for on its own?"""
    for name in names:
        outcome = _capture(ctx, case, [name])
        result = outcome.value.get("result") if outcome.ok and isinstance(outcome.value, dict) else None
        if not isinstance(result, dict) or name not in result:
            return True
    return False


def verify_values(ctx, case: Case):
    """capture_outputs runs model(x) once; each named layer's output, detached and copied, keyed in the order given."""
    x, names = case.args
    words = describe_case(case)
    outcome = _capture(ctx, case, names)
    if crashed(outcome) and _renamed(case, outcome.error):
        case = _by_position(ctx, case, outcome.error)
        outcome = _capture(ctx, case, names)
    if crashed(outcome):
        names, outcome = _edges_apart(ctx, case, outcome)
    got = outcome_value(outcome, "capture_outputs")
    result = got["result"]
    if not isinstance(result, dict):
        shown = "None (did you forget `return`?)" if result is None else f"a {type(result).__name__}"
        raise Failure(f"capture_outputs returned {shown}; expected a dict from layer name to tensor{words}")
    keys = list(result)
    missing = [name for name in names if name not in result]
    wrong_keys = [k for k in keys if k not in names] + [name for name in missing if _plain(name)]
    for part in sorted({_edge(name) for name in missing} - {None}):
        absent = [name for name in missing if _edge(name) == part]
        if not wrong_keys and _missing_alone(ctx, case, absent):
            ctx.require(
                part,
                False,
                f"capture_outputs returned no entry for {absent}; expected one per name of layer_names, "
                f"{names}{mistake_lines((EDGE_MISTAKES[part],))}{words}",
                mistakes=(EDGE_MISTAKES[part],),
            )
        else:  # the names are found alone: the keys go wrong for another reason
            wrong_keys += absent
    if wrong_keys and "outputs" not in ctx.waived:
        ctx.evidence.observe(KEY_MISTAKES, case, _key_indices(names, keys), _key_indices(names, names))
    ctx.require(
        "outputs",
        not wrong_keys,
        f"capture_outputs returned the keys {keys}; expected one per name of layer_names, {names}{words}",
    )
    present = [name for name in names if name in result]
    ctx.require(
        "order",
        [k for k in keys if k in names] == present,
        f"capture_outputs returned the keys in the order {keys}; keep the order of layer_names, {names}\n"
        f"    {RUN_ORDER}{words}",
        mistakes=(RUN_ORDER,),
    )
    runs = got["runs"]
    named = (RUN_PER_NAME,) if runs == len(names) > 1 else ()
    ctx.require(
        "model(x) once",
        runs == 1,
        f"capture_outputs ran the model {runs} time{'s' if runs != 1 else ''}; it runs model(x) once, with "
        "a hook on every named layer" + mistake_lines(named) + words,
        mistakes=named,
    )
    judged = Case((x, names), case.kwargs)
    expected, scale, shared = capture(judged), capture(judged, absolute=True), capture(judged, clone=False)
    for name in present:
        _require_output(ctx, judged, name, result[name], expected[name], scale[name], shared[name], words)


def _close(tensor: torch.Tensor, expected: torch.Tensor, scale) -> bool:
    """Equal values (to the tolerance of the less precise of the two dtypes)."""
    if tensor.shape != expected.shape:
        return False
    if tensor.dtype != expected.dtype and tensor.is_floating_point():
        expected = expected.to(tensor.dtype)
    return first_difference(tensor, expected, scale)[0] is None


def _require_output(ctx, case, name, value, expected, scale, shared, words):
    """The parts one captured tensor can break: detached, copied, the right output, its dtype."""
    if not isinstance(value, Array) or value.kind != "tensor":
        ctx.require("outputs", False, f"the value for {name!r} is not a tensor{words}")
        return
    ctx.require(
        "detached",
        not value.requires_grad,
        f"the tensor captured for {name!r} still requires grad\n    {NOT_DETACHED}{words}",
        mistakes=(NOT_DETACHED,),
    )
    tensor = torch.from_numpy(value.data.copy())
    values_right = _close(tensor, expected, scale)
    overwritten = not values_right and _close(tensor, shared, None)
    ctx.require(
        "copied",
        not overwritten,
        f"the output captured for {name!r} was changed after the hook stored it: a later in-place layer "
        f"(ReLU(inplace=True)) overwrote it\n    {NOT_COPIED}{words}",
        mistakes=(NOT_COPIED,),
    )
    if values_right:
        cast = (CAST,) if tensor.dtype == torch.float32 and expected.dtype == torch.float64 else ()
        ctx.require(
            "dtype kept",
            tensor.dtype == expected.dtype,
            f"the output captured for {name!r} has dtype {str(tensor.dtype).replace('torch.', '')}; expected "
            f"{str(expected.dtype).replace('torch.', '')}, the model's" + mistake_lines(cast) + words,
            mistakes=cast,
        )
    if overwritten or values_right:
        return
    if "outputs" not in ctx.waived:
        ctx.evidence.observe(
            VALUE_MISTAKES,
            Case(case.args, dict(case.kwargs, name=name)),
            tensor,
            expected,
            scale if tensor.shape == expected.shape else None,
        )
    try:
        compare(
            tensor,
            expected,
            scale=scale,
            function="capture_outputs",
            what=f"the output captured for {name!r}",
            exact_dtype=False,
        )
    except Failure as failure:
        ctx.require("outputs", False, f"{failure}{words}")


# ------------------------------------------------------------------ hooks removed


@st.composite
def removal_cases(draw):
    case = draw(model_cases(exploding=draw(st.booleans()), children_only=True))
    names = module_names(case.kwargs["spec"])
    case.kwargs["keep"] = draw(st.sampled_from(names))  # a hook of the user's own, which must survive
    return case


def _run_raising(ctx, case: Case) -> dict:
    """capture_outputs run by the error probe (the model's forward pass may raise); a stub fails here."""
    x, names = case.args
    kw = case.kwargs
    got = outcome_value(
        ctx.probe(
            "capture_outputs",
            probes.capture_error_probe,
            spec=kw["spec"],
            state=kw["state"],
            x=x,
            names=names,
            keyword=kw["keyword"],
        ),
        "capture_outputs",
    )
    if (got["raised"] or {}).get("type") == "NotImplementedError":
        raise Failure(not_implemented("capture_outputs"), stub=True)
    if _renamed(case, got["raised"]):
        return _run_raising(ctx, _by_position(ctx, case, got["raised"]))
    return got


def _renamed(case: Case, error: dict | None) -> bool:
    """A call with ``layer_names=`` refused for that keyword (the parameter has another name)."""
    return (
        case.kwargs["keyword"]
        and bool(error)
        and error.get("type") == "TypeError"
        and "layer_names" in error.get("message", "")
    )


def _by_position(ctx, case: Case, error: dict) -> Case:
    """The signature part broken (the keyword call raised ``error``); the case called positionally."""
    ctx.require(
        KEYWORD,
        False,
        f"capture_outputs(model, x, layer_names=...) raised TypeError: {error.get('message', '')}; the third "
        f"parameter is called layer_names, and callers may pass it by name{describe_case(case)}",
    )
    return Case(case.args, dict(case.kwargs, keyword=False))


REMOVAL_PARTS = ("hooks removed", "removed when forward raises", "error comes through", "only its own", KEYWORD)
REMOVAL_WEIGHTS = {"hooks removed": 3.0, "removed when forward raises": 2.0, "error comes through": 2.0}
REMOVAL_WEIGHTS |= {"only its own": 2.0, KEYWORD: 1.0}


def verify_removal(ctx, case: Case):
    """capture_outputs removes its own hooks and only those, also when the forward pass raises (which comes through)."""
    x, names = case.args
    kw = case.kwargs
    words = describe_case(case)
    if kw["spec"]["kind"] == "exploding":
        got = _run_raising(ctx, case)
        if got["hooks_left"] and "removed when forward raises" not in ctx.waived:
            cause = REMOVED_AFTER_SUCCESS if _removes_after_success(ctx) else NEVER_REMOVED_FINALLY
            ctx.require(
                "removed when forward raises",
                False,
                f"after a forward pass that raised, "
                f"{got['hooks_left']} hook(s) are still registered on the model\n    {cause}"
                f"{words}",
                mistakes=(cause,),
            )
        _require_error(ctx, case, got["raised"], words)
        return
    outcome = _capture(ctx, case, names, keep=kw["keep"])
    if crashed(outcome) and _renamed(case, outcome.error):
        outcome = _capture(ctx, _by_position(ctx, case, outcome.error), names, keep=kw["keep"])
    got = outcome_value(outcome, "capture_outputs")
    ctx.require(
        "hooks removed",
        got["hooks_left"] <= 0,
        f"after capture_outputs, {got['hooks_left']} hook(s) it registered are still on the model\n"
        f"    {NEVER_REMOVED}{words}",
        mistakes=(NEVER_REMOVED,),
    )
    ctx.require(
        "only its own",
        got["hooks_left"] >= 0 and got["own_hook_kept"],
        f"capture_outputs removed a forward hook it did not register (one the caller had put on "
        f"{kw['keep']!r})\n    {CLEARS_ALL_HOOKS}{words}",
        mistakes=(CLEARS_ALL_HOOKS,),
    )


@remembered
def forward_error(case: Case) -> tuple[str, str]:
    """(type, message) of the error the exploding model's forward pass raises on the case's input."""
    model = build_model(case.kwargs["spec"])
    model.load_state_dict(case.kwargs["state"])
    try:
        model(case.args[0])
    except Exception as error:  # noqa: BLE001 -- the error is what we want
        return type(error).__name__, str(error)[:300]
    raise AssertionError("the exploding model did not raise")


def _require_error(ctx, case: Case, raised: dict | None, words: str):
    """The forward pass's error (ArithmeticError, or RuntimeError for a shape mismatch) reaches the caller as it
    was raised."""
    kind, message = forward_error(case)
    if raised and raised["type"] == kind and raised["message"] == message:
        return
    did = f"raised {raised['type']}({raised['message']!r}) instead" if raised else "returned normally"
    named = (ERROR_SWALLOWED,) if not raised else (ERROR_REPLACED,) if message in raised["message"] else ()
    ctx.require(
        "error comes through",
        False,
        f"the model's forward pass raised {kind}({message!r}), but capture_outputs {did}: an error in the "
        "forward pass, whatever its type, must reach the caller unchanged" + mistake_lines(named) + words,
        mistakes=named,
    )


# ------------------------------------------------------------------ unknown names


def _removes_after_success(ctx) -> bool:
    """Does capture_outputs leave no hook behind on the case-study CNN, whose forward pass succeeds?"""
    spec = {"kind": "cnn", "channels": 1}
    outcome = ctx.probe(
        "capture_outputs",
        probes.capture_probe,
        spec=spec,
        state=random_state(spec, 0),
        x=torch.zeros(1, 1, 10, 10),
        names=["conv1"],
    )
    return outcome.ok and outcome.value["hooks_left"] == 0


UNKNOWN = ["conv9", "fc3", "block.7", "Conv1", "head.1.0", "layer1", "features"]


@st.composite
def unknown_cases(draw):
    """Known names with one unknown name among them; the model's forward pass raises sometimes (the name
    must be refused before the model runs)."""
    case = draw(model_cases(exploding=draw(st.booleans()), children_only=True))
    names = list(case.args[1])
    known = set(module_names(case.kwargs["spec"]))
    bad = draw(st.sampled_from([n for n in UNKNOWN if n not in known]))
    names.insert(draw(st.integers(0, len(names))), bad)
    case.args = (case.args[0], names)
    case.kwargs["bad"] = bad
    return case


UNKNOWN_PARTS = ("ValueError", "names the layer", "no hooks left", KEYWORD)
UNKNOWN_WEIGHTS = {"ValueError": 5.0, "names the layer": 2.0, "no hooks left": 2.0, KEYWORD: 1.0}


def verify_unknown(ctx, case: Case):
    """capture_outputs raises ValueError naming an unknown layer, and leaves no hook behind."""
    x, names = case.args
    kw = case.kwargs
    words = describe_case(case)
    got = _run_raising(ctx, case)
    raised = got["raised"] or {}
    did = f"raised {raised['type']}" if raised else "returned normally"
    forward = forward_error(case) if kw["spec"]["kind"] == "exploding" else None
    named = (
        (NAMES_UNCHECKED,)
        if raised.get("type") in ("KeyError", "AttributeError")
        else (NAMES_AFTER_FORWARD,)
        if forward and (raised.get("type"), raised.get("message")) == tuple(forward)
        else ()
    )
    ctx.require(
        "ValueError",
        raised.get("type") == "ValueError",
        f"capture_outputs should raise ValueError for the unknown layer name {kw['bad']!r}, but it {did}"
        + mistake_lines(named)
        + words,
        mistakes=named,
    )
    ctx.require(
        "names the layer",
        not raised or kw["bad"] in raised.get("message", ""),
        f"the {raised.get('type')}'s message should name the unknown layer {kw['bad']!r}; it says: "
        f"{raised.get('message')!r}{words}",
    )
    ctx.require(
        "no hooks left",
        not got["hooks_left"],
        f"after the error, {got['hooks_left']} hook(s) are still registered\n    {HOOKED_BEFORE_CHECK}{words}",
        mistakes=(HOOKED_BEFORE_CHECK,),
    )


EDGE_MISTAKES = {
    EDGE_PARTS[""]: Mistake(
        "hooks.model_itself_not_found",
        "'' names the model itself (the first entry of model.named_modules()), which model.named_children() "
        "and getattr(model, name) do not find: look every name up in dict(model.named_modules())",
    ),
    EDGE_PARTS["."]: Mistake(
        "hooks.nested_names_not_found",
        "a dotted name such as 'block.0' names a submodule of a submodule, which model.named_children() and "
        "getattr(model, name) do not reach: look every name up in dict(model.named_modules())",
    ),
}
CAST = Mistake(
    "hooks.outputs_cast",
    "the captured outputs are converted (.float(), .to(torch.float32)): store output.detach().clone(), "
    "which keeps the model's dtype",
)
RUN_ORDER = Mistake(
    "hooks.filled_in_run_order",
    "the dict is filled as the layers run; build the result in the "
    "order of layer_names ({name: captured[name] for name in layer_names})",
)
RUN_PER_NAME = Mistake(
    "hooks.model_runs_per_name",
    "the model runs once per name (hook, run, remove for each "
    "layer); register every hook first, then run model(x) once",
)
NOT_DETACHED = Mistake(
    "hooks.output_not_detached",
    "the hook stores the output itself; store "
    "`output.detach().clone()`, so the captured feature maps do not keep the computation graph "
    "alive",
)
NOT_COPIED = Mistake(
    "hooks.output_not_copied", "output.detach() shares the output's memory; store a copy, `output.detach().clone()`"
)
REMOVED_AFTER_SUCCESS = Mistake(
    "hooks.removed_after_success_only",
    "the handles are removed after model(x), which an exception skips; remove them in a `finally:` block",
)
NEVER_REMOVED_FINALLY = Mistake(
    "hooks.never_removed_when_raising",
    "the hooks are never removed: keep the handle that "
    "register_forward_hook returns and call handle.remove() in a `finally:` block",
)
NEVER_REMOVED = Mistake(
    "hooks.never_removed",
    "the hooks are never removed: keep the handle that register_forward_hook returns and call handle.remove()",
)
CLEARS_ALL_HOOKS = Mistake(
    "hooks.clears_all_hooks",
    "it clears the modules' hook dicts (_forward_hooks); remove only your own hooks, through their handles",
)
ERROR_SWALLOWED = Mistake(
    "hooks.error_swallowed",
    "the error is caught (try/except) and not raised again: remove "
    "the hooks in a `finally:` block, which lets the error go on to the caller",
)
ERROR_REPLACED = Mistake(
    "hooks.error_replaced",
    "the error is caught and another one raised: let the original "
    "propagate (try/finally, or a bare `raise` in the except block)",
)
NAMES_UNCHECKED = Mistake(
    "hooks.names_unchecked",
    "the names are not checked, so the lookup's KeyError (or getattr's AttributeError) comes "
    "through; check every name against dict(model.named_modules()) first and raise ValueError",
)
NAMES_AFTER_FORWARD = Mistake(
    "hooks.names_checked_after_forward",
    "the names are checked after model(x) ran, so a forward pass that raises hides the unknown name: check "
    "every name first, before any hook is registered and before the model runs",
)
HOOKED_BEFORE_CHECK = Mistake(
    "hooks.hooked_before_names_checked",
    "hooks are registered before every name is "
    "checked; check all names first (or remove the hooks in a `finally:` block)",
)


CHECKS = [
    OnceProperty(
        "capture_outputs_matches_reference",
        "capture_outputs returns each named layer's output, detached, in the order given",
        "capture_outputs",
        weight=2.5,
        strategy=model_cases(),
        verify=verify_values,
        parts=VALUE_PARTS,
        core_part="outputs",
        part_weights=VALUE_WEIGHTS,
    ),
    OnceProperty(
        "capture_outputs_removes_hooks",
        "capture_outputs removes its hooks, also when the forward pass raises, and only its own",
        "capture_outputs",
        weight=1.5,
        strategy=removal_cases(),
        verify=verify_removal,
        examples=20,
        array_valued=False,
        parts=REMOVAL_PARTS,
        core_part="hooks removed",
        part_weights=REMOVAL_WEIGHTS,
    ),
    OnceProperty(
        "capture_outputs_unknown_name",
        "capture_outputs raises ValueError naming an unknown layer, leaving no hooks",
        "capture_outputs",
        weight=1.0,
        strategy=unknown_cases(),
        verify=verify_unknown,
        examples=15,
        array_valued=False,
        parts=UNKNOWN_PARTS,
        core_part="ValueError",
        part_weights=UNKNOWN_WEIGHTS,
    ),
]
