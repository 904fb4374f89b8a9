"""``fit``: epochs of ``train_epoch`` then ``evaluate``, under the caller's random state.

The probe calls ``fit`` right after ``torch.manual_seed(seed)``; with dropout in
the model or a shuffling training loader the result depends on that state, and
the reference loop here runs from the same seed on the same loaders. The probe
also reports ``torch.initial_seed()`` afterwards: a ``fit`` that reseeds the
global generator changes it. A second check trains the case-study CNN on the
``lines`` data for real.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

import grader
from grader.cache import remembered
from grader.checks import Case, Failure, Misconception, Mistake, crashed, outcome_value
from grader.sandbox import probes
from grader.topics.training.epoch import reference_epoch
from grader.topics.training.results import as_float, close, flat_scale, flat_state, state_difference
from grader.topics.training.scenarios import (
    OnceProperty,
    OnceScripted,
    batches,
    describe_case,
    dtype_of,
    random_state,
    reference_model,
    training_cases,
)

DATASETS = Path(grader.__file__).resolve().parents[1] / "datasets"


# ------------------------------------------------------------------ fit on drawn scenarios


@remembered
def reference_fit(case: Case, seed: int, mistake: str | None = None):
    """The model and history of the reference loop (or a known variant) run from ``torch.manual_seed(seed)``."""
    kw = case.kwargs
    model = reference_model(kw["spec"], kw["state"], kw["training"])
    optimizer = torch.optim.SGD(model.parameters(), lr=kw["lr"], momentum=kw["momentum"])
    train = DataLoader(TensorDataset(*case.args), batch_size=kw["batch_size"], shuffle=kw["shuffle"])
    val = (
        batches(*kw["val"], kw["batch_size"])
        if kw.get("as_list")
        else DataLoader(TensorDataset(*kw["val"]), batch_size=kw["batch_size"], shuffle=False)
    )  # iterating one draws a seed
    history = {"train_loss": [], "val_loss": []}
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if mistake == "train mode once":
            model.train()
        for _ in range(kw["epochs"]):
            if mistake == "evaluate first":
                history["val_loss"].append(_evaluate(model, val))
            losses = reference_epoch(model, optimizer, train, "no train mode" if mistake == "train mode once" else None)
            history["train_loss"].append(sum(losses) / len(losses))
            if mistake != "evaluate first":
                history["val_loss"].append(_evaluate(model, train if mistake == "val on train" else val))
    if mistake == "swapped":
        history = {"train_loss": history["val_loss"], "val_loss": history["train_loss"]}
    return model, history


def _evaluate(model, loader) -> float:
    model.eval()
    with torch.no_grad():
        losses = [F.cross_entropy(model(x), y).item() for x, y in loader]
    return sum(losses) / len(losses)


def _fit_vector(history: dict, state: dict, like: dict, dtype) -> torch.Tensor | None:
    """The history's losses and the floating entries of the state afterwards, as one vector (None: a state
    that does not fit the model's)."""
    flat = flat_state(state, like)
    losses = torch.tensor(list(history["train_loss"]) + list(history["val_loss"]), dtype=dtype)
    return None if flat is None else torch.cat([losses, flat.to(dtype)])


def _fit_after(mistake):
    def compute(case):
        model, history = reference_fit(case, case.kwargs["seed"], mistake)
        return _fit_vector(history, model.state_dict(), case.kwargs["state"], dtype_of(case.kwargs["spec"]))

    return compute


FIT_MISTAKES = [
    Misconception(
        "training.train_validation_losses_swapped",
        "the train and validation losses are swapped",
        _fit_after("swapped"),
    ),
    Misconception(
        "training.val_loss_measured_train_loader",
        "val_loss is measured on train_loader; evaluate on val_loader",
        _fit_after("val on train"),
    ),
    Misconception(
        "training.each_epoch_evaluates_before_trains",
        "each epoch evaluates before it trains: val_loss[k] must be measured after epoch k's train_epoch",
        _fit_after("evaluate first"),
    ),
    Misconception(
        "training.fit_train_mode_once",
        "model.train() is called once, before the epochs, but evaluate puts the model in eval mode: from the "
        "second epoch on it trains in eval mode (dropout off, batch norm on its running statistics); call "
        "train_epoch, which starts with model.train(), every epoch",
        _fit_after("train mode once"),
    ),
]

KEYWORD = "epochs= by name"
FIT_PARTS = ("keys", "train_loss", "val_loss", "parameters after", "caller's random state", KEYWORD)
# The loop (both histories and the weights it leaves) is the function; no part of it is the core alone: a fit
# whose lists are swapped keeps the weights' share. The rest are slips around it.
FIT_WEIGHTS = {"train_loss": 2.0, "val_loss": 2.0, "parameters after": 2.0, "keys": 0.5}
FIT_WEIGHTS |= {"caller's random state": 1.0, KEYWORD: 0.5}


def _fit_probe(ctx, case: Case):
    kw = case.kwargs
    x, y = case.args
    options = ("spec", "state", "batch_size", "lr", "momentum", "epochs", "training", "seed", "shuffle", "as_list")
    return ctx.probe(
        "fit",
        probes.fit_probe,
        train=[x, y],
        val=list(kw["val"]),
        epochs_keyword=kw["epochs_keyword"],
        callees=CALLEES,
        **{k: kw[k] for k in options},
    )


CALLEES = ("train_epoch", "evaluate")  # fit calls them: one known wrong is replaced by the grader's own


def verify_fit(ctx, case: Case):
    """fit records one train and one validation loss per epoch, as the reference loop under the caller's seed."""
    kw = case.kwargs
    dtype = dtype_of(kw["spec"])
    words = describe_case(case)
    outcome = _fit_probe(ctx, case)
    error = outcome.error or {}
    if kw["epochs_keyword"] and crashed(outcome) and error.get("type") == "TypeError" and "epochs" in error["message"]:
        ctx.require(
            KEYWORD,
            False,
            f"fit(..., epochs={kw['epochs']}) raised TypeError: {error['message']}; the last parameter is called "
            f"epochs, and callers may pass it by name{words}",
        )
        case = Case(case.args, dict(kw, epochs_keyword=False))
        outcome, words = _fit_probe(ctx, case), describe_case(case)
    got = outcome_value(outcome, "fit")
    seed = got["seed_after"]
    reseeds = Mistake(
        "training.fit_reseeds",
        f"fit calls torch.manual_seed({seed}); remove it (seed once in the calling script, if at all)",
    )
    ctx.require(
        "caller's random state",
        seed == kw["seed"],
        f"fit reseeds PyTorch's global random generator (torch.initial_seed() is {seed} after the call, "
        f"{kw['seed']} before): dropout masks and the shuffled batch order must come from the caller's "
        f"random state, so that the caller decides about reproducibility\n    {reseeds}{words}",
        mistakes=(reseeds,),
    )
    model, history = reference_fit(case, seed)  # from the student's own seed when that part is waived
    result = got["result"]
    if not isinstance(result, dict):
        raise Failure(
            f"fit returned a {type(result).__name__}; expected a dict with keys 'train_loss' and 'val_loss'{words}"
        )
    extra = [key for key in result if key not in ("train_loss", "val_loss")]
    ctx.require(
        "keys",
        not extra,
        f"fit returned a dict with the keys {list(result)}; expected exactly 'train_loss' and 'val_loss'{words}",
    )
    values = {key: _losses(ctx, result, key, kw["epochs"], words) for key in ("train_loss", "val_loss")}
    wrong = {
        key: [k for k, (v, want) in enumerate(zip(values[key], history[key])) if not close(v, want, dtype)]
        for key in values
        if values[key] is not None
    }
    problem = state_difference(got["state"], model.state_dict())
    judged = [part for part in ("train_loss", "val_loss", "parameters after") if part not in ctx.waived]
    if None not in values.values() and (problem or any(wrong.values())) and judged:
        mine = _fit_vector(values, got["state"], kw["state"], dtype)
        if mine is not None:
            right = _fit_vector(history, model.state_dict(), kw["state"], dtype)
            ctx.evidence.observe(FIT_MISTAKES, case, mine, right, _fit_scale(history, kw["state"], dtype))
    for key, epochs in wrong.items():
        if epochs:
            k = epochs[0]
            ctx.require(
                key,
                False,
                f"fit's {key}[{k}] is {values[key][k]:.7g}; expected {history[key][k]:.7g} "
                f"(each epoch: train_epoch on train_loader, then evaluate on val_loader){words}",
            )
    ctx.require(
        "parameters after", not problem, f"after fit the model's weights differ from the reference's: {problem}{words}"
    )


def _fit_scale(history: dict, like: dict, dtype) -> torch.Tensor:
    losses = [max(1.0, abs(v)) for v in list(history["train_loss"]) + list(history["val_loss"])]
    return torch.cat([torch.tensor(losses, dtype=dtype), flat_scale(like).to(dtype)])


def _losses(ctx, result: dict, key: str, epochs: int, words: str):
    """``result[key]`` as a list of floats, or None after ``ctx.require`` let a problem with it pass."""
    values = result.get(key)
    if not isinstance(values, (list, tuple)) or len(values) != epochs:
        shown = (
            f"{len(values)} values"
            if isinstance(values, (list, tuple))
            else "nothing (the key is missing)"
            if key not in result
            else f"a {type(values).__name__}"
        )
        ctx.require(
            key, False, f"fit's {key!r} holds {shown}; expected a list with one value per epoch ({epochs}){words}"
        )
        return None
    numbers = [as_float(v, "fit", f"{key}[{epoch}]", ctx, key, words) for epoch, v in enumerate(values)]
    return None if None in numbers else numbers


FIT_HISTORY = OnceProperty(
    "fit_history",
    "fit alternates train_epoch and evaluate and records one loss of each per epoch",
    "fit",
    weight=1.0,
    strategy=training_cases(fit=True),
    verify=verify_fit,
    examples=15,
    array_valued=False,
    parts=FIT_PARTS,
    part_weights=FIT_WEIGHTS,
)


# ------------------------------------------------------------------ fit on the lines data

LINES = {
    "n_images": 500,
    "seed": 7,
    "n_val": 100,
    "weights_seed": 3,
    "batch_size": 16,
    "lr": 0.05,
    "momentum": 0.9,
    "epochs": 8,
}
LINES_ACCURACY = 0.9
LINES_CPU_SECONDS = 8.0


def _lines_module():
    """``datasets/lines.py``, imported by file path (``datasets`` is not an installed package)."""
    spec = importlib.util.spec_from_file_location("convgrade_lines", DATASETS / "lines.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def verify_fit_lines(ctx):
    """fit trains the case-study CNN on the lines data to the reference's accuracy, in reasonable time."""
    p = LINES
    images, labels = _lines_module().make_lines(p["n_images"], p["seed"])
    x, y = torch.from_numpy(images), torch.from_numpy(labels)
    n_train = p["n_images"] - p["n_val"]
    state = random_state({"kind": "cnn", "channels": 1}, p["weights_seed"])
    got = outcome_value(
        ctx.probe(
            "fit",
            probes.fit_lines_probe,
            state=state,
            train=[x[:n_train], y[:n_train]],
            val=[x[n_train:], y[n_train:]],
            batch_size=p["batch_size"],
            lr=p["lr"],
            momentum=p["momentum"],
            epochs=p["epochs"],
            callees=CALLEES,
        ),
        "fit",
    )
    words = (
        f"\n    Input: the case-study CNN, {n_train} training and {p['n_val']} validation images of the `lines` "
        f"data, batches of {p['batch_size']}, SGD(lr={p['lr']}, momentum={p['momentum']}), "
        f"epochs = {p['epochs']}"
    )
    history = got["history"]
    if not isinstance(history, dict) or any(
        not isinstance(history.get(k), (list, tuple)) or len(history[k]) != p["epochs"]
        for k in ("train_loss", "val_loss")
    ):
        raise Failure(f"fit did not return one train and one validation loss per epoch{words}")
    accuracy, seconds = float(got["accuracy"]), float(got["seconds"])
    if accuracy < LINES_ACCURACY:
        raise Failure(
            f"after fit the case-study CNN classifies {accuracy:.0%} of the validation images correctly; "
            f"the reference loop reaches over {LINES_ACCURACY:.0%}: check train_epoch (zero_grad, backward, "
            f"step for every batch) and fit{words}"
        )
    if seconds > LINES_CPU_SECONDS:
        raise Failure(
            f"fit took {seconds:.1f} s of CPU time; the reference loop needs about 1 s and the limit is "
            f"{LINES_CPU_SECONDS:g} s (evaluate once per epoch, on the validation loader){words}"
        )


FIT_LINES = OnceScripted(
    "fit_trains_case_study",
    "fit trains the case-study CNN on the lines data to over 90% validation accuracy",
    "fit",
    weight=1.0,
    body=verify_fit_lines,
)

CHECKS = [FIT_HISTORY, FIT_LINES]
