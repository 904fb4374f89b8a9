"""The picture a student would draw of a failing function: its answer on a real input beside the reference's.

A shrunk counterexample (a 1x3 image) shows *where* a function goes wrong; a real image shows *what*
the mistake does (an edge map with its borders missing, an augmented image in the wrong colours, the
feature maps of the wrong layer, a loss curve that rises). After a topic's checks, each function with
a failing test (not a stub) is called once more, in the same sandbox, on the input of its topic's
module here, and its first failing test carries the result (``CheckResult.illustration``) for the
reports' pictures. The calls are the checks' own: ``Context.call`` and ``Context.probe`` under the
same denial and limits.

One module per topic, imported only when one of its functions fails; each has ``ILLUSTRATIONS``,
function -> ``illustrate(ctx) -> dict`` (``grader.checks.feedback.illustration``).
"""

from __future__ import annotations

import dataclasses
import importlib

from grader.checks import CheckResult, Context

TOPICS = ("augmentation", "edges", "hooks", "training")  # the topics with a module here


def illustrated(topic: str, ctx: Context, checks, outcomes: list[CheckResult]) -> list[CheckResult]:
    """``outcomes`` with the illustration of each failing function on its first failing test."""
    first: dict[str, int] = {}
    for i, (check, outcome) in enumerate(zip(checks, outcomes)):
        if not (outcome.passed or outcome.not_implemented):
            first.setdefault(check.function, i)
    if topic not in TOPICS or not first:
        return outcomes
    drawn = importlib.import_module(f"{__name__}.{topic}").ILLUSTRATIONS
    outcomes = list(outcomes)
    for function, i in first.items():
        if function in drawn:
            outcomes[i] = dataclasses.replace(outcomes[i], illustration=drawn[function](ctx))
    return outcomes
