"""max_pool2d that starts from a padded copy filled with float("-inf") in the input's dtype, as the lecture's
float maps allow: an integer map (which PyTorch pools, keeping the dtype) raises RuntimeError, since -inf is no
integer. Everything else holds, so only the "integer dtypes" share of max_pool2d_matches_reference is lost
(judged: a dtype the contract names, on a path most students never try; about a quarter of the test).

expect-fail: max_pool2d_matches_reference
expect-feedback: float('-inf') cannot be stored in an integer tensor
expect-credit: max_pool2d_matches_reference = 0.769
"""
import torch

_checked_max_pool2d = max_pool2d  # the reference, for its argument checks only


def max_pool2d(input, kernel_size, stride=None, padding=0):
    _checked_max_pool2d(input, kernel_size, stride, padding)
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    n, c, h, w = input.shape
    padded = torch.full((n, c, h + 2 * ph, w + 2 * pw), float("-inf"), dtype=input.dtype)
    padded[:, :, ph:ph + h, pw:pw + w] = input
    out_h, out_w = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    out = torch.empty((n, c, out_h, out_w), dtype=input.dtype)
    for y in range(out_h):
        for x in range(out_w):
            out[:, :, y, x] = padded[:, :, y * sh:y * sh + kh, x * sw:x * sw + kw].amax(dim=(2, 3))
    return out
