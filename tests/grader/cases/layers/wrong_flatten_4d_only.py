"""flatten written for (N, C, H, W) only, as after a conv layer: right on 4-D inputs (the core), IndexError
on 2-D and 3-D inputs and a RuntimeError on 5-D ones.
The ranks are flatten_matches_reference's requirement; flatten_non_contiguous draws 4-D views only.

expect-fail: flatten_matches_reference
expect-feedback: written for 4-D inputs
expect-credit: flatten_matches_reference = 0.7
"""


def flatten(x):
    if x.dim() < 2:
        raise ValueError("flatten needs at least 2 dimensions")
    return x.reshape(x.shape[0], x.shape[1] * x.shape[2] * x.shape[3])
