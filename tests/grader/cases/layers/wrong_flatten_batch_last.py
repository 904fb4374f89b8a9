"""flatten with reshape(-1, N): the batch size ends up as the number of columns.

expect-fail: flatten_matches_reference, flatten_non_contiguous
expect-feedback: the batch size ends up last
expect-credit: flatten_matches_reference = 0.0
expect-credit: flatten_non_contiguous = 0.0
"""


def flatten(x):
    if x.dim() < 2:
        raise ValueError("flatten needs at least 2 dimensions")
    return x.reshape(-1, x.shape[0])
