"""Stage 3, check: hidden tests that compare the student's functions with a reference.

A topic is a list of ``Check`` s. Most are ``Property`` checks: hypothesis
draws a ``Case`` (the arguments), the student's function runs in the sandbox,
and ``verify`` compares its answer with PyTorch/OpenCV computed here, in the
grader's own process. A failing case is shrunk and reported as the arguments
(shapes, dtypes, scalars), the first differing position, and the name of a
known misconception when one explains the student's output.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch
from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st

from grader.sandbox.session import Outcome, TopicSession
from grader.sandbox.wire import Array

TOLERANCES = {  # dtype -> (rtol, atol per unit of magnitude), from the contract
    torch.float32: (1e-4, 1e-5),
    torch.float64: (1e-7, 1e-9),
    torch.float16: (1e-2, 1e-3),
}
SHRINK_FAILURES = 60  # failing calls allowed while shrinking, before we settle


class Failure(Exception):
    """A check failed; ``str`` is the feedback. ``fatal`` stops further calls (child lost)."""

    def __init__(self, message: str, fatal: bool = False):
        super().__init__(message)
        self.fatal = fatal


@dataclass
class Case:
    """One set of arguments for a student function, as the grader holds them."""

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

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


@dataclass(frozen=True)
class Misconception:
    """A known mistake: ``compute`` gives the output it would produce on a case."""

    explanation: str
    compute: Callable[[Case], object]


def describe(value) -> str:
    """Short words for a value: shapes and dtypes for arrays, values for tiny ones."""
    if isinstance(value, torch.Tensor):
        text = f"{str(value.dtype).replace('torch.', '')} tensor of shape {tuple(value.shape)}"
        if value.numel() <= 6:
            text += f" {value.tolist()}"
        return text
    if isinstance(value, np.ndarray):
        text = f"{value.dtype} array of shape {value.shape}"
        if value.size <= 6:
            text += f" {value.tolist()}"
        return text
    if isinstance(value, Generator):
        return f"torch.Generator().manual_seed({value.seed})"
    if isinstance(value, Affine):
        return f"lambda x: {value.a:g} * x + {value.b:g}"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)) and len(value) > 6:
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


# ------------------------------------------------------------------ running

class Context:
    """What a check needs while it runs: the sandbox, budgets, and what was seen."""

    def __init__(self, session: TopicSession, examples: int):
        self.session = session
        self.examples = examples
        self.names_seen: dict[str, set[str]] = {}
        self.examples_run = 0

    def call(self, function: str, case: Case, return_inputs: bool = False) -> Outcome:
        outcome = self.session.call(function, *to_wire(case.args), return_inputs=return_inputs,
                                    **to_wire(case.kwargs))
        self.names_seen.setdefault(function, set()).update(outcome.names)
        return outcome

    def probe(self, function: str, probe: str, *args, **kwargs) -> Outcome:
        outcome = self.session.probe(probe, *to_wire(args), **to_wire(kwargs))
        self.names_seen.setdefault(function, set()).update(outcome.names)
        return outcome


@dataclass
class CheckResult:
    passed: bool
    feedback: str = ""
    examples: int = 0


@dataclass
class Check:
    """One hidden test. ``function`` is the student function whose points it carries."""

    id: str
    title: str
    function: str
    weight: float = 1.0

    def run(self, ctx: Context) -> CheckResult:
        raise NotImplementedError


@dataclass
class Scripted(Check):
    """A fixed scenario: ``body(ctx)`` raises ``Failure`` when the student's code is wrong."""

    body: Callable[[Context], None] = None

    def run(self, ctx: Context) -> CheckResult:
        try:
            self.body(ctx)
        except Failure as failure:
            return CheckResult(False, str(failure), 1)
        return CheckResult(True, "", 1)


@dataclass
class Property(Check):
    """``verify(ctx, case)`` must hold for every case ``strategy`` draws."""

    strategy: st.SearchStrategy = None
    verify: Callable[[Context, Case], None] = None
    examples: int | None = None  # None: the topic's budget (at least 100 for array-valued properties)
    array_valued: bool = True  # False: a capped scenario (training runs, file I/O) or scalar results

    def run(self, ctx: Context) -> CheckResult:
        budget = min(self.examples, ctx.examples) if self.examples else ctx.examples
        state = {"calls": 0, "failures": 0, "stop": False, "best": None}

        def attempt(case):
            if state["stop"]:
                return
            state["calls"] += 1
            try:
                self.verify(ctx, case)
            except Failure as failure:
                state["failures"] += 1
                state["best"] = failure
                if failure.fatal or state["failures"] >= SHRINK_FAILURES:
                    state["stop"] = True
                raise

        test = settings(
            max_examples=budget, database=None, deadline=None, derandomize=False,
            suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet,
            report_multiple_bugs=False, phases=(Phase.explicit, Phase.generate, Phase.shrink),
        )(seed(_stable_seed(self.id))(given(self.strategy)(attempt)))
        try:
            test()
        except Exception:  # noqa: BLE001 -- the failure we want is in state["best"]
            if state["best"] is None:
                raise
        ctx.examples_run += state["calls"]
        if state["best"] is not None:
            return CheckResult(False, str(state["best"]), state["calls"])
        return CheckResult(True, "", state["calls"])


def _stable_seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


# ------------------------------------------------------------------ verdicts

def outcome_value(outcome: Outcome, function: str):
    """The value a call returned, or a ``Failure`` that says why there is none."""
    if outcome.ok:
        return outcome.value
    if outcome.status == "missing":
        raise Failure(f"`{function}` is missing: {outcome.error['message']}. "
                      "Keep the function name and signature of the exercise.")
    if outcome.status == "raised":
        error = outcome.error or {}
        text = f"`{function}` raised {error.get('type', 'an exception')}: {error.get('message', '')}".rstrip(": ")
        if _is_stub(error):
            text = f"`{function}` is not implemented yet (it still raises NotImplementedError)"
        elif error.get("type") == "MemoryError" or "allocate memory" in error.get("message", ""):
            text = (f"`{function}` ran out of memory: it hit the grader's memory limit "
                    "(a tensor far larger than the inputs need, or an unbounded list)")
        if error.get("where"):
            text += f"\n    at {error['where']}"
            if error.get("line"):
                text += f": {error['line'].strip()}"
        raise Failure(text)
    raise Failure(f"`{function}` did not return: {outcome.message}", fatal=True)


def _is_stub(error: dict) -> bool:
    """A stub's own ``raise NotImplementedError`` (not one PyTorch raised for an unsupported op)."""
    return error.get("type") == "NotImplementedError" and "raise NotImplementedError" in (error.get("line") or "")


def as_tensor(value, function: str, what: str = "the result") -> torch.Tensor:
    """The returned value as a tensor, or a ``Failure`` naming what came back instead."""
    if isinstance(value, Array):
        if value.kind != "tensor":
            raise Failure(f"`{function}` returned a NumPy array as {what}; return a torch.Tensor "
                          "(torch.from_numpy or torch.as_tensor convert one)")
        if value.requires_grad:
            raise Failure(f"{what} of `{function}` requires grad although no input does: "
                          "build it from the inputs, not from new nn.Parameter or requires_grad tensors")
        return torch.from_numpy(value.data.copy())
    raise Failure(f"`{function}` returned {_kind(value)} as {what}; expected a torch.Tensor")


def as_ndarray(value, function: str, what: str = "the result") -> np.ndarray:
    if isinstance(value, Array):
        if value.kind != "ndarray":
            raise Failure(f"`{function}` returned a torch.Tensor as {what}; return a NumPy array")
        return value.data
    raise Failure(f"`{function}` returned {_kind(value)} as {what}; expected a NumPy array")


def _kind(value) -> str:
    if isinstance(value, dict) and "$special" in value:
        kind, name = value["$special"][0], value["$special"][1]
        return f"a {name}" if kind != "numpy_scalar" else f"a NumPy scalar ({name})"
    if value is None:
        return "None (did you forget `return`?)"
    return f"a {type(value).__name__}"


def compare(got: torch.Tensor, expected: torch.Tensor, *, scale: torch.Tensor | None = None,
            function: str, what: str = "the result", exact_dtype: bool = True) -> None:
    """Raise ``Failure`` unless ``got`` equals ``expected`` to the contract's tolerance.

    ``scale`` is the magnitude of the terms behind each output (same shape as
    ``expected``); the absolute tolerance is proportional to it.
    """
    if exact_dtype and got.dtype != expected.dtype:
        raise Failure(f"{what} of `{function}` has dtype {_dt(got)}; expected {_dt(expected)} "
                      "(results keep the input's dtype)")
    if tuple(got.shape) != tuple(expected.shape):
        raise Failure(f"{what} of `{function}` has shape {tuple(got.shape)}; expected {tuple(expected.shape)}")
    index, detail = first_difference(got, expected, scale)
    if index is not None:
        raise Failure(f"{what} of `{function}` is wrong: {detail}")


def first_difference(got: torch.Tensor, expected: torch.Tensor, scale=None):
    """(index, words) of the first element outside tolerance, or (None, "")."""
    g, e = got.detach().to(torch.float64), expected.detach().to(torch.float64)
    rtol, atol = TOLERANCES.get(expected.dtype, (1e-7, 1e-9))
    if scale is None:
        scale = torch.ones_like(e)
    s = scale.detach().to(torch.float64).abs()
    with np.errstate(all="ignore"):
        finite = torch.isfinite(e)
        close = (g == e) | (torch.isnan(g) & torch.isnan(e)) | (
            finite & ((g - e).abs() <= atol * torch.where(torch.isfinite(s), s, 0) + rtol * e.abs()))
    if bool(close.all()):
        return None, ""
    bad = (~close).nonzero()
    index = tuple(int(i) for i in bad[0])
    where = f"at index {list(index)}" if index else "the value"
    count = int(bad.shape[0])
    extra = f" ({count} of {e.numel()} values differ)" if count > 1 else ""
    return index, f"{where} expected {_num(e[index])}, got {_num(g[index])}{extra}"


def _num(value) -> str:
    v = float(value)
    return repr(v) if math.isnan(v) or math.isinf(v) else f"{v:.7g}"


def _dt(t: torch.Tensor) -> str:
    return str(t.dtype).replace("torch.", "")


def explain(got: torch.Tensor, case: Case, misconceptions, scale=None, expected=None) -> str:
    """The explanation of the first misconception whose output matches ``got``.

    A misconception that agrees with ``expected`` on this case cannot be what went wrong.
    """
    for misconception in misconceptions:
        try:
            predicted = misconception.compute(case)
        except Exception:  # noqa: BLE001 -- a misconception may not apply to this case
            continue
        if not isinstance(predicted, torch.Tensor) or predicted.shape != got.shape:
            continue
        if expected is not None and predicted.shape == expected.shape and \
                first_difference(predicted.to(expected.dtype), expected)[0] is None:
            continue
        if first_difference(got.to(predicted.dtype), predicted, scale if scale is not None and scale.shape == predicted.shape else None)[0] is None:
            return misconception.explanation
    return ""


def distinct(mistakes, reference):
    """``mistakes`` that stay silent on a case where they agree with ``reference(case)``.

    For topics that call ``explain`` without the expected value: a misconception that gives
    the right answer on the failing case (say leaky ReLU on ``x = 0``) cannot be what went wrong.
    """
    def wrap(mistake):
        def compute(case):
            predicted, expected = mistake.compute(case), reference(case)
            if (isinstance(predicted, torch.Tensor) and predicted.shape == expected.shape
                    and first_difference(predicted, expected)[0] is None):
                return None
            return predicted
        return Misconception(mistake.explanation, compute)
    return [wrap(mistake) for mistake in mistakes]


def check_array_call(ctx: Context, function: str, case: Case, expected: torch.Tensor, *,
                     scale: torch.Tensor | None = None, misconceptions=(), arg_names=(),
                     check_inputs: bool = True) -> torch.Tensor:
    """Call ``function`` on ``case`` and demand a tensor equal to ``expected``."""
    outcome = ctx.call(function, case, return_inputs=check_inputs)
    try:
        got = as_tensor(outcome_value(outcome, function), function)
        try:
            compare(got, expected, scale=scale, function=function)
        except Failure as failure:
            same_shape = got.shape == expected.shape
            hint = explain(got, case, misconceptions, scale if same_shape else None, expected)
            raise Failure(str(failure) + (f"\n    Likely mistake: {hint}" if hint else "")) from None
        if check_inputs:
            inputs_unchanged(outcome, case, function)
    except Failure as failure:
        raise Failure(f"{failure}\n    Input: {case.describe(arg_names)}", failure.fatal) from None
    return got


def inputs_unchanged(outcome: Outcome, case: Case, function: str):
    """``Failure`` if the student modified an input array in place."""
    originals = [v for v in list(case.args) + list(case.kwargs.values()) if isinstance(v, (torch.Tensor, np.ndarray))]
    after = outcome.inputs_after or []
    for original, now in zip(originals, after):
        if not isinstance(now, Array):
            continue
        before = original.detach().numpy() if isinstance(original, torch.Tensor) else original
        if before.shape != now.data.shape or not np.array_equal(before, now.data, equal_nan=True):
            raise Failure(f"`{function}` modified its input in place ({describe(original)}); "
                          "compute a new tensor instead (e.g. `x * mask`, not `x *= mask` or `x[...] = 0`)")


def check_raises(ctx: Context, function: str, case: Case, exception: str = "ValueError", why: str = "",
                 arg_names=()):
    """Demand that ``function`` raises ``exception`` on ``case``."""
    outcome = ctx.call(function, case)
    if outcome.status == "raised" and (outcome.error or {}).get("type") == exception:
        return
    if outcome.status == "raised" and _is_stub(outcome.error or {}):
        raise Failure(f"`{function}` is not implemented yet (it still raises NotImplementedError)")
    if outcome.status in ("missing", "killed", "broken"):
        outcome_value(outcome, function)
    got = f"raised {outcome.error.get('type')}" if outcome.status == "raised" else "returned normally"
    raise Failure(f"`{function}` should raise {exception} {why}, but it {got}.\n"
                  f"    Input: {case.describe(arg_names)}")


def raises_value_error(id: str, title: str, function: str, cases, arg_names=(), weight: float = 1.0) -> Scripted:
    """A check that every ``(make_case, why)`` of ``cases`` makes ``function`` raise ValueError."""
    def body(ctx):
        for make_case, why in cases:
            check_raises(ctx, function, make_case(), "ValueError", why, arg_names)
    return Scripted(id, title, function, weight, body=body)
