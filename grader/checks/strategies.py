"""Hypothesis strategies shared by the topics: arrays, tensors, dtypes, int-or-pair arguments; seeded weights.

Array values come from NumPy's generator seeded by a drawn integer, not from
one hypothesis draw per element: generating is about ten times cheaper, and
shrinking still reduces shapes, options and the value pattern. Patterns cover
the edge cases that matter to the exercises: all-negative values (max-pool
padding), small integers (ties, exact zeros), tiny values, and ``specials``
(e.g. 0, 1, 1e4) sprinkled in. The first patterns are the ones a person can
compute with by hand (small integers, then one-decimal numbers): hypothesis
shrinks towards the first, so a failure that still shows with simple values
is reported with them.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import torch
from hypothesis import strategies as st

DTYPES = st.sampled_from([torch.float32, torch.float64])
PATTERNS = ("small", "short", "uniform", "integers", "negative", "specials", "tiny")
UNIQUE_PATTERNS = ("small", "short", "uniform")


def values(dtype: torch.dtype, low: float = -10.0, high: float = 10.0):
    """Finite floats representable in ``dtype`` (for scalar arguments)."""
    width = 32 if dtype == torch.float32 else 64
    return st.floats(low, high, width=width, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def _hand_sized(rng, shape, low, high, pattern, unique):
    """Small integers (distinct ones if ``unique``) or one-decimal numbers in ``[low, high]``; None if too few fit."""
    count = int(np.prod(shape))
    step = 1 if pattern == "small" else 10
    grid = np.arange(np.ceil(low * step), np.floor(high * step) + 1)
    need = count if unique else 5
    if grid.size < max(3, need if unique else 3):
        return None
    nearest_zero = grid[np.argsort(np.abs(grid), kind="stable")[: max(need, 5)]]
    return rng.choice(nearest_zero, size=shape, replace=not unique) / step


def _fill(rng, dtype: np.dtype, shape, low, high, pattern, specials, unique=False):
    hand = _hand_sized(rng, shape, low, high, pattern, unique) if pattern in ("small", "short") else None
    if np.issubdtype(dtype, np.integer) or np.issubdtype(dtype, np.bool_):
        data = rng.integers(int(np.ceil(low)), int(np.floor(high)) + 1, size=shape)
    elif hand is not None:
        data = hand
    elif pattern == "integers":
        data = rng.integers(int(np.ceil(low)), int(np.floor(high)) + 1, size=shape).astype(np.float64)
    elif pattern == "negative" and high > 0 > low:
        data = rng.uniform(low, 0.0, size=shape)
    elif pattern == "tiny":
        data = rng.uniform(low, high, size=shape) * 1e-3
    else:
        data = rng.uniform(low, high, size=shape)
    if pattern == "specials" and specials:
        mask = rng.random(size=shape) < 0.4
        data = np.where(mask, rng.choice(np.asarray(specials, dtype=np.float64), size=shape), data)
    return np.asarray(data).astype(dtype)


@st.composite
def arrays(
    draw, dtype, shape, low: float = -10.0, high: float = 10.0, specials=(), unique: bool = False, patterns=PATTERNS
):
    """NumPy arrays of exactly ``shape`` and ``dtype``, values in ``[low, high]`` (plus ``specials``)."""
    dtype, shape = np.dtype(dtype), tuple(int(n) for n in shape)
    seed = draw(st.integers(0, 2**32 - 1))
    pattern = draw(st.sampled_from(patterns if not unique else UNIQUE_PATTERNS))
    rng = np.random.default_rng(seed)
    data = _fill(rng, dtype, shape, low, high, pattern, specials, unique)
    if unique:
        for _ in range(20):
            if np.unique(data).size == data.size:
                break
            data = _fill(rng, dtype, shape, low, high, pattern, specials, unique)
    return data


def tensors(
    shape,
    dtype: torch.dtype,
    low: float = -10.0,
    high: float = 10.0,
    specials=(),
    unique: bool = False,
    patterns=PATTERNS,
):
    """Tensors of exactly ``shape`` and ``dtype`` with values in ``[low, high]`` (plus ``specials``)."""
    np_dtype = np.float32 if dtype == torch.float32 else np.float64
    return arrays(np_dtype, shape, low, high, specials, unique, patterns).map(torch.from_numpy)


def int_or_pair(pair: tuple[int, int]):
    """``pair`` given as a tuple, or as a single int when both entries agree (both forms are legal)."""
    if pair[0] == pair[1]:
        return st.sampled_from([pair[0], pair])
    return st.just(pair)


def pairs(low: int, high: int, square: bool = False):
    """Pairs ``(a, b)``, square ones more often than not (only square ones if ``square``)."""
    equal = st.integers(low, high).map(lambda n: (n, n))
    return equal if square else st.one_of(equal, st.tuples(st.integers(low, high), st.integers(low, high)))


def seeded_weights(template: dict[str, torch.Tensor], seed: int, counter_offset: int = 0) -> OrderedDict:
    """Deterministic values for a model's ``state_dict`` ``template``, from a generator seeded with ``seed``:
    weights uniform and scaled by fan-in, other parameters in [-0.5, 0.5], BatchNorm variances in
    [0.5, 1.5]; integer buffers (``num_batches_tracked``) kept, plus ``counter_offset``."""
    generator = torch.Generator().manual_seed(seed)
    state = OrderedDict()
    for name, value in template.items():
        if not value.is_floating_point():
            state[name] = value.clone() + counter_offset
            continue
        u = torch.rand(value.shape, generator=generator, dtype=torch.float64) * 2 - 1
        if name.endswith("running_var"):
            u = 0.5 + u.abs()
        elif value.dim() > 1:
            u = u * (3.0 / value[0].numel()) ** 0.5
        else:
            u = u * 0.5
        state[name] = u.to(value.dtype)
    return state
