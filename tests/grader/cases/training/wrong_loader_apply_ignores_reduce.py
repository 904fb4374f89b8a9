"""loader_apply validates reduce but always sums.

expect-fail: loader_apply_reduces
expect-feedback: reduce is ignored: it always sums
expect-credit: loader_apply_reduces = 0.733
"""


def loader_apply(loader, func, reduce="sum"):
    if reduce not in ("sum", "mean"):
        raise ValueError(f"reduce must be 'sum' or 'mean', got {reduce!r}")
    stacked = torch.stack([func(x, y) for x, y in loader])
    return stacked.sum(dim=0)
