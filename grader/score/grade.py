"""Grade one submission: load -> run -> check -> score, for every topic.

``grade_submission`` is a pure function of the submission's bytes, the grader
version and the config, so a local pool, a cluster worker or an nbgrader cell
can call it and get the same result.
"""

from __future__ import annotations

import ast
import functools
import gc
import multiprocessing
import os
import signal
import threading
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

import torch

from grader import __version__
from grader.cache import CaseCache, references_in
from grader.checks import Check, CheckResult, Context, not_implemented
from grader.checks.forbidden import computed_access, runtime_hits, static_hits, tampering_hits
from grader.load.submission import Submission
from grader.sandbox import die_with_parent
from grader.sandbox.session import Timings, TopicSession, Zygote
from grader.score.config import Config
from grader.topics import SLOWEST_FIRST, TOPICS
from grader.topics.illustrations import illustrated


@dataclass
class TestResult:
    name: str
    id: str
    function: str
    score: float
    max_score: float
    passed: bool
    feedback: str
    examples: int = 0
    not_implemented: bool = False  # failed because the function is still the exercise's stub
    counterexample: dict | None = None  # the feedback as data (``grader.checks.feedback``)
    mistakes: tuple = ()  # ``grader.checks.Mistake`` s the feedback names
    features: tuple = ()  # the checklist the feedback shows: (name, held)
    illustration: dict | None = (
        None  # the function on a real input, beside the reference (``grader.topics.illustrations``)
    )


@dataclass
class TopicResult:
    topic: str
    score: float
    max_score: float
    tests: list[TestResult]
    notes: list[str] = field(default_factory=list)
    examples: int = 0
    timings: Timings = field(default_factory=Timings, compare=False)  # where the time went; not reported
    reason: str = ""  # why no test could run at all (no module, no import): every test failed for it
    review: list[str] = field(default_factory=list)  # computed access in a "by loops" module, for the instructor


@dataclass
class GradeResult:
    origin: str
    topics: dict[str, TopicResult]
    version: str = __version__
    notes: tuple[str, ...] = ()  # about the submission as a whole: what loading it left out
    visibility: dict = field(default_factory=dict)  # the config's [visibility]: who sees which Gradescope test

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.topics.values()), 4)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.topics.values()), 4)


def grade_submission(
    submission: Submission, config: Config = Config(), topics=None, progress=None, jobs: int = 1, cache: bool = True
) -> GradeResult:
    """Grade the chosen ``topics`` (default: all) of ``submission``.

    ``progress(topic, done, total)`` follows each topic's tests (``done == total``: graded). Neither
    ``jobs`` nor ``cache`` changes the result, only its cost: ``jobs`` > 1 grades topics
    concurrently in that many worker processes (each check is seeded by its id, not by the order);
    ``cache`` replays the inputs earlier grades drew (``grader.cache``).
    """
    names = list(topics or TOPICS)
    if jobs > 1 and len(names) > 1:
        results = _grade_concurrently(names, submission, config, jobs, progress, cache)
    else:
        results = {name: grade_topic(name, submission, config, cache, progress) for name in names}
    return assemble(submission, names, results, config.visibility)


def assemble(
    submission: Submission, names: list[str], results: dict[str, TopicResult], visibility: dict | None = None
) -> GradeResult:
    """The grade of ``submission`` from its topics' results (``grade_topic`` each, in any order or process)."""
    return GradeResult(
        submission.origin,
        {name: results[name] for name in names},
        notes=(submission.summary(names), *submission.notes),
        visibility=dict(visibility or {}),
    )


def _grade_concurrently(names, submission, config, jobs, progress, cache) -> dict[str, TopicResult]:
    """``grade_topic`` for each topic in a pool of forked workers, the slowest topics first; the
    workers' progress events come back through a queue that a thread here hands to ``progress``."""
    order = sorted(names, key=SLOWEST_FIRST.index)
    context = multiprocessing.get_context("fork")
    Zygote.shared()  # started before the fork: the workers share it
    load_before_forking(names)
    events = context.SimpleQueue()
    relay = threading.Thread(target=_relay, args=(events, progress), daemon=True)
    relay.start()
    results = {}
    try:
        with ProcessPoolExecutor(
            min(jobs, len(names)),
            mp_context=context,
            initializer=start_worker,
            initargs=(context.Lock(), events, os.getpid()),
        ) as pool:
            pending = {
                pool.submit(grade_topic, name, submission, config, cache, progress and _queued): name for name in order
            }
            for future in as_completed(pending):
                results[pending[future]] = future.result()
    finally:
        events.put(None)
        relay.join()
    return results


_EVENTS = None  # in a worker of a concurrent grade: the queue of progress events to the parent


def start_worker(handover, events=None, parent=None):
    """In a forked worker of ``parent``: a channel of its own to the zygote, one thread for the
    references, and the queue for progress events. It dies with ``parent``; Ctrl-C is the parent's."""
    global _EVENTS
    if parent is not None:
        die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    Zygote.branch(handover)
    torch.set_num_threads(1)
    _EVENTS = events


def _queued(topic: str, done: int, total: int):
    _EVENTS.put((topic, done, total))


def _relay(events, progress):
    while (event := events.get()) is not None:
        if progress:
            progress(*event)


def allocate_points(topic: str, checks: list[Check], config: Config) -> list[float]:
    """Points per check: explicit per-test points first, the topic's rest split by weight.

    Shares are rounded to hundredths (the last one takes the rounding), so a person reads exact points;
    the default weights of a topic add up to its ``POINTS``, which makes each test worth its weight.
    """
    total = float(config.topic_points.get(topic, TOPICS[topic].POINTS))
    fixed = {
        c.id: float(config.test_points[f"{topic}.{c.id}"]) for c in checks if f"{topic}.{c.id}" in config.test_points
    }
    rest = max(total - sum(fixed.values()), 0.0)
    weight = sum(c.weight for c in checks if c.id not in fixed) or 1.0
    points = [fixed[c.id] if c.id in fixed else round(rest * c.weight / weight, 2) for c in checks]
    free = [i for i, c in enumerate(checks) if c.id not in fixed]
    if free:  # rounding must not make the topic's points drift from its total
        points[free[-1]] = round(points[free[-1]] + rest - sum(points[i] for i in free), 2)
    return points


def grade_topic(topic: str, submission: Submission, config: Config, cache: bool = True, progress=None) -> TopicResult:
    """One topic's result; ``progress(topic, done, total)`` as it starts and after each test."""
    if progress:
        progress(topic, 0, len(TOPICS[topic].CHECKS))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the references are tiny: more threads only fight the child (20x slower when busy)
    try:
        result = _grade_topic(topic, submission, config, cache, progress)
    finally:
        torch.set_num_threads(threads)
    if progress:
        progress(topic, len(result.tests), len(result.tests))
    return result


def load_before_forking(names):
    """Import the ``names`` topics' checks (torchvision for some: seconds) here, while the zygote warms up
    on the other core, so that forked workers share them, and freeze what is loaded."""
    for name in names:
        TOPICS[name]
    _freeze_loaded_objects()


@functools.cache
def _freeze_loaded_objects():
    """Once per process, with torch, hypothesis and the checks loaded: the garbage collector leaves
    them alone from now on (a full collection walked them all, a millisecond or more per request)."""
    gc.freeze()


def _grade_topic(topic, submission, config, cache, progress) -> TopicResult:
    module = TOPICS[topic]
    _freeze_loaded_objects()
    checks: list[Check] = module.CHECKS
    points = allocate_points(topic, checks, config)
    source = submission.modules.get(topic)
    if source is None:
        return all_failed(topic, checks, points, submission.missing_reason(topic))
    stubs = unimplemented(source, {check.function for check in checks})
    if all(check.function in stubs for check in checks):  # nothing to run: no child
        return _scored(topic, checks, points, [_stub_result(c.function) for c in checks])
    session = TopicSession(
        topic,
        submission.modules,
        config.limits,
        denied={function: tuple(rule.runtime for rule in rules) for function, rules in module.BY_LOOPS.items()},
    )
    notes = []
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # references warn (e.g. even kernels with padding='same')
            imported = session.start()
            if not imported.ok:
                return all_failed(topic, checks, points, _import_problem(topic, imported), session.timings)
            cases = CaseCache.for_topic(topic, repr(config)) if cache else CaseCache.off()
            ctx = Context(session, config.examples_for(topic), cases)
            outcomes = []
            with references_in(cases):
                for check in checks:
                    if progress and outcomes:
                        progress(topic, len(outcomes), len(checks))
                    outcomes.append(_stub_result(check.function) if check.function in stubs else check.run(ctx))
                    if not outcomes[-1].passed:
                        ctx.known_wrong |= {check.function}
                outcomes = illustrated(topic, ctx, checks, outcomes)
            cases.save()
            forbidden, tampered = {}, {}
            # Tampering at import time or while an unwatched function ran counts against every function.
            everywhere = imported.names.union(
                *(names for function, names in ctx.names_seen.items() if function not in module.BY_LOOPS)
            )
            for function, rules in module.BY_LOOPS.items():
                names = ctx.names_seen.get(function, set())
                hits = runtime_hits(names, rules) + static_hits(source, function, rules)
                if hits:
                    forbidden[function] = sorted(set(hits))
                signs = tampering_hits(everywhere | names)
                if signs:
                    tampered[function] = signs
            review = computed_access(source) if module.BY_LOOPS else []
    finally:
        session.close()
        session.timings.total = time.perf_counter() - started
    for function, callees in sorted(ctx.replaced.items()):
        notes.append(
            f"`{function}` was graded with the grader's own {', '.join(f'`{c}`' for c in sorted(callees))}: "
            f"yours failed {'its' if len(callees) == 1 else 'their'} own test, which is where that mistake costs points"
        )
    if session.output_bytes > 64 * 1024:
        notes.append(
            f"your code printed {session.output_bytes / 1e6:.1f} MB while being graded; "
            "printing slows grading down: remove debugging prints"
        )
    return _scored(
        topic, checks, points, outcomes, forbidden, tampered, notes, ctx.examples_run, session.timings, review
    )


def _scored(
    topic, checks, points, outcomes, forbidden=None, tampered=None, notes=(), examples=0, timings=None, review=()
) -> TopicResult:
    """The topic's result from its checks' outcomes; a function that used a forbidden built-in or
    tampered with the detection scores zero."""
    forbidden, tampered, tests = forbidden or {}, tampered or {}, []
    for check, outcome, max_points in zip(checks, outcomes, points):
        passed, feedback, credit = outcome.passed, outcome.feedback, outcome.credit
        data = {
            "counterexample": outcome.counterexample,
            "mistakes": outcome.mistakes,
            "features": outcome.features,
            "illustration": outcome.illustration,
        }
        if check.function in forbidden or check.function in tampered:
            passed, credit, data = False, 0.0, {}
            feedback = _zero_feedback(check.function, forbidden.get(check.function), tampered.get(check.function))
        tests.append(
            TestResult(
                check.title,
                check.id,
                check.function,
                round(max_points * credit, 4),
                max_points,
                passed,
                feedback,
                outcome.examples,
                not_implemented=outcome.not_implemented and not passed,
                **data,
            )
        )
    return TopicResult(
        topic,
        round(sum(t.score for t in tests), 4),
        round(sum(points), 4),
        tests,
        list(notes),
        examples,
        timings or Timings(),
        review=list(review),
    )


def _zero_feedback(function: str, forbidden: list[str] | None, tampered: list[str] | None) -> str:
    """Why ``function`` scores zero: the forbidden built-ins it uses, the tampering the child saw."""
    parts = []
    if forbidden:
        parts.append(f"`{function}` uses a forbidden built-in: {'; '.join(forbidden)}.")
    if tampered:
        parts.append(
            f"The grader's detection of forbidden built-ins was tampered with while `{function}` ran: "
            f"{'; '.join(tampered)}."
        )
    return " ".join(parts) + (
        f" Write it yourself from elementary tensor operations; this scores zero for `{function}`."
    )


def _stub_result(function: str) -> CheckResult:
    return CheckResult(False, not_implemented(function), not_implemented=True)


def unimplemented(source: bytes, functions: set[str]) -> set[str]:
    """The ``functions`` that ``source`` defines once, undecorated, with a body that only raises
    NotImplementedError (after a docstring): they cannot return, so no call is needed to grade them."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    bound = {}
    for node in tree.body:
        targets = (
            [node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            else [t for t in ast.walk(node) if isinstance(t, ast.Name) and isinstance(t.ctx, ast.Store)]
            + [a for a in ast.walk(node) if isinstance(a, ast.alias)]
        )
        for target in targets:
            name = getattr(target, "name", None) or getattr(target, "asname", None) or getattr(target, "id", None)
            bound.setdefault(name, []).append(target)
    return {name for name in functions if len(bound.get(name, [])) == 1 and _only_raises(bound[name][0])}


def _only_raises(node) -> bool:
    """A function whose body only raises NotImplementedError, or a class whose ``__init__`` does."""
    if isinstance(node, ast.ClassDef) and not node.decorator_list and not node.keywords:
        methods = {m.name: m for m in node.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
        return "__new__" not in methods and "__init__" in methods and _only_raises(methods["__init__"])
    if not isinstance(node, ast.FunctionDef) or node.decorator_list:
        return False
    body = (
        node.body[1:]
        if isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
        else node.body
    )
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    raised = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"


def _import_problem(topic: str, outcome) -> str:
    if outcome.status == "raised":
        error = outcome.error or {}
        text = f"{topic}.py could not be imported: {error.get('type')}: {error.get('message')}"
        if error.get("where"):
            text += f"\n    at {error['where']}" + (f": {error['line']}" if error.get("line") else "")
        if error.get("type") in ("ModuleNotFoundError", "ImportError"):
            text += "\n    Only torch, torchvision, numpy, cv2, matplotlib and the standard library are available."
        return text
    return f"{topic}.py could not be imported: {outcome.message}"


def all_failed(topic, checks, points, reason, timings=None) -> TopicResult:
    """Every check of ``topic`` failed for the same ``reason`` (no module, no import, no grade)."""
    tests = [TestResult(c.title, c.id, c.function, 0.0, p, False, reason) for c, p in zip(checks, points)]
    return TopicResult(topic, 0.0, round(sum(points), 4), tests, reason=reason, timings=timings or Timings())
