"""``predict`` and ``correct``: inference in eval mode, without gradients, the mode restored.

The probe runs the student's function on a trusted model (a linear layer, with
a final ``nn.Sigmoid`` sometimes when it has one output, or an MLP with batch
norm, whose output depends on the mode) and records the training flag and
gradient mode of every forward pass and the modes afterwards.
"""

from __future__ import annotations

import torch
import torch.nn as nn
from hypothesis import assume
from hypothesis import strategies as st

from grader.cache import remembered
from grader.checks import Case, Failure, Misconception, Mistake, crashed, outcome_value
from grader.sandbox import probes
from grader.sandbox.wire import Array
from grader.topics.training.results import observe_right
from grader.topics.training.scenarios import OnceProperty, model_words, random_data, random_state, reference_model

INFERENCE_PARTS = ("eval mode", "no gradients", "mode restored")
IDENTITY = "nn.Identity (no parameters, no children)"
# Eval mode is what inference is about; the rest are slips beside the result (``CLASSES`` and ``COUNTS`` weigh it).
INFERENCE_WEIGHTS = {"eval mode": 2.0, "no gradients": 1.0, "mode restored": 1.0, IDENTITY: 1.0}


@st.composite
def inference_cases(draw, with_labels: bool = False):
    """A linear model (1 to 5 outputs; a final Sigmoid sometimes for 1), an MLP with batch norm, or
    ``nn.Identity()`` (no parameters, no children: x is the logits), and inputs; with labels (``correct``)
    also a one-output MLP whose hidden activation is a Sigmoid (not its last layer)."""
    dtype = draw(st.sampled_from(["float32", "float64"]))
    kinds = ["linear", "linear", "mlp", "mlp", "identity"] + (["sigmoid mlp"] if with_labels else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "sigmoid mlp":
        spec = {
            "kind": "mlp",
            "inputs": draw(st.integers(1, 4)),
            "hidden": draw(st.integers(2, 5)),
            "classes": 1,
            "activation": "sigmoid",
            "dtype": dtype,
        }
    elif kind == "linear":
        spec = {"kind": "linear", "inputs": draw(st.integers(1, 5)), "classes": draw(st.integers(1, 5)), "dtype": dtype}
        if spec["classes"] == 1 and draw(st.booleans()):
            spec["sigmoid"] = True
    elif kind == "identity":
        classes = draw(st.integers(1, 4))
        spec = {"kind": "identity", "inputs": classes, "classes": classes, "dtype": dtype}
    else:
        spec = {
            "kind": "mlp",
            "inputs": draw(st.integers(1, 4)),
            "hidden": draw(st.integers(2, 5)),
            "classes": draw(st.integers(2, 4)),
            "batch_norm": True,
            "dtype": dtype,
        }
    seed = draw(st.integers(0, 2**31 - 1))
    x, y = random_data(spec, draw(st.integers(2, 8)), seed)
    kwargs = {"spec": spec, "state": random_state(spec, seed + 1), "training": draw(st.booleans())}
    return Case((x, y) if with_labels else (x,), kwargs)


@remembered
def reference_logits(case: Case, training: bool = False) -> torch.Tensor:
    """The model's output in eval mode, or in training mode (batch norm on the batch's statistics)."""
    model = reference_model(case.kwargs["spec"], case.kwargs["state"], training=training)
    with torch.no_grad():
        return model(case.args[0])


def describe_inference(case: Case) -> str:
    kw = case.kwargs
    x = case.args[0]
    text = (
        f"model = {model_words(kw['spec'])} in {'training' if kw['training'] else 'eval'} mode, "
        f"x = {tuple(x.shape)} {kw['spec']['dtype']} tensor"
    )
    if len(case.args) > 1:
        text += f", y = {case.args[1].tolist()}"
    return "\n    Input: " + text


@remembered
def near_tie(case: Case) -> bool:
    """Two classes too close to call (or, for one output, a probability too close to 0.5 or an output too
    close to 0.5 itself), in eval or in training mode."""
    for training in (False, True):
        logits = reference_logits(case, training)
        if logits.shape[1] == 1:
            if bool(((_probability(case, logits) - 0.5).abs() <= 1e-4).any() or ((logits - 0.5).abs() <= 1e-4).any()):
                return True
            continue
        top2 = logits.topk(2, dim=1).values
        if bool(((top2[:, 0] - top2[:, 1]) <= 1e-4 * (1 + top2[:, 0].abs())).any()):
            return True
    return False


def inference_probe(ctx, case: Case, function: str) -> tuple[Case, dict]:
    """``function`` (predict or correct) run by the probe on the case's model. A crash on ``nn.Identity`` where
    a Linear layer of the same width works breaks only the part ``IDENTITY``. Returns (the case judged, what
    the probe sent back)."""
    outcome = _inference(ctx, case, function)
    spec = case.kwargs["spec"]
    if crashed(outcome) and spec["kind"] == "identity":
        linear = dict(spec, kind="linear")
        other = Case(case.args, dict(case.kwargs, spec=linear, state=random_state(linear, 0)))
        retried = _inference(ctx, other, function)
        if not crashed(retried):
            error = outcome.error or {}
            where = f"\n    at {error['where']}: {(error.get('line') or '').strip()}" if error.get("where") else ""
            raised = f"raised {error.get('type')}: {error.get('message', '')}"
            ctx.require(
                IDENTITY,
                False,
                f"`{function}` {raised} for a model without parameters or children (nn.Identity), where a "
                "Linear layer works: any nn.Module is a model, so use only model(x) and model.train()/eval()"
                f"{where}{describe_inference(case)}",
            )
            case, outcome = other, retried
    return case, outcome_value(outcome, function)


def _inference(ctx, case: Case, function: str):
    kw = case.kwargs
    labels = {"y": case.args[1]} if len(case.args) > 1 else {}
    return ctx.probe(
        function,
        probes.inference_probe,
        function,
        spec=kw["spec"],
        state=kw["state"],
        x=case.args[0],
        training=kw["training"],
        **labels,
    )


def in_training_mode(got: dict) -> bool:
    """Did a forward pass run in training mode (the model's output then is the training mode's)?"""
    return any(training for training, _ in got["calls"])


def require_modes(ctx, function: str, got: dict, case: Case, words: str):
    """The inference parts: every forward pass in eval mode without gradients, the mode restored after."""
    if not got["calls"]:
        raise Failure(f"`{function}` never ran the model (no forward pass){words}")
    ctx.require(
        "eval mode",
        not any(training for training, _ in got["calls"]),
        f"`{function}` ran the model in training mode\n    {NO_EVAL}{words}",
        mistakes=(NO_EVAL,),
    )
    ctx.require(
        "no gradients",
        not any(grad for _, grad in got["calls"]),
        f"`{function}` ran the model with gradient tracking on\n    {NO_NO_GRAD}" + words,
        mistakes=(NO_NO_GRAD,),
    )
    before = case.kwargs["training"]
    restored = all(mode == before for mode in got["modes"])
    cause = MODE_NOT_RESTORED if before else EVAL_MODE_LOST
    ctx.require(
        "mode restored",
        restored,
        f"after `{function}` the model is in {'eval' if before else 'training'} mode, but it was in "
        f"{'training' if before else 'eval'} mode before the call\n    {cause}{words}",
        mistakes=(cause,),
    )


NO_EVAL = Mistake(
    "training.no_eval_before_inference",
    "model.eval() is not called before the forward pass (batch "
    "norm then normalises with the batch's own statistics, and dropout drops values)",
)
NO_NO_GRAD = Mistake(
    "training.no_no_grad_in_inference",
    "the forward pass is not inside `with torch.no_grad():` (model.eval() does not turn gradients off)",
)
MODE_NOT_RESTORED = Mistake(
    "training.mode_not_restored",
    "the mode is not restored: remember was_training = "
    "model.training before model.eval() and call model.train(was_training) at the end",
)
EVAL_MODE_LOST = Mistake(
    "training.train_instead_of_restore",
    "model.train() at the end puts a model that was in "
    "eval mode into training mode: restore the mode it had (model.train(was_training))",
)


def _tensor(value):
    """A returned tensor (requires_grad or not) as a tensor, else None."""
    if isinstance(value, Array) and value.kind == "tensor":
        return torch.from_numpy(value.data.copy())
    return None


def _a(dtype: torch.dtype) -> str:
    """'a float32', 'an int64'."""
    name = str(dtype).replace("torch.", "")
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _returned(value) -> str:
    if value is None:
        return "None (did you forget `return`?)"
    if isinstance(value, Array):
        return "a NumPy array" if value.kind != "tensor" else "a tensor"
    return f"a {type(value).__name__}"


# ------------------------------------------------------------------ predict

PREDICT_MISTAKES = [
    Misconception(
        "training.returns_scores_logits_themselves_class",
        "it returns the scores (logits) themselves, not class indices: take argmax(dim=1)",
        reference_logits,
    ),
    Misconception(
        "training.returns_softmax_probabilities_class_indices",
        "it returns softmax probabilities, not class indices: take argmax(dim=1)",
        lambda c: reference_logits(c).softmax(dim=1),
    ),
    Misconception(
        "training.returns_largest_logit_each_sample",
        "it returns the largest logit of each sample (max values); the class is its index, argmax",
        lambda c: reference_logits(c).max(dim=1).values,
    ),
    Misconception(
        "training.argmax_over_dim_0_samples",
        "argmax over dim 0 (the samples); the classes are along dim 1",
        lambda c: reference_logits(c).argmax(dim=0),
    ),
    Misconception(
        "training.argmax_keeps_class_dimension_keepdim",
        "argmax keeps the class dimension (keepdim=True): the result must have shape (N,)",
        lambda c: reference_logits(c).argmax(dim=1, keepdim=True),
    ),
]


def verify_predict(ctx, case: Case):
    """predict returns the int64 argmax classes, computed in eval mode without gradients, the mode restored."""
    assume(not near_tie(case))
    case, got = inference_probe(ctx, case, "predict")
    words = describe_inference(case)
    require_modes(ctx, "predict", got, case, words)
    # classes predicted in training mode are judged as such: the mode is the eval mode's part, above
    training = in_training_mode(got)
    predicted, expected = _tensor(got["result"]), reference_logits(case, training).argmax(dim=1)
    if predicted is None:
        ctx.require(
            "classes",
            False,
            f"`predict` returned {_returned(got['result'])}; expected a torch.Tensor of class indices{words}",
        )
        return
    if predicted.dtype != torch.int64 or predicted.shape != expected.shape:
        problem = (
            f"`predict` returned {_a(predicted.dtype)} tensor of shape "
            f"{tuple(predicted.shape)}; expected int64 class indices of shape {tuple(expected.shape)}"
        )
    else:
        wrong = (predicted != expected).nonzero()
        i = int(wrong[0, 0]) if len(wrong) else None
        problem = (
            ""
            if i is None
            else (
                f"`predict` gave class {int(predicted[i])} for sample {i}; expected "
                f"{int(expected[i])}, the index of its largest logit\n    expected: "
                f"{expected.tolist()}\n    got:      {predicted.tolist()}"
            )
        )
    if problem and "classes" not in ctx.waived and not training:
        ctx.evidence.observe(PREDICT_MISTAKES, case, predicted, expected)
    elif not problem and not training:  # right here: a mistake that answers otherwise here is not the student's
        observe_right(ctx.evidence, PREDICT_MISTAKES, case, expected, f"{__name__}.PREDICT_MISTAKES")
    ctx.require("classes", not problem, problem + words)


PREDICT = OnceProperty(
    "predict_argmax_eval_mode",
    "predict returns int64 argmax classes in eval mode without gradients and restores the mode",
    "predict",
    weight=1.0,
    strategy=inference_cases(),
    verify=verify_predict,
    parts=("classes",) + INFERENCE_PARTS + (IDENTITY,),
    core_part="classes",
    part_weights={"classes": 3.0} | INFERENCE_WEIGHTS,
)


# ------------------------------------------------------------------ correct


def _probability(case: Case, logits: torch.Tensor) -> torch.Tensor:
    """The contract's probability of class 1 for a one-output model: the output itself after a final Sigmoid."""
    model = reference_model(case.kwargs["spec"], case.kwargs["state"])
    last = list(model.children())[-1] if list(model.children()) else model
    return logits[:, 0] if isinstance(last, nn.Sigmoid) else torch.sigmoid(logits[:, 0])


def _counts(predicted, y, n_classes, column0="hits", column1="labels") -> torch.Tensor:
    rows = []
    for c in range(n_classes):
        hits = {
            "hits": ((y == c) & (predicted == c)).sum(),
            "all hits": (predicted == y).sum(),
            "predicted": (predicted == c).sum(),
        }[column0]
        total = {"labels": (y == c).sum(), "predicted": (predicted == c).sum()}[column1]
        rows.append([int(hits), int(total)])
    return torch.tensor(rows, dtype=torch.int64).reshape(n_classes, 2)


@remembered
def predictions(case: Case, binary: str = "contract", training: bool = False) -> tuple[torch.Tensor, int]:
    """(predicted classes, n_classes) by the contract, or by a mistaken rule for one-output models; from the
    outputs in eval mode, or in training mode."""
    logits = reference_logits(case, training)
    if logits.shape[1] > 1:
        return logits.argmax(dim=1), logits.shape[1]
    if binary == "argmax":
        return logits.argmax(dim=1), 2
    if binary == "one row":
        return logits.argmax(dim=1), 1
    if binary == "no sigmoid":
        return (logits[:, 0] > 0.5).long(), 2
    if binary == "sigmoid twice":
        return (torch.sigmoid(_probability(case, logits)) > 0.5).long(), 2
    return (_probability(case, logits) > 0.5).long(), 2


@remembered
def expected_counts(case: Case, binary: str = "contract", training: bool = False, **columns) -> torch.Tensor:
    predicted, n_classes = predictions(case, binary, training)
    return _counts(predicted, case.args[1], n_classes, **columns)


def _one_output(compute):
    """A mistake about one-output models only: elsewhere it says nothing (None)."""
    return lambda case: compute(case) if reference_logits(case).shape[1] == 1 else None


CORRECT_MISTAKES = [
    Misconception(
        "training.columns_swapped_each_row_number",
        "the columns are swapped: each row is [number predicted correctly, number of samples]",
        lambda c: expected_counts(c).flip(1),
    ),
    Misconception(
        "training.result_transposed_one_row_per",
        "the result is transposed: one row per class, shape (n_classes, 2)",
        lambda c: expected_counts(c).T,
    ),
    Misconception(
        "training.second_column_counts_samples_predicted",
        "the second column counts the samples *predicted* as class c; it must count the samples whose label is c",
        lambda c: expected_counts(c, column1="predicted"),
    ),
    Misconception(
        "training.first_column_counts_every_correct",
        "the first column counts every correct prediction, whatever the class; count only the samples of "
        "class c that were predicted as c",
        lambda c: expected_counts(c, column0="all hits"),
    ),
    Misconception(
        "training.first_column_counts_samples_predicted",
        "the first column counts the samples predicted as class c, right or wrong; count only those whose label is c",
        lambda c: expected_counts(c, column0="predicted"),
    ),
    Misconception(
        "training.n_classes_taken_labels_models",
        "n_classes is taken from the labels; it is the model's output width (at least 2), so classes "
        "absent from y still get a row",
        lambda c: expected_counts(c)[: int(c.args[1].max()) + 1],
    ),
    Misconception(
        "training.one_output_model_binary_argmax",
        "a one-output model is binary: argmax over one column always gives class 0; predict class 1 when "
        "sigmoid(output) > 0.5 (output > 0.5 when the model ends in nn.Sigmoid)",
        _one_output(lambda c: expected_counts(c, "argmax")),
    ),
    Misconception(
        "training.one_output_model_still_describes",
        "a one-output model still describes two classes: the result has two rows, and class 1 is predicted "
        "when sigmoid(output) > 0.5 (output > 0.5 when the model ends in nn.Sigmoid)",
        _one_output(lambda c: expected_counts(c, "one row")),
    ),
    Misconception(
        "training.raw_output_compared_0_5",
        "the raw output is compared with 0.5: without a final nn.Sigmoid the output is a logit, so apply "
        "torch.sigmoid first",
        _one_output(lambda c: expected_counts(c, "no sigmoid")),
    ),
    Misconception(
        "training.sigmoid_applied_model_already_ends",
        "the sigmoid is applied to a model that already ends in nn.Sigmoid: its output is already a "
        "probability, compare it with 0.5 directly",
        _one_output(lambda c: expected_counts(c, "sigmoid twice")),
    ),
]


BINARY = "one output (binary)"
SIGMOID_INSIDE = "a Sigmoid before the last layer"
COUNTS_PARTS = ("counts", BINARY, SIGMOID_INSIDE) + INFERENCE_PARTS + (IDENTITY,)
# The counts of a model with 2+ outputs are the function; the one-output rule is a case of its own, and a
# Sigmoid that is not the last layer an edge case of that rule.
COUNTS_WEIGHTS = {"counts": 4.0, BINARY: 2.0, SIGMOID_INSIDE: 1.0} | INFERENCE_WEIGHTS


def verify_correct(ctx, case: Case):
    """correct counts [hits, samples] per class (binary for one output), in eval mode without gradients."""
    assume(not near_tie(case))
    case, got = inference_probe(ctx, case, "correct")
    words = describe_inference(case)
    kw = case.kwargs
    require_modes(ctx, "correct", got, case, words)
    # counts made in training mode are judged as such: the mode is the eval mode's part, above
    training = in_training_mode(got)
    counts, expected = _tensor(got["result"]), expected_counts(case, training=training)
    if counts is None:
        ctx.require(
            "counts",
            False,
            f"`correct` returned {_returned(got['result'])}; expected an int64 tensor of "
            f"shape {tuple(expected.shape)}{words}",
        )
        return
    same = counts.dtype == torch.int64 and counts.shape == expected.shape and torch.equal(counts, expected)
    part = "counts" if same else _part_of(ctx, case, counts)
    if not same and part not in ctx.waived and not training:
        ctx.evidence.observe(CORRECT_MISTAKES, case, counts, expected)
        _second_opinion(ctx, case)
    elif same and not training:  # right here: a mistake that counts otherwise here is not the student's
        observe_right(ctx.evidence, CORRECT_MISTAKES, case, expected, f"{__name__}.CORRECT_MISTAKES")
    one_output = reference_logits(case).shape[1] == 1
    rule = (
        ""
        if not one_output
        else " (one output: class 1 when "
        + ("output > 0.5, the model ends in nn.Sigmoid)" if kw["spec"].get("sigmoid") else "sigmoid(output) > 0.5)")
    )
    if part == SIGMOID_INSIDE:
        rule += ": its Sigmoid is not the last layer, so the output is a logit, not a probability"
    ctx.require(
        part,
        same,
        f"`correct` returned {_a(counts.dtype)} tensor "
        f"{counts.tolist()}; expected the int64 counts {expected.tolist()}, per class "
        f"[predicted correctly, samples]{rule}{words}",
    )


def _part_of(ctx, case: Case, counts: torch.Tensor) -> str:
    """The part wrong counts break: for a one-output model whose answer is a table of counts under some binary
    prediction rule, that rule's part (the Sigmoid-inside one for a model with a Sigmoid inside when the rule is
    right for a plain one-output model); else the counts."""
    if reference_logits(case).shape[1] > 1:
        return "counts"
    y = case.args[1]
    labels = torch.stack([(y == 0).sum(), (y == 1).sum()])
    table = (
        counts.dtype == torch.int64
        and counts.shape == (2, 2)
        and torch.equal(counts[:, 1], labels)
        and bool(((counts[:, 0] >= 0) & (counts[:, 0] <= labels)).all())
    )
    if not table:
        return "counts"
    inside = case.kwargs["spec"].get("activation") == "sigmoid"
    return SIGMOID_INSIDE if inside and _plain_binary_right(ctx) else BINARY


PLAIN_BINARY = Case(
    (torch.tensor([[-1.0], [0.25], [2.0], [-0.5], [0.75]]), torch.tensor([0, 1, 1, 1, 0])),
    {
        "spec": {"kind": "linear", "inputs": 1, "classes": 1, "dtype": "float32"},
        "state": {"0.weight": torch.tensor([[1.0]]), "0.bias": torch.tensor([0.0])},
        "training": False,
    },
)  # output = x: a rule other than sigmoid(output) > 0.5 (argmax, output > 0.5) counts otherwise


def _plain_binary_right(ctx) -> bool:
    """Does correct count right for a one-output Linear layer (no Sigmoid anywhere)?"""
    outcome = _inference(ctx, PLAIN_BINARY, "correct")
    counts = _tensor(outcome.value.get("result")) if outcome.ok and isinstance(outcome.value, dict) else None
    return counts is not None and torch.equal(counts, torch.tensor([[1, 2], [2, 3]]))


def _second_opinion(ctx, case: Case):
    """Evidence from the same model and x with the labels it predicts (every prediction right): there, counting
    every hit in each row, or the predictions per class, tell apart what a random y may not."""
    predicted, _ = predictions(case)
    other = Case((case.args[0], predicted), case.kwargs)
    if torch.equal(predicted, case.args[1]):
        return
    outcome = _inference(ctx, other, "correct")
    counts = _tensor(outcome.value["result"]) if outcome.ok and isinstance(outcome.value, dict) else None
    if counts is None:
        return
    expected = expected_counts(other)
    if counts.dtype == expected.dtype and counts.shape == expected.shape and torch.equal(counts, expected):
        observe_right(ctx.evidence, CORRECT_MISTAKES, other, expected, f"{__name__}.CORRECT_MISTAKES")
    else:
        ctx.evidence.observe(CORRECT_MISTAKES, other, counts, expected)


CORRECT = OnceProperty(
    "correct_counts",
    "correct counts [correct, samples] per class, n_classes from the output width",
    "correct",
    weight=1.0,
    strategy=inference_cases(with_labels=True),
    verify=verify_correct,
    parts=COUNTS_PARTS,
    core_part="counts",
    part_weights=COUNTS_WEIGHTS,
)

CHECKS = [PREDICT, CORRECT]
