"""loader_apply concatenates the per-batch results (torch.cat) instead of stacking them.

expect-fail: loader_apply_reduces
expect-feedback: concatenated
expect-credit: loader_apply_reduces = 0.0
"""


def loader_apply(loader, func, reduce="sum"):
    if reduce not in ("sum", "mean"):
        raise ValueError(f"reduce must be 'sum' or 'mean', got {reduce!r}")
    joined = torch.cat([func(x, y) for x, y in loader])
    return joined.sum(dim=0) if reduce == "sum" else joined.float().mean(dim=0)
