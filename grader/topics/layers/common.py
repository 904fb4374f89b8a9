"""What the layers' checks share: shapes, values with or without NaN and ±inf, and the float32 result
named as a mistake."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

from grader.checks import (
    Failure,
    Mistake,
    check_array_call,
)
from grader.sandbox.wire import Array
from grader.strategies import tensors


def _shapes(min_dims: int, max_dims: int, low: int = 1, high: int = 4):
    return st.lists(st.integers(low, high), min_size=min_dims, max_size=max_dims).map(tuple)


FLOAT32_RESULT = Mistake(
    "layers.float32_result",
    "the result is built in float32 for float64 inputs (torch.tensor of a Python list, "
    "torch.zeros(shape) and .float() all give float32): compute with the input's tensors, "
    "or pass dtype=x.dtype",
)


def _returned(ctx, function, case):
    """The tensor ``function`` returns on ``case`` (as an ``Array``), or None."""
    outcome = ctx.call(function, case)
    value = outcome.value if outcome.ok else None
    return value if isinstance(value, Array) and value.kind == "tensor" else None


def check_dtype_kept(ctx, function, case, expected, **options):
    """``check_array_call``, naming the float32 mistake when a float64 case comes back float32 (a dtype
    alone, not the values, shows it; the call is repeated for the dtype, check_array_call keeps only
    the value)."""
    try:
        check_array_call(ctx, function, case, expected, **options)
    except Failure as failure:
        if failure.fatal or expected.dtype != torch.float64:
            raise
        returned = _returned(ctx, function, case)
        if returned is None or returned.data.dtype != np.float32:
            raise
        raise Failure(f"{failure}\n    {FLOAT32_RESULT}", mistakes=(FLOAT32_RESULT,)) from None


NON_FINITE = [float("nan"), float("inf"), -float("inf")]


def _finite_or_not(shape, dtype, low, high, enabled):
    """Values in [low, high]; with the "NaN and ±inf" feature, often some NaN, inf and -inf among them."""
    plain = tensors(shape, dtype, low, high)
    if "NaN and ±inf" not in enabled:
        return plain
    # finite values first: a failure that does not need NaN or inf shrinks to one without them
    return st.one_of(plain, tensors(shape, dtype, low, high, specials=NON_FINITE, patterns=("specials",)))
