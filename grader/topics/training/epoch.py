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

from grader.checks import Case, Misconception, Property, outcome_value
from grader.sandbox.wire import Array
from grader.topics.training.results import (as_float, check_mean, flat_scale, flat_state, state_difference)
from grader.topics.training.scenarios import batches, describe_case, dtype_of, reference_model, training_cases
from grader.sandbox import probes


# ------------------------------------------------------------------ train_epoch

def reference_epoch(model, optimizer, data, mistake=None) -> list[float]:
    """The slides' loop, or one known variant of it; the per-batch losses."""
    if mistake != "no train mode":
        model.train()
    losses = []
    for x, y in data:
        if mistake != "no zero_grad":
            optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        if mistake != "no update":
            loss.backward()
            if mistake != "step after the loop":
                optimizer.step()
        losses.append(loss.item())
    if mistake == "step after the loop":
        optimizer.step()
    return losses


def run_reference_epoch(case: Case, mistake=None):
    """The reference (or mistaken) epoch on the case's model: the model afterwards and its losses."""
    kw = case.kwargs
    model = reference_model(kw["spec"], kw["state"], kw["training"])
    optimizer = torch.optim.SGD(model.parameters(), lr=kw["lr"], momentum=kw["momentum"])
    losses = reference_epoch(model, optimizer, batches(*case.args, kw["batch_size"]), mistake)
    return model, losses


def _weights_after(mistake):
    def compute(case):
        model, _ = run_reference_epoch(case, mistake)
        return flat_state(model.state_dict(), case.kwargs["state"])
    return compute


EPOCH_MISTAKES = [
    Misconception("optimizer.zero_grad() is missing: gradients add up over the batches, so every step after the "
                  "first uses the sum of all gradients so far; call it at the start of every batch",
                  _weights_after("no zero_grad")),
    Misconception("the weights never change: every batch needs loss.backward() and then optimizer.step(), in that "
                  "order, with zero_grad() before the backward pass (not between backward and step)",
                  _weights_after("no update")),
    Misconception("optimizer.step() runs once, after the loop: step after every batch's backward pass",
                  _weights_after("step after the loop")),
    Misconception("model.train() is not called: a model left in eval mode trains with BatchNorm's running "
                  "statistics instead of the batch's; start train_epoch with model.train()",
                  _weights_after("no train mode")),
]

EPOCH_PARTS = ("parameters after", "training mode", "mean loss")


def verify_train_epoch(ctx, case: Case):
    """train_epoch leaves the reference loop's weights, trains in training mode and returns the mean batch loss."""
    kw = case.kwargs
    x, y = case.args
    dtype = dtype_of(kw["spec"])
    words = describe_case(case)
    got = outcome_value(ctx.probe("train_epoch", probes.train_epoch_probe, spec=kw["spec"], state=kw["state"], x=x, y=y,
                                  batch_size=kw["batch_size"], lr=kw["lr"], momentum=kw["momentum"],
                                  training=kw["training"], as_list=kw["as_list"]), "train_epoch")
    model, losses = run_reference_epoch(case)
    expected = model.state_dict()
    problem = state_difference(got["state"], expected)
    if problem and "parameters after" not in ctx.waived:
        mine = flat_state(got["state"], kw["state"])
        if mine is not None:
            ctx.evidence.observe(EPOCH_MISTAKES, case, mine, flat_state(expected, kw["state"]),
                                 flat_scale(kw["state"]))
    ctx.require("parameters after", not problem,
                "after train_epoch the model's weights differ from the reference loop's (zero_grad, forward, loss, "
                f"backward, step per batch): {problem}{_forward_count(got, losses)}{words}")
    in_eval = any(not training for training, _ in got["calls"])
    ctx.require("training mode", got["training"] is True and not in_eval,
                f"train_epoch {'ran the model in eval mode' if in_eval else 'left the model in eval mode'}"
                "\n    Likely mistake: model.train() is not called at the start of train_epoch (a model that was "
                f"evaluated before stays in eval mode){words}")
    value = as_float(got["result"], "train_epoch", "the epoch's loss", ctx, "mean loss", words)
    own = got["losses"] if len(got["losses"]) == len(losses) else losses  # the losses it computed itself
    sizes = [len(b) for b, _ in batches(x, y, kw["batch_size"])]
    check_mean(ctx, "mean loss", "train_epoch", value, own, sizes, dtype, words)


def _forward_count(got: dict, losses: list) -> str:
    if len(got["losses"]) in (0, len(losses)):
        return ""
    return (f"\n    The loss was computed {len(got['losses'])} times for {len(losses)} batches: one forward pass, "
            "loss, backward and step per batch")


TRAIN_EPOCH = Property(
    "train_epoch_matches_reference", "train_epoch updates the weights like the reference loop and returns the mean "
    "batch loss", "train_epoch", weight=2.0, strategy=training_cases(), verify=verify_train_epoch, examples=30,
    array_valued=False, parts=EPOCH_PARTS)


# ------------------------------------------------------------------ evaluate

def reference_losses(case: Case) -> list[float]:
    """The per-batch losses of the case's model in eval mode."""
    kw = case.kwargs
    model = reference_model(kw["spec"], kw["state"], training=False)
    with torch.no_grad():
        return [F.cross_entropy(model(x), y).item() for x, y in batches(*case.args, kw["batch_size"])]


EVALUATE_PARTS = ("mean loss", "eval mode", "no gradients", "nothing changed")


def verify_evaluate(ctx, case: Case):
    """evaluate returns the mean batch loss, in eval mode, without gradients, changing nothing."""
    kw = case.kwargs
    x, y = case.args
    words = describe_case(case, with_optimizer=False)
    got = outcome_value(ctx.probe("evaluate", probes.evaluate_probe, spec=kw["spec"], state=kw["state"], x=x, y=y,
                                  batch_size=kw["batch_size"], training=kw["training"], as_list=kw["as_list"]),
                        "evaluate")
    in_training = any(training for training, _ in got["calls"])
    ctx.require("eval mode", not in_training and got["training"] is False,
                f"evaluate {'ran the model in training mode' if in_training else 'left the model in training mode'}"
                "\n    Likely mistake: model.eval() is not called before the forward passes (dropout and batch norm "
                f"behave differently in eval mode, and evaluate leaves the model in eval mode){words}")
    ctx.require("no gradients", not any(grad for _, grad in got["calls"]) and not any(got["needed_grad"]),
                "evaluate ran its forward passes with gradient tracking on\n    Likely mistake: the forward passes "
                "are not inside `with torch.no_grad():` (model.eval() does not turn gradients off), so every batch "
                f"builds a computation graph for nothing{words}")
    problem = state_difference(got["state"], kw["state"]) or _grads_changed(kw["spec"], kw["state"], got["grads"])
    ctx.require("nothing changed", not problem,
                "evaluate changed the model, which must not learn anything (no backward(), no step(), no "
                f"zero_grad(); eval mode keeps BatchNorm's running statistics): {problem}{words}")
    value = as_float(got["result"], "evaluate", "the loss", ctx, "mean loss", words)
    sizes = [len(b) for b, _ in batches(x, y, kw["batch_size"])]
    check_mean(ctx, "mean loss", "evaluate", value, reference_losses(case), sizes, dtype_of(kw["spec"]), words,
               "the mean of the per-batch losses in eval mode")


def _grads_changed(spec, state, grads) -> str:
    """The probe set every parameter's ``.grad`` to 0.5, 1.5, ...: words if one changed, else ""."""
    model = reference_model(spec, state)
    for i, ((name, p), grad) in enumerate(zip(model.named_parameters(), grads)):
        if grad is None or (isinstance(grad, Array) and not grad.data.any()):
            return (f"the .grad of `{name}` (it held gradients from before the call) is "
                    f"{'gone' if grad is None else 'zeroed'}\n    Likely mistake: evaluate calls zero_grad(), which "
                    "wipes gradients the caller may still need; evaluate computes losses only")
        if not isinstance(grad, Array) or not torch.equal(torch.from_numpy(grad.data.copy()),
                                                          torch.full(p.shape, 0.5 + i, dtype=p.dtype)):
            return (f"the .grad of `{name}` (it held gradients from before the call) changed\n    Likely mistake: "
                    "evaluate calls loss.backward(), which adds the validation gradients to the parameters' .grad")
    return ""


EVALUATE = Property(
    "evaluate_matches_reference", "evaluate returns the mean batch loss in eval mode without gradients, changing "
    "nothing", "evaluate", weight=1.5, strategy=training_cases(), verify=verify_evaluate, examples=20,
    array_valued=False, parts=EVALUATE_PARTS)

CHECKS = [TRAIN_EPOCH, EVALUATE]
