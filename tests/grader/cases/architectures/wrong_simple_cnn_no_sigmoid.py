"""build_simple_cnn ends with the Linear layer: the final Sigmoid is missing.

expect-fail: build_simple_cnn_structure, build_simple_cnn_forward
expect-feedback: the final Sigmoid is missing
expect-credit: build_simple_cnn_structure = 0.0
expect-credit: build_simple_cnn_forward = 0.0
"""


def build_simple_cnn() -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(1, 6, 3, 1, 1), nn.ReLU(), nn.AvgPool2d(2, 2), nn.Flatten(), nn.Linear(16 * 16 * 6, 1))
