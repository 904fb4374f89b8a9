"""The check framework on its own, without a sandbox: printing, misconception evidence, and
credit by feature and by part. Fast: no student code runs."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import strategies as st

from grader.checks import (
    CORE_SHARE,
    FEATURES_SHARE,
    Case,
    Context,
    Evidence,
    Failure,
    Misconception,
    Mistake,
    NotApplicable,
    Property,
    Scripted,
    describe,
    not_implemented,
    number,
    numbers_apart,
)
from grader.checks.strategies import tensors


def test_numbers_are_short_and_rounding_is_marked():
    assert number(3.0) == "3"
    assert number(-0.5) == "-0.5"
    assert number(2.7392337322235107) == "2.739…"
    assert number(np.float32(0.1), dtype=np.float32) == "0.1"  # exact in float32
    assert numbers_apart(1.00001, 1.00002) == ("1.00001", "1.00002")


def test_arrays_up_to_sixteen_elements_are_printed_in_full():
    assert describe(torch.arange(16.0).reshape(4, 4)).endswith("[12, 13, 14, 15]]")
    assert describe(torch.zeros(17)) == "float32 tensor of shape (17,)"
    assert describe(np.array([[1, 2]], dtype=np.uint8)) == "uint8 array of shape (1, 2) [[1, 2]]"


DOUBLE = Misconception("test.doubles", "doubles", lambda c: c.args[0] * 2)
SQUARE = Misconception("test.squares", "squares", lambda c: c.args[0] ** 2)
NEGATE = Misconception("test.negates", "negates", lambda c: -c.args[0])
ONLY_POSITIVE = Misconception(
    "test.crashes_on_negatives", "crashes on negatives", lambda c: _crash_if_negative(c.args[0])
)


def _crash_if_negative(x):
    if (x < 0).any():
        raise IndexError("negative")
    raise NotApplicable


def test_a_mistake_is_named_only_when_no_failing_case_rules_it_out():
    evidence = Evidence()
    two = Case((torch.tensor([2.0]),))
    evidence.observe([DOUBLE, SQUARE], two, torch.tensor([4.0]), torch.tensor([2.0]))
    words, named = evidence.verdict()
    assert "more than one" in words and named == ()  # 2 * 2 == 2 ** 2: this case cannot tell them apart
    evidence.observe([DOUBLE, SQUARE], Case((torch.tensor([3.0]),)), torch.tensor([6.0]), torch.tensor([3.0]))
    assert evidence.verdict() == ("Likely mistake: doubles", (Mistake("test.doubles", "doubles"),))


def test_a_mistake_that_gives_the_right_answer_explains_nothing():
    evidence = Evidence()
    zero = Case((torch.tensor([0.0]),))
    evidence.observe([NEGATE], zero, torch.tensor([1.0]), torch.tensor([0.0]))  # -0 == 0: right answer
    assert evidence.verdict() == ("", ())


def test_crashes_match_mistakes_that_crash_on_the_same_case():
    evidence = Evidence()
    evidence.observe_crash([ONLY_POSITIVE, DOUBLE], Case((torch.tensor([-1.0]),)))
    named = (ONLY_POSITIVE.mistake,)
    assert evidence.verdict() == ("Likely mistake: crashes on negatives", named)
    evidence.observe_crash([ONLY_POSITIVE], Case((torch.tensor([1.0]),)))  # NotApplicable: no evidence
    assert evidence.verdict() == ("Likely mistake: crashes on negatives", named)


FEATURES = ("float64", "batch", "negative")


@st.composite
def featured(draw, enabled):
    dtype = draw(st.sampled_from([torch.float32, torch.float64])) if "float64" in enabled else torch.float32
    n = draw(st.integers(1, 3)) if "batch" in enabled else 1
    low = -5.0 if "negative" in enabled else 0.0
    return Case((draw(tensors((n, 2), dtype, low, 5.0)),))


def _run(verify, **options):
    check = Property("p", "p", "f", strategy=featured, verify=verify, features=FEATURES, **options)
    return check.run(Context(session=None, examples=60))


def test_a_correct_function_gets_full_credit_from_one_search():
    result = _run(lambda ctx, case: None)
    assert result.passed and result.credit == 1.0 and result.examples == 60


def test_each_feature_that_holds_earns_its_share():
    def verify(ctx, case):
        if case.args[0].dtype == torch.float64:
            raise Failure("float64 breaks it")

    result = _run(verify)
    assert not result.passed
    assert result.credit == round(CORE_SHARE + FEATURES_SHARE * 2 / 3, 6)
    assert result.feedback.splitlines()[0] == "f: core ✓, float64 ✗ (see below), batch ✓, negative ✓"
    assert "float64 breaks it" in result.feedback
    assert result.features == (("core", True), ("float64", False), ("batch", True), ("negative", True))


def test_a_broken_core_earns_nothing():
    def verify(ctx, case):
        raise Failure("always wrong")

    result = _run(verify)
    assert result.credit == 0.0 and "core ✗" in result.feedback and result.features == (("core", False),)


def test_features_that_only_fail_together_keep_the_core_and_feature_shares():
    def verify(ctx, case):
        x = case.args[0]
        if x.dtype == torch.float64 and x.shape[0] > 1:
            raise Failure("float64 batches break it")

    result = _run(verify)
    assert result.credit == round(CORE_SHARE + FEATURES_SHARE, 6)
    assert "all together ✗" in result.feedback and result.features[-1] == ("all together", False)


def test_parts_that_are_never_broken_earn_their_shares():
    @st.composite
    def cases(draw):
        return Case((draw(st.integers(0, 10)),))

    wrong_mode = Mistake("test.wrong_mode", "the mode is wrong")

    def verify(ctx, case):
        value = case.args[0]
        ctx.require("mode", False, f"wrong mode\n    {wrong_mode}", mistakes=(wrong_mode,))
        ctx.require("value", value < 8, "wrong value for 8 and above")
        ctx.require("grad", True, "never happens")

    check = Property("p", "p", "f", strategy=cases(), verify=verify, parts=("value", "mode", "grad"))
    result = check.run(Context(session=None, examples=60))
    assert result.credit == round(1 / 3, 6)
    assert result.feedback.splitlines()[0] == "f: value ✗, mode ✗, grad ✓"
    assert result.features == (("value", False), ("mode", False), ("grad", True))
    assert result.mistakes == (wrong_mode,) and "Likely mistake: the mode is wrong" in result.feedback
    assert result.counterexample is None  # no call of the student's function was made


def _parts_check(broken: set, **options) -> Property:
    def verify(ctx, case):
        for part in ("value", "mode", "grad"):
            ctx.require(part, part not in broken, f"{part} is wrong")

    return Property("p", "p", "f", strategy=st.just(Case()), verify=verify, parts=("value", "mode", "grad"), **options)


def test_a_broken_core_part_leaves_nothing_for_the_other_parts():
    result = _parts_check({"value", "grad"}, core_part="value").run(Context(session=None, examples=10))
    assert result.credit == 0.0 and result.features == (("value", False),)
    assert result.feedback.splitlines()[0] == "f: value ✗, the other parts are judged once value holds"
    assert _parts_check({"mode"}, core_part="value").run(Context(session=None, examples=10)).credit == round(2 / 3, 6)


def test_parts_earn_their_weights():
    weights = {"mode": 3.0}
    assert _parts_check({"mode"}, part_weights=weights).run(Context(None, 10)).credit == round(2 / 5, 6)
    assert _parts_check({"grad"}, part_weights=weights).run(Context(None, 10)).credit == round(4 / 5, 6)


def test_a_core_part_or_weight_must_name_one_of_the_parts():
    with pytest.raises(ValueError, match="speed"):
        _parts_check(set(), core_part="speed")
    with pytest.raises(ValueError, match="speed"):
        _parts_check(set(), part_weights={"speed": 2.0})


def test_a_stub_is_told_apart_from_a_wrong_answer_also_when_a_check_adds_to_its_text():
    def stub(ctx, case):
        try:
            raise Failure(not_implemented("f"), fatal=True, stub=True)
        except Failure as failure:
            raise Failure(f"{failure}\n    Input: {case.describe()}", failure.fatal) from None

    result = _run(stub)
    assert result.not_implemented and "Input:" in result.feedback
    assert Scripted("s", "s", "f", body=lambda ctx: stub(ctx, Case())).run(Context(None, 1)).not_implemented

    def wrong(ctx, case):
        raise Failure("wrong")

    assert not _run(wrong).not_implemented


def test_the_same_check_gives_the_same_result_twice():
    def verify(ctx, case):
        if case.args[0].shape[0] > 1:
            raise Failure(f"batch of {case.args[0].shape[0]}")

    assert _run(verify) == _run(verify)


def test_options_can_be_passed_by_position_in_the_contracts_order():
    names, defaults = ("input", "weight", "bias", "stride", "padding"), {"bias": None, "stride": 1, "padding": 0}
    case = Case(("x", "w"), {"padding": 2})
    assert case.as_positional(names, defaults) == Case(("x", "w", None, 1, 2))
    assert Case(("x", "w")).as_positional(names, defaults) == Case(("x", "w"))


def test_a_recorded_search_is_replayed_and_a_failing_replay_searches_afresh(tmp_path):
    from grader.cache import CaseCache

    seen, breaks = [], {"batches": False}

    def verify(ctx, case):
        seen.append(case.args[0].tolist())
        if case.args[0].shape[0] > 1 and breaks["batches"]:
            raise Failure(f"batch of {case.args[0].shape[0]}")

    check = Property("p", "p", "f", strategy=featured, verify=verify, features=FEATURES)
    recorded = check.run(Context(None, 60, CaseCache.for_topic("t", "c", tmp_path)))
    drawn, seen[:] = list(seen), []
    replayed = check.run(Context(None, 60, CaseCache.for_topic("t", "c", tmp_path)))
    assert recorded == replayed and seen == drawn  # the same cases, in the same order, without hypothesis

    breaks["batches"] = True
    uncached = check.run(Context(None, 60))
    fallback = check.run(Context(None, 60, CaseCache.for_topic("t", "c", tmp_path)))
    assert fallback == uncached and not fallback.passed and "batch of" in fallback.feedback


def test_a_probe_called_with_the_wrong_arguments_is_the_graders_error():
    import pytest

    from grader.sandbox import probes
    from grader.sandbox.session import TopicSession

    session = TopicSession("training", {})
    with pytest.raises(TypeError):
        session.probe(probes.fit_probe, spec={}, state={})  # the other arguments are missing
    with pytest.raises(TypeError, match="not a probe"):
        session.probe(print, "x")
    assert session._pid is None  # nothing was sent to a child


def test_raises_value_error_names_what_the_function_did_instead():
    from grader.checks import raises_value_error
    from grader.sandbox.session import Outcome, Timings
    from grader.sandbox.wire import Array

    class Session:  # stands in for the sandbox: the function returns x * 2 instead of raising
        timings = Timings()

        def call(self, function, x, return_inputs=False, trusted=()):
            return Outcome("ok", value=Array((x.data * 2).copy(), "tensor", "Tensor"))

    check = raises_value_error(
        "e", "f raises", "f", [(lambda: Case((torch.ones(2),)), "for ones")], misconceptions=[DOUBLE, SQUARE]
    )
    result = check.run(Context(Session(), 10))
    assert not result.passed and "should raise ValueError for ones" in result.feedback
    assert "Likely mistake: doubles" in result.feedback


def _catalogue_ids() -> list[tuple[str, str, str]]:
    """(kind, id, the source of its words) of every ``Misconception(...)`` and ``Mistake(...)`` written with
    a literal id in the topics."""
    import ast

    found = []
    for path in sorted((Path(__file__).resolve().parents[2] / "grader" / "topics").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.args
                and node.func.id in ("Misconception", "Mistake", "_count_mistake", "_size_mistake")
            ):
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    words = ast.unparse(node.args[1]) if len(node.args) > 1 else ""
                    found.append((node.func.id, first.value, words))
                elif node.func.id in ("Misconception", "Mistake"):  # a factory's parameter, or an f-string
                    assert isinstance(first, ast.Name) or isinstance(first, ast.BinOp), (path, ast.unparse(first))
    return found


def test_every_known_mistake_has_a_stable_id_and_each_id_one_mistake():
    """A mistake may be listed twice (for a model's structure and for its forward pass), with the same words."""
    found = _catalogue_ids()
    assert len(found) > 250
    words: dict[str, set[str]] = {}
    for kind, id, text in found:
        assert re.fullmatch(r"[a-z_]+\.[a-z0-9_]+", id), (kind, id)
        if kind != "Mistake":
            words.setdefault(id, set()).add(text)
    assert [id for id, texts in words.items() if len(texts) > 1] == []
