"""loader_apply raises ValueError for an unknown reduce, but its message does not say which argument is wrong.

expect-fail: loader_apply_errors
expect-feedback: name `reduce` in it
expect-credit: loader_apply_errors = 0.8
"""
_reference = loader_apply


def loader_apply(loader, func, reduce: str = "sum") -> torch.Tensor:
    if reduce not in ("sum", "mean"):
        raise ValueError(f"expected 'sum' or 'mean', got {reduce!r}")
    return _reference(loader, func, reduce)
