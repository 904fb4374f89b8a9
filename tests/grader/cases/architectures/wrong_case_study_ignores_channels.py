"""build_case_study_cnn hard-codes one channel, ignoring n_channels.

expect-fail: build_case_study_cnn_structure, build_case_study_cnn_forward
expect-feedback: n_channels is ignored
expect-credit: build_case_study_cnn_structure = 0.0
expect-credit: build_case_study_cnn_forward = 0.6
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def build_case_study_cnn(n_channels: int = 1) -> nn.Sequential:
    """The tiny CNN of the UFRN case study, for 10x10 images of lines.

    Children, in order, with shapes for one image::

        conv1    Conv2d(1, n_channels, 3)        1@10x10 -> n_channels@8x8
        relu1    ReLU
        maxp1    MaxPool2d(2)                    n_channels@8x8 -> n_channels@4x4
        flatten  Flatten                         -> n_channels*4*4 features
        fc1      Linear(n_channels*4*4, 10)      hidden layer
        relu2    ReLU
        fc2      Linear(10, 3)                   3 logits, one per class

    With ``n_channels=1``: 10 + 170 + 33 = 213 parameters.
    """
    model = nn.Sequential()
    model.add_module("conv1", nn.Conv2d(1, 1, kernel_size=3))
    model.add_module("relu1", nn.ReLU())
    model.add_module("maxp1", nn.MaxPool2d(kernel_size=2))
    model.add_module("flatten", nn.Flatten())
    model.add_module("fc1", nn.Linear(16, 10))
    model.add_module("relu2", nn.ReLU())
    model.add_module("fc2", nn.Linear(10, 3))
    return model


