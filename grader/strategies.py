"""Hypothesis strategies shared by the topics: tensors, dtypes, int-or-pair arguments."""
from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

DTYPES = st.sampled_from([torch.float32, torch.float64])


def values(dtype: torch.dtype, low: float = -10.0, high: float = 10.0):
    """Finite floats representable in ``dtype``."""
    width = 32 if dtype == torch.float32 else 64
    return st.floats(low, high, width=width, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def tensors(shape, dtype: torch.dtype, low: float = -10.0, high: float = 10.0):
    """Tensors of exactly ``shape`` and ``dtype`` with values in ``[low, high]``."""
    np_dtype = np.float32 if dtype == torch.float32 else np.float64
    return hnp.arrays(np_dtype, tuple(shape), elements=values(dtype, low, high)).map(torch.from_numpy)


def int_or_pair(pair: tuple[int, int]):
    """``pair`` given as a tuple, or as a single int when both entries agree (both forms are legal)."""
    if pair[0] == pair[1]:
        return st.sampled_from([pair[0], pair])
    return st.just(pair)


def pairs(low: int, high: int):
    """Pairs ``(a, b)``, square ones more often than not."""
    return st.one_of(st.integers(low, high).map(lambda n: (n, n)),
                     st.tuples(st.integers(low, high), st.integers(low, high)))
