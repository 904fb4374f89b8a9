"""build_case_study_cnn calls its option `channels`: build_case_study_cnn(n_channels=4) raises TypeError.
The keyword form is a part of its own (1 of 4).

expect-fail: build_case_study_cnn_structure
expect-feedback: unexpected keyword argument 'n_channels'
expect-credit: build_case_study_cnn_structure = 0.75
"""
from collections import OrderedDict


def build_case_study_cnn(channels: int = 1) -> nn.Sequential:
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, channels, 3)), ("relu1", nn.ReLU()), ("maxp1", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()), ("fc1", nn.Linear(channels * 4 * 4, 10)), ("relu2", nn.ReLU()),
        ("fc2", nn.Linear(10, 3)),
    ]))
