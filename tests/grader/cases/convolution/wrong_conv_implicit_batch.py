"""conv2d that takes a 3-D (C, H, W) input as a batch of one, as nn.Conv2d does: the contract has no
implicit batch dimension and demands a ValueError.
One requirement of the error check is lost (judged: a missed check costs that check, not the test).

expect-fail: conv2d_errors
expect-feedback: for a 3-D input (no implicit batch dimension)
expect-credit: conv2d_errors = 0.911
"""
_batched_conv2d = conv2d


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1):
    if input.dim() == 3:
        return _batched_conv2d(input[None], weight, bias, stride, padding, dilation)[0]
    return _batched_conv2d(input, weight, bias, stride, padding, dilation)
