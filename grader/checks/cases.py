"""What a check sends to the student's function: ``Case`` s of arguments, and the same values in words.

A ``Case`` holds the arguments as the grader has them (tensors, arrays, a seeded ``Generator``, an
``Affine`` callable); ``to_wire`` sends them to the child; ``describe`` and ``number`` print them
short in the feedback (arrays of up to ``SHOWN_ELEMENTS`` in full, numbers in at most 4 digits).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from grader.sandbox.wire import Array


@dataclass
class Case:
    """One set of arguments for a student function, as the grader holds them."""

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def as_positional(self, names: tuple[str, ...], defaults: dict) -> Case:
        """The same call with its keyword options passed by position, in the contract's order ``names``
        (options left out before the last one given are passed as their ``defaults``)."""
        rest = names[len(self.args) :]
        given = [name for name in rest if name in self.kwargs]
        if not given or set(self.kwargs) - set(rest):
            return self
        upto = rest[: rest.index(given[-1]) + 1]
        return Case(self.args + tuple(self.kwargs[n] if n in self.kwargs else defaults[n] for n in upto))

    def describe(self, names: tuple[str, ...] = ()) -> str:
        parts = []
        for i, value in enumerate(self.args):
            label = names[i] if i < len(names) else f"arg{i}"
            parts.append(f"{label}={describe(value)}")
        parts += [f"{k}={describe(v)}" for k, v in self.kwargs.items()]
        return ", ".join(parts)


@dataclass(frozen=True)
class Generator:
    """A ``torch.Generator`` seeded with ``seed``, built in the child."""

    seed: int


@dataclass(frozen=True)
class Affine:
    """The callable ``x -> a * x + b``, built in the child."""

    a: float
    b: float


SHOWN_ELEMENTS = 16  # arrays up to this size are printed in full


def number(value, digits: int = 4, dtype=np.float64) -> str:
    """``value`` in at most ``digits`` significant digits; "…" marks one that was rounded."""
    v = float(value)
    if math.isnan(v) or math.isinf(v):
        return repr(v)
    text = str(int(v)) if v == int(v) and abs(v) < 1e6 else f"{v:.{digits}g}"
    return text if np.asarray(float(text), dtype) == np.asarray(v, dtype) else text + "…"


def numbers_apart(a, b) -> tuple[str, str]:
    """``a`` and ``b`` printed short, with just enough digits to tell them apart."""
    for digits in range(4, 18):
        left, right = number(a, digits), number(b, digits)
        if left != right or float(a) == float(b):
            return left, right
    return repr(float(a)), repr(float(b))


def values_text(array: np.ndarray) -> str:
    """Nested-list text of an array, numbers short."""
    array = np.asarray(array)
    if array.ndim == 0:
        item = array.item()
        if isinstance(item, bool) or not isinstance(item, (int, float)):
            return repr(item)
        return number(item, dtype=array.dtype if array.dtype.kind == "f" else np.float64)
    return "[" + ", ".join(values_text(row) for row in array) + "]"


def describe(value) -> str:
    """Short words for a value: dtype and shape for arrays, plus the values for small ones."""
    if isinstance(value, torch.Tensor):
        text = f"{str(value.dtype).replace('torch.', '')} tensor of shape {tuple(value.shape)}"
        if value.numel() <= SHOWN_ELEMENTS:
            text += f" {values_text(value.detach().numpy())}"
        return text
    if isinstance(value, np.ndarray):
        text = f"{value.dtype} array of shape {value.shape}"
        if value.size <= SHOWN_ELEMENTS:
            text += f" {values_text(value)}"
        return text
    if isinstance(value, Generator):
        return f"torch.Generator().manual_seed({value.seed})"
    if isinstance(value, Affine):
        return f"lambda x: {number(value.a)} * x + {number(value.b)}"
    if isinstance(value, float):
        return number(value)
    if isinstance(value, (list, tuple)) and len(value) > SHOWN_ELEMENTS:
        return f"{type(value).__name__} of {len(value)} items"
    return repr(value)


def to_wire(value):
    """Grader value -> wire value for the child."""
    if isinstance(value, torch.Tensor):
        return Array(value.detach().numpy().copy(), "tensor", "Tensor")
    if isinstance(value, np.ndarray):
        return Array(value.copy(), "ndarray", "ndarray")
    if isinstance(value, Generator):
        return {"$special": ["generator", [value.seed]]}
    if isinstance(value, Affine):
        return {"$special": ["affine", [value.a, value.b]]}
    if isinstance(value, (list, tuple)):
        items = [to_wire(v) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {k: to_wire(v) for k, v in value.items()}
    return value
