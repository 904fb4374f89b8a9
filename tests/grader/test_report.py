"""The report renderers on a hand-made result: fast, no grading."""
from __future__ import annotations

import json

import pytest

from grader.grade import GradeResult, TopicResult
from grader.grade import TestResult as Result
from grader.report import PLAIN_WIDTH, terminal_width, to_gradescope, to_json, to_markdown, to_text

FEEDBACK = ("conv2d: core ✓, stride ✓, dilation ✗ (see below)\n"
            "dilation: the result of `conv2d` is wrong: at index [0, 0, 0, 0] expected 10, got -8\n"
            "    Input: input=float32 tensor of shape (1, 1, 2, 2) [[[[2, -2], [1, -1]]]], weight=float32 tensor "
            "of shape (1, 1, 2, 2) [[[[2, -2], [1, -1]]]], bias=None, dilation=2\n"
            "    Likely mistake: your conv2d matches a *flipped* kernel: PyTorch's Conv2d is cross-correlation")


def _result() -> GradeResult:
    tests = [Result("conv2d matches F.conv2d", "conv2d_matches_reference", "conv2d", 5.5556, 7.7778, False,
                        FEEDBACK),
             Result("conv_output_size formula", "conv_output_size_formula", "conv_output_size", 0.0, 1.1112,
                        False, "`conv_output_size` is not implemented yet")]
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
    result.topics["convolution"].tests[0].name = "conv2d matches F.conv2d (shapes, strides, paddings, dilations, dtypes)"
    lines = to_text(result, width=width).splitlines()
    assert any(line.endswith("(5.56 / 7.78)") for line in lines)


def test_json_keeps_exact_points_and_markdown_shows_two_decimals():
    document = json.loads(to_json(_result()))
    assert document["topics"]["convolution"]["tests"][0]["score"] == 5.5556
    markdown = to_markdown(_result())
    assert "(5.56 / 7.78)" in markdown and "🟨" in markdown and "*flipped*" in markdown
    gradescope = json.loads(to_gradescope(_result()))
    assert gradescope["tests"][0]["score"] == 5.5556 and gradescope["tests"][0]["status"] == "failed"
