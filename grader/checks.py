"""Stage 3, check: hidden tests that compare the student's functions with a reference.

A topic is a list of ``Check`` s. Most are ``Property`` checks: hypothesis
draws a ``Case`` (the arguments), the student's function runs in the sandbox,
and ``verify`` compares its answer with PyTorch/OpenCV computed here, in the
grader's own process. A failing case is shrunk (shape, then values) and
reported as the arguments, expected vs got, and the known misconception that
explains every failing output seen (``Evidence``).

Credit follows what works. A property with ``features`` (stride, padding,
float64, ...) that fails is searched again on its core alone and on the core
plus each feature; each earns its share (``CORE_SHARE``, ``FEATURES_SHARE``,
the rest for all of them together). A property with ``parts`` (value, eval
mode, no gradients, ...) credits each requirement the function never broke.
A correct function pays for one search only.
"""
from __future__ import annotations

import contextvars
import hashlib
import math
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch
from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import UnsatisfiedAssumption

from grader import feedback
from grader.cache import CaseCache, recall
from grader.sandbox.session import Outcome, Timings, TopicSession
from grader.sandbox.wire import Array

TOLERANCES = {  # dtype -> (rtol, atol per unit of magnitude), from the contract
    torch.float32: (1e-4, 1e-5),
    torch.float64: (1e-7, 1e-9),
    torch.float16: (1e-2, 1e-3),
}
SHRINK_FAILURES = 60  # failing calls allowed while shrinking, before we settle


LIKELY = "Likely mistake: "


@dataclass(frozen=True)
class Mistake:
    """A known mistake as the feedback names it: ``id`` is stable (``"<topic>.<name>"``, what the class
    summary counts), ``text`` is the words, which may change. ``str`` gives the feedback's line; a
    ``Failure`` whose words use it lists it in ``mistakes``."""

    id: str
    text: str

    def __str__(self) -> str:
        return LIKELY + self.text


def mistake_lines(mistakes) -> str:
    """The feedback's lines for ``mistakes``: "\n    Likely mistake: ..." each."""
    return "".join(f"\n    {mistake}" for mistake in mistakes)


_last_call: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("last call", default=None)


class Failure(Exception):
    """A check failed; ``str`` is the feedback. ``fatal`` stops further calls (child lost, or a stub).

    ``part`` names the requirement of a ``Property`` with ``parts`` that was broken;
    ``stub`` marks the failure of a call that reached the exercise's own ``raise NotImplementedError``.
    The feedback as data: ``mistakes`` are those its words name (each ``str(mistake)`` in them),
    ``call`` the student's function and the arguments it was last given when the failure was made,
    ``counterexample`` what was found wrong with the answer (``compare``: expected, got, the first
    difference). A failure raised while another is handled (a check adding words to it) keeps that
    one's data: its mistakes before its own, its call and counterexample unless it gives one.
    """

    def __init__(self, message: str, fatal: bool = False, part: str | None = None, stub: bool = False,
                 counterexample: dict | None = None, mistakes: tuple[Mistake, ...] = ()):
        super().__init__(message)
        self.fatal = fatal
        self.part = part
        self.stub = stub
        handled = sys.exc_info()[1]
        inherited = isinstance(handled, Failure)
        if counterexample is None and inherited:
            counterexample = handled.counterexample
        self.counterexample = counterexample
        self.call = handled.call if inherited else _last_call.get()
        self.mistakes = (handled.mistakes if inherited else ()) + tuple(mistakes)

    @property
    def not_implemented(self) -> bool:
        """The function is still a stub: this failure says so, or the one it extends (a check that adds
        to a failure's text raises the new one inside ``except Failure``, so that one is its context)."""
        failure = self
        while isinstance(failure, Failure):
            if failure.stub:
                return True
            failure = failure.__context__
        return False


class NotApplicable(Exception):
    """Raised by a ``Misconception.compute`` that says nothing about this case."""


@dataclass
class Case:
    """One set of arguments for a student function, as the grader holds them."""

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def as_positional(self, names: tuple[str, ...], defaults: dict) -> "Case":
        """The same call with its keyword options passed by position, in the contract's order ``names``
        (options left out before the last one given are passed as their ``defaults``)."""
        rest = names[len(self.args):]
        given = [name for name in rest if name in self.kwargs]
        if not given or set(self.kwargs) - set(rest):
            return self
        upto = rest[:rest.index(given[-1]) + 1]
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


@dataclass(frozen=True)
class Misconception:
    """A known mistake: ``compute(case)`` is what a function making it returns.

    ``id`` is its stable name in the catalogue (``"<topic>.<name>"``). ``compute`` raises
    ``NotApplicable`` when the mistake says nothing about the case; any other exception means the
    mistake crashes there, which matches a student's function that crashed on the same case.
    """

    id: str
    explanation: str
    compute: Callable[[Case], object]

    @property
    def mistake(self) -> Mistake:
        return Mistake(self.id, self.explanation)


def predictions_of(misconceptions: list[Misconception], case: Case, known_as: str) -> list[tuple[str, object]]:
    """Each mistake's answer on ``case``: ``("value", v)``, ``("not applicable", None)`` or ``("raised", None)``.

    ``known_as`` names the list (``"<module>.<LIST>"``): the answers are remembered under it (``grader.cache``).
    """
    def predict(case):
        answers = []
        for mistake in misconceptions:
            try:
                answers.append(("value", mistake.compute(case)))
            except NotApplicable:
                answers.append(("not applicable", None))
            except Exception:  # noqa: BLE001 -- the mistake crashes here
                answers.append(("raised", None))
        return answers
    return recall(known_as, predict, case)


# ------------------------------------------------------------------ printing

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


# ------------------------------------------------------------------ misconceptions

class Evidence:
    """What the failing cases of one search say about each known mistake.

    A mistake *fits* a failing case when it predicts the student's output there
    (or crashes where the student's code crashed); it is *ruled out* when it
    predicts anything else, the right answer included. Only a mistake that fits
    some case and is ruled out by none is named, so a case that cannot tell two
    mistakes apart never decides between them alone.
    """

    def __init__(self):
        self.fits: dict[str, Misconception] = {}  # by id, in the order they first fitted
        self.ruled_out: set[str] = set()

    def observe(self, misconceptions, case: Case, got: torch.Tensor, expected: torch.Tensor, scale=None):
        """The student returned ``got`` where ``expected`` was right."""
        for mistake in misconceptions:
            try:
                predicted = mistake.compute(case)
            except NotApplicable:
                continue
            except Exception:  # noqa: BLE001 -- a mistake that crashes cannot explain a returned value
                self._rule_out(mistake)
                continue
            if not isinstance(predicted, torch.Tensor):
                self._rule_out(mistake) if predicted is not None else None
                continue
            if _agrees(predicted, expected) or predicted.shape != got.shape:
                self._rule_out(mistake)
                continue
            fitting = first_difference(got.to(predicted.dtype), predicted,
                                       scale if scale is not None and scale.shape == predicted.shape else None)
            self._fit(mistake) if fitting[0] is None else self._rule_out(mistake)

    def observe_crash(self, misconceptions, case: Case):
        """The student's code raised on ``case`` (a valid input)."""
        for mistake in misconceptions:
            try:
                mistake.compute(case)
            except NotApplicable:
                continue
            except Exception:  # noqa: BLE001 -- the mistake crashes here too
                self._fit(mistake)
                continue
            # The mistake returns a value here, so it does not explain a crash.
            self._rule_out(mistake)

    def _fit(self, mistake):
        self.fits.setdefault(mistake.id, mistake)

    def _rule_out(self, mistake):
        self.ruled_out.add(mistake.id)

    def verdict(self) -> tuple[str, tuple[Mistake, ...]]:
        """The feedback line naming what the evidence supports ("" if nothing), and the mistake it names:
        none where the output fits several."""
        named = [m for id, m in self.fits.items() if id not in self.ruled_out]
        if len(named) == 1:
            return LIKELY + named[0].explanation, (named[0].mistake,)
        if named:
            return ("Your output fits more than one known mistake:\n"
                    + "\n".join(f"    - {m.explanation}" for m in named), ())
        return "", ()


def _agrees(predicted: torch.Tensor, expected) -> bool:
    return (isinstance(expected, torch.Tensor) and predicted.shape == expected.shape
            and first_difference(predicted.to(expected.dtype), expected)[0] is None)


# ------------------------------------------------------------------ running

class Context:
    """What a check needs while it runs: the sandbox, budgets, and what was seen."""

    def __init__(self, session: TopicSession, examples: int, cache: CaseCache | None = None):
        self.session = session
        self.examples = examples
        self.names_seen: dict[str, set[str]] = {}
        self.examples_run = 0
        self.evidence = Evidence()
        self.waived: frozenset[str] = frozenset()
        self.timings = session.timings if session else Timings()
        self.cache = cache or CaseCache.off()

    def call(self, function: str, case: Case, return_inputs: bool = False) -> Outcome:
        _last_call.set((function, case))
        outcome = self.session.call(function, *to_wire(case.args), return_inputs=return_inputs,
                                    **to_wire(case.kwargs))
        self.names_seen.setdefault(function, set()).update(outcome.names)
        return outcome

    def probe(self, function: str, probe: Callable, *args, **kwargs) -> Outcome:
        """Run ``probe`` (a function of ``grader.sandbox.probes``) on the student's module to test ``function``."""
        _last_call.set((function, Case(args, kwargs)))
        outcome = self.session.probe(probe, *to_wire(args), for_function=function, **to_wire(kwargs))
        self.names_seen.setdefault(function, set()).update(outcome.names)
        return outcome

    def require(self, part: str, holds: bool, message: str, mistakes: tuple[Mistake, ...] = ()):
        """``Failure`` for ``part`` unless it ``holds`` or was already found broken (see ``Property.parts``);
        ``mistakes``: those the ``message`` names."""
        if not holds and part not in self.waived:
            raise Failure(message, part=part, mistakes=mistakes)


@dataclass
class CheckResult:
    passed: bool
    feedback: str = ""
    examples: int = 0
    credit: float = 0.0  # the share of the check's points earned; 1.0 when passed
    not_implemented: bool = False  # failed because the function is still a stub
    # The feedback as data: what its renderers and the class summary read (``grader.feedback``).
    counterexample: dict | None = None  # the failing call shown (``feedback.counterexample``)
    mistakes: tuple[Mistake, ...] = ()  # the mistakes the feedback names, in order
    features: tuple[tuple[str, bool], ...] = ()  # the checklist shown: (feature or part, held)

    def __post_init__(self):
        if self.passed:
            self.credit = 1.0


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
        ctx.evidence = Evidence()
        _last_call.set(None)
        started = time.perf_counter()
        try:
            self.body(ctx)
        except Failure as failure:
            ctx.cache.discard()
            feedback, verdict = _with_verdict(str(failure), ctx.evidence)
            return CheckResult(False, feedback, 1, not_implemented=failure.not_implemented,
                               counterexample=_completed(failure), mistakes=_in_order(failure.mistakes + verdict))
        finally:
            ctx.timings.checking += time.perf_counter() - started
        ctx.cache.keep()  # the references of a passing check are every right submission's
        return CheckResult(True, "", 1)


CORE_SHARE, FEATURES_SHARE = 0.4, 0.4  # of a Property with features; the rest is for all features together
SUB_SEARCH_EXAMPLES = 50  # examples of each search restricted to the core or one feature


@dataclass
class Search:
    """One hypothesis search of a property: did it hold, and the shrunk failure if not."""

    passed: bool
    feedback: str
    calls: int
    parts: frozenset = frozenset()  # the parts of the failures seen (``Failure.part``); None for any other
    not_implemented: bool = False  # the failure is a stub's
    counterexample: dict | None = None
    mistakes: tuple[Mistake, ...] = ()


@dataclass
class Property(Check):
    """``verify(ctx, case)`` must hold for every case ``strategy`` draws.

    With ``features``, ``strategy`` is a function of the set of features to draw
    (``strategy(frozenset())`` draws the core only). With ``parts``, ``verify``
    checks each requirement through ``ctx.require(part, ...)``.
    """

    strategy: st.SearchStrategy | Callable[[frozenset], st.SearchStrategy] = None
    verify: Callable[[Context, Case], None] = None
    examples: int | None = None  # None: the topic's budget (at least 100 for array-valued properties)
    array_valued: bool = True  # False: a capped scenario (training runs, file I/O) or scalar results
    features: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()

    def _drawn(self, enabled) -> st.SearchStrategy:
        return self.strategy(frozenset(enabled)) if self.features else self.strategy

    def run(self, ctx: Context) -> CheckResult:
        budget = min(self.examples, ctx.examples) if self.examples else ctx.examples
        full = self.search(ctx, self._drawn(self.features), budget)
        if full.passed:
            return CheckResult(True, "", full.calls)
        if self.parts:
            return self._credit_parts(ctx, full, budget)
        if self.features:
            return self._credit_features(ctx, full, budget)
        return CheckResult(False, full.feedback, full.calls, not_implemented=full.not_implemented,
                           counterexample=full.counterexample, mistakes=full.mistakes)

    def _credit_features(self, ctx: Context, full: Search, budget: int) -> CheckResult:
        """Search the core alone, then the core plus each feature: each holding one earns its share."""
        small = min(budget, SUB_SEARCH_EXAMPLES)
        core = self.search(ctx, self._drawn(()), small, "core")
        calls = full.calls + core.calls
        if not core.passed:
            return CheckResult(False, f"{self.function}: core ✗ (see below); the features earn credit once the "
                                      f"core holds\ncore: {core.feedback}", calls, 0.0, core.not_implemented,
                               core.counterexample, core.mistakes, (("core", False),))
        verdicts, first_failure = ["core ✓"], None
        checklist = [("core", True)]
        held = 0
        for feature in self.features:
            one = self.search(ctx, self._drawn((feature,)), small, feature)
            calls += one.calls
            checklist.append((feature, one.passed))
            if one.passed:
                held += 1
                verdicts.append(f"{feature} ✓")
            else:
                verdicts.append(f"{feature} ✗" + ("" if first_failure else " (see below)"))
                first_failure = first_failure or (feature, one)
        credit = CORE_SHARE + FEATURES_SHARE * held / len(self.features)
        if first_failure is None:
            verdicts.append("all together ✗ (see below)")
            checklist.append(("all together", False))
            first_failure = ("all together", full)
        label, shown = first_failure
        feedback = f"{self.function}: {', '.join(verdicts)}\n{label}: {shown.feedback}"
        return CheckResult(False, feedback, calls, round(credit, 6), counterexample=shown.counterexample,
                           mistakes=shown.mistakes, features=tuple(checklist))

    def _credit_parts(self, ctx: Context, full: Search, budget: int) -> CheckResult:
        """Search again with the broken parts waived until nothing new breaks: the rest earn their shares."""
        broken, feedback, calls, search = set(), [], full.calls, full
        shown: list[Search] = []  # the searches whose feedback is shown
        while True:
            if None in search.parts or not search.parts:  # a failure no part explains: nothing is credited
                shown.append(search)
                return CheckResult(False, "\n".join(feedback + [search.feedback]), calls, 0.0,
                                   search.not_implemented and not feedback, shown[0].counterexample,
                                   _in_order(m for s in shown for m in s.mistakes))
            if search.parts <= broken:  # a waived part failed again (raised without ctx.require): stop here
                break
            broken |= set(search.parts)
            feedback.append(search.feedback)
            shown.append(search)
            ctx.waived = frozenset(broken)
            try:
                search = self.search(ctx, self._drawn(self.features), min(budget, SUB_SEARCH_EXAMPLES),
                                     "without " + ", ".join(sorted(broken)))
            finally:
                ctx.waived = frozenset()
            calls += search.calls
            if search.passed:
                break
        verdicts = [f"{part} {'✗' if part in broken else '✓'}" for part in self.parts]
        credit = sum(part not in broken for part in self.parts) / len(self.parts)
        return CheckResult(False, f"{self.function}: {', '.join(verdicts)}\n" + "\n".join(feedback),
                           calls, round(credit, 6), shown[0].counterexample,
                           _in_order(m for s in shown for m in s.mistakes),
                           tuple((part, part not in broken) for part in self.parts))

    def search(self, ctx: Context, strategy, budget: int, label: str = "") -> Search:
        """One derandomised search: the shrunk failure's feedback, with the mistake the evidence names.

        A search that passed before (on any submission) is replayed from ``ctx.cache`` first.
        """
        name = f"{self.id}/{label}/{budget}"
        replayed = self._replay(ctx, ctx.cache.cases(name))
        if replayed is not None:
            return replayed
        state = {"calls": 0, "failures": 0, "stop": False, "best": None, "parts": set(), "checking": 0.0}
        drawn = []
        started = time.perf_counter()
        ctx.evidence = evidence = Evidence()

        def attempt(case):
            if state["stop"]:
                return
            state["calls"] += 1
            drawn.append(case)
            checking = time.perf_counter()
            _last_call.set(None)
            try:
                self.verify(ctx, case)
            except Failure as failure:
                state["failures"] += 1
                state["best"] = failure
                state["counterexample"] = _completed(failure)
                state["parts"].add(failure.part)
                if failure.fatal or state["failures"] >= SHRINK_FAILURES:
                    state["stop"] = True
                raise
            finally:
                state["checking"] += time.perf_counter() - checking

        test = settings(
            max_examples=budget, database=None, deadline=None, derandomize=False,
            suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet,
            report_multiple_bugs=False, phases=(Phase.explicit, Phase.generate, Phase.shrink),
        )(seed(_stable_seed(f"{self.id}/{label}" if label else self.id))(given(strategy)(attempt)))
        try:
            test()
        except Exception:  # noqa: BLE001 -- the failure we want is in state["best"]
            if state["best"] is None:
                raise
        ctx.examples_run += state["calls"]
        ctx.timings.checking += state["checking"]
        ctx.timings.generation += time.perf_counter() - started - state["checking"]
        if state["best"] is None:
            ctx.cache.record(name, drawn)
            ctx.cache.keep()
            return Search(True, "", state["calls"])
        ctx.cache.discard()
        feedback, verdict = _with_verdict(str(state["best"]), evidence)
        return Search(False, feedback, state["calls"], frozenset(state["parts"]), state["best"].not_implemented,
                      state["counterexample"], _in_order(state["best"].mistakes + verdict))

    def _replay(self, ctx: Context, cases: list | None) -> Search | None:
        """The passing search ``cases`` were recorded from, if every one passes again; else None."""
        if cases is None:
            return None
        started = time.perf_counter()
        try:
            for case in cases:
                try:
                    self.verify(ctx, case)
                except UnsatisfiedAssumption:  # the search drew it and rejected it the same way
                    continue
        except Failure:
            ctx.cache.discard()
            return None
        finally:
            ctx.evidence = Evidence()
            ctx.timings.checking += time.perf_counter() - started
        ctx.cache.keep()
        ctx.examples_run += len(cases)
        return Search(True, "", len(cases))


def _with_verdict(feedback: str, evidence: Evidence) -> tuple[str, tuple[Mistake, ...]]:
    """The feedback with the evidence's verdict added, and the mistake the verdict names."""
    verdict, named = evidence.verdict()
    return (f"{feedback}\n    {verdict}" if verdict else feedback), named


def _completed(failure: Failure) -> dict | None:
    """The failing call as data (``feedback.counterexample``); None where the failure follows no call."""
    if failure.call is None:
        return None
    function, case = failure.call
    return feedback.counterexample(function, case.args, case.kwargs, failure.counterexample)


def _in_order(mistakes) -> tuple[Mistake, ...]:
    """``mistakes`` without repeats (by id), in order."""
    return tuple({m.id: m for m in reversed(list(mistakes))}.values())[::-1]


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
        if _is_stub(error):  # fatal: one call tells all, there is nothing to shrink
            raise Failure(not_implemented(function), fatal=True, stub=True)
        elif error.get("type") == "MemoryError" or "allocate memory" in error.get("message", ""):
            text = (f"`{function}` ran out of memory: it hit the grader's memory limit "
                    "(a tensor far larger than the inputs need, or an unbounded list)")
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
    found = {"expected": expected, "got": got}
    if exact_dtype and got.dtype != expected.dtype:
        raise Failure(f"{what} of `{function}` has dtype {_dt(got)}; expected {_dt(expected)} "
                      "(results keep the input's dtype)", counterexample=found)
    if tuple(got.shape) != tuple(expected.shape):
        raise Failure(f"{what} of `{function}` has shape {tuple(got.shape)}; expected {tuple(expected.shape)}",
                      counterexample=found)
    index, detail = first_difference(got, expected, scale)
    if index is not None:
        raise Failure(f"{what} of `{function}` is wrong: {detail}", counterexample=dict(found, index=index))


def first_difference(got: torch.Tensor, expected: torch.Tensor, scale=None):
    """(index, words) of the first element outside tolerance, or (None, "")."""
    if got.dtype == expected.dtype and got.shape == expected.shape and torch.equal(got, expected):
        return None, ""  # the common case, cheaply
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
    shown_expected, shown_got = numbers_apart(e[index], g[index])
    text = f"{where} expected {shown_expected}, got {shown_got}{extra}"
    if 1 < e.numel() <= SHOWN_ELEMENTS:
        text += f"\n    expected: {values_text(e.numpy())}\n    got:      {values_text(g.numpy())}"
    return index, text


def _dt(t: torch.Tensor) -> str:
    return str(t.dtype).replace("torch.", "")


def check_array_call(ctx: Context, function: str, case: Case, expected: torch.Tensor, *,
                     scale: torch.Tensor | None = None, misconceptions=(), arg_names=(),
                     check_inputs: bool = True) -> torch.Tensor:
    """Call ``function`` on ``case`` and demand a tensor equal to ``expected``.

    What a wrong answer (or a crash) says about ``misconceptions`` goes to ``ctx.evidence``.
    """
    outcome = ctx.call(function, case, return_inputs=check_inputs)
    try:
        if crashed(outcome):
            ctx.evidence.observe_crash(misconceptions, case)
        got = as_tensor(outcome_value(outcome, function), function)
        try:
            compare(got, expected, scale=scale, function=function)
        except Failure:
            ctx.evidence.observe(misconceptions, case, got, expected,
                                 scale if got.shape == expected.shape else None)
            raise
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
        raise Failure(not_implemented(function), stub=True)
    if outcome.status in ("missing", "killed", "broken"):
        outcome_value(outcome, function)
    got = f"raised {outcome.error.get('type')}" if outcome.status == "raised" else "returned normally"
    raise Failure(f"`{function}` should raise {exception} {why}, but it {got}.\n"
                  f"    Input: {case.describe(arg_names)}")


def raises_value_error(id: str, title: str, function: str, cases, arg_names=(), weight: float = 1.0,
                       misconceptions=()) -> Scripted:
    """A check that every ``(make_case, why)`` of ``cases`` makes ``function`` raise ValueError.

    What the function did instead (a value, another exception) goes to ``ctx.evidence`` for
    ``misconceptions`` such as "the shapes are not checked".
    """
    def body(ctx):
        for make_case, why in cases:
            case = make_case()
            try:
                check_raises(ctx, function, case, "ValueError", why, arg_names)
            except Failure as failure:
                if misconceptions and not failure.fatal:  # call again: check_raises keeps no outcome
                    outcome = ctx.call(function, case)
                    if crashed(outcome):
                        ctx.evidence.observe_crash(misconceptions, case)
                    elif outcome.ok and isinstance(outcome.value, Array) and outcome.value.kind == "tensor":
                        ctx.evidence.observe(misconceptions, case, torch.from_numpy(outcome.value.data.copy()), None)
                raise
    return Scripted(id, title, function, weight, body=body)
