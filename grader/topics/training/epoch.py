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

from grader.checks import Case, Misconception, Mistake, Property, outcome_value
from grader.sandbox import probes
from grader.sandbox.wire import Array
from grader.topics.training.results import as_float, check_mean, flat_scale, flat_state, state_difference
from grader.topics.training.scenarios import batches, describe_case, dtype_of, reference_model, training_cases

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
    Misconception(
        "training.optimizer_zero_grad_missing_gradients",
        "optimizer.zero_grad() is missing: gradients add up over the batches, so every step after the "
        "first uses the sum of all gradients so far; call it at the start of every batch",
        _weights_after("no zero_grad"),
    ),
    Misconception(
        "training.weights_never_change_every_batch",
        "the weights never change: every batch needs loss.backward() and then optimizer.step(), in that "
        "order, with zero_grad() before the backward pass (not between backward and step)",
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

EPOCH_PARTS = ("parameters after", "training mode", "mean loss")


def verify_train_epoch(ctx, case: Case):
    """train_epoch leaves the reference loop's weights, trains in training mode and returns the mean batch loss."""
    kw = case.kwargs
    x, y = case.args
    dtype = dtype_of(kw["spec"])
    words = describe_case(case)
    got = outcome_value(
        ctx.probe(
            "train_epoch",
            probes.train_epoch_probe,
            spec=kw["spec"],
            state=kw["state"],
            x=x,
            y=y,
            batch_size=kw["batch_size"],
            lr=kw["lr"],
            momentum=kw["momentum"],
            training=kw["training"],
            as_list=kw["as_list"],
        ),
        "train_epoch",
    )
    model, losses = run_reference_epoch(case)
    expected = model.state_dict()
    problem = state_difference(got["state"], expected)
    if problem and "parameters after" not in ctx.waived:
        mine = flat_state(got["state"], kw["state"])
        if mine is not None:
            ctx.evidence.observe(EPOCH_MISTAKES, case, mine, flat_state(expected, kw["state"]), flat_scale(kw["state"]))
    ctx.require(
        "parameters after",
        not problem,
        "after train_epoch the model's weights differ from the reference loop's (zero_grad, forward, loss, "
        f"backward, step per batch): {problem}{_forward_count(got, losses)}{words}",
    )
    in_eval = any(not training for training, _ in got["calls"])
    ctx.require(
        "training mode",
        got["training"] is True and not in_eval,
        f"train_epoch {'ran the model in eval mode' if in_eval else 'left the model in eval mode'}"
        f"\n    {NO_TRAIN_MODE}{words}",
        mistakes=(NO_TRAIN_MODE,),
    )
    value = as_float(got["result"], "train_epoch", "the epoch's loss", ctx, "mean loss", words)
    own = got["losses"] if len(got["losses"]) == len(losses) else losses  # the losses it computed itself
    sizes = [len(b) for b, _ in batches(x, y, kw["batch_size"])]
    check_mean(ctx, "mean loss", "train_epoch", value, own, sizes, dtype, words)


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


TRAIN_EPOCH = Property(
    "train_epoch_matches_reference",
    "train_epoch updates the weights like the reference loop and returns the mean batch loss",
    "train_epoch",
    weight=2.0,
    strategy=training_cases(),
    verify=verify_train_epoch,
    examples=30,
    array_valued=False,
    parts=EPOCH_PARTS,
)


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
    got = outcome_value(
        ctx.probe(
            "evaluate",
            probes.evaluate_probe,
            spec=kw["spec"],
            state=kw["state"],
            x=x,
            y=y,
            batch_size=kw["batch_size"],
            training=kw["training"],
            as_list=kw["as_list"],
        ),
        "evaluate",
    )
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
    problem, named = state_difference(got["state"], kw["state"]), ()
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
    check_mean(
        ctx,
        "mean loss",
        "evaluate",
        value,
        reference_losses(case),
        sizes,
        dtype_of(kw["spec"]),
        words,
        "the mean of the per-batch losses in eval mode",
    )


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


EVALUATE = Property(
    "evaluate_matches_reference",
    "evaluate returns the mean batch loss in eval mode without gradients, changing nothing",
    "evaluate",
    weight=1.5,
    strategy=training_cases(),
    verify=verify_evaluate,
    examples=20,
    array_valued=False,
    parts=EVALUATE_PARTS,
)

CHECKS = [TRAIN_EPOCH, EVALUATE]
