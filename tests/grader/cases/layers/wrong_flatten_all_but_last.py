"""flatten that merges every dimension but the last, reshape(-1, x.shape[-1]); right for 2-D inputs.

expect-fail: flatten_matches_reference, flatten_non_contiguous
expect-feedback: merges all dimensions but the last
expect-credit: flatten_matches_reference = 0.0
expect-credit: flatten_non_contiguous = 0.0
"""


def flatten(x):
    if x.dim() < 2:
        raise ValueError("flatten needs at least 2 dimensions")
    return x.reshape(-1, x.shape[-1])
