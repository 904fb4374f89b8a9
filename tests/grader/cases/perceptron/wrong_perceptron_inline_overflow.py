"""perceptron that writes the sigmoid inline as exp(z) / (1 + exp(z)) instead of calling sigmoid: right for
moderate z = x @ w + b, nan (inf / inf) once z passes exp's overflow (88.7 in float32).

expect-fail: perceptron_matches_reference
expect-feedback: large |x @ w + b| ✗
expect-feedback: exp(z) overflows to inf
expect-credit: perceptron_matches_reference = 0.72
"""
import torch


def perceptron(x, w, b):
    if w.dim() != 1 or x.shape[-1] != w.shape[0]:
        raise ValueError(f"x has {x.shape[-1]} features, w has {w.shape[0]}")
    e = torch.exp(x @ w + b)
    return e / (1 + e)
