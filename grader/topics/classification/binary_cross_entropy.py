"""``binary_cross_entropy``: equal to F.binary_cross_entropy (probabilities, the mean, the clamp of the
logs); its known mistakes and argument checks."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.checks import (
    Case,
    Misconception,
    NotApplicable,
    check_array_call,
    float32_result,
)
from grader.checks.strategies import DTYPES, tensors
from grader.topics.arguments import Bad
from grader.topics.classification.softmax import BCE_ARGS, UNCHANGED, _shapes

BCE_FEATURES = ("float64", "probabilities 0 and 1 (clamp)", "n-D", UNCHANGED)


@st.composite
def bce_cases(draw, enabled: frozenset):
    """binary_cross_entropy arguments drawing only the ``enabled`` features, and whether they must come back
    unchanged; the core is a float32 vector of probabilities between 0.1 and 0.9 with labels (mostly 0 or
    1) of the same shape."""
    on = enabled.__contains__
    dtype = draw(DTYPES) if on("float64") else torch.float32
    shape = draw(_shapes(0, 3)) if on("n-D") else draw(_shapes(1, 1))
    if on("probabilities 0 and 1 (clamp)"):
        tiny = [1e-30, 1 - 2**-24] + ([1e-50, 1e-300] if dtype == torch.float64 else [])
        probs = draw(tensors(shape, dtype, 0.0, 1.0, specials=[0.0, 1.0, 0.5] + tiny))
    else:
        probs = draw(tensors(shape, dtype, 0.1, 0.9, patterns=("short", "uniform")))
    labels = draw(
        tensors(shape, dtype, 0.0, 1.0, specials=[0.0, 1.0], patterns=("integers", "short", "uniform", "specials"))
    )
    return Case((probs, labels)), on(UNCHANGED)


def _bce_scale(case):
    """Mean over the elements of |log p| + |log(1 - p)| (each clamped at 100): the terms of the mean."""
    p = case.args[0].to(torch.float64)
    return (torch.log(p).clamp(min=-100).abs() + torch.log1p(-p).clamp(min=-100).abs()).mean()


def _unclamped(case):
    p, y = case.args
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()


BCE_MISTAKES = [
    Misconception(
        "classification.probabilities_clipped_1e_7_1",
        "the probabilities are clipped to [1e-7, 1 - 1e-7] (as Keras does); PyTorch clamps each "
        "log at -100 instead, so p = 0 with label 1 costs 100",
        lambda c: F.binary_cross_entropy(c.args[0].clamp(1e-7, 1 - 1e-7), c.args[1]),
    ),
    Misconception(
        "classification.labels_probabilities_mixed_up_y",
        "labels and probabilities are mixed up: y * log(p) + (1 - y) * log(1 - p), "
        "with y the label and p the probability",
        lambda c: F.binary_cross_entropy(1 - c.args[0], c.args[1]),
    ),
    Misconception(
        "classification.sums_over_elements_binary_cross",
        "it sums over the elements; binary_cross_entropy is the mean",
        lambda c: F.binary_cross_entropy(*c.args, reduction="sum"),
    ),
    Misconception(
        "classification.bce_sign_wrong",
        "the sign is wrong: the loss is MINUS the mean of y * log(p) + (1 - y) * log(1 - p)",
        lambda c: -F.binary_cross_entropy(*c.args),
    ),
    Misconception(
        "classification.only_y_log_p_term",
        "only the y * log(p) term is there; add (1 - y) * log(1 - p) for the negative class",
        lambda c: -(c.args[1] * torch.log(c.args[0]).clamp(min=-100)).mean(),
    ),
    Misconception(
        "classification.log_0_inf_makes_loss",
        "log(0) = -inf makes the loss infinite (or nan for 0 * -inf) when a probability is exactly "
        "0 or 1: clamp each log at -100 as PyTorch does",
        _unclamped,
    ),
]


def verify_bce(ctx, drawn):
    """binary_cross_entropy(probs, labels) equals F.binary_cross_entropy(probs, labels)."""
    case, unchanged = drawn
    check_array_call(
        ctx,
        "binary_cross_entropy",
        case,
        F.binary_cross_entropy(*case.args),
        scale=_bce_scale(case),
        misconceptions=BCE_MISTAKES,
        dtype_mistakes=[float32_result(lambda c: F.binary_cross_entropy(*c.args), "probs")],
        arg_names=BCE_ARGS,
        check_inputs=unchanged,
    )


def _unchecked_bce(case, shapes_differ: bool):
    p, y = case.args
    if (p.shape != y.shape) != shapes_differ:
        raise NotApplicable("the other check")
    return -(y * torch.log(p).clamp(min=-100) + (1 - y) * torch.log(1 - p).clamp(min=-100)).mean()  # may raise


def _same_count(case):
    """Shapes that differ with the same length and number of elements: (3,) against (3, 1) broadcasts to (3, 3)."""
    p, y = case.args
    if p.shape == y.shape or p.numel() != y.numel() or len(p) != len(y):
        raise NotApplicable("the shapes are equal, or a length or element count tells them apart")
    return _unchecked_bce(case, shapes_differ=True)


def _different_count(case):
    p, y = case.args
    if p.shape != y.shape and p.numel() == y.numel() and len(p) == len(y):
        raise NotApplicable("the next mistake's case")
    return _unchecked_bce(case, shapes_differ=True)


UNCHECKED_BCE = [
    Misconception(
        "classification.shapes_compared_2_3_probabilities",
        "the shapes are not compared: (2, 3) probabilities broadcast silently against (3,) labels "
        "(and (3,) against (4,) fails with PyTorch's RuntimeError); raise ValueError when "
        "probs.shape != labels.shape",
        _different_count,
    ),
    Misconception(
        "classification.only_lengths_element_counts_compared",
        "only the lengths (or element counts) are compared: (3,) probabilities against (3, 1) labels "
        "broadcast to a (3, 3) table; compare the whole shapes (probs.shape != labels.shape)",
        _same_count,
    ),
    Misconception(
        "classification.probabilities_checked_log_value_outside",
        "the probabilities are not checked: the log of a value outside [0, 1] is nan; raise "
        "ValueError for probabilities below 0 or above 1",
        lambda c: _unchecked_bce(c, shapes_differ=False),
    ),
]

RANGE, SHAPES = "probabilities outside [0, 1]", "shapes differ"
PROBS = ("probs", "probability", "probabilities")
BAD_BCE = [
    Bad(lambda: Case((torch.tensor([0.2, 1.5]), torch.tensor([0.0, 1.0]))), "for a probability of 1.5", RANGE, PROBS),
    Bad(
        lambda: Case((torch.tensor([-0.1, 0.5], dtype=torch.float64), torch.tensor([1.0, 0.0], dtype=torch.float64))),
        "for a probability of -0.1",
        RANGE,
        PROBS,
    ),
    Bad(
        lambda: Case((torch.full((3,), 0.5), torch.ones(4))),
        "for probs of shape (3,) and labels of shape (4,)",
        SHAPES,
        PROBS + ("labels", "label"),
    ),
    Bad(
        lambda: Case((torch.full((2, 3), 0.5), torch.ones(3))),
        "for probs of shape (2, 3) and labels of shape (3,) (broadcasting is not enough: the shapes must be equal)",
        SHAPES,
        PROBS + ("labels", "label"),
    ),
    Bad(
        lambda: Case((torch.tensor([0.2, 0.5, 0.9]), torch.tensor([[1.0], [0.0], [1.0]]))),
        "for probs of shape (3,) and labels of shape (3, 1) (the shapes must be equal)",
        SHAPES,
        PROBS + ("labels", "label"),
    ),
]
