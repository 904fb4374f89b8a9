"""loader_apply makes reduce keyword-only: loader_apply(loader, func, "mean"), in the contract's order, raises
TypeError. The error test calls reduce= by name (the position is the reduce test's feature).

expect-fail: loader_apply_reduces
expect-feedback: takes 2 positional arguments but 3 were given
expect-credit: loader_apply_reduces = 0.733
"""
_reference = loader_apply


def loader_apply(loader, func, *, reduce: str = "sum") -> torch.Tensor:
    return _reference(loader, func, reduce)
