"""`grader similarity`: in a class of twelve made from the repository (tests/grader/synthetic_class.py),
the copy with renamed variables ranks first, the students who handed in the stubs or the plain
solutions are not flagged, students with the same wrong output on the same input are grouped, and
the command writes the same reports as the library. Twelve: the plain solutions, the same code in
every student who wrote them, are common (no evidence) once four or more students have them."""

from __future__ import annotations

import json

import pytest
from helpers import CASES, ROOT, run_grader
from synthetic_class import make_class

from grader.integrations.similarity import THRESHOLD, compare_class, same_wrong_outputs
from grader.integrations.similarity_report import to_json, to_markdown

INPUTS = {"args": [{"dtype": "float32", "shape": [1, 1, 2, 2], "values": [1, 2, 3, 4], "truncated": False}]}
EXPECTED = {"dtype": "float32", "shape": [1, 1, 1, 1], "values": [4], "truncated": False}


def wrong(got, inputs=INPUTS, mistakes=(), name="conv2d matches F.conv2d"):
    """A failed test of a report (docs/reference.md, "The JSON report") whose counterexample returned ``got``."""
    example = {"function": "conv2d", "inputs": inputs, "expected": EXPECTED, "got": got, "first_difference": None}
    return {
        "name": name,
        "score": 0.0,
        "max_score": 8.0,
        "passed": False,
        "feedback": "...",
        "counterexample": example,
        "mistakes": [{"id": m, "text": "..."} for m in mistakes],
    }


def report(*tests) -> str:
    right = {"name": "conv2d matches F.conv2d", "score": 8.0, "max_score": 8.0, "passed": True, "feedback": ""}
    topic = {"score": 0.0, "max_score": 8.0, "tests": list(tests) or [right]}
    return json.dumps({"score": topic["score"], "max_score": 8.0, "topics": {"convolution": topic}})


def array(*values):
    return {"dtype": "float32", "shape": [1, 1, 1, 1], "values": list(values), "truncated": False}


@pytest.fixture(scope="module")
def small_class(tmp_path_factory):
    """The class, its kinds of students, and grade-all-like reports: the planted pair shares a wrong
    output, and so do two other students who wrote their own code."""
    root = tmp_path_factory.mktemp("similarity")
    kinds, _ = make_class(root / "class", 12, with_cases=0.3)
    results = root / "results"
    results.mkdir()
    others = sorted(name for name, kind in kinds.items() if kind in ("plain", "cases"))[:2]
    for name, kind in kinds.items():
        got = array(1) if kind in ("original", "copy") else array(0) if name in others else None
        (results / f"{name}.json").write_text(report(wrong(got)) if got else report())
    return root / "class", results, kinds


@pytest.fixture(scope="module")
def compared(small_class):
    folder, results, _ = small_class
    return compare_class(folder, results, jobs=2)


def test_the_planted_copy_ranks_first(compared, small_class):
    kinds = small_class[2]
    first = compared.pairs[0]
    assert {kinds[first.a], kinds[first.b]} == {"original", "copy"}
    assert first.score >= THRESHOLD
    assert min(first.lines) > 100  # the whole submission, not a line here and there
    assert first.same_wrong == 1


def test_stubs_and_plain_solutions_are_not_flagged(compared, small_class):
    kinds = small_class[2]
    stubs = {name for name, kind in kinds.items() if kind == "stubs"}
    plain = {name for name, kind in kinds.items() if kind == "plain"}
    assert len(stubs) >= 2 and len(plain) >= 2
    assert not any(compared.own.get(name) for name in stubs)  # the stubs are no code of one's own
    for pair in compared.flagged:
        assert not {pair.a, pair.b} & stubs
        assert not {pair.a, pair.b} <= plain


def test_same_wrong_output_groups_students(compared, small_class):
    kinds = small_class[2]
    planted = tuple(sorted(name for name, kind in kinds.items() if kind in ("original", "copy")))
    others = tuple(sorted(name for name, kind in kinds.items() if kind in ("plain", "cases"))[:2])
    assert sorted(group.students for group in compared.groups) == sorted([planted, others])


def test_same_wrong_output_needs_the_same_input_and_the_same_got(tmp_path):
    other = {"args": [{"dtype": "float32", "shape": [1, 1, 1, 1], "values": [7], "truncated": False}]}
    reports = {
        "alice": report(wrong(array(1), mistakes=["convolution.flipped_kernel"])),
        "bob": report(wrong(array(1), mistakes=["convolution.flipped_kernel"])),
        "carol": report(wrong(array(2))),  # another wrong output
        "dave": report(),  # passed
        "erin": report(wrong(array(1), inputs=other)),  # the same output on other inputs
        "frank": report(wrong(None)),  # raised: nothing to compare
        "gina": report(wrong(array(1), name="conv2d with stride")),  # another test
    }
    for name, text in reports.items():
        (tmp_path / f"{name}.json").write_text(text)
    groups, missing = same_wrong_outputs(tmp_path, [*reports, "hank"])
    assert [(g.students, g.topic, g.function, g.got, g.mistakes) for g in groups] == [
        (("alice", "bob"), "convolution", "conv2d", array(1), ("convolution.flipped_kernel",))
    ]
    assert missing == ["hank"]


def test_the_command_writes_what_the_library_finds(compared, small_class, tmp_path):
    folder, results, kinds = small_class
    done = run_grader("similarity", folder, "--results", results, "--out", tmp_path / "out", "-j", "2", "--quiet")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "similarity.json").read_text() == to_json(compared)  # other process, other hash seed
    assert (tmp_path / "out" / "similarity.md").read_text() == to_markdown(compared)
    page = (tmp_path / "out" / "similarity.html").read_text()
    planted = [name for name, kind in kinds.items() if kind in ("original", "copy")]
    assert "<mark>" in page and all(name in page for name in planted)
    assert "-&gt; torch.Tensor" in page and "-> torch.Tensor" not in page  # the code is escaped
    assert "<script" not in page and 'src="' not in page and 'href="http' not in page  # nothing to run or fetch
    assert f"first: {compared.pairs[0].a} and {compared.pairs[0].b}" in done.stderr


def test_the_command_refuses_bad_input(tmp_path):
    missing = run_grader("similarity", tmp_path / "nothing")
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    (tmp_path / "class").mkdir()
    no_results = run_grader("similarity", tmp_path / "class", "--results", tmp_path / "nothing")
    assert no_results.returncode == 2 and "not a folder" in no_results.stderr
    threshold = run_grader("similarity", tmp_path / "class", "--threshold", "2")
    assert threshold.returncode == 2 and "at most 1" in threshold.stderr


@pytest.mark.slow
def test_grade_all_compares_the_class_it_graded(tmp_path):
    """``grade-all --similarity``: two students with the same wrong sigmoid are a pair and a group, from
    the reports grade-all wrote; the student who handed in the stub is in neither."""
    wrong_sigmoid = (ROOT / "solutions" / "perceptron.py").read_text() + "\n"
    wrong_sigmoid += (CASES / "perceptron" / "wrong_sigmoid_sign.py").read_text()
    stub = (ROOT / "exercises" / "perceptron.py").read_text()
    for name, text in {"alice": wrong_sigmoid, "bob": wrong_sigmoid, "carol": stub}.items():
        (tmp_path / "class" / name).mkdir(parents=True)
        (tmp_path / "class" / name / "perceptron.py").write_text(text)
    (tmp_path / "fast.toml").write_text("[examples]\ndefault = 8\n")
    out = tmp_path / "out"
    done = run_grader(
        "grade-all", tmp_path / "class", "--out", out, "--similarity", "--config", tmp_path / "fast.toml", "--quiet"
    )
    assert done.returncode == 0, done.stderr
    found = json.loads((out / "similarity.json").read_text())
    assert [pair["students"] for pair in found["pairs"]] == [["alice", "bob"]]
    assert found["pairs"][0]["same_wrong_outputs"] >= 1
    groups = found["wrong_output_groups"]
    assert groups and all(g["students"] == ["alice", "bob"] and g["function"] == "sigmoid" for g in groups)
    assert (out / "similarity.html").exists() and (out / "similarity.md").exists()
