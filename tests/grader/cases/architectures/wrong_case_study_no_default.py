"""build_case_study_cnn has no default for n_channels: build_case_study_cnn() raises TypeError.
The default is a part of its own (1 of 4).

expect-fail: build_case_study_cnn_structure
expect-feedback: missing 1 required positional argument
expect-credit: build_case_study_cnn_structure = 0.75
"""
from collections import OrderedDict


def build_case_study_cnn(n_channels: int) -> nn.Sequential:
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, n_channels, 3)), ("relu1", nn.ReLU()), ("maxp1", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()), ("fc1", nn.Linear(n_channels * 4 * 4, 10)), ("relu2", nn.ReLU()),
        ("fc2", nn.Linear(10, 3)),
    ]))
