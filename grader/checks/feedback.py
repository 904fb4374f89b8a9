"""Feedback as data: the failing call of a test, ready for JSON and for every renderer.

A failing test carries, beside its words, the counterexample it shows (the student's function, the
arguments it was given, the expected and the actual answer, the first differing index), the mistakes
its words name (``grader.checks.Mistake``: a stable id and the words) and its checklist of features
or parts. ``docs/reference.md`` documents the JSON fields; renderers and the class summary read these,
never the feedback's words.
"""

from __future__ import annotations

import math

import numpy as np

from grader.checks.cases import describe

VALUES_SHOWN = 256  # elements of an array given in full; a larger one gives its first ones
PICTURE_VALUES = 4096  # elements of an illustration's image (64 x 64) given in full
ITEMS_SHOWN = 64  # items of a list or dict


def counterexample(function: str, args, kwargs: dict, found: dict | None) -> dict:
    """The failing call of ``function`` on ``args``/``kwargs`` as JSON data, with what ``compare``
    ``found`` (``expected``, ``got`` and the first differing ``index``) where it compared answers."""
    found = found or {}
    index = found.get("index")
    return {
        "function": function,
        "inputs": {"args": [value(a) for a in args], "kwargs": {str(k): value(v) for k, v in kwargs.items()}},
        "expected": value(found["expected"]) if "expected" in found else None,
        "got": value(found["got"]) if "got" in found else None,
        "first_difference": list(index) if index is not None else None,
    }


def illustration(title: str, given, expected, got, words: str = "") -> dict:
    """The picture a student would draw of a failing function (``grader.topics.illustrations``): its
    answer ``got`` on a real input ``given`` beside the reference's ``expected``, arrays in full up to
    ``PICTURE_VALUES`` elements; ``words`` says what happened instead where there is no answer."""
    return {
        "title": title,
        "input": value(given, PICTURE_VALUES),
        "expected": value(expected, PICTURE_VALUES),
        "got": value(got, PICTURE_VALUES),
        "words": words,
    }


def value(obj, cap: int = VALUES_SHOWN):
    """``obj`` as JSON: arrays as ``{"dtype", "shape", "values", "truncated"}`` (values flat, in row-major
    order, the first ``cap``, non-finite numbers as "nan", "inf", "-inf"), plain values as they are,
    anything else in words."""
    array = _as_array(obj)
    if array is not None:
        flat = array.reshape(-1)[:cap]
        return {
            "dtype": str(array.dtype),
            "shape": list(array.shape),
            "values": [_number(v) for v in flat.tolist()],
            "truncated": array.size > cap,
        }
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, float):
        return _number(obj)
    if isinstance(obj, (list, tuple)):
        return [value(v) for v in obj[:ITEMS_SHOWN]]
    if isinstance(obj, dict):
        return {str(k): value(v) for k, v in list(obj.items())[:ITEMS_SHOWN]}
    return describe(obj)  # generators, callables: their words


def _as_array(obj) -> np.ndarray | None:
    if isinstance(obj, np.ndarray):
        return obj
    if type(obj).__module__.startswith("torch") and hasattr(obj, "detach") and hasattr(obj, "numpy"):
        tensor = obj.detach()
        return tensor.float().numpy() if str(tensor.dtype) == "torch.bfloat16" else tensor.numpy()
    return None


def _number(v):
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v
