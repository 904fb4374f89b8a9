"""The drawn-case cache (grader/cache.py) and concurrent topics change the cost of a grade, never
its bytes: cold, warm and without the cache, at -j 1 and -j 2."""

from __future__ import annotations

import json
import os

import pytest
import torch
from helpers import CASES, ROOT, as_module, run_grader, solution_source

from grader.cache import MAGIC, CaseCache, dumps, loads, recall, references_in, remembered
from grader.checks import Case
from grader.load.submission import Submission
from grader.report import render
from grader.score.config import Config
from grader.score.grade import grade_submission

CASE_A, CASE_B = [Case((1.0,), {"k": 2})], [Case(("x",))]


def test_recorded_cases_come_back_as_fresh_objects(tmp_path):
    cache = CaseCache.for_topic("perceptron", "config", tmp_path)
    cache.record("check/full/100", CASE_A)
    cache.save()
    again = CaseCache.for_topic("perceptron", "config", tmp_path)
    first, second = again.cases("check/full/100"), again.cases("check/full/100")
    assert first == CASE_A and first[0] is not second[0]
    assert again.cases("other/full/100") is None
    assert oct(cache.path.stat().st_mode & 0o777) == "0o600"


def test_workers_saving_the_same_topic_merge_their_records(tmp_path):
    one, two = (CaseCache.for_topic("layers", "config", tmp_path) for _ in range(2))
    one.record("a", CASE_A)
    two.record("b", CASE_B)
    one.save()
    two.save()
    merged = CaseCache.for_topic("layers", "config", tmp_path)
    assert merged.cases("a") == CASE_A and merged.cases("b") == CASE_B


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "not ours"])
def test_a_damaged_file_is_ignored_and_rebuilt(tmp_path, damage):
    cache = CaseCache.for_topic("edges", "config", tmp_path)
    cache.record("a", CASE_A)
    cache.save()
    data = bytearray(cache.path.read_bytes())
    if damage == "flip a byte":
        data[-5] ^= 0xFF
    elif damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data = b"something else entirely"
    cache.path.write_bytes(bytes(data))
    reloaded = CaseCache.for_topic("edges", "config", tmp_path)
    assert reloaded.cases("a") is None
    reloaded.record("a", CASE_B)
    reloaded.save()
    assert CaseCache.for_topic("edges", "config", tmp_path).cases("a") == CASE_B
    assert cache.path.read_bytes().startswith(MAGIC)


def test_files_of_other_grader_versions_are_pruned_and_configs_kept_apart(tmp_path):
    stale = tmp_path / "pooling-0123456789abcdef-fedcba9876543210.cases"
    stale.write_bytes(b"old")
    other_topic = tmp_path / "hooks-0123456789abcdef-fedcba9876543210.cases"
    other_topic.write_bytes(b"old")
    cache = CaseCache.for_topic("pooling", "config one", tmp_path)
    cache.record("a", CASE_A)
    cache.save()
    assert not stale.exists() and other_topic.exists()
    assert CaseCache.for_topic("pooling", "config two", tmp_path).cases("a") is None


def test_an_unwritable_cache_folder_costs_time_only(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = CaseCache.for_topic("pooling", "config", blocker / "cache")
    cache.record("a", CASE_A)
    cache.save()  # no exception: the grade goes on without a cache


CALLS = []


def _logged_sum(x: torch.Tensor) -> torch.Tensor:
    CALLS.append(x)
    if x.numel() == 0:
        raise ValueError("empty")
    return x.sum()


def test_a_remembered_reference_is_computed_once_per_content_and_returned_fresh(tmp_path):
    CALLS.clear()
    cache = CaseCache.for_topic("layers", "config", tmp_path)
    with references_in(cache):
        first = recall("sum", _logged_sum, torch.ones(3))
        first.add_(100)  # the caller's copy: the remembered value is unchanged
        assert recall("sum", _logged_sum, torch.ones(3)) == 3.0
        assert recall("sum", _logged_sum, torch.full((3,), 2.0)) == 6.0  # other content, computed
        assert recall("another name", _logged_sum, torch.ones(3)) == 3.0  # another computation, computed
        for _ in range(2):
            with pytest.raises(ValueError, match="empty"):  # an exception is remembered too
                recall("sum", _logged_sum, torch.ones(0))
        assert recall("sum", lambda x: x, lambda: 0)() == 0  # a lambda cannot be keyed: computed, not kept
    assert len(CALLS) == 4
    assert recall("sum", _logged_sum, torch.ones(3)) == 3.0 and len(CALLS) == 5  # outside: always computed


def test_only_the_references_of_passing_checks_are_written(tmp_path):
    CALLS.clear()
    cache = CaseCache.for_topic("hooks", "config", tmp_path)
    with references_in(cache):
        recall("sum", _logged_sum, torch.ones(2))
        cache.keep()  # a check passed on it
        recall("sum", _logged_sum, torch.ones(5))
        cache.discard()  # a check failed: a shrunk case no other student will meet
        recall("sum", _logged_sum, torch.ones(5))  # still remembered for this grade
    cache.save()
    assert len(CALLS) == 2
    with references_in(CaseCache.for_topic("hooks", "config", tmp_path)):
        recall("sum", _logged_sum, torch.ones(2))
        assert len(CALLS) == 2
        recall("sum", _logged_sum, torch.ones(5))
        assert len(CALLS) == 3


def test_only_module_level_functions_can_be_marked_remembered():
    with pytest.raises(TypeError, match="module-level"):
        remembered(lambda case: case)


def test_tensors_survive_the_fast_pickling_whatever_their_kind():
    original = {
        "float": torch.randn(2, 3),
        "int": torch.arange(4),
        "half": torch.ones(2, dtype=torch.float16),
        "parameter": torch.nn.Parameter(torch.ones(2)),
        "frozen": torch.nn.Parameter(torch.ones(1), False),
        "transposed": torch.randn(3, 2).T,
        "bfloat16": torch.ones(2, dtype=torch.bfloat16),
        "leaf": torch.ones(2, requires_grad=True),
    }
    copy = loads(dumps(original))
    for name, tensor in original.items():
        assert type(copy[name]) is type(tensor) and copy[name].dtype == tensor.dtype, name
        assert copy[name].requires_grad == tensor.requires_grad and torch.equal(copy[name], tensor), name
    assert copy["transposed"].stride() == original["transposed"].stride()  # torch's own format kept the layout


def test_a_second_grade_of_a_right_submission_computes_no_reference(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVGRADE_CACHE", str(tmp_path))
    submission = Submission({"hooks": solution_source("hooks").encode()}, "solutions")
    first = grade_submission(submission, FEW_EXAMPLES, topics=["hooks"])
    [path] = tmp_path.glob("hooks-*.cases")
    written = path.read_bytes()
    assert len([k for k in CaseCache(path)._entries if k.startswith("reference:")]) >= 20
    second = grade_submission(submission, FEW_EXAMPLES, topics=["hooks"])
    assert render(first, "json") == render(second, "json") and first.score == first.max_score
    assert path.read_bytes() == written  # nothing new was computed, so nothing was added


# Replaying recorded inputs gives the bytes of a fresh search at any number of examples; these tests
# draw 20 per property (grades draw 100) to afford three grades each. benchmarks/cache_identity.py
# compares every case in cases/ the same way, at any number of examples.
FEW_EXAMPLES = Config(examples={"default": 20})


def _grade(folder, cache_dir, config, *extra):
    result = run_grader(
        "grade",
        folder,
        "--format",
        "json",
        "--quiet",
        "--config",
        config,
        *extra,
        env={**os.environ, "CONVGRADE_CACHE": str(cache_dir)},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["solutions", "exercises"])
def test_cold_warm_and_uncached_grades_are_byte_identical(tmp_path, folder):
    config = tmp_path / "config.toml"
    config.write_text("[examples]\ndefault = 20\n")
    cold = _grade(ROOT / folder, tmp_path / "cache", config)
    assert any((tmp_path / "cache").glob("*.cases")) or folder == "exercises"
    warm = _grade(ROOT / folder, tmp_path / "cache", config)
    serial_uncached = _grade(ROOT / folder, tmp_path / "unused", config, "--no-cache", "-j", "1")
    assert cold == warm == serial_uncached
    assert json.loads(cold)["score"] == (100.0 if folder == "solutions" else 0.0)


def _sample():
    """Per topic its first right case and its first wrong one."""
    picked = []
    for topic in sorted(p for p in CASES.iterdir() if p.is_dir()):
        picked += sorted(topic.glob("right_*.py"))[:1] + sorted(topic.glob("wrong_*.py"))[:1]
    return picked


@pytest.mark.slow
@pytest.mark.parametrize("case", _sample(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_cases_grade_the_same_with_and_without_the_cache(case):
    topic = case.parent.name
    warmed = grade_submission(
        Submission({topic: solution_source(topic).encode()}, "solutions"), FEW_EXAMPLES, topics=[topic]
    )
    assert warmed.score == warmed.max_score  # the session's cache now holds every search of the topic
    submission = Submission({topic: as_module(case).encode()}, case.name)
    cached = grade_submission(submission, FEW_EXAMPLES, topics=[topic])
    uncached = grade_submission(submission, FEW_EXAMPLES, topics=[topic], cache=False)
    assert render(cached, "json") == render(uncached, "json")
