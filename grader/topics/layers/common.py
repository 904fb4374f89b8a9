"""What the layers' checks share: shapes, values with or without NaN and ±inf, and the float32 result
named as a mistake."""

from __future__ import annotations

from hypothesis import strategies as st

from grader.checks.strategies import tensors

UNCHANGED = "input unchanged"  # a feature: only its search demands the inputs unchanged after the call


def _shapes(min_dims: int, max_dims: int, low: int = 1, high: int = 4):
    return st.lists(st.integers(low, high), min_size=min_dims, max_size=max_dims).map(tuple)


NON_FINITE = [float("nan"), float("inf"), -float("inf")]


def _finite_or_not(shape, dtype, low, high, enabled):
    """Values in [low, high]; with the "NaN and ±inf" feature, often some NaN, inf and -inf among them."""
    plain = tensors(shape, dtype, low, high)
    if "NaN and ±inf" not in enabled:
        return plain
    # finite values first: a failure that does not need NaN or inf shrinks to one without them
    return st.one_of(plain, tensors(shape, dtype, low, high, specials=NON_FINITE, patterns=("specials",)))
