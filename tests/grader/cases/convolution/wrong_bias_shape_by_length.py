"""conv2d that checks the bias by its length, `len(bias) != C_out`, and adds `bias.view(1, -1, 1, 1)`: a
bias of shape (C_out, 1) passes both, so it is accepted where the contract demands (C_out,).
One requirement of the error check is lost (judged: a missed check costs that check, not the test).

expect-fail: conv2d_errors
expect-feedback: for a bias of shape (2, 1)
expect-credit: conv2d_errors = 0.911
"""
_conv2d_no_bias = conv2d


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1):
    if bias is not None and len(bias) != weight.shape[0]:
        raise ValueError(f"bias must have {weight.shape[0]} entries, one per output channel")
    out = _conv2d_no_bias(input, weight, None, stride, padding, dilation)
    return out if bias is None else out + bias.view(1, -1, 1, 1)
