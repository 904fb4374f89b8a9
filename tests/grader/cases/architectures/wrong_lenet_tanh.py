"""LeNet-5 with Tanh activations (as in LeCun's original): the UFRN slides, and the contract, use ReLU for
every func*.

expect-fail: build_lenet5_structure, build_lenet5_forward
expect-feedback: child 1 is `func1: Tanh`, expected `func1: ReLU`
expect-credit: build_lenet5_structure = 0.0
expect-credit: build_lenet5_forward = 0.0
"""
_right_lenet5 = build_lenet5


def build_lenet5():
    model = _right_lenet5()
    for i in range(1, 5):
        setattr(model, f"func{i}", nn.Tanh())
    return model
