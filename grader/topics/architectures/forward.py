"""The builders' forward pass: the student's model, with reference weights loaded strictly, against
the reference network's output (``probes.architecture_forward``)."""

from __future__ import annotations

import torch
from hypothesis import strategies as st

from grader.checks import Case, Failure, Mistake, Property, as_tensor, compare, crashed, mistake_lines, outcome_value
from grader.sandbox import probes
from grader.topics.architectures.references import TARGETS, Target, random_state, reference_output
from grader.topics.architectures.structure import structure_verdict

FORWARD_FEATURES = ("batch",)
CASE_STUDY_FEATURES = ("n_channels", "batch")


@st.composite
def forward_cases(draw, enabled: frozenset, target: Target, channels: bool = False):
    """One image (the core), or a batch of up to 4; the case study with n_channels from 1 to 4 too."""
    args = (draw(st.integers(1, 4)),) if "n_channels" in enabled else (1,) if channels else ()
    n = draw(st.integers(1, 4)) if "batch" in enabled else 1
    seed = draw(st.integers(0, 2**31 - 1))
    amplitude = draw(st.sampled_from([0.1, 1.0, 10.0]))
    shift = draw(st.sampled_from([0.0, -1.0, 2.0]))
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 1, target.size, target.size, generator=generator) * amplitude + shift
    state = random_state(target.reference(*args), seed + 1)
    return Case((x,), {"args": args, "state": state, "seed": seed})


def _words(target: Target, case: Case) -> str:
    x, args = case.args[0], case.kwargs["args"]
    return (
        f"\n    Input: model = {target.name}({', '.join(map(repr, args))}), x = {tuple(x.shape)} float32 tensor "
        f"(values around {float(x.mean()):.3g}), reference weights drawn with seed {case.kwargs['seed']}"
    )


def run_forward(ctx, target: Target, case: Case):
    """The student's output on the case (reference weights loaded, eval mode, no gradients) and what it printed."""
    function, args, state = target.name, case.kwargs["args"], case.kwargs["state"]
    called = f"{function}({', '.join(map(repr, args))})"
    words = _words(target, case)
    outcome = ctx.probe(function, probes.architecture_forward, function, list(args), state, case.args[0])
    if outcome.status == "raised" and "state_dict" in (outcome.error or {}).get("message", ""):
        message = outcome.error["message"].strip().replace("\n\t", " ").replace("\n", " ")
        message = message[:300] + ("..." if len(message) > 300 else "")
        layers, named = _layers_words(ctx, target, args)
        raise Failure(
            f"the reference weights do not load into the model of {called}: child names and parameter "
            f"shapes must match the contract exactly.\n    load_state_dict(strict=True) said: {message}"
            f"{layers}{mistake_lines(named)}",
            mistakes=named,
        )
    if crashed(outcome):
        ctx.evidence.observe_crash(target.forward_mistakes, case)
    try:
        value = outcome_value(outcome, function)
    except Failure as failure:
        named = () if failure.fatal else _config_mistakes(ctx, target, args)
        raise Failure(f"{failure}{mistake_lines(named)}{words}", failure.fatal, mistakes=named) from None
    return as_tensor(value["output"], function, "the output"), value.get("printed", "")


def check_output(ctx, target: Target, case: Case, got: torch.Tensor):
    """``Failure`` unless ``got`` is the reference network's output; evidence about the known mistakes."""
    expected, scale = reference_output(target.name, case.kwargs["args"], case.kwargs["state"], case.args[0])
    try:
        compare(got, expected, scale=scale, function=target.name, what="the output")
    except Failure as failure:
        ctx.evidence.observe(
            target.forward_mistakes, case, got, expected, scale if got.shape == expected.shape else None
        )
        named = _config_mistakes(ctx, target, case.kwargs["args"])
        layers, named = ("", named) if named else _layers_words(ctx, target, case.kwargs["args"])
        raise Failure(str(failure) + layers + mistake_lines(named) + _words(target, case), mistakes=named) from None


def verify_forward(ctx, target: Target, case: Case):
    """The builder's model, with reference weights, computes the reference output."""
    got, _ = run_forward(ctx, target, case)
    check_output(ctx, target, case, got)


SIMPLE_NET_PARTS = ("one image", "a batch", "no printing")


def verify_simple_net_forward(ctx, case: Case):
    """SimpleNet.forward computes the reference output, for one image and for a batch, without printing."""
    target = TARGETS["SimpleNet"]
    try:
        got, printed = run_forward(ctx, target, case)
    except Failure as failure:  # a crash on a batch of a forward right for one image breaks "a batch" only
        if failure.fatal or case.args[0].shape[0] == 1 or not _right_for_one(ctx, target, case):
            raise
        ctx.require("a batch", False, str(failure))
        return
    ctx.require(
        "no printing",
        not printed,
        f"the forward pass of SimpleNet() prints ({printed[:60]!r}...): forward runs for every batch, so "
        f"printing there floods the output and slows training\n    {PRINTS}" + _words(target, case),
        mistakes=(PRINTS,),
    )
    try:
        check_output(ctx, target, case, got)
    except Failure as failure:
        ctx.require("one image" if case.args[0].shape[0] == 1 else "a batch", False, str(failure))


def _right_for_one(ctx, target: Target, case: Case) -> bool:
    one = Case((case.args[0][:1],), case.kwargs)
    try:
        got, _ = run_forward(ctx, target, one)
        check_output(ctx, target, one, got)
    except Failure:
        return False
    return True


PRINTS = Mistake("architectures.prints_in_forward", "debugging print() calls are left in forward; remove them")


def _layers_words(ctx, target: Target, args) -> tuple[str, tuple[Mistake, ...]]:
    """Words on the layers when they are not the contract's (children, classes, parameter shapes), or "", and
    the known mistake behind them."""
    outcome = ctx.probe(target.name, probes.architecture_summary, target.name, list(args))
    if not outcome.ok or not isinstance(outcome.value, dict) or not outcome.value.get("module"):
        return "", ()
    problem, named = structure_verdict(target, outcome.value, tuple(args))
    return (f"\n    Your layers are not the contract's: {problem}" if problem else ""), named


def _config_mistakes(ctx, target: Target, args) -> tuple[Mistake, ...]:
    """Layers whose settings (kernel size, stride, padding, ...) differ from the contract's."""
    outcome = ctx.probe(target.name, probes.architecture_summary, target.name, list(args))
    if not outcome.ok or not isinstance(outcome.value, dict) or not outcome.value.get("module"):
        return ()
    reference = dict(target.reference(*args).named_children())
    differences = []
    for name, kind, text in outcome.value["children"]:
        if name in reference and kind == type(reference[name]).__name__:
            if _normal(text) != _normal(repr(reference[name])):
                differences.append(f"`{name}` is {text}, expected {reference[name]!r}")
    return (
        (
            Mistake(
                "architectures.layer_settings_differ",
                "layer settings differ from the contract's: " + "; ".join(differences),
            ),
        )
        if differences
        else ()
    )


def _normal(text: str) -> str:
    return text.replace("inplace=True", "").replace(", )", ")").replace("()", "")


def forward_check(id, title, name, weight, channels=False):
    """The forward check of a builder: features ``batch`` (and ``n_channels`` for the case study)."""
    target = TARGETS[name]
    return Property(
        id,
        title,
        name,
        weight=weight,
        strategy=lambda enabled: forward_cases(enabled, target, channels),
        verify=lambda ctx, case: verify_forward(ctx, target, case),
        features=CASE_STUDY_FEATURES if channels else FORWARD_FEATURES,
    )


SIMPLE_NET_FORWARD = Property(
    "simple_net_forward",
    "SimpleNet.forward is conv, relu, pool, flatten, fc, sigmoid, and does not print",
    "SimpleNet",
    weight=1.5,
    strategy=forward_cases(frozenset(FORWARD_FEATURES), TARGETS["SimpleNet"]),
    verify=verify_simple_net_forward,
    parts=SIMPLE_NET_PARTS,
    core_part="one image",
    # the forward pass is the class's function; batches come next, a print left in it is a slip
    part_weights={"one image": 4.0, "a batch": 2.0, "no printing": 1.0},
)
