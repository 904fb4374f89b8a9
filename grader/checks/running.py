"""Running checks: a ``Context`` over the sandbox, ``Scripted`` scenarios and ``Property`` searches
with credit per feature or per part; each gives a ``CheckResult`` (words and data)."""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import UnsatisfiedAssumption

from grader.cache import CaseCache
from grader.checks import feedback
from grader.checks.cases import Case, to_wire
from grader.checks.failure import Failure, Mistake, _last_call
from grader.checks.mistakes import Evidence
from grader.sandbox.session import Outcome, Timings, TopicSession

SHRINK_FAILURES = 60  # failing calls allowed while shrinking, before we settle


@dataclass
class Attempt:
    """One search, replay or scenario: the ``Evidence`` its failures gather, and whether it ``passed``."""

    evidence: Evidence
    passed: bool = False


class Context:
    """What a check needs while it runs: the sandbox, budgets, and what was seen.

    ``evidence`` and ``waived`` change only through the context managers below, so that no check can
    leave them (or the cache's pending references) in a state the next one inherits.
    """

    def __init__(self, session: TopicSession, examples: int, cache: CaseCache | None = None):
        self.session = session
        self.examples = examples
        self.names_seen: dict[str, set[str]] = {}
        self.examples_run = 0
        self.evidence = Evidence()
        self.waived: frozenset[str] = frozenset()
        self.known_wrong: frozenset[str] = frozenset()  # functions that failed an earlier check of the topic
        self.replaced: dict[str, set[str]] = {}  # function -> its callees replaced by the grader's versions
        self.timings = session.timings if session else Timings()
        self.cache = cache or CaseCache.off()

    @contextlib.contextmanager
    def attempt(self):
        """A fresh ``Evidence`` for one search, replay or scenario. The references computed inside are
        kept for later grades if the block sets ``attempt.passed`` (a passing check's references are every
        right submission's), and for this grade only otherwise."""
        attempt = Attempt(Evidence())
        self.evidence = attempt.evidence
        try:
            yield attempt
        finally:
            self.evidence = Evidence()
            (self.cache.keep if attempt.passed else self.cache.discard)()

    @contextlib.contextmanager
    def evidence_apart(self):
        """A fresh ``Evidence`` for the block, dropped after it: what the block sees may mislead."""
        kept, self.evidence = self.evidence, Evidence()
        try:
            yield
        finally:
            self.evidence = kept

    @contextlib.contextmanager
    def waiving(self, parts):
        """``require`` lets ``parts`` (already found broken) pass inside the block."""
        self.waived = frozenset(parts)
        try:
            yield
        finally:
            self.waived = frozenset()

    def _trusted(self, function: str, callees) -> tuple[str, ...]:
        """The ``callees`` of ``function`` already known wrong: the call gets the grader's versions of them
        (``grader.sandbox.trusted``), so that their mistake is charged to their own tests only."""
        trusted = tuple(sorted(set(callees) & self.known_wrong))
        if trusted:
            self.replaced.setdefault(function, set()).update(trusted)
        return trusted

    def call(self, function: str, case: Case, return_inputs: bool = False, callees=()) -> Outcome:
        """``function`` on ``case`` in the sandbox; ``callees``: the student functions it calls (see ``_trusted``)."""
        _last_call.set((function, case))
        outcome = self.session.call(
            function,
            *to_wire(case.args),
            return_inputs=return_inputs,
            trusted=self._trusted(function, callees),
            **to_wire(case.kwargs),
        )
        self.names_seen.setdefault(function, set()).update(outcome.names)
        return outcome

    def probe(self, function: str, probe: Callable, *args, callees=(), **kwargs) -> Outcome:
        """Run ``probe`` (a function of ``grader.sandbox.probes``) on the student's module to test ``function``
        (``callees`` as in ``call``)."""
        _last_call.set((function, Case(args, kwargs)))
        outcome = self.session.probe(
            probe, *to_wire(args), for_function=function, trusted=self._trusted(function, callees), **to_wire(kwargs)
        )
        self.names_seen.setdefault(function, set()).update(outcome.names)
        return outcome

    def require(
        self, part: str, holds: bool, message: str, mistakes: tuple[Mistake, ...] = (), found: dict | None = None
    ):
        """``Failure`` for ``part`` unless it ``holds`` or was already found broken (see ``Property.parts``);
        ``mistakes``: those the ``message`` names; ``found``: the answers compared (``expected``, ``got``)."""
        if not holds and part not in self.waived:
            raise Failure(message, part=part, mistakes=mistakes, counterexample=found)


@dataclass
class CheckResult:
    passed: bool
    feedback: str = ""
    examples: int = 0
    credit: float = 0.0  # the share of the check's points earned; 1.0 when passed
    not_implemented: bool = False  # failed because the function is still a stub
    # The feedback as data: what its renderers and the class summary read (``grader.checks.feedback``).
    counterexample: dict | None = None  # the failing call shown (``feedback.counterexample``)
    mistakes: tuple[Mistake, ...] = ()  # the mistakes the feedback names, in order
    features: tuple[tuple[str, bool], ...] = ()  # the checklist shown: (feature or part, held)
    illustration: dict | None = None  # the function on a real input (``feedback.illustration``)

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
        _last_call.set(None)
        started = time.perf_counter()
        with ctx.attempt() as attempt:
            try:
                self.body(ctx)
            except Failure as failure:
                feedback, verdict = _with_verdict(str(failure), attempt.evidence)
                return CheckResult(
                    False,
                    feedback,
                    1,
                    not_implemented=failure.not_implemented,
                    counterexample=_completed(failure),
                    mistakes=_in_order(failure.mistakes + verdict),
                )
            finally:
                ctx.timings.checking += time.perf_counter() - started
            attempt.passed = True
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
    core_part: str | None = None  # a part without which the others earn nothing (the function's central result)
    part_weights: dict[str, float] = field(default_factory=dict)  # a part's weight among the parts (default 1)

    def __post_init__(self):
        unknown = ({self.core_part} - {None}) | set(self.part_weights)
        if not unknown <= set(self.parts):
            raise ValueError(
                f"{self.id}: core_part and part_weights name parts {sorted(unknown - set(self.parts))} "
                f"that are not among its parts {self.parts}"
            )

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
        return CheckResult(
            False,
            full.feedback,
            full.calls,
            not_implemented=full.not_implemented,
            counterexample=full.counterexample,
            mistakes=full.mistakes,
        )

    def _credit_features(self, ctx: Context, full: Search, budget: int) -> CheckResult:
        """Search the core alone, then the core plus each feature: each holding one earns its share."""
        small = min(budget, SUB_SEARCH_EXAMPLES)
        core = self.search(ctx, self._drawn(()), small, "core")
        calls = full.calls + core.calls
        if not core.passed:
            return CheckResult(
                False,
                f"{self.function}: core ✗ (see below); the features earn credit once the "
                f"core holds\ncore: {core.feedback}",
                calls,
                0.0,
                core.not_implemented,
                counterexample=core.counterexample,
                mistakes=core.mistakes,
                features=(("core", False),),
            )
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
        return CheckResult(
            False,
            feedback,
            calls,
            round(credit, 6),
            counterexample=shown.counterexample,
            mistakes=shown.mistakes,
            features=tuple(checklist),
        )

    def _credit_parts(self, ctx: Context, full: Search, budget: int) -> CheckResult:
        """Search again with the broken parts waived until nothing new breaks: the rest earn their shares."""
        broken, feedback, calls, search = set(), [], full.calls, full
        shown: list[Search] = []  # the searches whose feedback is shown
        while True:
            if None in search.parts or not search.parts:  # a failure no part explains: nothing is credited
                shown.append(search)
                return CheckResult(
                    False,
                    "\n".join(feedback + [search.feedback]),
                    calls,
                    0.0,
                    search.not_implemented and not feedback,
                    counterexample=shown[0].counterexample,
                    mistakes=_in_order(m for s in shown for m in s.mistakes),
                )
            if search.parts <= broken:  # a waived part failed again (raised without ctx.require): stop here
                break
            broken |= set(search.parts)
            feedback.append(search.feedback)
            shown.append(search)
            if self.core_part in broken:  # the other parts earn nothing now: judged once the core holds
                break
            with ctx.waiving(broken):
                search = self.search(
                    ctx,
                    self._drawn(self.features),
                    min(budget, SUB_SEARCH_EXAMPLES),
                    "without " + ", ".join(sorted(broken)),
                )
            calls += search.calls
            if search.passed:
                break
        weights = {part: self.part_weights.get(part, 1.0) for part in self.parts}
        if self.core_part in broken:
            judged = [part for part in self.parts if part in broken]
            verdicts = [f"{part} ✗" for part in judged] + [f"the other parts are judged once {self.core_part} holds"]
            credit = 0.0
        else:
            judged = list(self.parts)
            verdicts = [f"{part} {'✗' if part in broken else '✓'}" for part in self.parts]
            credit = sum(w for part, w in weights.items() if part not in broken) / sum(weights.values())
        return CheckResult(
            False,
            f"{self.function}: {', '.join(verdicts)}\n" + "\n".join(feedback),
            calls,
            round(credit, 6),
            counterexample=shown[0].counterexample,
            mistakes=_in_order(m for s in shown for m in s.mistakes),
            features=tuple((part, part not in broken) for part in judged),
        )

    def search(self, ctx: Context, strategy, budget: int, label: str = "") -> Search:
        """One derandomised search: the shrunk failure's feedback, with the mistake the evidence names.

        A search that passed before (on any submission) is replayed from ``ctx.cache`` first.
        """
        name = f"{self.id}/{label}/{budget}"
        replayed = self._replay(ctx, ctx.cache.cases(name))
        if replayed is not None:
            return replayed
        with ctx.attempt() as attempt:
            state = {"calls": 0, "failures": 0, "stop": False, "best": None, "parts": set(), "checking": 0.0}
            drawn = []
            started = time.perf_counter()

            def try_case(case):
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
                max_examples=budget,
                database=None,
                deadline=None,
                derandomize=False,
                suppress_health_check=list(HealthCheck),
                verbosity=Verbosity.quiet,
                report_multiple_bugs=False,
                phases=(Phase.explicit, Phase.generate, Phase.shrink),
            )(seed(_stable_seed(f"{self.id}/{label}" if label else self.id))(given(strategy)(try_case)))
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
                attempt.passed = True
                return Search(True, "", state["calls"])
            feedback, verdict = _with_verdict(str(state["best"]), attempt.evidence)
            return Search(
                False,
                feedback,
                state["calls"],
                frozenset(state["parts"]),
                state["best"].not_implemented,
                state["counterexample"],
                _in_order(state["best"].mistakes + verdict),
            )

    def _replay(self, ctx: Context, cases: list | None) -> Search | None:
        """The passing search ``cases`` were recorded from, if every one passes again; else None."""
        if cases is None:
            return None
        started = time.perf_counter()
        with ctx.attempt() as attempt:
            try:
                for case in cases:
                    try:
                        self.verify(ctx, case)
                    except UnsatisfiedAssumption:  # the search drew it and rejected it the same way
                        continue
            except Failure:
                return None
            finally:
                ctx.timings.checking += time.perf_counter() - started
            attempt.passed = True
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
