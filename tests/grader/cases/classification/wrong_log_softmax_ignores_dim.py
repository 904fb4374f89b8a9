"""log_softmax that always works along the last dimension (cross_entropy, which asks for dim=1 of 2-D
logits, is still right).

expect-fail: log_softmax_matches_reference
expect-feedback: ignores `dim`
expect-credit: log_softmax_matches_reference = 0.7
"""
import torch


def log_softmax(logits, dim=-1):
    shifted = logits - logits.amax(dim=-1, keepdim=True)
    return shifted - torch.log(torch.exp(shifted).sum(dim=-1, keepdim=True))
