"""avg_pool2d that divides the window sums with `/`: right for float maps, but an int64 map (which
F.avg_pool2d pools, truncating toward zero and keeping the dtype) comes back as float32. Only the
"integer dtypes" share of avg_pool2d_matches_reference is lost (judged as a dtype slip: about a quarter).

expect-fail: avg_pool2d_matches_reference
expect-feedback: dividing an integer tensor with / gives a float tensor
expect-credit: avg_pool2d_matches_reference = 0.769
"""
_checked_avg_pool2d = avg_pool2d  # the reference, for its argument checks only


def avg_pool2d(input, kernel_size, stride=None, padding=0):
    _checked_avg_pool2d(input, kernel_size, stride, padding)
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    n, c, h, w = input.shape
    padded = input.new_zeros((n, c, h + 2 * ph, w + 2 * pw))
    padded[:, :, ph:ph + h, pw:pw + w] = input
    out_h, out_w = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    total = 0
    for i in range(kh):
        for j in range(kw):
            total = total + padded[:, :, i:i + sh * (out_h - 1) + 1:sh, j:j + sw * (out_w - 1) + 1:sw]
    return total / (kh * kw)
