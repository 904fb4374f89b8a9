"""What an answer is: the value an outcome holds, a tensor or array, equal to the reference or not.

``compare`` is the one comparison of a result with its reference, to the contract's ``TOLERANCES``;
its ``Failure`` carries what it found (expected, got, the first difference) for the report.
"""

from __future__ import annotations

import numpy as np
import torch

from grader.checks.cases import SHOWN_ELEMENTS, numbers_apart, values_text
from grader.checks.failure import Failure
from grader.sandbox.session import Outcome
from grader.sandbox.wire import Array, special

TOLERANCES = {  # dtype -> (rtol, atol per unit of magnitude), from the contract
    torch.float32: (1e-4, 1e-5),
    torch.float64: (1e-7, 1e-9),
    torch.float16: (1e-2, 1e-3),
}


def allowed_error(expected, scale, dtype: torch.dtype):
    """How far an answer may lie from ``expected`` (a number or a tensor) of magnitude ``scale``: the
    contract's tolerance for ``dtype`` (float64's for any other dtype)."""
    rtol, atol = TOLERANCES.get(dtype, TOLERANCES[torch.float64])
    return atol * scale + rtol * abs(expected)


def outcome_value(outcome: Outcome, function: str):
    """The value a call returned, or a ``Failure`` that says why there is none."""
    if outcome.ok:
        return outcome.value
    if outcome.status == "missing":
        raise Failure(
            f"`{function}` is missing: {outcome.error['message']}. "
            "Keep the function name and signature of the exercise."
        )
    if outcome.status == "raised":
        error = outcome.error or {}
        text = f"`{function}` raised {error.get('type', 'an exception')}: {error.get('message', '')}".rstrip(": ")
        if _is_stub(error):  # fatal: one call tells all, there is nothing to shrink
            raise Failure(not_implemented(function), fatal=True, stub=True)
        elif error.get("type") == "MemoryError" or "allocate memory" in error.get("message", ""):
            text = (
                f"`{function}` ran out of memory: it hit the grader's memory limit "
                "(a tensor far larger than the inputs need, or an unbounded list)"
            )
        if error.get("where"):
            text += f"\n    at {error['where']}"
            if error.get("line"):
                text += f": {error['line'].strip()}"
        raise Failure(text)
    raise Failure(f"`{function}` did not return: {outcome.message}", fatal=True)


def crashed(outcome: Outcome) -> bool:
    """The student's code raised (a stub's NotImplementedError is not a crash)."""
    return outcome.status == "raised" and not _is_stub(outcome.error or {})


def not_implemented(function: str) -> str:
    return f"`{function}` is not implemented yet (it still raises NotImplementedError)"


def _is_stub(error: dict) -> bool:
    """A stub's own ``raise NotImplementedError`` (not one PyTorch raised for an unsupported op)."""
    return error.get("type") == "NotImplementedError" and "raise NotImplementedError" in (error.get("line") or "")


def as_tensor(value, function: str, what: str = "the result") -> torch.Tensor:
    """The returned value as a tensor, or a ``Failure`` naming what came back instead."""
    if isinstance(value, Array):
        if value.kind != "tensor":
            raise Failure(
                f"`{function}` returned a NumPy array as {what}; return a torch.Tensor "
                "(torch.from_numpy or torch.as_tensor convert one)"
            )
        if value.requires_grad:
            raise Failure(
                f"{what} of `{function}` requires grad although no input does: "
                "build it from the inputs, not from new nn.Parameter or requires_grad tensors"
            )
        return torch.from_numpy(value.data.copy())
    raise Failure(f"`{function}` returned {_kind(value)} as {what}; expected a torch.Tensor")


def as_ndarray(value, function: str, what: str = "the result") -> np.ndarray:
    if isinstance(value, Array):
        if value.kind != "ndarray":
            raise Failure(f"`{function}` returned a torch.Tensor as {what}; return a NumPy array")
        return value.data
    raise Failure(f"`{function}` returned {_kind(value)} as {what}; expected a NumPy array")


def _kind(value) -> str:
    kind = special(value)
    if kind is not None:
        name = kind[1][0] if kind[1] else kind[0]
        return f"a {name}" if kind[0] != "numpy_scalar" else f"a NumPy scalar ({name})"
    if value is None:
        return "None (did you forget `return`?)"
    return f"a {type(value).__name__}"


def compare(
    got: torch.Tensor,
    expected: torch.Tensor,
    *,
    scale: torch.Tensor | None = None,
    function: str,
    what: str = "the result",
    exact_dtype: bool = True,
) -> None:
    """Raise ``Failure`` unless ``got`` equals ``expected`` to the contract's tolerance.

    ``scale`` is the magnitude of the terms behind each output (same shape as
    ``expected``); the absolute tolerance is proportional to it.
    """
    found = {"expected": expected, "got": got}
    if exact_dtype and got.dtype != expected.dtype:
        raise Failure(
            f"{what} of `{function}` has dtype {_dt(got)}; expected {_dt(expected)} (results keep the input's dtype)",
            counterexample=found,
        )
    if tuple(got.shape) != tuple(expected.shape):
        raise Failure(
            f"{what} of `{function}` has shape {tuple(got.shape)}; expected {tuple(expected.shape)}",
            counterexample=found,
        )
    index, detail = first_difference(got, expected, scale)
    if index is not None:
        raise Failure(f"{what} of `{function}` is wrong: {detail}", counterexample=dict(found, index=index))


def first_difference(got: torch.Tensor, expected: torch.Tensor, scale=None):
    """(index, words) of the first element outside tolerance, or (None, "")."""
    if got.dtype == expected.dtype and got.shape == expected.shape and torch.equal(got, expected):
        return None, ""  # the common case, cheaply
    g, e = got.detach().to(torch.float64), expected.detach().to(torch.float64)
    if scale is None:
        scale = torch.ones_like(e)
    s = scale.detach().to(torch.float64).abs()
    with np.errstate(all="ignore"):
        finite = torch.isfinite(e)
        close = (
            (g == e)
            | (torch.isnan(g) & torch.isnan(e))
            | (finite & ((g - e).abs() <= allowed_error(e, torch.where(torch.isfinite(s), s, 0), expected.dtype)))
        )
    if bool(close.all()):
        return None, ""
    bad = (~close).nonzero()
    index = tuple(int(i) for i in bad[0])
    where = f"at index {list(index)}" if index else "the value"
    count = int(bad.shape[0])
    extra = f" ({count} of {e.numel()} values differ)" if count > 1 else ""
    shown_expected, shown_got = numbers_apart(e[index], g[index])
    text = f"{where} expected {shown_expected}, got {shown_got}{extra}"
    if 1 < e.numel() <= SHOWN_ELEMENTS:
        text += f"\n    expected: {values_text(e.numpy())}\n    got:      {values_text(g.numpy())}"
    return index, text


def _dt(t: torch.Tensor) -> str:
    return str(t.dtype).replace("torch.", "")
