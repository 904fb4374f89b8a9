"""Hidden tests for ``training``: the training loop and the tools around it.

Everything is deterministic: the grader draws a small model (built by the
trusted ``probes.build_model`` here and in the sandbox), its weights, the data
and the batch order (unshuffled loaders); the probe runs the student's function
on them and sends back the result, the model's weights and what its forward
passes saw (training flag, gradient mode). The reference is the loop of the
slides, run here on the same weights and batches.
"""
from __future__ import annotations

import importlib.util
from collections import OrderedDict
from pathlib import Path

import torch
import torch.nn.functional as F
import torchvision
from hypothesis import assume
from hypothesis import strategies as st
from torchvision import transforms

import grader
from grader.checks import (TOLERANCES, Case, Failure, Misconception, Property, Scripted, as_tensor, compare,
                           explain, first_difference, outcome_value)
from grader.sandbox.probes import LOADER_FUNCS, build_model
from grader.sandbox.wire import Array

POINTS = 10
BY_LOOPS: dict = {}

REPO = Path(grader.__file__).resolve().parents[1]
DATASETS = REPO / "datasets"


# ------------------------------------------------------------------ scenarios

@st.composite
def model_specs(draw, dtypes=("float32", "float64")):
    """A small classifier: an MLP or the case-study CNN, with or without batch norm."""
    spec = {"kind": draw(st.sampled_from(["mlp", "cnn"])), "classes": draw(st.integers(2, 4)),
            "batch_norm": draw(st.booleans()), "dtype": draw(st.sampled_from(dtypes))}
    if spec["kind"] == "mlp":
        spec.update(inputs=draw(st.integers(1, 5)), hidden=draw(st.integers(2, 6)))
    else:
        spec.update(channels=draw(st.integers(1, 2)))
    return spec


def random_state(spec: dict, seed: int) -> "OrderedDict[str, torch.Tensor]":
    """Deterministic weights (and BatchNorm statistics) for ``build_model(spec)``."""
    generator = torch.Generator().manual_seed(seed)
    state = OrderedDict()
    for name, value in build_model(spec).state_dict().items():
        if not value.is_floating_point():
            state[name] = value.clone() + 3  # num_batches_tracked
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


def random_data(spec: dict, n: int, seed: int):
    generator = torch.Generator().manual_seed(seed)
    dtype = getattr(torch, spec.get("dtype", "float32"))
    shape = (n, spec["inputs"]) if spec["kind"] in ("mlp", "linear") else (n, 1, 10, 10)
    x = (torch.randn(shape, generator=generator, dtype=torch.float64) * 2).to(dtype)
    y = torch.randint(0, max(2, spec["classes"]), (n,), generator=generator)
    return x, y


@st.composite
def batch_sizes(draw, spec):
    """(n_samples, batch_size) for at least two batches; no single-sample batch before a BatchNorm1d."""
    batch_size = draw(st.integers(2, 5))
    n_batches = draw(st.integers(2, 4))
    smallest = 2 if spec["kind"] == "mlp" and spec["batch_norm"] else 1
    last = draw(st.integers(smallest, batch_size))
    return batch_size * (n_batches - 1) + last, batch_size


@st.composite
def training_cases(draw, fit: bool = False):
    spec = draw(model_specs())
    n, batch_size = draw(batch_sizes(spec))
    seed = draw(st.integers(0, 2**31 - 1))
    x, y = random_data(spec, n, seed)
    kwargs = {"spec": spec, "state": random_state(spec, seed + 1), "batch_size": batch_size,
              "lr": draw(st.sampled_from([0.01, 0.1, 0.5])), "momentum": draw(st.sampled_from([0.0, 0.9])),
              "training": draw(st.booleans())}
    if fit:
        kwargs["val"] = random_data(spec, draw(st.integers(1, 7)), seed + 2)
        kwargs["epochs"] = draw(st.integers(0, 2))
    return Case((x, y), kwargs)


def batches(x, y, batch_size):
    return [(x[i:i + batch_size], y[i:i + batch_size]) for i in range(0, len(x), batch_size)]


def describe_model(spec: dict) -> str:
    model = build_model(spec)
    layers = ", ".join(_short(m) for m in model.children())
    extra = "" if spec.get("dtype", "float32") == "float32" else f" in {spec['dtype']}"
    return f"nn.Sequential({layers}){extra}"


def _short(module) -> str:
    text = repr(module).replace("\n", "")
    for noise in (", bias=True", ", eps=1e-05, momentum=0.1, affine=True, track_running_stats=True", ", stride=(1, 1)",
                  ", padding=0, dilation=1, ceil_mode=False", "start_dim=1, end_dim=-1",
                  "in_features=", "out_features=", "kernel_size="):
        text = text.replace(noise, "")
    return text


def describe_case(case: Case, with_optimizer: bool = True) -> str:
    x, _ = case.args
    kw = case.kwargs
    sizes = [len(b) for b, _ in batches(x, x, kw["batch_size"])]
    text = (f"model = {describe_model(kw['spec'])} starting in {'training' if kw['training'] else 'eval'} mode, "
            f"{len(sizes)} batches of sizes {sizes} (not shuffled), loss_fn = nn.CrossEntropyLoss()")
    if with_optimizer:
        text += f", optimizer = SGD(lr={kw['lr']}, momentum={kw['momentum']})"
    if "epochs" in kw:
        text += f", {len(kw['val'][0])} validation samples, epochs = {kw['epochs']}"
    return "\n    Input: " + text


# ------------------------------------------------------------------ comparisons

def _dtype(spec) -> torch.dtype:
    return getattr(torch, spec.get("dtype", "float32"))


def close(got: float, expected: float, dtype=torch.float32) -> bool:
    rtol, atol = TOLERANCES[dtype]
    return abs(got - expected) <= rtol * abs(expected) + atol * max(1.0, abs(expected))


def as_float(value, function: str, what: str) -> float:
    """A returned number as a float; tensors are refused (return ``loss.item()``)."""
    if isinstance(value, Array):
        grad = " that requires grad" if value.requires_grad else ""
        raise Failure(f"`{function}` returned a tensor{grad} as {what}; "
                      "return a Python float (use `loss.item()` for each batch: keeping loss tensors also keeps "
                      "their computation graphs alive)")
    if isinstance(value, dict) and value.get("$special", [None])[0] == "numpy_scalar":
        value = value["$special"][2]
    if type(value) not in (float, int) or isinstance(value, bool):
        shown = "None (did you forget `return`?)" if value is None else f"a {type(value).__name__}"
        raise Failure(f"`{function}` returned {shown} as {what}; expected a float")
    return float(value)


def state_difference(got: dict, expected: dict, dtype) -> str:
    """Words for the first entry of a state_dict outside tolerance, or ""."""
    for name, want in expected.items():
        have = got.get(name)
        if not isinstance(have, Array):
            return f"`{name}` is missing"
        have = torch.from_numpy(have.data.copy())
        if have.numel() == want.numel():
            have = have.reshape(want.shape)  # the state's shapes are the trusted model's (0-d may cross as (1,))
        if tuple(have.shape) != tuple(want.shape):
            return f"`{name}` has shape {tuple(have.shape)}, expected {tuple(want.shape)}"
        if not want.is_floating_point():
            if not torch.equal(have.to(want.dtype), want):
                return f"`{name}` is {have.tolist()}, expected {want.tolist()}"
            continue
        scale = torch.full_like(want, max(1.0, float(want.abs().max()) if want.numel() else 1.0))
        index, detail = first_difference(have.to(want.dtype), want, scale)
        if index is not None:
            return f"`{name}` {detail}"
    return ""


def _states_match(got, expected, dtype) -> bool:
    return not state_difference(got, expected, dtype)


# ------------------------------------------------------------------ train_epoch

def reference_epoch(model, optimizer, data, mistake=None) -> list[float]:
    """The slides' loop (VSB "PyTorch - Example 6"), or one known variant of it."""
    if mistake != "no_train_mode":
        model.train()
    losses = []
    for x, y in data:
        if mistake != "no_zero_grad":
            optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        if mistake == "zero_grad_before_step":
            optimizer.zero_grad()
        optimizer.step()
        losses.append(loss.item())
    return losses


def run_reference_epoch(case: Case, mistake=None):
    kw = case.kwargs
    model = build_model(kw["spec"])
    model.load_state_dict(kw["state"])
    model.train(kw["training"])
    optimizer = torch.optim.SGD(model.parameters(), lr=kw["lr"], momentum=kw["momentum"])
    losses = reference_epoch(model, optimizer, batches(*case.args, kw["batch_size"]), mistake)
    return model, losses


EPOCH_MISTAKES = [
    ("no_zero_grad", "optimizer.zero_grad() is missing: gradients add up over the batches, so every step "
                     "after the first uses the sum of all gradients so far; call it at the start of every batch"),
    ("zero_grad_before_step", "the gradients are cleared between backward() and step(), so step() has "
                              "nothing to apply: the order is zero_grad, forward, loss, backward, step"),
    ("no_train_mode", "model.train() is not called: a model left in eval mode trains with BatchNorm's running "
                      "statistics instead of the batch's; start train_epoch with model.train()"),
]

RESULT_MISTAKES = [
    (lambda losses, sizes: losses[-1], "it returns the last batch's loss; return the mean of all per-batch losses"),
    (lambda losses, sizes: sum(losses), "it returns the sum of the batch losses; divide by the number of batches"),
    (lambda losses, sizes: sum(l * s for l, s in zip(losses, sizes)) / sum(sizes),
     "it weights each batch's loss by its size; the contract asks for the plain mean of the per-batch losses"),
    (lambda losses, sizes: sum(l * s for l, s in zip(losses, sizes)) / len(losses),
     "it multiplies each batch's loss by the batch size; return the plain mean of the per-batch losses"),
]


def result_hint(value: float, losses: list[float], sizes: list[int], dtype) -> str:
    for mistake, explanation in RESULT_MISTAKES:
        if close(value, mistake(losses, sizes), dtype):
            return f"\n    Likely mistake: {explanation}"
    return ""


def verify_train_epoch(ctx, case: Case):
    kw = case.kwargs
    x, y = case.args
    dtype = _dtype(kw["spec"])
    words = describe_case(case)
    got = outcome_value(ctx.probe("train_epoch", "train_epoch_probe", kw["spec"], kw["state"], x, y,
                                  kw["batch_size"], kw["lr"], kw["momentum"], kw["training"]), "train_epoch")
    model, losses = run_reference_epoch(case)
    problem = state_difference(got["state"], model.state_dict(), dtype)
    if problem:
        hint = ""
        for mistake, explanation in EPOCH_MISTAKES:
            wrong, _ = run_reference_epoch(case, mistake)
            if _states_match(got["state"], wrong.state_dict(), dtype):
                hint = f"\n    Likely mistake: {explanation}"
                break
        if not hint and len(got["losses"]) != len(losses):
            hint = (f"\n    The loss was computed {len(got['losses'])} times for {len(losses)} batches: "
                    "one forward pass, loss, backward and step per batch")
        raise Failure("after train_epoch the model's weights differ from the reference loop's (zero_grad, forward, "
                      f"loss, backward, step per batch): {problem}{hint}{words}")
    if got["training"] is not True:
        raise Failure("after train_epoch the model is in eval mode; train_epoch must put it in training mode "
                      f"(model.train()) before the first batch{words}")
    value = as_float(got["result"], "train_epoch", "the epoch's loss")
    expected = sum(losses) / len(losses)
    if not close(value, expected, dtype):
        sizes = [len(b) for b, _ in batches(x, y, kw["batch_size"])]
        raise Failure(f"train_epoch returned {value:.7g}; expected {expected:.7g}, the mean of the per-batch losses "
                      f"{[round(v, 5) for v in losses]}{result_hint(value, losses, sizes, dtype)}{words}")


# ------------------------------------------------------------------ evaluate

def reference_losses(case: Case, training: bool = False) -> list[float]:
    kw = case.kwargs
    model = build_model(kw["spec"])
    model.load_state_dict(kw["state"])
    model.train(training)
    with torch.no_grad():
        return [F.cross_entropy(model(x), y).item() for x, y in batches(*case.args, kw["batch_size"])]


def verify_evaluate(ctx, case: Case):
    kw = case.kwargs
    x, y = case.args
    dtype = _dtype(kw["spec"])
    words = describe_case(case, with_optimizer=False)
    got = outcome_value(ctx.probe("evaluate", "evaluate_probe", kw["spec"], kw["state"], x, y, kw["batch_size"],
                                  kw["training"]), "evaluate")
    if any(training for training, _ in got["calls"]):
        raise Failure("evaluate ran the model in training mode: call model.eval() before the forward passes "
                      f"(dropout and batch norm behave differently in eval mode){words}")
    if any(grad for _, grad in got["calls"]) or any(got["needed_grad"]):
        raise Failure("evaluate ran the forward passes with gradient tracking on: wrap them in `with "
                      f"torch.no_grad():` so no computation graph is built{words}")
    if got["training"] is not False:
        raise Failure(f"after evaluate the model is back in training mode; evaluate leaves it in eval mode{words}")
    problem = state_difference(got["state"], kw["state"], dtype)
    if problem:
        raise Failure(f"evaluate changed the model's weights or buffers: {problem}; it must not learn anything{words}")
    model = build_model(kw["spec"])
    for i, (p, grad) in enumerate(zip(model.parameters(), got["grads"])):
        if not isinstance(grad, Array) or not torch.equal(torch.from_numpy(grad.data.copy()),
                                                          torch.full(p.shape, 0.5 + i, dtype=p.dtype)):
            raise Failure("evaluate changed the parameters' .grad (they held gradients from before the call): "
                          f"do not call backward() or zero_grad() in evaluate{words}")
    losses = reference_losses(case)
    value = as_float(got["result"], "evaluate", "the loss")
    expected = sum(losses) / len(losses)
    if not close(value, expected, dtype):
        sizes = [len(b) for b, _ in batches(x, y, kw["batch_size"])]
        raise Failure(f"evaluate returned {value:.7g}; expected {expected:.7g}, the mean of the per-batch losses "
                      f"{[round(v, 5) for v in losses]}{result_hint(value, losses, sizes, dtype)}{words}")


# ------------------------------------------------------------------ fit

def verify_fit(ctx, case: Case):
    kw = case.kwargs
    x, y = case.args
    dtype = _dtype(kw["spec"])
    words = describe_case(case)
    got = outcome_value(ctx.probe("fit", "fit_probe", kw["spec"], kw["state"], [x, y], list(kw["val"]),
                                  kw["batch_size"], kw["lr"], kw["momentum"], kw["epochs"], kw["training"]), "fit")
    model = build_model(kw["spec"])
    model.load_state_dict(kw["state"])
    model.train(kw["training"])
    optimizer = torch.optim.SGD(model.parameters(), lr=kw["lr"], momentum=kw["momentum"])
    history = {"train_loss": [], "val_loss": []}
    for _ in range(kw["epochs"]):
        losses = reference_epoch(model, optimizer, batches(x, y, kw["batch_size"]))
        history["train_loss"].append(sum(losses) / len(losses))
        model.eval()
        with torch.no_grad():
            val = [F.cross_entropy(model(a), b).item() for a, b in batches(*kw["val"], kw["batch_size"])]
        history["val_loss"].append(sum(val) / len(val))
    result = got["result"]
    if not isinstance(result, dict) or not {"train_loss", "val_loss"} <= set(result):
        shown = f"a dict with keys {sorted(result)}" if isinstance(result, dict) else f"a {type(result).__name__}"
        raise Failure(f"fit returned {shown}; expected a dict with keys 'train_loss' and 'val_loss'{words}")
    for key in ("train_loss", "val_loss"):
        values = result[key]
        if not isinstance(values, (list, tuple)) or len(values) != kw["epochs"]:
            shown = f"{len(values)} values" if isinstance(values, (list, tuple)) else f"a {type(values).__name__}"
            raise Failure(f"fit's {key!r} holds {shown}; expected a list with one value per epoch "
                          f"({kw['epochs']}){words}")
        for epoch, (value, want) in enumerate(zip(values, history[key])):
            value = as_float(value, "fit", f"{key}[{epoch}]")
            if not close(value, want, dtype):
                swapped = ("train_loss" if key == "val_loss" else "val_loss")
                hint = ("\n    Likely mistake: the train and validation losses are swapped"
                        if close(value, history[swapped][epoch], dtype) else "")
                raise Failure(f"fit's {key}[{epoch}] is {value:.7g}; expected {want:.7g} (each epoch: train_epoch on "
                              f"train_loader, then evaluate on val_loader){hint}{words}")
    problem = state_difference(got["state"], model.state_dict(), dtype)
    if problem:
        raise Failure(f"after fit the model's weights differ from the reference's: {problem}{words}")


# ------------------------------------------------------------------ fit on the lines data

LINES = {"n_images": 500, "seed": 7, "n_val": 100, "weights_seed": 3, "batch_size": 16, "lr": 0.05,
         "momentum": 0.9, "epochs": 8}
LINES_ACCURACY = 0.9
LINES_CPU_SECONDS = 8.0


def _lines_module():
    """``datasets/lines.py``, imported by file path (``datasets`` is not an installed package)."""
    spec = importlib.util.spec_from_file_location("convgrade_lines", DATASETS / "lines.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def verify_fit_lines(ctx):
    p = LINES
    images, labels = _lines_module().make_lines(p["n_images"], p["seed"])
    x, y = torch.from_numpy(images), torch.from_numpy(labels)
    n_train = p["n_images"] - p["n_val"]
    state = random_state({"kind": "cnn", "channels": 1}, p["weights_seed"])
    got = outcome_value(ctx.probe("fit", "fit_lines_probe", state, [x[:n_train], y[:n_train]],
                                  [x[n_train:], y[n_train:]], p["batch_size"], p["lr"], p["momentum"], p["epochs"]),
                        "fit")
    words = (f"\n    Input: the case-study CNN, {n_train} training and {p['n_val']} validation images of the `lines` "
             f"data, batches of {p['batch_size']}, SGD(lr={p['lr']}, momentum={p['momentum']}), "
             f"epochs = {p['epochs']}")
    history = got["history"]
    if not isinstance(history, dict) or any(not isinstance(history.get(k), (list, tuple))
                                            or len(history[k]) != p["epochs"] for k in ("train_loss", "val_loss")):
        raise Failure(f"fit did not return one train and one validation loss per epoch{words}")
    accuracy, seconds = float(got["accuracy"]), float(got["seconds"])
    if accuracy < LINES_ACCURACY:
        raise Failure(f"after fit the case-study CNN classifies {accuracy:.0%} of the validation images correctly; "
                      f"the reference loop reaches over {LINES_ACCURACY:.0%}: check train_epoch (zero_grad, backward, "
                      f"step for every batch) and fit{words}")
    if seconds > LINES_CPU_SECONDS:
        raise Failure(f"fit took {seconds:.1f} s of CPU time; the reference loop needs about 1 s and the limit is "
                      f"{LINES_CPU_SECONDS:g} s (evaluate once per epoch, on the validation loader){words}")


# ------------------------------------------------------------------ predict and correct

@st.composite
def inference_cases(draw, with_labels: bool = False):
    dtype = draw(st.sampled_from(["float32", "float64"]))
    if draw(st.booleans()):
        spec = {"kind": "linear", "inputs": draw(st.integers(1, 5)), "classes": draw(st.integers(1, 5)), "dtype": dtype}
    else:
        spec = {"kind": "mlp", "inputs": draw(st.integers(1, 4)), "hidden": draw(st.integers(2, 5)),
                "classes": draw(st.integers(2, 4)), "batch_norm": True, "dtype": dtype}
    seed = draw(st.integers(0, 2**31 - 1))
    x, y = random_data(spec, draw(st.integers(2, 8)), seed)
    kwargs = {"spec": spec, "state": random_state(spec, seed + 1), "training": draw(st.booleans())}
    return Case((x, y) if with_labels else (x,), kwargs)


def reference_logits(case: Case) -> torch.Tensor:
    model = build_model(case.kwargs["spec"])
    model.load_state_dict(case.kwargs["state"])
    model.eval()
    with torch.no_grad():
        return model(case.args[0])


def describe_inference(case: Case) -> str:
    kw = case.kwargs
    x = case.args[0]
    text = (f"model = {describe_model(kw['spec'])} in {'training' if kw['training'] else 'eval'} mode, "
            f"x = {tuple(x.shape)} {kw['spec']['dtype']} tensor")
    if len(case.args) > 1:
        text += f", y = {case.args[1].tolist()}"
    return "\n    Input: " + text


def check_modes(function: str, got: dict, case: Case, words: str):
    if not got["calls"]:
        raise Failure(f"`{function}` never ran the model (no forward pass){words}")
    if any(training for training, _ in got["calls"]):
        raise Failure(f"`{function}` ran the model in training mode: switch to eval mode (model.eval()) for "
                      f"inference{words}")
    if any(grad for _, grad in got["calls"]):
        raise Failure(f"`{function}` ran the model with gradient tracking on: use `with torch.no_grad():`{words}")
    before = case.kwargs["training"]
    if any(mode != before for mode in got["modes"]):
        raise Failure(f"after `{function}` the model is in {'training' if not before else 'eval'} mode, but it was in "
                      f"{'training' if before else 'eval'} mode before the call: remember model.training and restore "
                      f"it afterwards (model.train(was_training)){words}")


def verify_predict(ctx, case: Case):
    words = describe_inference(case)
    got = outcome_value(ctx.probe("predict", "inference_probe", "predict", case.kwargs["spec"], case.kwargs["state"],
                                  case.args[0], case.kwargs["training"]), "predict")
    check_modes("predict", got, case, words)
    predicted = as_tensor(got["result"], "predict", "the predictions")
    logits = reference_logits(case)
    n = logits.shape[0]
    if predicted.dtype != torch.int64 or tuple(predicted.shape) != (n,):
        hint = ""
        if predicted.is_floating_point():
            hint = ("\n    Likely mistake: it returns scores, not class indices: take argmax(dim=1) of the logits"
                    if tuple(predicted.shape) == tuple(logits.shape) else
                    "\n    Likely mistake: it returns the largest logits (max values); the class is the argmax")
        elif tuple(predicted.shape) == (logits.shape[1],):
            hint = "\n    Likely mistake: argmax over dim 0 (the samples); the classes are along dim 1"
        raise Failure(f"predict returned a {str(predicted.dtype).replace('torch.', '')} tensor of shape "
                      f"{tuple(predicted.shape)}; expected int64 class indices of shape ({n},){hint}{words}")
    top = logits.max(dim=1).values
    chosen = logits.gather(1, predicted.clamp(0, logits.shape[1] - 1)[:, None])[:, 0]
    rtol, atol = TOLERANCES[logits.dtype]
    valid = (predicted >= 0) & (predicted < logits.shape[1])
    good = valid & (chosen >= top - (atol + rtol * top.abs()) * 10)
    if not bool(good.all()):
        i = int((~good).nonzero()[0])
        raise Failure(f"predict gave class {int(predicted[i])} for sample {i}; expected {int(logits[i].argmax())}, "
                      f"the index of its largest logit{words}")


def expected_counts(case: Case) -> torch.Tensor:
    logits = reference_logits(case)
    predicted = logits.argmax(dim=1)
    y = case.args[1]
    n_classes = max(2, logits.shape[1])
    return torch.tensor([[int(((y == c) & (predicted == c)).sum()), int((y == c).sum())] for c in range(n_classes)],
                        dtype=torch.int64)


def _near_tie(case: Case) -> bool:
    logits = reference_logits(case)
    if logits.shape[1] < 2:
        return False
    top2 = logits.topk(2, dim=1).values
    return bool(((top2[:, 0] - top2[:, 1]) <= 1e-4 * (1 + top2[:, 0].abs())).any())


def _precision_counts(case: Case) -> torch.Tensor:
    logits = reference_logits(case)
    predicted, y = logits.argmax(dim=1), case.args[1]
    n_classes = max(2, logits.shape[1])
    return torch.tensor([[int(((y == c) & (predicted == c)).sum()), int((predicted == c).sum())]
                         for c in range(n_classes)], dtype=torch.int64)


CORRECT_MISTAKES = [
    Misconception("the columns are swapped: each row is [number predicted correctly, number of samples]",
                  lambda c: expected_counts(c).flip(1)),
    Misconception("the result is transposed: one row per class, shape (n_classes, 2)", lambda c: expected_counts(c).T),
    Misconception("the second column counts the samples *predicted* as class c; it must count the samples whose "
                  "label is c", _precision_counts),
    Misconception("n_classes is taken from the labels; it is the model's output width (at least 2), so classes "
                  "absent from y still get a row", lambda c: expected_counts(c)[: int(c.args[1].max()) + 1]),
    Misconception("with a single output the model still describes two classes: n_classes is at least 2",
                  lambda c: expected_counts(c)[:1]),
]


def verify_correct(ctx, case: Case):
    assume(not _near_tie(case))
    words = describe_inference(case)
    x, y = case.args
    got = outcome_value(ctx.probe("correct", "inference_probe", "correct", case.kwargs["spec"], case.kwargs["state"],
                                  x, case.kwargs["training"], y), "correct")
    check_modes("correct", got, case, words)
    counts = as_tensor(got["result"], "correct", "the counts")
    expected = expected_counts(case)
    try:
        compare(counts, expected, function="correct", what="the per-class counts")
    except Failure as failure:
        hint = explain(counts, case, CORRECT_MISTAKES)
        raise Failure(f"{failure}\n    Expected {expected.tolist()}, got {counts.tolist()}"
                      + (f"\n    Likely mistake: {hint}" if hint else "") + words) from None


# ------------------------------------------------------------------ loader_apply

@st.composite
def loader_apply_cases(draw):
    dtype = draw(st.sampled_from([torch.float32, torch.float64]))
    n, batch_size = draw(st.integers(1, 12)), draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**31 - 1))
    generator = torch.Generator().manual_seed(seed)
    x = (torch.randn(n, draw(st.integers(1, 3)), generator=generator, dtype=torch.float64) * 3).to(dtype)
    y = torch.randint(0, 3, (n,), generator=generator)
    func = draw(st.sampled_from(sorted(LOADER_FUNCS)))
    return Case((x, y, batch_size, func), {"reduce": draw(st.sampled_from([None, "sum", "mean"]))})


def _numel(shape) -> int:
    count = 1
    for n in shape:
        count *= int(n)
    return count


def _stacked(case: Case) -> torch.Tensor:
    x, y, batch_size, func = case.args
    return torch.stack([LOADER_FUNCS[func](a, b) for a, b in batches(x, y, batch_size)])


def reference_apply(case: Case, reduce=None) -> torch.Tensor:
    stacked = _stacked(case)
    if (reduce or case.kwargs["reduce"] or "sum") == "sum":
        return stacked.sum(dim=0, dtype=stacked.dtype)
    return stacked.float().mean(dim=0)


APPLY_MISTAKES = [
    Misconception("the mean is taken in the results' own dtype; cast to float32 first (results.float().mean(0))",
                  lambda c: _stacked(c).mean(dim=0)),
    Misconception("the sum changes the dtype: 'sum' keeps the results' dtype",
                  lambda c: _stacked(c).float().sum(dim=0)),
    Misconception("it reduces over every dimension; reduce only over the new first (batch) dimension",
                  lambda c: reference_apply(c).sum() if (c.kwargs["reduce"] or "sum") == "sum"
                  else _stacked(c).float().mean()),
    Misconception("the results are concatenated (torch.cat) instead of stacked along a new first dimension",
                  lambda c: torch.cat(list(_stacked(c))).sum(dim=0) if (c.kwargs["reduce"] or "sum") == "sum"
                  else torch.cat(list(_stacked(c))).float().mean(dim=0)),
    Misconception("'mean' divides by the number of samples; it averages the per-batch results (divide by the "
                  "number of batches)", lambda c: _stacked(c).float().sum(dim=0) / len(c.args[0])),
]

FUNC_WORDS = {"class_counts": "lambda x, y: torch.bincount(y, minlength=3)  (int64, shape (3,))",
              "column_sums": "lambda x, y: x.sum(dim=0)  (x's dtype, shape (d,))",
              "batch_mean": "lambda x, y: x.mean()  (x's dtype, shape ())",
              "hits": "per class c: [count of (y == c) & (x[:, 0] > 0), count of y == c]  (int64, shape (3, 2))"}


def describe_apply(case: Case) -> str:
    x, y, batch_size, func = case.args
    sizes = [len(b) for b, _ in batches(x, y, batch_size)]
    reduce = case.kwargs["reduce"]
    return (f"\n    Input: loader = {len(sizes)} batches of sizes {sizes} with x {str(x.dtype).replace('torch.', '')}, "
            f"func = {FUNC_WORDS[func]}, "
            + ("reduce left at its default" if reduce is None else f"reduce = {reduce!r}"))


def verify_loader_apply(ctx, case: Case):
    x, y, batch_size, func = case.args
    words = describe_apply(case)
    outcome = ctx.probe("loader_apply", "loader_apply_probe", x, y, batch_size, func, case.kwargs["reduce"])
    try:
        value = outcome_value(outcome, "loader_apply")
        got = as_tensor(value["result"], "loader_apply")
        if value["shape"] is not None and got.numel() == _numel(value["shape"]):
            got = got.reshape(value["shape"])  # the shape the child saw (the wire may add a dimension to 0-d arrays)
    except Failure as failure:
        hint = ""
        if case.kwargs["reduce"] == "mean" and "dtype" in str(failure):
            hint = ("\n    Likely mistake: int64 results cannot be averaged as they are: "
                    "cast to float32 first (.float())")
        raise Failure(f"{failure}{hint}{words}", failure.fatal) from None
    expected = reference_apply(case)
    stacked = _stacked(case)
    scale = stacked.abs().to(torch.float64).sum(dim=0) if stacked.is_floating_point() else None
    try:
        compare(got, expected, scale=scale, function="loader_apply")
    except Failure as failure:
        hint = explain(got, case, APPLY_MISTAKES)
        raise Failure(str(failure) + (f"\n    Likely mistake: {hint}" if hint else "") + words) from None


def verify_loader_apply_errors(ctx):
    x, y = torch.arange(6.0).reshape(3, 2), torch.tensor([0, 1, 2])
    for reduce in ("max", "median", "Sum", "avg"):
        outcome = ctx.probe("loader_apply", "loader_apply_probe", x, y, 2, "column_sums", reduce)
        error = outcome.error or {}
        if outcome.status == "raised" and error.get("type") == "ValueError":
            continue
        if outcome.status != "ok":
            if error.get("type") == "NotImplementedError" or outcome.status != "raised":
                outcome_value(outcome, "loader_apply")
        got = f"raised {error.get('type')}" if outcome.status == "raised" else "returned normally"
        raise Failure(f"loader_apply should raise ValueError for reduce={reduce!r} (only 'sum' and 'mean' are "
                      f"valid), but it {got}")


# ------------------------------------------------------------------ save_weights / load_weights

@st.composite
def weights_cases(draw):
    spec = draw(model_specs(dtypes=("float32",)))
    return Case((), {"spec": spec, "state": random_state(spec, draw(st.integers(0, 2**31 - 1))),
                     "as_path": draw(st.booleans())})


def _path_words(case: Case) -> str:
    kind = "a pathlib.Path" if case.kwargs["as_path"] else "a str"
    return f"\n    Input: model = {describe_model(case.kwargs['spec'])}, path = {kind} in the working directory"


def verify_save(ctx, case: Case):
    kw = case.kwargs
    words = _path_words(case)
    outcome = ctx.probe("save_weights", "save_weights_probe", kw["spec"], kw["state"], kw["as_path"])
    if outcome.status == "raised" and (outcome.error or {}).get("type") == "ProbeFinding":
        raise Failure(f"save_weights: {outcome.error['message']}{words}")
    got = outcome_value(outcome, "save_weights")
    expected = list(kw["state"])
    if sorted(got["keys"]) != sorted(expected):
        raise Failure(f"the saved state_dict has the keys {got['keys']}; expected those of model.state_dict(): "
                      f"{expected}{words}")
    saved = dict(zip(got["keys"], got["values"]))
    problem = state_difference(saved, kw["state"], torch.float32)
    if problem:
        raise Failure(f"the saved tensors are not the model's: {problem}{words}")
    problem = state_difference(got["state"], kw["state"], torch.float32)
    if problem:
        raise Failure(f"save_weights changed the model: {problem}{words}")


def verify_load(ctx, case: Case):
    kw = case.kwargs
    words = _path_words(case).replace("path = ", "path = a file saved with torch.save(state_dict) given as ")
    got = outcome_value(ctx.probe("load_weights", "load_weights_probe", kw["spec"], kw["state"], kw["as_path"]),
                        "load_weights")
    problem = state_difference(got["state"], kw["state"], torch.float32)
    if problem:
        raise Failure(f"after load_weights the model does not hold the saved weights: {problem}{words}")
    if not got["returned_model"]:
        raise Failure(f"load_weights must return the model it loaded the weights into{words}")
    if any(got["modes"]):
        raise Failure(f"load_weights must return the model in eval mode (model.eval()), ready for inference; "
                      f"it is still in training mode{words}")


# ------------------------------------------------------------------ image_folder_loader

FOLDERS = ["shapes/train", "shapes/test", "digits/test"]


@st.composite
def folder_cases(draw):
    return Case((draw(st.sampled_from(FOLDERS)),), {"batch_size": draw(st.integers(1, 12)),
                                                    "as_path": draw(st.booleans())})


def reference_folder(folder: str):
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
    return torchvision.datasets.ImageFolder(str(DATASETS / folder), transform=transform)


def verify_image_folder(ctx, case: Case):
    folder = case.args[0]
    batch_size = case.kwargs["batch_size"]
    root = str(DATASETS / folder)
    words = (f"\n    Input: root = datasets/{folder} (as {'a pathlib.Path' if case.kwargs['as_path'] else 'a str'}), "
             f"batch_size = {batch_size}, shuffle = False")
    outcome = ctx.probe("image_folder_loader", "image_folder_probe", root, batch_size, case.kwargs["as_path"])
    if outcome.status == "raised" and (outcome.error or {}).get("type") == "ProbeFinding":
        raise Failure(outcome.error["message"] + words)
    got = outcome_value(outcome, "image_folder_loader")
    dataset = reference_folder(folder)
    if got["classes"] != dataset.classes or got["length"] != len(dataset):
        raise Failure(f"the loader's dataset has classes {got['classes']} and {got['length']} images; expected "
                      f"{dataset.classes} and {len(dataset)} (torchvision.datasets.ImageFolder(root, ...)){words}")
    if got["batch_size"] != batch_size or got["shuffle"]:
        shuffles = "shuffles" if got["shuffle"] else "does not shuffle"
        raise Failure(f"the loader has batch_size={got['batch_size']} and {shuffles}; "
                      f"it must pass batch_size and shuffle on to the DataLoader{words}")
    n = min(batch_size, len(dataset))
    xs, ys = zip(*(dataset[i] for i in range(n)))
    expected_x, expected_y = torch.stack(xs), torch.tensor(ys)
    x = as_tensor(got["x"], "image_folder_loader", "the first batch's images")
    y = as_tensor(got["y"], "image_folder_loader", "the first batch's labels")
    compare(y, expected_y, function="image_folder_loader", what="the first batch's labels")
    try:
        compare(x, expected_x, function="image_folder_loader", what="the first batch's images")
    except Failure as failure:
        hint = ""
        if tuple(x.shape) == tuple(expected_x.shape):
            if torch.allclose(x, expected_x * 0.5 + 0.5, atol=1e-6):
                hint = ("\n    Likely mistake: the Normalize step is missing: after ToTensor apply "
                        "Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)) so pixels lie in [-1, 1]")
        elif x.dim() == 4 and x.shape[1] == 1:
            hint = "\n    Likely mistake: the images must be loaded as RGB (three channels), as ImageFolder does"
        raise Failure(f"{failure}{hint}{words}") from None


def verify_image_folder_defaults(ctx):
    outcome = ctx.probe("image_folder_loader", "image_folder_probe", str(DATASETS / "shapes/train"))
    if outcome.status == "raised" and (outcome.error or {}).get("type") == "ProbeFinding":
        raise Failure(outcome.error["message"])
    got = outcome_value(outcome, "image_folder_loader")
    if got["batch_size"] != 8 or not got["shuffle"]:
        shuffles = "shuffling" if got["shuffle"] else "no shuffling"
        raise Failure(f"image_folder_loader(root) gives batch_size={got['batch_size']} and {shuffles}; "
                      "the defaults are batch_size=8, shuffle=True")


def verify_image_folder_all(ctx, case: Case):
    verify_image_folder(ctx, case)
    verify_image_folder_defaults(ctx)


# ------------------------------------------------------------------ checks

CHECKS = [
    Property("train_epoch_matches_reference", "train_epoch updates the weights like the reference loop and returns "
             "the mean batch loss", "train_epoch", 2.0, strategy=training_cases(), verify=verify_train_epoch,
             examples=30, array_valued=False),
    Property("evaluate_matches_reference", "evaluate returns the mean batch loss in eval mode without gradients, "
             "changing nothing", "evaluate", 1.5, strategy=training_cases(), verify=verify_evaluate, examples=20, array_valued=False),
    Property("fit_history", "fit alternates train_epoch and evaluate and records one loss of each per epoch", "fit",
             1.0, strategy=training_cases(fit=True), verify=verify_fit, examples=15, array_valued=False),
    Scripted("fit_trains_case_study", "fit trains the case-study CNN on the lines data to over 90% validation "
             "accuracy", "fit", 1.0, body=verify_fit_lines),
    Property("predict_argmax_eval_mode", "predict returns int64 argmax classes in eval mode without gradients and "
             "restores the mode", "predict", 1.0, strategy=inference_cases(), verify=verify_predict),
    Property("correct_counts", "correct counts [correct, samples] per class, n_classes from the output width",
             "correct", 1.0, strategy=inference_cases(with_labels=True), verify=verify_correct),
    Property("loader_apply_reduces", "loader_apply stacks func(x, y) per batch and sums (same dtype) or averages "
             "(float32)", "loader_apply", 0.75, strategy=loader_apply_cases(), verify=verify_loader_apply),
    Scripted("loader_apply_errors", "loader_apply raises ValueError for an unknown reduce", "loader_apply", 0.25,
             body=verify_loader_apply_errors),
    Property("save_weights_state_dict", "save_weights saves the model's state_dict, readable with weights_only=True",
             "save_weights", 0.5, strategy=weights_cases(), verify=verify_save, examples=5, array_valued=False),
    Property("load_weights_round_trip", "load_weights loads a saved state_dict and returns the model in eval mode",
             "load_weights", 0.5, strategy=weights_cases(), verify=verify_load, examples=5, array_valued=False),
    Property("image_folder_loader_matches", "image_folder_loader is ImageFolder with ToTensor and Normalize(0.5, 0.5)",
             "image_folder_loader", 0.5, strategy=folder_cases(), verify=verify_image_folder_all, examples=5, array_valued=False),
]
