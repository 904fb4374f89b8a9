"""``train_epoch`` and ``evaluate``: one pass over a loader, learning or not.

The probe runs the student's function on a trusted model over unshuffled
batches and sends back the result, the weights afterwards, the losses it
computed and, for every forward pass, the model's training flag and whether
gradients were on. The reference is the slides' loop (VSB "PyTorch - Example
6") on the same weights and batches.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from grader.checks import Case, Misconception, Mistake, crashed, outcome_value
from grader.sandbox import probes
from grader.sandbox.wire import Array
from grader.topics.training.results import as_float, check_mean, flat_scale, flat_state, state_difference
from grader.topics.training.scenarios import (
    OnceProperty,
    batches,
    describe_case,
    dtype_of,
    reference_model,
    training_cases,
)

# ------------------------------------------------------------------ train_epoch


def reference_epoch(model, optimizer, data, mistake=None) -> list[float]:
    """The slides' loop, or one known variant of it; the per-batch losses."""
    if mistake != "no train mode":
        model.train()
    losses = []
    for x, y in data:
        if mistake not in ("no zero_grad", "zero_grad after step"):
            optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        if mistake != "no update":
            loss.backward()
            if mistake != "step after the loop":
                optimizer.step()
        if mistake == "zero_grad after step":
            optimizer.zero_grad()
        losses.append(loss.item())
    if mistake == "step after the loop":
        optimizer.step()
    return losses


def run_reference_epoch(case: Case, mistake=None):
    """The reference (or mistaken) epoch on the case's model (holding the probe's stale gradients if the case
    says so): the model afterwards and its losses."""
    kw = case.kwargs
    model = reference_model(kw["spec"], kw["state"], kw["training"])
    if kw.get("stale"):
        for i, p in enumerate(model.parameters()):
            p.grad = torch.full_like(p, 0.5 + i)
    optimizer = torch.optim.SGD(model.parameters(), lr=kw["lr"], momentum=kw["momentum"])
    losses = reference_epoch(model, optimizer, batches(*case.args, kw["batch_size"]), mistake)
    return model, losses


def _weights_after(mistake):
    def compute(case):
        model, _ = run_reference_epoch(case, mistake)
        return flat_state(model.state_dict(), case.kwargs["state"])

    return compute


EPOCH_MISTAKES = [
    Misconception(
        "training.optimizer_zero_grad_missing_gradients",
        "optimizer.zero_grad() is missing: gradients add up over the batches, so every step after the "
        "first uses the sum of all gradients so far; call it at the start of every batch",
        _weights_after("no zero_grad"),
    ),
    Misconception(
        "training.weights_never_change_every_batch",
        "optimizer.step() leaves the parameters as they were (they are still the initial ones): every batch "
        "needs loss.backward() and then optimizer.step(), in that order, with zero_grad() before the backward "
        "pass (zero_grad() between backward and step clears the gradients step needs)",
        _weights_after("no update"),
    ),
    Misconception(
        "training.optimizer_step_runs_once_after",
        "optimizer.step() runs once, after the loop: step after every batch's backward pass",
        _weights_after("step after the loop"),
    ),
    Misconception(
        "training.model_train_called_model_left",
        "model.train() is not called: a model left in eval mode trains with BatchNorm's running "
        "statistics instead of the batch's; start train_epoch with model.train()",
        _weights_after("no train mode"),
    ),
]

LIST = "a plain list of batches"
EPOCH_PARTS = ("parameters after", "training mode", "mean loss", "gradients cleared first", LIST)
# Training the weights is the function (a wrong update earns nothing of this test); forgetting train() is the
# next worst, the returned mean a slip beside them; stale gradients and plain lists are edge cases.
EPOCH_WEIGHTS = {"parameters after": 4.0, "training mode": 2.5, "mean loss": 2.0, "gradients cleared first": 1.0}
EPOCH_WEIGHTS |= {LIST: 0.5}


def epoch_probe(ctx, case: Case, function: str, probe, **options):
    """``probe`` on the case for ``function`` (train_epoch or evaluate); a crash on a plain list of batches where
    a DataLoader works breaks only the part ``LIST``. Returns (the case judged, what the probe sent back)."""
    kw = case.kwargs
    x, y = case.args
    fields = ("spec", "state", "batch_size", "training", "as_list")
    outcome = ctx.probe(function, probe, x=x, y=y, **{k: kw[k] for k in fields}, **options)
    if crashed(outcome) and kw["as_list"]:
        loader = Case(case.args, dict(kw, as_list=False))
        retried = ctx.probe(function, probe, x=x, y=y, **{k: loader.kwargs[k] for k in fields}, **options)
        if not crashed(retried):
            error = outcome.error or {}
            ctx.require(
                LIST,
                False,
                f"`{function}` raised {error.get('type')}: {error.get('message', '')} on a plain list of (x, y) "
                f"batches, where a DataLoader works: a loader is anything that yields (x, y) batches, so only "
                f"iterate over it (`for x, y in loader`){describe_case(case, function == 'train_epoch')}",
            )
            case, outcome = loader, retried
    return case, outcome_value(outcome, function)


def verify_train_epoch(ctx, case: Case):
    """train_epoch leaves the reference loop's weights, trains in training mode and returns the mean batch loss."""
    kw = case.kwargs
    options = {"lr": kw["lr"], "momentum": kw["momentum"], "stale": kw["stale"]}
    case, got = epoch_probe(ctx, case, "train_epoch", probes.train_epoch_probe, **options)
    x, y = case.args
    dtype = dtype_of(kw["spec"])
    words = describe_case(case)
    in_eval = any(not training for training, _ in got["calls"])
    ctx.require(
        "training mode",
        got["training"] is True and not in_eval,
        f"train_epoch {'ran the model in eval mode' if in_eval else 'left the model in eval mode'}"
        f"\n    {NO_TRAIN_MODE}{words}",
        mistakes=(NO_TRAIN_MODE,),
    )
    # a model left in eval mode trains otherwise: that is the training mode's part, judged above
    model, losses = run_reference_epoch(case, "no train mode" if in_eval else None)
    expected = model.state_dict()
    problem = state_difference(got["state"], expected)
    if problem and kw["stale"] and _right_without_stale(ctx, case, expected):
        ctx.require(
            "gradients cleared first",
            False,
            "with gradients already in the parameters' .grad on entry (left by an earlier backward pass), the "
            "weights after train_epoch differ from the reference loop's (without those gradients they are "
            f"right): {problem}\n    {ZERO_GRAD_AFTER_STEP}{words}",
            mistakes=(ZERO_GRAD_AFTER_STEP,),
        )
        problem = ""
    if problem and "parameters after" not in ctx.waived:
        mine = flat_state(got["state"], kw["state"])
        if mine is not None:
            ctx.evidence.observe(EPOCH_MISTAKES, case, mine, flat_state(expected, kw["state"]), flat_scale(kw["state"]))
    ctx.require(
        "parameters after",
        not problem,
        "after train_epoch the model's weights differ from the reference loop's (zero_grad, forward, loss, "
        f"backward, step per batch): {problem}{_unchanged(got, kw['state'])}{_forward_count(got, losses)}{words}",
    )
    value = as_float(got["result"], "train_epoch", "the epoch's loss", ctx, "mean loss", words)
    own = got["losses"] if len(got["losses"]) == len(losses) else losses  # the losses it computed itself
    sizes = [len(b) for b, _ in batches(x, y, kw["batch_size"])]
    check_mean(ctx, "mean loss", "train_epoch", value, own, sizes, dtype, words)


def _right_without_stale(ctx, case: Case, expected: dict) -> bool:
    """Does train_epoch leave the reference's weights when the parameters hold no gradient on entry?"""
    kw = case.kwargs
    fields = ("spec", "state", "batch_size", "training", "as_list", "lr", "momentum")
    x, y = case.args
    outcome = ctx.probe("train_epoch", probes.train_epoch_probe, x=x, y=y, stale=False, **{k: kw[k] for k in fields})
    return outcome.ok and isinstance(outcome.value, dict) and not state_difference(outcome.value["state"], expected)


def _unchanged(got: dict, initial: dict) -> str:
    """Words when every parameter is exactly as it was before the call (no step moved anything)."""
    state = got["state"]
    same = all(
        isinstance(state.get(name), Array) and torch.equal(torch.from_numpy(state[name].data.copy()), value)
        for name, value in initial.items()
        if not name.rsplit(".", 1)[-1].startswith(_BUFFERS)
    )
    return "\n    Every parameter is still exactly its initial value." if same else ""


_BUFFERS = ("running_", "num_batches")


ZERO_GRAD_AFTER_STEP = Mistake(
    "training.zero_grad_after_step",
    "optimizer.zero_grad() runs after step() (or not before the first batch): gradients the model held on "
    "entry go into the first step; call zero_grad() at the start of every batch, before the backward pass",
)
NO_TRAIN_MODE = Mistake(
    "training.no_train_mode",
    "model.train() is not called at the start of train_epoch (a model that was evaluated before stays in eval mode)",
)
NO_EVAL_IN_EVALUATE = Mistake(
    "training.no_eval_in_evaluate",
    "model.eval() is not called before the forward passes "
    "(dropout and batch norm behave differently in eval mode, and evaluate leaves the "
    "model in eval mode)",
)
GRAPH_IN_EVALUATE = Mistake(
    "training.no_no_grad_in_evaluate",
    "the forward passes are not inside `with "
    "torch.no_grad():` (model.eval() does not turn gradients off), so every batch builds a "
    "computation graph for nothing",
)
ZERO_GRAD_IN_EVALUATE = Mistake(
    "training.zero_grad_in_evaluate",
    "evaluate calls zero_grad(), which wipes gradients the caller may still need; evaluate computes losses only",
)
BACKWARD_IN_EVALUATE = Mistake(
    "training.backward_in_evaluate",
    "evaluate calls loss.backward(), which adds the validation gradients to the parameters' .grad",
)


def _forward_count(got: dict, losses: list) -> str:
    if len(got["losses"]) in (0, len(losses)):
        return ""
    return (
        f"\n    The loss was computed {len(got['losses'])} times for {len(losses)} batches: one forward pass, "
        "loss, backward and step per batch"
    )


TRAIN_EPOCH = OnceProperty(
    "train_epoch_matches_reference",
    "train_epoch updates the weights like the reference loop and returns the mean batch loss",
    "train_epoch",
    weight=2.0,
    strategy=training_cases(),
    verify=verify_train_epoch,
    examples=30,
    array_valued=False,
    parts=EPOCH_PARTS,
    core_part="parameters after",
    part_weights=EPOCH_WEIGHTS,
)


# ------------------------------------------------------------------ evaluate


def reference_losses(case: Case) -> list[float]:
    """The per-batch losses of the case's model in eval mode."""
    kw = case.kwargs
    model = reference_model(kw["spec"], kw["state"], training=False)
    with torch.no_grad():
        return [F.cross_entropy(model(x), y).item() for x, y in batches(*case.args, kw["batch_size"])]


EVALUATE_PARTS = ("mean loss", "eval mode", "no gradients", "nothing changed", LIST)
# The loss is the function; eval mode is its central requirement, the rest slips beside it.
EVALUATE_WEIGHTS = {"mean loss": 4.0, "eval mode": 3.0, "no gradients": 1.0, "nothing changed": 1.5, LIST: 0.5}


def verify_evaluate(ctx, case: Case):
    """evaluate returns the mean batch loss, in eval mode, without gradients, changing nothing."""
    kw = case.kwargs
    case, got = epoch_probe(ctx, case, "evaluate", probes.evaluate_probe)
    x, y = case.args
    words = describe_case(case, with_optimizer=False)
    in_training = any(training for training, _ in got["calls"])
    ctx.require(
        "eval mode",
        not in_training and got["training"] is False,
        f"evaluate {'ran the model in training mode' if in_training else 'left the model in training mode'}"
        f"\n    {NO_EVAL_IN_EVALUATE}{words}",
        mistakes=(NO_EVAL_IN_EVALUATE,),
    )
    ctx.require(
        "no gradients",
        not any(grad for _, grad in got["calls"]) and not any(got["needed_grad"]),
        f"evaluate ran its forward passes with gradient tracking on\n    {GRAPH_IN_EVALUATE}{words}",
        mistakes=(GRAPH_IN_EVALUATE,),
    )
    # in training mode the batch norm statistics move and the losses differ: the eval mode's part, above
    problem = state_difference(got["state"], _without_buffers(kw["state"]) if in_training else kw["state"])
    named = ()
    if not problem:
        problem, named = _grads_changed(kw["spec"], kw["state"], got["grads"])
    ctx.require(
        "nothing changed",
        not problem,
        "evaluate changed the model, which must not learn anything (no backward(), no step(), no "
        f"zero_grad(); eval mode keeps BatchNorm's running statistics): {problem}{words}",
        mistakes=named,
    )
    value = as_float(got["result"], "evaluate", "the loss", ctx, "mean loss", words)
    sizes = [len(b) for b, _ in batches(x, y, kw["batch_size"])]
    own = in_training and len(got["losses"]) == len(sizes)
    check_mean(
        ctx,
        "mean loss",
        "evaluate",
        value,
        got["losses"] if own else reference_losses(case),
        sizes,
        dtype_of(kw["spec"]),
        words,
        "the mean of the per-batch losses it computed" if own else "the mean of the per-batch losses in eval mode",
    )


def _without_buffers(state: dict) -> dict:
    """``state`` without BatchNorm's running statistics."""
    return {name: value for name, value in state.items() if not name.rsplit(".", 1)[-1].startswith(_BUFFERS)}


def _grads_changed(spec, state, grads) -> tuple[str, tuple[Mistake, ...]]:
    """The probe set every parameter's ``.grad`` to 0.5, 1.5, ...: words if one changed (else "") and
    the mistake they name."""
    model = reference_model(spec, state)
    for i, ((name, p), grad) in enumerate(zip(model.named_parameters(), grads)):
        if grad is None or (isinstance(grad, Array) and not grad.data.any()):
            return (
                f"the .grad of `{name}` (it held gradients from before the call) is "
                f"{'gone' if grad is None else 'zeroed'}\n    {ZERO_GRAD_IN_EVALUATE}"
            ), (ZERO_GRAD_IN_EVALUATE,)
        if not isinstance(grad, Array) or not torch.equal(
            torch.from_numpy(grad.data.copy()), torch.full(p.shape, 0.5 + i, dtype=p.dtype)
        ):
            return (
                f"the .grad of `{name}` (it held gradients from before the call) changed\n    {BACKWARD_IN_EVALUATE}"
            ), (BACKWARD_IN_EVALUATE,)
    return "", ()


EVALUATE = OnceProperty(
    "evaluate_matches_reference",
    "evaluate returns the mean batch loss in eval mode without gradients, changing nothing",
    "evaluate",
    weight=1.5,
    strategy=training_cases(),
    verify=verify_evaluate,
    examples=20,
    array_valued=False,
    parts=EVALUATE_PARTS,
    core_part="mean loss",
    part_weights=EVALUATE_WEIGHTS,
)

CHECKS = [TRAIN_EPOCH, EVALUATE]
