"""max_pool2d as a running maximum over the window cells, `torch.where(tap > out, tap, out)` from -inf:
right for every finite input, but a NaN never wins a comparison, so it is skipped where F.max_pool2d
returns NaN. Only the "NaN and inf" share of max_pool2d_matches_reference is lost.

expect-fail: max_pool2d_matches_reference
expect-feedback: a NaN in a window is skipped
expect-credit: max_pool2d_matches_reference = 0.769
"""
import torch

_checked_max_pool2d = max_pool2d  # the reference, for its argument checks only


def max_pool2d(input, kernel_size, stride=None, padding=0):
    _checked_max_pool2d(input, kernel_size, stride, padding)  # raises the ValueErrors
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (kh, kw) if stride is None else (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    n, c, h, w = input.shape
    oh, ow = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    lowest = float("-inf") if input.is_floating_point() else torch.iinfo(input.dtype).min
    padded = input.new_full((n, c, h + 2 * ph, w + 2 * pw), lowest)
    padded[:, :, ph:ph + h, pw:pw + w] = input
    out = input.new_full((n, c, oh, ow), lowest)
    for i in range(kh):
        for j in range(kw):
            tap = padded[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw]
            out = torch.where(tap > out, tap, out)
    return out
