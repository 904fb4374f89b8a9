"""The catalogue the student's pytest names mistakes from (``known_mistakes/``): the grader's ids and words,
and predictions that are what the wrong cases of tests/grader/cases really return."""

from __future__ import annotations

import ast
import types

import numpy as np
import pytest
import torch
from helpers import CASES, ROOT, as_module

import known_mistakes


def _ints(seed, shape, low=-3, high=3):
    return torch.randint(low, high + 1, shape, generator=torch.Generator().manual_seed(seed)).float()


# Arguments per function, chosen so that every mistake changes the result of at least one of them.
ARGUMENTS = {
    "conv2d": [
        dict(input=_ints(0, (1, 2, 4, 5)), weight=_ints(1, (3, 2, 2, 3)), bias=_ints(2, (3,)), stride=(1, 2)),
        dict(input=_ints(3, (1, 2, 5, 6)), weight=_ints(4, (2, 2, 2, 2)), padding=(1, 0), dilation=(2, 1)),
        dict(input=_ints(5, (2, 3, 3, 3)), weight=_ints(6, (2, 3, 3, 3)), bias=_ints(7, (2,))),
        dict(input=_ints(8, (1, 2, 4, 5)), weight=_ints(9, (2, 2, 2, 3)), padding="same", dilation=(1, 2)),
    ],
    "correlate2d": [
        dict(image=_ints(0, (4, 5)), kernel=_ints(1, (2, 3))),
        dict(image=_ints(2, (4, 4)), kernel=_ints(3, (3, 3))),
    ],
    "conv_output_size": [
        dict(n=7, kernel_size=3, stride=2, padding=1, dilation=2),
        dict(n=10, kernel_size=3, stride=3),
        dict(n=9, kernel_size=2, stride=2, padding=1),
    ],
    "filter2d": [
        dict(image=_ints(0, (4, 5), 0, 9).numpy().astype(np.uint8), kernel=_ints(1, (3, 3)).numpy()),
        dict(image=_ints(2, (5, 4), 0, 9).numpy(), kernel=_ints(3, (3, 1)).numpy()),
    ],
    "max_pool2d": [
        dict(input=-_ints(0, (1, 2, 4, 5), 1, 3), kernel_size=3, stride=1, padding=1),
        dict(input=_ints(1, (1, 1, 4, 4)), kernel_size=2),
    ],
    "avg_pool2d": [
        dict(input=_ints(0, (1, 2, 4, 5)), kernel_size=3, stride=1, padding=1),
        dict(input=_ints(1, (1, 1, 5, 4)), kernel_size=(3, 2), stride=None, padding=(1, 0)),
    ],
    "relu": [dict(x=torch.tensor([-2.0, -0.5, 0.0, 1.5, 3.0]))],
    "softmax": [
        dict(logits=_ints(0, (2, 3)), dim=0),
        dict(logits=_ints(1, (3, 2, 2)), dim=1),
        dict(logits=_ints(2, (2, 3))),
    ],
    "sigmoid": [dict(z=torch.tensor([-1000.0, -2.0, 0.0, 3.0, 1000.0]))],
}

# The wrong case of tests/grader/cases that makes each mistake.
CASE_OF = {
    "convolution.flipped_kernel": "convolution/wrong_flipped_kernel.py",
    "convolution.bias_missing_add_bias_o": "convolution/wrong_missing_bias.py",
    "convolution.bias_added_once_per_input": "convolution/wrong_bias_per_input_channel.py",
    "convolution.every_output_channel_gets_bias": "convolution/wrong_bias_first_channel.py",
    "convolution.stride_ignored_kernel_must_move": "convolution/wrong_stride_ignored.py",
    "convolution.dilation_ignored_kernel_taps_dilation": "convolution/wrong_dilation_ignored.py",
    "convolution.stride_padding_dilation_pairs_applied": "convolution/wrong_pairs_swapped.py",
    "convolution.flips_kernel_true_convolution_pytorchs": "convolution/wrong_correlate_flipped.py",
    "convolution.swaps_roles_rows_columns_kernel": "convolution/wrong_correlate_transposed.py",
    "convolution.ignores_dilation_dilated_kernel_spans": "convolution/wrong_size_ignores_dilation.py",
    "convolution.pads_only_one_side_padding": "convolution/wrong_size_one_sided_padding.py",
    "convolution.rounds_up_formula_uses_floor": "convolution/wrong_size_ceil.py",
    "convolution.forgets_1_first_position_kernel": "convolution/wrong_size_no_plus_one.py",
    "convolution.ignores_stride_kernel_moves_stride": "convolution/wrong_size_ignores_stride.py",
    "convolution.divides_float_2_5_positions": "convolution/wrong_size_true_division.py",
    "edges.flips_kernel_true_convolution_cv2": "edges/wrong_flipped_kernel.py",
    "edges.border_padded_zeros_border_constant": "edges/wrong_zero_border.py",
    "edges.border_mirrors_image_including_edge": "edges/wrong_reflect_border.py",
    "edges.border_repeats_edge_pixel_border": "edges/wrong_replicate_border.py",
    "edges.border_wraps_around_other_side": "edges/wrong_wrap_border.py",
    "edges.rows_columns_kernel_swapped_kernel": "edges/wrong_transposed_kernel.py",
    "pooling.pads_zeros_but_max_pooling": "pooling/wrong_zero_padding.py",
    "pooling.divides_number_real_non_padded": "pooling/wrong_count_exclude_pad.py",
    "pooling.returns_window_sums_divide_windows": "pooling/wrong_sum_pool.py",
    "layers.negative_inputs_keep_small_slope": "layers/wrong_leaky_relu.py",
    "layers.negative_inputs_change_sign_x": "layers/wrong_relu_abs.py",
    "layers.keeps_negative_part_min_x": "layers/wrong_relu_min.py",
    "classification.ignores_dim_always_normalises_along": "classification/wrong_softmax_ignores_dim.py",
    "classification.normalises_along_dimension_0_dim": "classification/wrong_dim_zero.py",
    "classification.divides_sum_over_whole_tensor": "classification/wrong_softmax_whole_sum.py",
    "perceptron.exp_z_overflows_inf_large": "perceptron/wrong_sigmoid_overflow.py",
}


def _module(source: str):
    module = types.ModuleType("case")
    exec(compile(source, "case", "exec"), module.__dict__)
    return module


def _same(a, b) -> bool:
    a, b = (torch.as_tensor(np.asarray(v) if isinstance(v, np.ndarray) else v).double() for v in (a, b))
    return a.shape == b.shape and torch.allclose(a, b, rtol=1e-6, atol=1e-6, equal_nan=True)


def _grader_catalogue() -> tuple[set[str], dict[str, set[str]]]:
    """Every string literal in grader/topics, and the words written literally after an id in a call
    (``Misconception(id, words, ...)``, ``Mistake(id, words)``, a topic's own factory of mistakes)."""
    strings, words = set(), {}
    for path in (ROOT / "grader" / "topics").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
            if isinstance(node, ast.Call) and len(node.args) > 1 and isinstance(node.args[0], ast.Constant):
                try:
                    text = ast.literal_eval(node.args[1])
                except ValueError:  # words computed from names: the grader reads them from elsewhere
                    continue
                if isinstance(text, str):
                    words.setdefault(node.args[0].value, set()).add(text)
    return strings, words


def test_the_catalogue_uses_the_graders_ids_and_words():
    strings, words = _grader_catalogue()
    for mistake in known_mistakes.CATALOGUE:
        assert mistake.id in strings, f"{mistake.id} is not a mistake the grader names"
        assert words.get(mistake.id, {mistake.text}) == {mistake.text}, mistake.id
    assert len({m.id for m in known_mistakes.CATALOGUE}) == len(known_mistakes.CATALOGUE)


def test_every_prediction_is_tested_against_a_wrong_case():
    assert {m.id for m in known_mistakes.CATALOGUE if m.predict} == set(CASE_OF)


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # PyTorch's note on even kernels
@pytest.mark.parametrize("mistake", [m for m in known_mistakes.CATALOGUE if m.predict], ids=lambda m: m.id)
def test_a_prediction_is_what_the_wrong_case_returns_and_not_the_right_answer(mistake):
    case = _module(as_module(CASES / CASE_OF[mistake.id]))
    reference = _module((ROOT / "solutions" / f"{CASE_OF[mistake.id].split('/')[0]}.py").read_text())
    differs = []
    for arguments in ARGUMENTS[mistake.function]:
        try:
            predicted = mistake.predict(**arguments)
        except known_mistakes.NotApplicable:
            continue
        got = getattr(case, mistake.function)(**arguments)
        assert _same(predicted, got), (mistake.id, arguments)
        differs.append(not _same(predicted, getattr(reference, mistake.function)(**arguments)))
    assert any(differs), f"no arguments of ARGUMENTS[{mistake.function!r}] show {mistake.id}"
