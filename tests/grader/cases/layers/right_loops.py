"""Correct, by loops: maximum with zeros, flatten by stacking per-sample rows, batch_norm one channel at a time
in float64 (variance as E[x^2] - E[x]^2, cast back), dropout keeping where rand < 1 - p.
"""
import torch


def relu(x):
    return torch.maximum(x, torch.zeros_like(x))


def flatten(x):
    if len(x.shape) < 2:
        raise ValueError(f"flatten: x has {len(x.shape)} dimension(s), needs 2 or more")
    return torch.stack([x[i].reshape(-1) for i in range(x.shape[0])])


def batch_norm(x, eps=1e-5):
    if x.dim() == 2:
        x4 = x[:, :, None, None]
    else:
        x4 = x
    n, c, h, w = x4.shape
    if n * h * w < 2:
        raise ValueError("batch_norm: x has a single value per channel")
    if eps <= 0:
        raise ValueError(f"batch_norm: eps={eps} is not positive")
    out = torch.empty(x4.shape, dtype=torch.float64)
    for ch in range(c):
        values = x4[:, ch].to(torch.float64)
        mean = values.mean()
        var = (values * values).mean() - mean * mean
        out[:, ch] = (values - mean) / torch.sqrt(var.clamp(min=0) + eps)
    return out.reshape(x.shape).to(x.dtype)


def dropout(x, p, training=True, generator=None):
    if not (0.0 <= p <= 1.0):
        raise ValueError(f"dropout probability p={p} is not between 0 and 1")
    if not training or p == 0:
        return x
    out = torch.zeros_like(x)
    if p == 1:
        return out
    u = torch.rand(x.shape, generator=generator, dtype=torch.float64)
    keep = u < 1 - p
    out[keep] = x[keep] / (1 - p)
    return out
