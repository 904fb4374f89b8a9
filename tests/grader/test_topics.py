"""What every topic module must define, and the points its tests are worth: fast, no grading."""

from __future__ import annotations

import pytest

from grader.checks import Check
from grader.checks.forbidden import Rule
from grader.score.config import Config
from grader.score.grade import allocate_points
from grader.topics import TOPIC_NAMES, TOPICS


@pytest.mark.parametrize("topic", TOPIC_NAMES)
def test_a_topic_module_defines_points_checks_and_by_loops(topic):
    module = TOPICS[topic]
    missing = [name for name in ("POINTS", "CHECKS", "BY_LOOPS") if not hasattr(module, name)]
    assert not missing, f"grader/topics/{topic} lacks {', '.join(missing)} (see docs/extending.md)"
    assert isinstance(module.POINTS, (int, float)) and module.POINTS > 0
    assert module.CHECKS and all(isinstance(check, Check) for check in module.CHECKS)
    functions = {check.function for check in module.CHECKS}
    assert set(module.BY_LOOPS) <= functions, "BY_LOOPS names a function no check grades"
    assert all(isinstance(rule, Rule) for rules in module.BY_LOOPS.values() for rule in rules)


def _hundredths(points: float) -> bool:
    return abs(points * 100 - round(points * 100)) < 1e-9


@pytest.mark.parametrize("topic", TOPIC_NAMES)
def test_default_points_per_test_are_round_and_add_up_to_the_topics_points(topic):
    module = TOPICS[topic]
    points = allocate_points(topic, module.CHECKS, Config())
    assert all(_hundredths(p) for p in points), dict(zip((c.id for c in module.CHECKS), points))
    assert sum(points) == pytest.approx(module.POINTS, abs=1e-9)
    assert points == [check.weight for check in module.CHECKS]  # the weights are the points


@pytest.mark.parametrize("total", [7, 25, 9.5])
def test_overridden_topic_points_are_split_into_hundredths_that_add_up(total):
    config = Config(topic_points={"classification": total}, test_points={"classification.softmax_large_logits": 1})
    points = allocate_points("classification", TOPICS["classification"].CHECKS, config)
    assert all(_hundredths(p) for p in points) and sum(points) == pytest.approx(total, abs=1e-9)
    assert points[1] == 1
