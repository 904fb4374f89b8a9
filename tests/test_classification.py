"""Tests for classification.py (UFRN lecture, "softmax" and
"Loss Function for Multiclass Classification")."""

import math

import course
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

cl = course.load("classification")

DTYPES = st.sampled_from([torch.float32, torch.float64])


def seed11_logits():
    """The UFRN example logits: ``torch.manual_seed(11); torch.randn(5, 3)``."""
    torch.manual_seed(11)
    return torch.randn(5, 3)


SEED11_LABELS = torch.tensor([0, 0, 1, 2, 1])


def random_logits(shape, scale, dtype, seed):
    """Logits in ``[-scale, scale]``."""
    g = torch.Generator().manual_seed(seed)
    return (2 * torch.rand(shape, generator=g, dtype=dtype) - 1) * scale


def assert_matches(actual, expected, largest_logit):
    """The contract's tolerance for softmax-like outputs: atol scales with the largest |logit|."""
    rtol, atol = (1e-7, 1e-9) if expected.dtype == torch.float64 else (1e-4, 1e-5)
    course.assert_close(actual, expected, rtol=rtol, atol=atol * max(float(largest_logit), 1.0))


# ---------------------------------------------------------------- softmax


def test_softmax_example_from_the_slides():
    logits = torch.tensor([1.3863, 0.0000, -0.6931])  # log 4, log 1, log 0.5
    course.assert_close(cl.softmax(logits), torch.tensor([0.7273, 0.1818, 0.0909]), atol=1e-4, rtol=0)


def test_softmax_of_the_seed_11_logits_gives_the_probabilities_of_the_slides():
    expected = torch.tensor(
        [
            [0.2181, 0.7301, 0.0518],
            [0.1664, 0.3663, 0.4673],
            [0.2861, 0.3629, 0.3510],
            [0.0686, 0.8010, 0.1305],
            [0.3421, 0.1481, 0.5098],
        ]
    )
    probabilities = cl.softmax(seed11_logits(), dim=1)
    course.assert_close(probabilities, expected, atol=1e-4, rtol=0)
    course.assert_close(probabilities.sum(dim=1), torch.ones(5))


def test_softmax_and_log_softmax_stay_finite_for_huge_logits():
    logits = torch.tensor([[1e4, 0.0, -1e4], [1e4, 1e4, 1e4], [-1e4, -1e4, -1e4]])
    probabilities = cl.softmax(logits)
    log_probabilities = cl.log_softmax(logits)
    assert torch.isfinite(probabilities).all() and torch.isfinite(log_probabilities).all()
    assert_matches(probabilities, torch.softmax(logits, dim=-1), 1e4)
    assert_matches(log_probabilities, torch.log_softmax(logits, dim=-1), 1e4)


def test_log_softmax_is_the_log_of_softmax():
    logits = seed11_logits()
    course.assert_close(cl.log_softmax(logits, dim=1), torch.log(cl.softmax(logits, dim=1)))


@settings(max_examples=25, deadline=None)
@given(
    shape=st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple),
    dim_choice=st.integers(0, 2),
    scale=st.sampled_from([1.0, 30.0, 1e4]),
    dtype=DTYPES,
    seed=st.integers(0, 2**32 - 1),
)
def test_softmax_and_log_softmax_match_torch_along_any_dim(shape, dim_choice, scale, dtype, seed):
    dim = dim_choice % len(shape)
    logits = random_logits(shape, scale, dtype, seed)
    before = logits.clone()
    largest = logits.abs().max()
    assert_matches(cl.softmax(logits, dim=dim), torch.softmax(logits, dim=dim), largest)
    assert_matches(cl.log_softmax(logits, dim=dim), torch.log_softmax(logits, dim=dim), largest)
    course.assert_equal(logits, before, "softmax must not modify its input")


# ---------------------------------------------------------------- cross_entropy


def test_cross_entropy_example_from_the_slides_is_1_6553():
    loss = cl.cross_entropy(seed11_logits(), SEED11_LABELS)
    assert loss.shape == ()
    assert loss.item() == pytest.approx(1.6553, abs=1e-4)


def test_cross_entropy_is_minus_the_mean_log_probability_of_the_true_class():
    logits = torch.log(torch.tensor([[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]]))
    labels = torch.tensor([0, 2])
    expected = -(math.log(0.5) + math.log(0.8)) / 2
    assert cl.cross_entropy(logits, labels).item() == pytest.approx(expected, rel=1e-6)


def test_cross_entropy_stays_finite_for_huge_logits():
    logits = torch.tensor([[1e4, -1e4], [-1e4, 1e4]])
    loss = cl.cross_entropy(logits, torch.tensor([1, 1]))  # the first sample is badly wrong
    assert torch.isfinite(loss)
    assert_matches(loss, F.cross_entropy(logits, torch.tensor([1, 1])), 1e4)


@settings(max_examples=25, deadline=None)
@given(
    batch=st.integers(1, 6),
    n_classes=st.integers(1, 6),
    scale=st.sampled_from([1.0, 30.0, 1e4]),
    dtype=DTYPES,
    seed=st.integers(0, 2**32 - 1),
)
def test_cross_entropy_matches_pytorch(batch, n_classes, scale, dtype, seed):
    logits = random_logits((batch, n_classes), scale, dtype, seed)
    labels = torch.randint(0, n_classes, (batch,), generator=torch.Generator().manual_seed(seed))
    expected = F.cross_entropy(logits, labels)
    assert_matches(cl.cross_entropy(logits, labels), expected, logits.abs().max())


@pytest.mark.parametrize(
    "labels",
    [
        torch.tensor([0, 3]),  # 3 is not a class when C = 3
        torch.tensor([0, -100]),  # no ignore_index here
        torch.tensor([0.0, 1.0]),  # labels must be int64 class indices
        torch.tensor([0, 1, 2]),  # 3 labels for 2 samples
    ],
)
def test_cross_entropy_rejects_invalid_labels(labels):
    with pytest.raises(ValueError):
        cl.cross_entropy(torch.randn(2, 3), labels)


def test_cross_entropy_rejects_logits_that_are_not_2d():
    with pytest.raises(ValueError):
        cl.cross_entropy(torch.randn(3), torch.tensor([0]))


# ---------------------------------------------------------------- binary_cross_entropy


def test_binary_cross_entropy_by_hand():
    # One positive predicted with 0.9 and one negative predicted with 0.2:
    # BCE = -(log 0.9 + log(1 - 0.2)) / 2
    probs = torch.tensor([0.9, 0.2])
    labels = torch.tensor([1.0, 0.0])
    expected = -(math.log(0.9) + math.log(0.8)) / 2
    assert cl.binary_cross_entropy(probs, labels).item() == pytest.approx(expected, rel=1e-6)


def test_binary_cross_entropy_clamps_the_log_at_minus_100():
    # Completely wrong and certain: log(0) is clamped to -100, as in PyTorch.
    probs = torch.tensor([0.0, 1.0])
    labels = torch.tensor([1.0, 0.0])
    assert cl.binary_cross_entropy(probs, labels).item() == pytest.approx(100.0)
    assert cl.binary_cross_entropy(labels, labels).item() == 0.0  # completely right


@settings(max_examples=25, deadline=None)
@given(
    shape=st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple),
    dtype=DTYPES,
    seed=st.integers(0, 2**32 - 1),
)
def test_binary_cross_entropy_matches_pytorch(shape, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    probs = torch.rand(shape, generator=g, dtype=dtype)
    labels = (torch.rand(shape, generator=g, dtype=dtype) > 0.5).to(dtype)
    expected = F.binary_cross_entropy(probs, labels)
    assert_matches(cl.binary_cross_entropy(probs, labels), expected, 1.0)


def test_binary_cross_entropy_rejects_values_outside_0_1_and_shape_mismatches():
    with pytest.raises(ValueError):
        cl.binary_cross_entropy(torch.tensor([0.5, 1.5]), torch.tensor([1.0, 0.0]))
    with pytest.raises(ValueError):
        cl.binary_cross_entropy(torch.tensor([0.5, -0.1]), torch.tensor([1.0, 0.0]))
    with pytest.raises(ValueError):
        cl.binary_cross_entropy(torch.tensor([0.5, 0.5]), torch.tensor([1.0, 0.0, 1.0]))
