"""Known mistakes of classification.py."""

import torch

from known_mistakes import Known, NotApplicable


def _along(fixed):
    """softmax along dimension ``fixed`` whatever ``dim`` says."""

    def predict(logits, dim=-1):
        if logits.dim() == 0 or dim % logits.dim() == fixed % logits.dim():
            raise NotApplicable("dim is that dimension")
        return torch.softmax(logits, fixed)

    return predict


MISTAKES = [
    Known(
        "classification.ignores_dim_always_normalises_along",
        "softmax",
        "it ignores `dim` and always normalises along the last dimension",
        _along(-1),
    ),
    Known(
        "classification.normalises_along_dimension_0_dim",
        "softmax",
        "it normalises along dimension 0 instead of `dim`",
        _along(0),
    ),
    Known(
        "classification.divides_sum_over_whole_tensor",
        "softmax",
        "it divides by the sum over the whole tensor; the sum runs along `dim` only (keepdim=True so it broadcasts)",
        lambda logits, dim=-1: torch.exp(logits - logits.max()) / torch.exp(logits - logits.max()).sum(),
    ),
]
