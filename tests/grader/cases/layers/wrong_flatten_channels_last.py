"""flatten that moves the channels to the end first (as for an image in H x W x C order).

expect-fail: flatten_matches_reference, flatten_non_contiguous
expect-feedback: channels-last
expect-credit: flatten_matches_reference = 0.0
expect-credit: flatten_non_contiguous = 0.0
"""


def flatten(x):
    if x.dim() < 2:
        raise ValueError("flatten needs at least 2 dimensions")
    return x.movedim(1, -1).reshape(x.shape[0], -1)
