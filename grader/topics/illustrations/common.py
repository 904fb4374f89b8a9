"""What the illustrations share: the shipped images, and words for a call that gave no answer."""

from __future__ import annotations

from pathlib import Path

import grader
from grader.sandbox.session import Outcome
from grader.sandbox.wire import Array

SHAPES = Path(grader.__file__).resolve().parents[1] / "datasets" / "shapes"


def no_answer(function: str, outcome: Outcome) -> str:
    """What happened instead of an answer (empty when the call returned)."""
    if outcome.ok:
        return ""
    error = outcome.error or {}
    if error.get("type") == "ProbeFinding":  # the probe's own words about what came back
        return error.get("message", "")
    if error:
        return f"{function} raised {error.get('type', 'an error')}: {error.get('message', '')}".strip(": ")
    return f"{function} gave no answer: {outcome.message}"


def kind_of(value) -> str:
    """A returned value's kind in words: ``a list``, ``None``."""
    if value is None:
        return "None"
    if isinstance(value, Array):
        return "a tensor" if value.kind == "tensor" else "a NumPy array"
    return f"a {type(value).__name__}"
