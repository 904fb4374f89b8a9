"""Grade one submission: load -> run -> check -> score, for every topic.

``grade_submission`` is a pure function of the submission's bytes, the grader
version and the config, so a local pool, a cluster worker or an nbgrader cell
can call it and get the same result.
"""
from __future__ import annotations

import multiprocessing
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

import torch

from grader import __version__
from grader.cache import CaseCache
from grader.checks import Check, Context
from grader.config import Config
from grader.forbidden import computed_access, implausible, runtime_hits, static_hits, tampering_hits
from grader.load import Submission
from grader.sandbox.session import Timings, TopicSession, Zygote
from grader.topics import SLOWEST_FIRST, TOPICS


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


@dataclass
class TopicResult:
    topic: str
    score: float
    max_score: float
    tests: list[TestResult]
    notes: list[str] = field(default_factory=list)
    examples: int = 0
    timings: Timings = field(default_factory=Timings, compare=False)  # where the time went; not reported
    review: list[str] = field(default_factory=list)  # computed access in a "by loops" module, for the instructor


@dataclass
class GradeResult:
    origin: str
    topics: dict[str, TopicResult]
    version: str = __version__
    notes: tuple[str, ...] = ()  # about the submission as a whole: what loading it left out

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.topics.values()), 4)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.topics.values()), 4)


def grade_submission(submission: Submission, config: Config = Config(), topics=None, progress=None,
                     jobs: int = 1, cache: bool = True) -> GradeResult:
    """Grade the chosen ``topics`` (default: all) of ``submission``; ``progress(topic)`` after each.

    Neither ``jobs`` nor ``cache`` changes the result, only its cost: ``jobs`` > 1 grades topics
    concurrently in that many worker processes (each check is seeded by its id, not by the order);
    ``cache`` replays the inputs earlier grades drew (``grader.cache``).
    """
    names = list(topics or TOPICS)
    if jobs > 1 and len(names) > 1:
        results = _grade_concurrently(names, submission, config, jobs, progress, cache)
    else:
        results = {}
        for name in names:
            results[name] = grade_topic(name, submission, config, cache)
            if progress:
                progress(name)
    return GradeResult(submission.origin, {name: results[name] for name in names}, notes=submission.notes)


def _grade_concurrently(names, submission, config, jobs, progress, cache) -> dict[str, TopicResult]:
    """``grade_topic`` for each topic in a pool of forked workers, the slowest topics first."""
    order = sorted(names, key=SLOWEST_FIRST.index)
    context = multiprocessing.get_context("fork")
    Zygote.shared()  # started before the fork: the workers share it
    results = {}
    with ProcessPoolExecutor(min(jobs, len(names)), mp_context=context, initializer=start_worker,
                             initargs=(context.Lock(),)) as pool:
        pending = {pool.submit(grade_topic, name, submission, config, cache): name for name in order}
        for future in as_completed(pending):
            results[pending[future]] = future.result()
            if progress:
                progress(pending[future])
    return results


def start_worker(handover):
    """In a forked worker: a channel of its own to the zygote, and one thread for the references."""
    Zygote.branch(handover)
    torch.set_num_threads(1)


def allocate_points(topic: str, checks: list[Check], config: Config) -> list[float]:
    """Points per check: explicit per-test points first, the topic's rest split by weight."""
    total = float(config.topic_points.get(topic, TOPICS[topic].POINTS))
    fixed = {c.id: float(config.test_points[f"{topic}.{c.id}"]) for c in checks if f"{topic}.{c.id}" in config.test_points}
    rest = max(total - sum(fixed.values()), 0.0)
    weight = sum(c.weight for c in checks if c.id not in fixed) or 1.0
    points = [round(fixed[c.id] if c.id in fixed else rest * c.weight / weight, 4) for c in checks]
    free = [i for i, c in enumerate(checks) if c.id not in fixed]
    if free:  # rounding must not make the topic's points drift from its total
        points[free[-1]] = round(points[free[-1]] + total - sum(fixed.values()) - sum(points[i] for i in free), 4)
    return points


def grade_topic(topic: str, submission: Submission, config: Config, cache: bool = True) -> TopicResult:
    module = TOPICS[topic]
    checks: list[Check] = module.CHECKS
    points = allocate_points(topic, checks, config)
    source = submission.modules.get(topic)
    if source is None:
        reason = (f"{topic}.py was not found in the submission (looked at its top level and in exercises/), "
                  f"nor a notebook defining its functions")
        return all_failed(topic, checks, points, reason)
    session = TopicSession(topic, submission.modules, config.limits)
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
            outcomes = [check.run(ctx) for check in checks]
            cases.save()
            forbidden, tampered = {}, {}
            for function, rules in module.BY_LOOPS.items():
                names = ctx.names_seen.get(function, set())
                hits = runtime_hits(names, rules) + static_hits(source, function, rules)
                if hits:
                    forbidden[function] = sorted(set(hits))
                signs = tampering_hits(imported.names | names)  # at import time: against every function
                work = ctx.least_work.get(function)
                if work and implausible(*work):
                    signs.append(f"a right answer of {work[1]} values came from recorded tensor operations "
                                 f"given only {work[0]} values")
                if signs:
                    tampered[function] = signs
            review = computed_access(source) if module.BY_LOOPS else []
    finally:
        session.close()
        session.timings.total = time.perf_counter() - started
    if session.output_bytes > 64 * 1024:
        notes.append(f"your code printed {session.output_bytes / 1e6:.1f} MB while being graded; "
                     "printing slows grading down: remove debugging prints")
    tests = []
    for check, outcome, max_points in zip(checks, outcomes, points):
        passed, feedback, credit = outcome.passed, outcome.feedback, outcome.credit
        if check.function in forbidden or check.function in tampered:
            passed, credit = False, 0.0
            feedback = _zero_feedback(check.function, forbidden.get(check.function), tampered.get(check.function))
        tests.append(TestResult(check.title, check.id, check.function, round(max_points * credit, 4),
                                max_points, passed, feedback, outcome.examples))
    return TopicResult(topic, round(sum(t.score for t in tests), 4), round(sum(points), 4), tests, notes,
                       ctx.examples_run, session.timings, review)


def _zero_feedback(function: str, forbidden: list[str] | None, tampered: list[str] | None) -> str:
    """Why ``function`` scores zero: the forbidden built-ins it uses, the tampering the child saw."""
    parts = []
    if forbidden:
        parts.append(f"`{function}` uses a forbidden built-in: {'; '.join(forbidden)}.")
    if tampered:
        parts.append(f"The grader's detection of forbidden built-ins was tampered with while `{function}` ran: "
                     f"{'; '.join(tampered)}.")
    return " ".join(parts) + (f" Write it yourself from elementary tensor operations; this scores zero for "
                              f"`{function}`.")


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
    return TopicResult(topic, 0.0, round(sum(points), 4), tests, timings=timings or Timings())
