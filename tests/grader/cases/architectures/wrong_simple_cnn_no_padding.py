"""build_simple_cnn's convolution has no padding (Conv2d(1, 6, 3)): the children and parameter shapes are
right, but 32x32 images shrink to 30x30, and the 15*15*6 features do not fit Linear(1536, 1).

expect-fail: build_simple_cnn_forward
expect-feedback: layer settings differ
expect-credit: build_simple_cnn_forward = 0.0
"""


def build_simple_cnn() -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(1, 6, 3), nn.ReLU(), nn.AvgPool2d(2, 2), nn.Flatten(), nn.Linear(16 * 16 * 6, 1),
                         nn.Sigmoid())
