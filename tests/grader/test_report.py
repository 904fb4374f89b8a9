"""The report renderers on a hand-made result: fast, no grading."""

from __future__ import annotations

import json
import re

import pytest

from grader.checks import LIKELY, Mistake
from grader.report import html, pictures, to_gradescope, to_html, to_json, to_markdown, to_text
from grader.report.html import STYLE, topic_html
from grader.report.text import PLAIN_WIDTH, terminal_width
from grader.score.grade import GradeResult, TopicResult
from grader.score.grade import TestResult as Result

FEEDBACK = (
    "conv2d: core ✓, stride ✓, dilation ✗ (see below)\n"
    "dilation: the result of `conv2d` is wrong: at index [0, 0, 0, 0] expected 10, got -8\n"
    "    Input: input=float32 tensor of shape (1, 1, 2, 2) [[[[2, -2], [1, -1]]]], weight=float32 tensor "
    "of shape (1, 1, 2, 2) [[[[2, -2], [1, -1]]]], bias=None, dilation=2\n"
    "    Likely mistake: your conv2d matches a *flipped* kernel: PyTorch's Conv2d is cross-correlation"
)


def _result() -> GradeResult:
    tests = [
        Result("conv2d matches F.conv2d", "conv2d_matches_reference", "conv2d", 5.5556, 7.7778, False, FEEDBACK),
        Result(
            "conv_output_size formula",
            "conv_output_size_formula",
            "conv_output_size",
            0.0,
            1.1112,
            False,
            "`conv_output_size` is not implemented yet",
        ),
    ]
    return GradeResult("submission", {"convolution": TopicResult("convolution", 5.5556, 8.889, tests)})


@pytest.mark.parametrize("width", [80, 100])
def test_text_fits_the_width_keeps_indentation_and_has_no_markup(width):
    text = to_text(_result(), width=width)
    lines = text.splitlines()
    assert all(len(line) <= width for line in lines), max(lines, key=len)
    assert all(line == line.rstrip() for line in lines)
    assert "*flipped*" not in text and "flipped kernel" in text
    input_at = next(i for i, line in enumerate(lines) if "Input:" in line)
    indent = len(lines[input_at]) - len(lines[input_at].lstrip())
    assert len(lines[input_at + 1]) - len(lines[input_at + 1].lstrip()) > indent  # continuation indented
    assert "PARTIAL conv2d matches F.conv2d  (5.56 / 7.78)" in text
    assert "FAILED conv_output_size formula  (0 / 1.11)" in text


def test_the_width_is_columns_else_the_terminals_else_a_plain_default(monkeypatch):
    monkeypatch.setenv("COLUMNS", "83")
    assert terminal_width() == 83
    monkeypatch.delenv("COLUMNS")
    assert terminal_width() == PLAIN_WIDTH  # pytest captures stdout: not a terminal


@pytest.mark.parametrize("width", range(60, 110))
def test_a_tests_points_are_never_split_across_lines(width):
    result = _result()
    result.topics["convolution"].tests[
        0
    ].name = "conv2d matches F.conv2d (shapes, strides, paddings, dilations, dtypes)"
    lines = to_text(result, width=width).splitlines()
    assert any(line.endswith("(5.56 / 7.78)") for line in lines)


@pytest.mark.parametrize("width", range(60, 110))
def test_shapes_and_small_tensors_are_not_split_across_lines(width):
    text = to_text(_result(), width=width)
    assert text.count("[[[[2, -2], [1, -1]]]]") == 2 and text.count("(1, 1, 2, 2)") == 2


def test_json_keeps_exact_points_and_markdown_shows_two_decimals():
    document = json.loads(to_json(_result()))
    assert document["topics"]["convolution"]["tests"][0]["score"] == 5.5556
    markdown = to_markdown(_result())
    assert "(5.56 / 7.78)" in markdown and "🟨" in markdown and "*flipped*" in markdown
    gradescope = json.loads(to_gradescope(_result()))
    assert gradescope["tests"][0]["score"] == 5.5556 and gradescope["tests"][0]["status"] == "failed"


def _stubs() -> GradeResult:
    """A topic whose conv2d is still the stub (three tests) and whose correlate2d failed for real."""
    stub = "`conv2d` is not implemented yet (it still raises NotImplementedError)"
    tests = [
        Result(f"conv2d test {i}", f"conv2d_{i}", "conv2d", 0.0, 4.0, False, stub, not_implemented=True)
        for i in range(3)
    ]
    tests.append(
        Result(
            "correlate2d matches",
            "correlate2d_matches_reference",
            "correlate2d",
            0.0,
            3.0,
            False,
            "the result of `correlate2d` is wrong",
        )
    )
    return GradeResult("exercises", {"convolution": TopicResult("convolution", 0.0, 15.0, tests)})


def test_a_function_still_a_stub_takes_one_line_in_text_and_markdown():
    text = to_text(_stubs(), width=100)
    assert "  NOT IMPLEMENTED YET conv2d  (0 / 12) in 3 tests\n" in text
    assert "conv2d test" not in text and "raises NotImplementedError" not in text
    assert "FAILED correlate2d matches  (0 / 3)" in text  # a real failure is still told in full
    markdown = to_markdown(_stubs())
    assert markdown.count("conv2d") == 1 and "- ❌ not implemented yet: conv2d  (0 / 12) in 3 tests" in markdown


def test_a_function_with_one_test_not_on_the_stub_is_told_test_by_test():
    result = _stubs()
    result.topics["convolution"].tests[0].not_implemented = False
    text = to_text(result, width=100)
    assert "NOT IMPLEMENTED YET" not in text and text.count("FAILED conv2d test") == 3


def test_a_topic_that_could_not_be_graded_says_why_once():
    reason = "convolution.py was not found in sub (looked at its top level, ...)"
    tests = [Result(f"test {i}", f"t{i}", "conv2d", 0.0, 5.0, False, reason) for i in range(4)]
    result = GradeResult("sub", {"convolution": TopicResult("convolution", 0.0, 20.0, tests, reason=reason)})
    assert to_text(result, width=100).count("was not found") == 1
    assert to_markdown(result).count("was not found") == 1


def _array(values, shape) -> dict:
    return {"dtype": "float32", "shape": list(shape), "values": [float(v) for v in values], "truncated": False}


def _pictured() -> GradeResult:
    """A failed conv2d test with its counterexample, named mistake and checklist; a stub; a passed topic."""
    counterexample = {
        "function": "conv2d",
        "inputs": {"args": [_array([2, -2, 1, -1], (1, 1, 2, 2)), _array([2, -2, 1, -1], (1, 1, 2, 2))], "kwargs": {}},
        "expected": _array([10], (1, 1, 1, 1)),
        "got": _array([-8], (1, 1, 1, 1)),
        "first_difference": [0, 0, 0, 0],
    }
    words = "your conv2d matches a *flipped* kernel: PyTorch's Conv2d is cross-correlation"  # as FEEDBACK says it
    flipped = Mistake("convolution.flipped_kernel", words)
    failed = Result(
        "conv2d matches F.conv2d",
        "conv2d_matches_reference",
        "conv2d",
        5.5556,
        7.7778,
        False,
        FEEDBACK + "\n    got <script>alert('x')</script> & more",
        counterexample=counterexample,
        mistakes=(flipped,),
        features=(("core", True), ("stride", True), ("dilation", False)),
    )
    stub = "`conv_output_size` is not implemented yet"
    stubs = [
        Result(f"size {i}", f"size_{i}", "conv_output_size", 0.0, 1.0, False, stub, not_implemented=True)
        for i in range(2)
    ]
    passed = Result("correlate2d matches", "correlate2d_matches_reference", "correlate2d", 3.0, 3.0, True, "")
    easy = Result("deriv exact", "deriv_exact", "deriv", 5.0, 5.0, True, "")
    topics = {
        "gradient_descent": TopicResult("gradient_descent", 5.0, 5.0, [easy]),
        "convolution": TopicResult("convolution", 8.5556, 12.7778, [*stubs, failed, passed]),
    }
    return GradeResult("alice", topics, notes=("found convolution.py",))


def test_html_is_one_self_contained_page_failures_first_the_same_bytes_every_time():
    page = to_html(_pictured())
    pictures._pictures_of.cache_clear()
    assert to_html(_pictured()) == page
    assert page.startswith("<!DOCTYPE html>") and '<meta name="viewport"' in page and "@media print" in page
    assert "<script" not in page and "<link" not in page and 'src="http' not in page  # no script, no network
    assert page.index('id="topic-convolution"') < page.index('id="topic-gradient_descent"')  # failures first
    assert page.count('<img src="data:image/svg+xml;base64,') == 2 and page.count('alt="') == 2
    assert "Expected 1×1×1×1 float32 output of conv2d vs yours" in page
    assert "<strong>Likely mistake: </strong>your conv2d matches a <em>flipped</em> kernel" in page
    assert html.LIKELY == LIKELY and page.count("matches a <em>flipped</em> kernel") == 1  # not again in the words
    assert '<li class="missed">✗ dilation</li>' in page and '<li class="held">✓ stride</li>' in page
    assert page.count("conv_output_size") == 1 and "size 0" not in page.split("<details")[0]  # a stub: once
    assert '<details class="passed"><summary>1 test passed</summary>' in page


def test_html_escapes_what_the_student_printed():
    page = to_html(_pictured())
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in page
    assert "<script>" not in page


def test_topic_html_is_a_fragment_that_brings_its_own_style():
    fragment = topic_html("convolution", _pictured().topics["convolution"])
    assert fragment.startswith('<div class="convgrade"><style>') and fragment.rstrip().endswith("</div>")
    assert "<html" not in fragment and "<body" not in fragment and fragment.count("<img") == 2
    assert re.findall(r"^\.convgrade|^@media", STYLE.strip(), re.M) and all(
        line.startswith((".convgrade", "@media", "  ", "}")) for line in STYLE.strip().splitlines()
    )  # every rule is scoped: the fragment leaves the page around it alone


def test_gradescope_shows_failed_tests_as_html_with_png_pictures_and_their_words():
    result = _pictured()
    result.visibility = {"default": "after_published", "convolution": "visible", "convolution.size_1": "hidden"}
    document = json.loads(to_gradescope(result))
    tests = {t["name"].split(": ", 1)[1]: t for t in document["tests"]}
    failed = tests["conv2d matches F.conv2d"]
    assert failed["output_format"] == "html" and failed["output"].count('<img src="data:image/png;base64,') == 2
    assert "<br>Picture: Expected 1×1×1×1 float32 output of conv2d vs yours" in failed["output"]  # without the image
    assert "<em>flipped</em>" in failed["output"] and "&lt;script&gt;" in failed["output"]
    assert "What works: core ✓, stride ✓, dilation ✗" in failed["output"]
    assert tests["correlate2d matches"]["output_format"] == "text"
    visibility = {name: t["visibility"] for name, t in tests.items()}
    assert visibility == {
        "size 0": "visible",
        "size 1": "hidden",
        "conv2d matches F.conv2d": "visible",
        "correlate2d matches": "visible",
        "deriv exact": "after_published",
    }
    assert "  convolution       8.56 / 11.78  (1 of 3 tests passed; 1 more not shown here)" in document["output"]
    assert "  gradient_descent  not shown here (1 test)" in document["output"]
