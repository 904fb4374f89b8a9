"""flatten reading the underlying storage with as_strided: right for contiguous inputs, the memory order
(not the index order) for transposed ones.

expect-fail: flatten_non_contiguous
expect-feedback: memory order of the underlying storage
expect-credit: flatten_non_contiguous = 0.0
"""
import math

import torch


def flatten(x):
    if x.dim() < 2:
        raise ValueError("flatten needs at least 2 dimensions")
    rest = math.prod(x.shape[1:])
    return torch.as_strided(x, (x.shape[0], rest), (rest, 1), x.storage_offset()).clone()
