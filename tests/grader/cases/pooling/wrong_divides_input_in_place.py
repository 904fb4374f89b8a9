"""avg_pool2d that divides once up front instead of once per window, `x = input; x /= kh * kw`, then adds
up the windows: the values are right, but `x = input` is no copy, so the caller's tensor is divided too.
The inputs-unchanged share is lost, and the integer one (`x /= 4` cannot divide an int64 map in place).

expect-fail: avg_pool2d_matches_reference
expect-feedback: modified its input in place
expect-credit: avg_pool2d_matches_reference = 0.738
"""
_checked_avg_pool2d = avg_pool2d  # the reference, for its argument checks only


def avg_pool2d(input, kernel_size, stride=None, padding=0):
    _checked_avg_pool2d(input, kernel_size, stride, padding)  # raises the ValueErrors
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (kh, kw) if stride is None else (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    x = input
    x /= kh * kw
    n, c, h, w = x.shape
    oh, ow = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    padded = x.new_zeros((n, c, h + 2 * ph, w + 2 * pw))
    padded[:, :, ph:ph + h, pw:pw + w] = x
    out = x.new_zeros((n, c, oh, ow))
    for i in range(kh):
        for j in range(kw):
            out = out + padded[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw]
    return out
