"""LeNet-5's C1 has no padding (Conv2d(1, 6, 5)): the 28x28 input shrinks too early and C5 gets
nothing to convolve. Names and parameter shapes are right.

expect-fail: build_lenet5_forward
expect-feedback: layer settings differ
expect-credit: build_lenet5_forward = 0.0
"""
_right_lenet5 = build_lenet5


def build_lenet5():
    model = _right_lenet5()
    model.C1 = nn.Conv2d(1, 6, 5)
    return model
