"""A d2l-style corr2d behind an adapter that checks the arguments: the result comes from
torch.zeros(...) without a dtype, so float64 inputs give a float32 result. Only the dtype part of
correlate2d_matches_reference (weight 1 of 6.5) is lost: a dtype slip, not a wrong correlation.

expect-fail: correlate2d_matches_reference
expect-feedback: float32 whatever the inputs' dtype
expect-credit: correlate2d_matches_reference = 0.846
"""
import torch


def corr2d(X, K):
    """Valid 2-D cross-correlation of X with the kernel K."""
    kh, kw = K.shape
    Y = torch.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + kh, j:j + kw] * K).sum()
    return Y


def correlate2d(image, kernel):
    if image.dim() != 2 or kernel.dim() != 2:
        raise ValueError("image and kernel must be 2-D")
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError("the kernel is larger than the image")
    return corr2d(image, kernel)
