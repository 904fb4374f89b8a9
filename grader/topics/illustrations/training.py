"""``fit`` training the case-study CNN on a few images of the ``lines`` data: its loss history beside the
reference loop's, as curves.

A small run (48 training and 16 validation images, batches of 16, 5 epochs: a tenth of a second) from a fixed
caller's seed, with batch norm and a shuffling training loader, so that a fit that reseeds, evaluates
first, trains in eval mode or mixes up its loaders draws another curve.
"""

from __future__ import annotations

import functools
import importlib.util

import torch

from grader.checks import Case, Context
from grader.checks.feedback import illustration
from grader.sandbox import probes
from grader.sandbox.wire import Array, numpy_scalar
from grader.topics.illustrations.common import kind_of, no_answer
from grader.topics.training import fit, random_state

SPEC = {"kind": "cnn", "channels": 4, "batch_norm": True, "classes": 3}
RUN = {"batch_size": 16, "lr": 0.1, "momentum": 0.9, "epochs": 5, "training": True, "seed": 2024, "shuffle": True}
N_TRAIN, N_VAL = 48, 16
KEYS = ("train_loss", "val_loss")
CALLEES = ("train_epoch", "evaluate")  # fit calls them: one known wrong is replaced by the grader's own


@functools.cache
def _case() -> Case:
    """The lines data (``datasets/lines.py``, imported by file path) and the CNN's weights, as a fit scenario."""
    spec = importlib.util.spec_from_file_location("convgrade_lines", fit.DATASETS / "lines.py")
    lines = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lines)
    images, labels = lines.make_lines(N_TRAIN + N_VAL, seed=5)
    x, y = torch.from_numpy(images), torch.from_numpy(labels)
    val = (x[N_TRAIN:], y[N_TRAIN:])
    return Case((x[:N_TRAIN], y[:N_TRAIN]), {"spec": SPEC, "state": random_state(SPEC, 1), "val": val, **RUN})


@functools.cache
def _expected() -> dict[str, list[float]]:
    return fit.reference_fit(_case(), RUN["seed"])[1]


def _number(value) -> float | None:
    value = numpy_scalar(value)
    if isinstance(value, Array) and value.data.size == 1:
        return float(value.data.reshape(-1)[0])
    return float(value) if type(value) in (int, float) else None


def _history(result) -> tuple[dict | None, str]:
    """The student's losses per epoch, or None and what they returned instead."""
    if not isinstance(result, dict):
        return None, f"fit returned {kind_of(result)}, not a dict"
    history = {}
    for key in KEYS:
        values = result.get(key)
        numbers = [_number(v) for v in values] if isinstance(values, (list, tuple)) else [None]
        if None in numbers:
            return None, f"fit's {key!r} is {kind_of(values)}, not a list of numbers"
        history[key] = numbers
    return history, ""


def loss_curves_on_lines(ctx: Context) -> dict:
    case = _case()
    x, y = case.args
    outcome = ctx.probe(
        "fit",
        probes.fit_probe,
        spec=SPEC,
        state=case.kwargs["state"],
        train=[x, y],
        val=list(case.kwargs["val"]),
        callees=CALLEES,
        **RUN,
    )
    got, words = (None, no_answer("fit", outcome)) if not outcome.ok else _history(outcome.value["result"])
    title = (
        f"fit on {N_TRAIN} training and {N_VAL} validation images of the lines data (the case-study CNN with "
        f"batch norm, batches of {RUN['batch_size']}, shuffled, {RUN['epochs']} epochs)"
    )
    return illustration(title, None, _expected(), got, words)


ILLUSTRATIONS = {"fit": loss_curves_on_lines}
