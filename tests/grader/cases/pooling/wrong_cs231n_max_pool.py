"""A CS231n-style naive max pooling forward pass behind a thin adapter: right for an int kernel and
stride without padding, but a pair raises TypeError and `padding` is ignored (no argument checks either).

It keeps the shares of max_pool2d_matches_reference but padding, non-square kernel and pair arguments
(2.48 points), none of the -inf padding test, and of the error test only the 4-D input requirement (unpacking
a 3-D shape raises ValueError by chance).
avg_pool2d is the reference's.

expect-fail: max_pool2d_matches_reference, max_pool2d_negative_padded, max_pool2d_errors
expect-feedback: padding is ignored
expect-feedback: should raise ValueError
expect-credit: max_pool2d_matches_reference = 0.708
expect-credit: max_pool2d_negative_padded = 0.0
expect-credit: max_pool2d_errors = 0.133
"""
import torch


def max_pool_forward_naive(x, pool_param):
    """x: (N, C, H, W); pool_param: pool_height, pool_width, stride."""
    pool_height, pool_width = pool_param["pool_height"], pool_param["pool_width"]
    stride = pool_param["stride"]
    N, C, H, W = x.shape
    H_out = 1 + (H - pool_height) // stride
    W_out = 1 + (W - pool_width) // stride
    out = torch.zeros((N, C, H_out, W_out), dtype=x.dtype)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    h0, w0 = i * stride, j * stride
                    out[n, c, i, j] = x[n, c, h0:h0 + pool_height, w0:w0 + pool_width].max()
    return out


def max_pool2d(input, kernel_size, stride=None, padding=0):
    pool_param = {"pool_height": kernel_size, "pool_width": kernel_size,
                  "stride": kernel_size if stride is None else stride}
    return max_pool_forward_naive(input, pool_param)
