"""Trusted probe code that runs in the child on the student's objects (nn.Module topics)."""

# Everything the probes need is imported here, at the top: once the child is
# confined the grader's own folder is hidden from it, so nothing can be
# imported lazily inside a probe. The one exception, torchvision, is loaded by
# the zygote for the topics that need it (``grader.topics.CHILD_IMPORTS``).
import contextlib
import io
import itertools
import os
import sys
import time
import types
from collections import OrderedDict
from pathlib import Path

import PIL.Image
import torch
import torch.nn as nn
import torch.utils.serialization  # noqa: F401 -- torch.save/torch.load import it lazily
from torch.utils.data import DataLoader, RandomSampler, TensorDataset

PIL.Image.init()  # PIL loads its image-format plugins lazily; load them (PNG, ...) while it still can


def call_noncontiguous(module, function: str, x, dims, step: int = 1):
    """``module.<function>`` on the strided view ``x.permute(*dims)[..., ::step]``.

    Inputs cross the wire as contiguous arrays; this builds, in the child, the
    non-contiguous tensor (transposed, sliced) a check needs to hand the
    student (``layers.flatten`` must handle one as ``nn.Flatten`` does).
    """
    return getattr(module, function)(x.permute(*dims)[..., ::step])


# ================================================================== nn.Module topics
# architectures, training, hooks, augmentation. A probe builds or receives the student's
# model, drives it with weights and inputs sent by the grader, and returns plain
# data (numbers, strings, lists, dicts with str keys, tensors). It never judges:
# the grader compares. Probes never print; a problem the probe itself finds is
# raised as ``ProbeFinding`` (the grader shows its message).


class ProbeFinding(Exception):
    """Something about the student's object that stops the probe (its message is the feedback)."""


class _Exploding(nn.Module):
    """A model whose forward pass raises after its first layers ran (``capture_outputs`` must clean up):
    ``ArithmeticError(EXPLODING_MESSAGE)``, or with ``mismatch`` the ``RuntimeError`` PyTorch raises for a
    Linear layer whose input has the wrong size (one feature too many: the common error of a real model)."""

    def __init__(self, channels: int = 2, mismatch: bool = False):
        super().__init__()
        self.mismatch = mismatch
        self.conv1 = nn.Conv2d(1, channels, 3)
        self.relu1 = nn.ReLU()
        self.fc = nn.Linear(channels * 64 + (1 if mismatch else 0), 3)

    def forward(self, x):
        x = self.relu1(self.conv1(x))
        if self.mismatch:
            return self.fc(x.flatten(1))
        raise ArithmeticError(EXPLODING_MESSAGE)


class _Wrapped(nn.Module):
    """Any ``nn.Module``: a custom one (neither a Sequential nor indexable) whose only child ``net`` computes."""

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x)


EXPLODING_MESSAGE = "this model's forward pass fails on purpose, after conv1 and relu1 ran"


def build_model(spec: dict) -> nn.Module:
    """The small trusted model ``spec`` describes; the grader builds the same one for its reference.

    kinds: ``linear`` (inputs -> classes, then ``nn.Sigmoid`` if ``sigmoid``), ``mlp`` (Linear,
    [BatchNorm1d], ReLU (``nn.Sigmoid`` if ``activation`` is ``"sigmoid"``), [Dropout(``dropout``)], Linear),
    ``cnn`` (the case-study CNN on 1x10x10 images, optional BatchNorm2d after conv1),
    ``nested`` (nested Sequentials with an in-place ReLU, input 1xSxS), ``exploding``,
    ``rgb_cnn`` (3-channel images of any size: conv, BatchNorm2d, ReLU, adaptive pool, Dropout, Linear),
    ``identity`` (``nn.Identity()``: no parameters, no children; the inputs are the logits),
    ``leaf`` (a bare ``nn.Linear(inputs, classes)``, no children). With ``wrap`` any of them is the only
    child, ``net``, of a custom module (``_Wrapped``).
    """
    kind = spec["kind"]
    if kind == "identity":
        model = nn.Identity()
    elif kind == "leaf":
        model = nn.Linear(spec["inputs"], spec["classes"])
    elif kind == "linear":
        model = nn.Sequential(
            nn.Linear(spec["inputs"], spec["classes"]), *([nn.Sigmoid()] if spec.get("sigmoid") else [])
        )
    elif kind == "mlp":
        layers = [nn.Linear(spec["inputs"], spec["hidden"])]
        if spec.get("batch_norm"):
            layers.append(nn.BatchNorm1d(spec["hidden"]))
        layers.append(nn.Sigmoid() if spec.get("activation") == "sigmoid" else nn.ReLU())
        if spec.get("dropout"):
            layers.append(nn.Dropout(spec["dropout"]))
        model = nn.Sequential(*layers, nn.Linear(spec["hidden"], spec["classes"]))
    elif kind == "cnn":
        c = spec.get("channels", 1)
        parts = [("conv1", nn.Conv2d(1, c, 3))]
        if spec.get("batch_norm"):
            parts.append(("bn1", nn.BatchNorm2d(c)))
        parts += [
            ("relu1", nn.ReLU()),
            ("maxp1", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(c * 4 * 4, 10)),
            ("relu2", nn.ReLU()),
            ("fc2", nn.Linear(10, spec.get("classes", 3))),
        ]
        model = nn.Sequential(OrderedDict(parts))
    elif kind == "nested":
        c, half = spec["channels"], spec["size"] // 2
        model = nn.Sequential(
            OrderedDict(
                [
                    ("stem", nn.Conv2d(1, c, 3, padding=1)),
                    ("block", nn.Sequential(nn.Conv2d(c, c, 3, padding=1), nn.ReLU(inplace=True), nn.Conv2d(c, c, 1))),
                    ("pool", nn.MaxPool2d(2)),
                    ("head", nn.Sequential(nn.Flatten(), nn.Linear(c * half * half, 3))),
                ]
            )
        )
    elif kind == "exploding":
        model = _Exploding(spec.get("channels", 2), spec.get("error") == "RuntimeError")
    elif kind == "rgb_cnn":
        c = spec.get("channels", 2)
        model = nn.Sequential(
            OrderedDict(
                [
                    ("conv1", nn.Conv2d(3, c, 3, padding=1)),
                    ("bn1", nn.BatchNorm2d(c)),
                    ("relu1", nn.ReLU()),
                    ("pool", nn.AdaptiveAvgPool2d(2)),
                    ("flatten", nn.Flatten()),
                    ("drop", nn.Dropout(0.5)),
                    ("fc", nn.Linear(c * 4, spec.get("classes", 2))),
                ]
            )
        )
    else:
        raise ValueError(f"unknown model kind {kind!r}")
    if spec.get("wrap"):
        model = _Wrapped(model)
    return model.to(getattr(torch, spec.get("dtype", "float32")))


class Block(nn.Module):
    """A custom module (neither a Sequential nor iterable) holding submodules ``part0``, ``part1``, ... and,
    when ``own`` > 0, an ``nn.Parameter`` of ``own`` elements of its own (``scale``)."""

    def __init__(self, parts: list, own: int = 0):
        super().__init__()
        for i, part in enumerate(parts):
            self.add_module(f"part{i}", part)
        if own:
            self.scale = nn.Parameter(torch.ones(own))

    def forward(self, x):
        for part in self.children():
            x = part(x)
        return x


def counting_model(spec: list) -> nn.Module:
    """The model a ``count_parameters`` case describes (built, never run). Nodes:
    ``["linear", in, out, bias]``, ``["conv", in, out, k, bias]``, ``["bn", channels]``, ``["relu"]`` (leaves);
    ``["seq", [nodes]]`` an ``nn.Sequential``; ``["block", [nodes], own]`` a ``Block``;
    ``["again", i]`` the i-th leaf made so far, the same module object (shared);
    ``["tied", i]`` a new ``nn.Linear`` shaped like leaf i (a Linear) whose weight *is* leaf i's (tied)."""
    leaves = []

    def build(node):
        kind = node[0]
        if kind == "seq":
            return nn.Sequential(*[build(child) for child in node[1]])
        if kind == "block":
            return Block([build(child) for child in node[1]], node[2])
        if kind == "again":
            return leaves[node[1]]
        if kind == "tied":
            base = leaves[node[1]]
            made = nn.Linear(base.in_features, base.out_features)
            made.weight = base.weight
        elif kind == "linear":
            made = nn.Linear(node[1], node[2], bias=node[3])
        elif kind == "conv":
            made = nn.Conv2d(node[1], node[2], node[3], bias=node[4])
        elif kind == "bn":
            made = nn.BatchNorm2d(node[1])
        else:
            made = nn.ReLU()
        leaves.append(made)
        return made

    return build(spec)


def _model(spec: dict, state: dict, training: bool | None = True) -> nn.Module:
    model = build_model(spec)
    model.load_state_dict(state, strict=True)
    if training is not None:
        model.train(training)
    return model


def _state(model: nn.Module) -> dict:
    return {name: value.detach().clone() for name, value in model.state_dict().items()}


def _loader(x, y, batch_size: int, as_list: bool = False):
    """Unshuffled batches of ``(x, y)``: a DataLoader, or a plain list of ``(x, y)`` batches (a loader is anything
    that yields batches, as the exercises say)."""
    if as_list:
        return [(x[i : i + batch_size], y[i : i + batch_size]) for i in range(0, len(x), batch_size)]
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=False)


def _spy(model: nn.Module) -> list:
    """Record ``[model.training, torch.is_grad_enabled()]`` at every forward pass of ``model``."""
    calls = []
    model.register_forward_hook(lambda m, inputs, output: calls.append([m.training, torch.is_grad_enabled()]))
    return calls


class _RecordingLoss(nn.CrossEntropyLoss):
    """``nn.CrossEntropyLoss`` that remembers each value it returned and whether it had a graph."""

    def __init__(self):
        super().__init__()
        self.values, self.needed_grad = [], []

    def forward(self, logits, labels):
        loss = super().forward(logits, labels)
        self.values.append(float(loss.detach()))
        self.needed_grad.append(bool(loss.requires_grad))
        return loss


# ------------------------------------------------------------------ architectures


def architecture_summary(module, builder: str, args=(), kwargs=None):
    """Build ``module.<builder>(*args, **kwargs)``; its type, children, parameter names/shapes and count."""
    model = getattr(module, builder)(*args, **(kwargs or {}))
    if not isinstance(model, nn.Module):
        return {"module": False, "type": type(model).__name__}
    return {
        "module": True,
        "type": type(model).__name__,
        "sequential": isinstance(model, nn.Sequential),
        "children": [[name, type(child).__name__, repr(child)[:200]] for name, child in model.named_children()],
        "parameters": [[name, list(p.shape)] for name, p in model.named_parameters()],
        "count": sum(p.numel() for p in model.parameters()),
    }


def architecture_forward(module, builder: str, args, state: dict, x):
    """Build the student's model, load ``state`` strictly, run ``x`` in eval mode without gradients.

    Returns the output and what ``forward`` printed (stdout is captured meanwhile).
    """
    model = getattr(module, builder)(*args)
    model.load_state_dict(state, strict=True)
    model.eval()
    printed = io.StringIO()
    with torch.no_grad(), contextlib.redirect_stdout(printed):
        output = model(x)
    return {"output": output, "printed": printed.getvalue()[:200]}


COUNT_CALLS = {
    "default": ((), {}),
    "True": ((True,), {}),
    "trainable_only=True": ((), {"trainable_only": True}),
    "trainable_only=False": ((), {"trainable_only": False}),
    "False": ((False,), {}),
}


def count_parameters_probe(module, spec: list, frozen: list):
    """``count_parameters`` called each way of ``COUNT_CALLS`` on ``counting_model(spec)``, whose ``frozen``
    parameters have requires_grad off: per call ``{"value": ...}`` or ``{"raised": [type, message]}``."""
    model = counting_model(spec)
    for name, p in model.named_parameters():
        if name in frozen:
            p.requires_grad_(False)
    results = {}
    for call, (args, kwargs) in COUNT_CALLS.items():
        try:
            results[call] = {"value": module.count_parameters(model, *args, **kwargs)}
        except Exception as exc:  # noqa: BLE001 -- what each call raised is the data
            results[call] = {"raised": [type(exc).__name__, _message(exc)]}
    return results


def _message(exc: BaseException) -> str:
    try:
        return str(exc)[:300]
    except Exception:  # noqa: BLE001 -- a rigged __str__
        return ""


# ------------------------------------------------------------------ training


def train_epoch_probe(module, spec, state, x, y, batch_size, lr, momentum, training, as_list=False, stale=False):
    """One ``train_epoch`` with SGD(lr, momentum) and CrossEntropyLoss over unshuffled batches of (x, y); with
    ``stale`` the parameters hold gradients on entry (0.5, 1.5, ..., as ``evaluate_probe``'s)."""
    model = _model(spec, state, training)
    if stale:
        _stale_grads(model)
    loss_fn = _RecordingLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    calls = _spy(model)
    result = module.train_epoch(model, _loader(x, y, batch_size, as_list), loss_fn, optimizer)
    return {
        "result": result,
        "state": _state(model),
        "training": model.training,
        "losses": loss_fn.values,
        "calls": calls,
    }


def _stale_grads(model: nn.Module):
    """Gradients left from before the call: 0.5, 1.5, ... in each parameter's ``.grad`` (the grader knows them)."""
    for i, p in enumerate(model.parameters()):
        p.grad = torch.full_like(p, 0.5 + i)


def evaluate_probe(module, spec, state, x, y, batch_size, training, as_list=False):
    """``evaluate`` on a model whose parameters carry known ``.grad`` values (0.5, 1.5, ...)."""
    model = _model(spec, state, training)
    _stale_grads(model)
    calls = _spy(model)
    loss_fn = _RecordingLoss()
    result = module.evaluate(model, _loader(x, y, batch_size, as_list), loss_fn)
    return {
        "result": result,
        "state": _state(model),
        "training": model.training,
        "calls": calls,
        "grads": [None if p.grad is None else p.grad.detach().clone() for p in model.parameters()],
        "losses": loss_fn.values,
        "needed_grad": loss_fn.needed_grad,
    }


def fit_probe(
    module,
    spec,
    state,
    train,
    val,
    batch_size,
    lr,
    momentum,
    epochs,
    training,
    seed=0,
    shuffle=False,
    as_list=False,
    epochs_keyword=False,
):
    """``fit`` for ``epochs`` (passed as ``epochs=`` if ``epochs_keyword``) with SGD(lr, momentum) and
    CrossEntropyLoss, called right after ``torch.manual_seed(seed)`` (the train loader shuffles if ``shuffle``;
    the validation batches are a plain list if ``as_list``); ``seed_after`` is ``torch.initial_seed()``
    afterwards, which differs from ``seed`` when ``fit`` reseeded."""
    model = _model(spec, state, training)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    train_loader = DataLoader(TensorDataset(*train), batch_size=batch_size, shuffle=shuffle)
    val_loader = _loader(*val, batch_size, as_list)
    torch.manual_seed(seed)
    arguments = (model, train_loader, val_loader, nn.CrossEntropyLoss(), optimizer)
    history = module.fit(*arguments, epochs=epochs) if epochs_keyword else module.fit(*arguments, epochs)
    return {"result": history, "state": _state(model), "seed_after": torch.initial_seed()}


def fit_lines_probe(module, state, train, val, batch_size, lr, momentum, epochs):
    """``fit`` trains the case-study CNN on ``lines`` data; then this probe measures validation accuracy."""
    model = _model({"kind": "cnn", "channels": 1}, state, True)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    started = time.process_time()
    history = module.fit(
        model, _loader(*train, batch_size), _loader(*val, 64), nn.CrossEntropyLoss(), optimizer, epochs
    )
    seconds = time.process_time() - started
    model.eval()
    with torch.no_grad():
        accuracy = float((model(val[0]).argmax(dim=1) == val[1]).double().mean())
    return {"history": history, "accuracy": accuracy, "seconds": seconds}


def inference_probe(module, function: str, spec, state, x, training, y=None):
    """``predict(model, x)`` or ``correct(model, x, y)``, recording the mode of every forward pass."""
    if function not in ("predict", "correct"):
        raise ValueError(function)
    model = _model(spec, state, training)
    calls = _spy(model)
    args = (model, x) if y is None else (model, x, y)
    result = getattr(module, function)(*args)
    return {"result": result, "calls": calls, "modes": [m.training for m in model.modules()]}


def _class_counts(x, y):
    return torch.bincount(y, minlength=3)


def _column_sums(x, y):
    return x.sum(dim=0)


def _batch_mean(x, y):
    return x.mean()


def _hits(x, y):
    hit = x[:, 0] > 0
    return torch.stack([torch.stack([((y == c) & hit).sum(), (y == c).sum()]) for c in range(3)])


LOADER_FUNCS = {"class_counts": _class_counts, "column_sums": _column_sums, "batch_mean": _batch_mean, "hits": _hits}


def loader_apply_probe(module, x, y, batch_size, func: str, reduce=None, positional=False, as_list=False):
    """``loader_apply`` over unshuffled batches with one of ``LOADER_FUNCS`` (default reduce if None; passed as
    the third positional argument if ``positional``)."""
    loader, function = _loader(x, y, batch_size, as_list), LOADER_FUNCS[func]
    if reduce is None:
        result = module.loader_apply(loader, function)
    elif positional:
        result = module.loader_apply(loader, function, reduce)
    else:
        result = module.loader_apply(loader, function, reduce=reduce)
    return {"result": result, "shape": list(result.shape) if isinstance(result, torch.Tensor) else None}


_files = itertools.count()


def _fresh_path() -> str:
    path = f"weights_{os.getpid()}_{next(_files)}.pt"
    if os.path.exists(path):
        os.remove(path)
    return path


def save_weights_probe(module, spec, state, as_path: bool):
    """``save_weights`` into a new file, read back with ``torch.load(weights_only=True)``."""
    model = _model(spec, state, True)
    path = _fresh_path()
    module.save_weights(model, Path(path) if as_path else path)
    if not os.path.exists(path):
        raise ProbeFinding(f"save_weights(model, {path!r}) wrote no file at that path")
    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 -- the reason is the finding
        try:  # the student's own file, in the student's sandbox: what does it hold?
            held = torch.load(path, map_location="cpu", weights_only=False)
            held = ("the whole model, " if isinstance(held, nn.Module) else "") + f"a {type(held).__name__}"
        except Exception:  # noqa: BLE001 -- unreadable either way
            held = None
        raise ProbeFinding(
            "torch.load(path, weights_only=True) cannot read the saved file "
            f"({type(exc).__name__}" + (f"; it holds {held}" if held else "") + ")"
        ) from None
    if not isinstance(saved, dict):
        raise ProbeFinding(f"the saved file holds a {type(saved).__name__}, not a state_dict (save model.state_dict())")
    return {
        "keys": [str(k) for k in saved],
        "values": [v if isinstance(v, torch.Tensor) else None for v in saved.values()],
        "state": _state(model),
    }


def load_weights_probe(module, spec, state, as_path: bool):
    """``load_weights`` of a file holding ``state`` into a zeroed model in training mode."""
    path = _fresh_path()
    torch.save(OrderedDict(state), path)
    model = build_model(spec).train()
    with torch.no_grad():
        for value in model.state_dict().values():
            value.zero_()
    returned = module.load_weights(model, Path(path) if as_path else path)
    return {
        "returned_model": returned is model,
        "returned": type(returned).__name__,
        "modes": [m.training for m in model.modules()],
        "state": _state(model),
        "unsafe": _load_unsafe(module, spec, state),
    }


class _Tripwire:
    """Pickles as a call of ``_trip``: loading a file that holds one runs code unless ``weights_only``."""

    def __reduce__(self):
        return _trip, ()


_TRIPPED = []


def _trip():
    _TRIPPED.append(True)
    return 0


# Pickles name ``_trip`` by module: one outside ``grader``, whose modules the child hides from student code.
_trip.__module__ = "convgrade_tripwire"
sys.modules[_trip.__module__] = types.SimpleNamespace(_trip=_trip)


def _load_unsafe(module, spec, state):
    """``load_weights`` of a file holding ``state`` plus a ``_Tripwire``: did it run the file's code?"""
    path = _fresh_path()
    torch.save({**state, "note": _Tripwire()}, path)
    del _TRIPPED[:]
    raised = None
    try:
        module.load_weights(build_model(spec), path)
    except Exception as exc:  # noqa: BLE001 -- refusing the file is right
        raised = type(exc).__name__
    return {"ran_code": bool(_TRIPPED), "raised": raised}


IMAGE_FOLDER_CALLS = {
    "keywords": lambda f, root, b: f(root, batch_size=b, shuffle=False),
    "positional": lambda f, root, b: f(root, b, False),
    "shuffle only": lambda f, root, b: f(root, shuffle=False),
}


def image_folder_probe(module, root: str, batch_size=None, as_path: bool = False, style: str = "keywords"):
    """``image_folder_loader(root)`` with defaults (batch_size None), else called as ``IMAGE_FOLDER_CALLS[style]``:
    ``(root, batch_size=b, shuffle=False)``, ``(root, b, False)`` or ``(root, shuffle=False)``."""
    where = Path(root) if as_path else root
    if batch_size is None:
        loader = module.image_folder_loader(where)
    else:
        loader = IMAGE_FOLDER_CALLS[style](module.image_folder_loader, where, batch_size)
    if not isinstance(loader, DataLoader):
        raise ProbeFinding(f"image_folder_loader returned a {type(loader).__name__}, not a DataLoader")
    info = {
        "batch_size": loader.batch_size,
        "shuffle": isinstance(loader.sampler, RandomSampler),
        "length": len(loader.dataset),
        "classes": [str(c) for c in getattr(loader.dataset, "classes", [])],
        "dataset": type(loader.dataset).__name__,
    }
    if batch_size is not None:
        x, y = next(iter(loader))
        info["x"], info["y"] = x, y
    return info


# ------------------------------------------------------------------ hooks


def hook_count(model: nn.Module) -> int:
    """Forward/backward (pre-)hooks on ``model`` and its submodules, plus global module hooks."""
    count = sum(
        len(getattr(torch.nn.modules.module, name, {}))
        for name in (
            "_global_forward_hooks",
            "_global_forward_pre_hooks",
            "_global_backward_hooks",
            "_global_backward_pre_hooks",
        )
    )
    for m in model.modules():
        count += sum(
            len(getattr(m, name, None) or {})
            for name in ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks", "_backward_pre_hooks")
        )
    return count


def capture_probe(module, spec, state, x, names, keep=None, keyword=False):
    """``capture_outputs(model, x, names)`` (``layer_names=names`` if ``keyword``); then the hooks left behind
    and how many times the model's forward ran (``runs``).

    ``keep`` names a submodule that gets a hook of the user's own first: it
    must still be there afterwards (only the function's own hooks go).
    """
    model = _model(spec, state, None)
    own = None
    if keep is not None:
        own = dict(model.named_modules())[keep].register_forward_hook(lambda m, inputs, output: None)
    runs = _count_runs(model)
    before = hook_count(model)
    result = module.capture_outputs(model, x, layer_names=names) if keyword else module.capture_outputs(model, x, names)
    kept = own is None or own.id in dict(model.named_modules())[keep]._forward_hooks
    return {"result": result, "hooks_left": hook_count(model) - before, "own_hook_kept": kept, "runs": len(runs)}


def _count_runs(model: nn.Module) -> list:
    """Count the runs of ``model``'s forward (an instance attribute wrapping it, so no hook is added)."""
    runs, forward = [], model.forward

    def counted(*args, **kwargs):
        runs.append(1)
        return forward(*args, **kwargs)

    model.forward = counted
    return runs


def capture_error_probe(module, spec, state, x, names, keyword=False):
    """``capture_outputs`` expected to raise: what it raised (type, message) and the hooks left."""
    model = _model(spec, state, None)
    raised = None
    try:
        if keyword:
            module.capture_outputs(model, x, layer_names=names)
        else:
            module.capture_outputs(model, x, names)
    except Exception as exc:  # noqa: BLE001 -- what was raised is the data
        raised = {"type": type(exc).__name__, "message": _message(exc)}
    return {"raised": raised, "hooks_left": hook_count(model)}


# ------------------------------------------------------------------ augmentation


def _augmentation(module, size, keyword: bool):
    if size is None:
        return module.augmentation_transform()
    return module.augmentation_transform(size=size) if keyword else module.augmentation_transform(size)


def augmentation_probe(module, image, size, seeds, keyword=False):
    """Build ``augmentation_transform(size)`` (its default when ``size`` is None; ``size=size`` if ``keyword``)
    once, then apply it to ``image`` after ``torch.manual_seed(seed)`` for each seed; also the class names of
    its steps."""
    transform = _augmentation(module, size, keyword)
    names = _steps(transform)
    if not callable(transform):
        raise ProbeFinding(
            f"augmentation_transform returned a {type(transform).__name__}, which cannot be applied to an image"
        )
    outputs = []
    for seed in seeds:
        torch.manual_seed(seed)
        outputs.append(transform(image.copy()))
    import torchvision.transforms.v2  # loaded by the zygote for this topic (CHILD_IMPORTS)

    compose = isinstance(transform, (torchvision.transforms.Compose, torchvision.transforms.v2.Compose))
    return {
        "type": type(transform).__name__,
        "compose": compose,
        "steps": names,
        "written": _written(transform),
        "outputs": outputs,
    }


def _steps(transform):
    """The class names of the transform's steps (None: not a list of steps)."""
    steps = getattr(transform, "transforms", None)
    return [type(step).__name__ for step in steps[:20]] if isinstance(steps, (list, tuple)) else None


def _written(transform):
    """What each step was given, as its repr shows it (None: not a list of steps)."""
    steps = getattr(transform, "transforms", None)
    return [_repr(step) for step in steps[:20]] if isinstance(steps, (list, tuple)) else None


def _repr(step) -> str:
    try:
        return repr(step)[:300]
    except Exception:  # noqa: BLE001 -- a rigged __repr__
        return ""


def augmentation_steps_probe(module, size, keyword=False):
    """The class names of the steps of ``augmentation_transform(size)`` and their reprs (None: not a list of
    steps)."""
    transform = _augmentation(module, size, keyword)
    return {"steps": _steps(transform), "written": _written(transform)}


def predict_image_probe(module, spec, state, images, classes, training):
    """``predict_image(model, image, classes)`` for each of ``images`` on one model with batch norm and
    dropout, recording the mode of every forward pass, the modes afterwards and whether each image is
    unchanged."""
    model = _model(spec, state, training)
    calls = _spy(model)
    copies = [image.copy() for image in images]
    results = [module.predict_image(model, image, list(classes)) for image in copies]
    return {
        "results": results,
        "calls": calls,
        "modes": [m.training for m in model.modules()],
        "images_unchanged": [bool((copy == image).all()) for copy, image in zip(copies, images)],
    }
