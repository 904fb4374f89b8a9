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
from grader.checks import Case, Failure, Misconception, Mistake, Property, Scripted, outcome_value
from grader.sandbox import probes
from grader.topics.training.epoch import reference_epoch
from grader.topics.training.results import as_float, close, state_difference
from grader.topics.training.scenarios import (
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
        for _ in range(kw["epochs"]):
            if mistake == "evaluate first":
                history["val_loss"].append(_evaluate(model, val))
            losses = reference_epoch(model, optimizer, train)
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


def _history_vector(history: dict, dtype) -> torch.Tensor:
    return torch.tensor(list(history["train_loss"]) + list(history["val_loss"]), dtype=dtype)


def _history_after(mistake):
    return lambda case: _history_vector(
        reference_fit(case, case.kwargs["seed"], mistake)[1], dtype_of(case.kwargs["spec"])
    )


FIT_MISTAKES = [
    Misconception(
        "training.train_validation_losses_swapped",
        "the train and validation losses are swapped",
        _history_after("swapped"),
    ),
    Misconception(
        "training.val_loss_measured_train_loader",
        "val_loss is measured on train_loader; evaluate on val_loader",
        _history_after("val on train"),
    ),
    Misconception(
        "training.each_epoch_evaluates_before_trains",
        "each epoch evaluates before it trains: val_loss[k] must be measured after epoch k's train_epoch",
        _history_after("evaluate first"),
    ),
]

FIT_PARTS = ("keys", "train_loss", "val_loss", "parameters after", "caller's random state")


def verify_fit(ctx, case: Case):
    """fit records one train and one validation loss per epoch, as the reference loop under the caller's seed."""
    kw = case.kwargs
    x, y = case.args
    dtype = dtype_of(kw["spec"])
    words = describe_case(case)
    got = outcome_value(
        ctx.probe(
            "fit",
            probes.fit_probe,
            spec=kw["spec"],
            state=kw["state"],
            train=[x, y],
            val=list(kw["val"]),
            batch_size=kw["batch_size"],
            lr=kw["lr"],
            momentum=kw["momentum"],
            epochs=kw["epochs"],
            training=kw["training"],
            seed=kw["seed"],
            shuffle=kw["shuffle"],
            as_list=kw["as_list"],
            epochs_keyword=kw["epochs_keyword"],
        ),
        "fit",
    )
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
    for key in ("train_loss", "val_loss"):
        if values[key] is None:
            continue
        wrong = [k for k, (v, want) in enumerate(zip(values[key], history[key])) if not close(v, want, dtype)]
        if wrong and key not in ctx.waived and None not in values.values():
            ctx.evidence.observe(FIT_MISTAKES, case, _history_vector(values, dtype), _history_vector(history, dtype))
        if wrong:
            k = wrong[0]
            ctx.require(
                key,
                False,
                f"fit's {key}[{k}] is {values[key][k]:.7g}; expected {history[key][k]:.7g} "
                f"(each epoch: train_epoch on train_loader, then evaluate on val_loader){words}",
            )
    problem = state_difference(got["state"], model.state_dict())
    ctx.require(
        "parameters after", not problem, f"after fit the model's weights differ from the reference's: {problem}{words}"
    )


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


FIT_HISTORY = Property(
    "fit_history",
    "fit alternates train_epoch and evaluate and records one loss of each per epoch",
    "fit",
    weight=1.0,
    strategy=training_cases(fit=True),
    verify=verify_fit,
    examples=15,
    array_valued=False,
    parts=FIT_PARTS,
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


FIT_LINES = Scripted(
    "fit_trains_case_study",
    "fit trains the case-study CNN on the lines data to over 90% validation accuracy",
    "fit",
    weight=1.0,
    body=verify_fit_lines,
)

CHECKS = [FIT_HISTORY, FIT_LINES]
