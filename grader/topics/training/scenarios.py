"""What the training checks draw: a small model, its weights, data and batches, and words for them.

The model is built by the trusted ``probes.build_model`` both here (for the
reference) and in the sandbox (for the student), from the same ``spec``, and
gets the same weights from ``random_state``.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
import torch.nn as nn
from hypothesis import strategies as st

from grader.cache import remembered
from grader.checks import Case, Property, Scripted
from grader.checks.strategies import seeded_weights
from grader.sandbox.probes import build_model


@st.composite
def model_specs(draw, dtypes=("float32", "float64")):
    """A small classifier: an MLP or the case-study CNN, with or without batch norm."""
    spec = {
        "kind": draw(st.sampled_from(["mlp", "cnn"])),
        "classes": draw(st.integers(2, 4)),
        "batch_norm": draw(st.booleans()),
        "dtype": draw(st.sampled_from(dtypes)),
    }
    if spec["kind"] == "mlp":
        spec.update(inputs=draw(st.integers(1, 5)), hidden=draw(st.integers(2, 6)))
    else:
        spec.update(channels=draw(st.integers(1, 2)))
    return spec


def random_state(spec: dict, seed: int) -> OrderedDict[str, torch.Tensor]:
    """Deterministic weights (and BatchNorm statistics) for ``build_model(spec)``."""
    return seeded_weights(build_model(spec).state_dict(), seed, counter_offset=3)


def random_data(spec: dict, n: int, seed: int):
    """``n`` samples for the model of ``spec`` and labels in ``[0, max(2, classes))``."""
    generator = torch.Generator().manual_seed(seed)
    shape = (n, spec["inputs"]) if spec["kind"] in ("mlp", "linear", "identity") else (n, 1, 10, 10)
    x = (torch.randn(shape, generator=generator, dtype=torch.float64) * 2).to(dtype_of(spec))
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
    """A model, its weights, training data in batches, an SGD optimizer's settings, the starting mode.

    For ``fit`` also validation data, epochs (passed by position or as ``epochs=``), the caller's
    seed, dropout in an MLP and a shuffling training loader (both draw on the caller's random state).
    The batches come from a DataLoader or, sometimes, a plain list of ``(x, y)`` batches (``as_list``;
    for ``fit`` the validation batches). ``stale``: the parameters hold gradients on entry (train_epoch).
    """
    spec = draw(model_specs())
    if fit and spec["kind"] == "mlp" and draw(st.booleans()):
        spec["dropout"] = 0.5
    n, batch_size = draw(batch_sizes(spec))
    seed = draw(st.integers(0, 2**31 - 1))
    x, y = random_data(spec, n, seed)
    kwargs = {
        "spec": spec,
        "state": random_state(spec, seed + 1),
        "batch_size": batch_size,
        "lr": draw(st.sampled_from([0.01, 0.1, 0.5])),
        "momentum": draw(st.sampled_from([0.0, 0.9])),
        "training": draw(st.booleans()),
        "as_list": draw(st.booleans()),
        "stale": draw(st.booleans()),
    }
    if fit:
        kwargs["val"] = random_data(spec, draw(st.integers(1, 7)), seed + 2)
        kwargs["epochs"] = draw(st.sampled_from([0, 1, 2, 2, 2]))  # two epochs mostly: a second one shows more
        kwargs["shuffle"] = draw(st.booleans())
        kwargs["seed"] = 1000 + draw(st.integers(0, 10**6))  # never a seed a student would pick
        kwargs["epochs_keyword"] = draw(st.booleans())
        # a list of validation batches only where nothing is random: iterating a DataLoader draws on the
        # random state, which is what shows a fit that evaluates first, or too often
        kwargs["as_list"] = kwargs["as_list"] and not kwargs["shuffle"] and "dropout" not in spec
    return Case((x, y), kwargs)


def batches(x, y, batch_size):
    """The batches of an unshuffled loader."""
    return [(x[i : i + batch_size], y[i : i + batch_size]) for i in range(0, len(x), batch_size)]


def reference_model(spec: dict, state, training: bool = False) -> nn.Module:
    """The trusted model of ``spec`` holding ``state``, in training or eval mode."""
    model = build_model(spec)
    model.load_state_dict(state)
    return model.train(training)


def dtype_of(spec: dict) -> torch.dtype:
    return getattr(torch, spec.get("dtype", "float32"))


# ------------------------------------------------------------------ words

# A model's words in full -> what later messages of the same topic say instead (``OnceProperty``).
SHORTER: dict[str, str] = {}


def named_once(words: str, shorter: str) -> str:
    """``words`` (a model's description), which the topic's feedback gives in full once; later ``shorter``."""
    SHORTER[words] = shorter
    return words


def shorten(feedback: str, ctx) -> str:
    """``feedback`` with every model description the topic's feedback already gave in full (or that this
    feedback gives twice) replaced by its shorter words."""
    seen = ctx.__dict__.setdefault("models_described", set())  # the topic's context outlives its checks
    for words in sorted((w for w in SHORTER if w in feedback), key=len, reverse=True):
        start = 0 if words in seen else feedback.index(words) + len(words)
        feedback = feedback[:start] + feedback[start:].replace(words, SHORTER[words])
        seen.add(words)
    return feedback


class _Once:
    """A check whose feedback describes each model once per topic (``shorten``)."""

    def run(self, ctx):
        result = super().run(ctx)
        if result.feedback:
            result.feedback = shorten(result.feedback, ctx)
        return result


class OnceProperty(_Once, Property):
    pass


class OnceScripted(_Once, Scripted):
    pass


@remembered
def describe_model(spec: dict) -> str:
    model = build_model(spec)
    extra = "" if spec.get("dtype", "float32") == "float32" else f" in {spec['dtype']}"
    if spec["kind"] == "identity":
        return f"nn.Identity() (no parameters, no children: x itself is the logits){extra}"
    layers = ", ".join(_short(m) for m in (model.net if spec.get("wrap") else model).children())
    if spec.get("wrap"):
        return f"Wrapped(net=nn.Sequential({layers})) (a custom nn.Module: forward returns self.net(x)){extra}"
    return f"nn.Sequential({layers}){extra}"


def model_words(spec: dict) -> str:
    """``describe_model(spec)``, in full the first time the topic's feedback gives it."""
    return named_once(describe_model(spec), "the same architecture as above")


def _short(module) -> str:
    text = repr(module).replace("\n", "")
    for noise in (
        ", bias=True",
        ", eps=1e-05, momentum=0.1, affine=True, track_running_stats=True",
        ", stride=(1, 1)",
        ", padding=0, dilation=1, ceil_mode=False",
        "start_dim=1, end_dim=-1",
        ", inplace=False",
        "in_features=",
        "out_features=",
        "kernel_size=",
    ):
        text = text.replace(noise, "")
    return text


def describe_case(case: Case, with_optimizer: bool = True) -> str:
    """The "Input:" line of a training scenario."""
    x, _ = case.args
    kw = case.kwargs
    sizes = [len(b) for b, _ in batches(x, x, kw["batch_size"])]
    shuffled = "shuffled" if kw.get("shuffle") else "not shuffled"
    loader = "a DataLoader" if "epochs" in kw or not kw.get("as_list") else "a plain list of (x, y) batches"
    text = (
        f"model = {model_words(kw['spec'])} starting in {'training' if kw['training'] else 'eval'} mode, "
        f"{len(sizes)} batches of sizes {sizes} ({shuffled}, {loader}), loss_fn = nn.CrossEntropyLoss()"
    )
    if with_optimizer:
        text += f", optimizer = SGD(lr={kw['lr']}, momentum={kw['momentum']})"
    if with_optimizer and kw.get("stale") and "epochs" not in kw:
        text += ", every parameter's .grad holding 0.5, 1.5, ... on entry (from an earlier backward pass)"
    if "epochs" in kw:
        val = "a plain list of (x, y) batches" if kw.get("as_list") else "a DataLoader"
        epochs = f"epochs={kw['epochs']} (by name)" if kw.get("epochs_keyword") else f"epochs = {kw['epochs']}"
        text += (
            f", {len(kw['val'][0])} validation samples ({val}), {epochs}, called after torch.manual_seed({kw['seed']})"
        )
    return "\n    Input: " + text
