"""Correct, written differently: OrderedDict Sequentials, keyword arguments, in-place ReLUs,
SimpleNet with extra parameterless attributes and view() for flattening, count_parameters
over named_parameters().
"""
from collections import OrderedDict

import torch
import torch.nn as nn


def build_simple_cnn():
    return nn.Sequential(
        nn.Conv2d(in_channels=1, out_channels=6, kernel_size=(3, 3), stride=1, padding=(1, 1)),
        nn.ReLU(inplace=True),
        nn.AvgPool2d(kernel_size=2),
        nn.Flatten(start_dim=1),
        nn.Linear(in_features=1536, out_features=1),
        nn.Sigmoid(),
    )


class SimpleNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 6, kernel_size=3, padding=1)
        self.act = nn.ReLU()
        self.pool = nn.MaxPool2d(kernel_size=2)
        self.fc = nn.Linear(6 * 16 * 16, 1)
        self.out = nn.Sigmoid()

    def forward(self, x):
        x = self.pool(self.act(self.conv(x)))
        x = x.view(x.size(0), -1)
        return self.out(self.fc(x))


def build_lenet5():
    return nn.Sequential(OrderedDict([
        ("C1", nn.Conv2d(1, 6, kernel_size=(5, 5), padding=(2, 2))),
        ("func1", nn.ReLU(inplace=True)),
        ("S2", nn.MaxPool2d(kernel_size=2, stride=2)),
        ("C3", nn.Conv2d(6, 16, 5)),
        ("func2", nn.ReLU(inplace=True)),
        ("S4", nn.MaxPool2d(2, 2)),
        ("C5", nn.Conv2d(16, 120, 5)),
        ("func3", nn.ReLU(inplace=True)),
        ("flatten", nn.Flatten()),
        ("F6", nn.Linear(120, 84)),
        ("func4", nn.ReLU(inplace=True)),
        ("OUTPUT", nn.Linear(84, 10)),
    ]))


def build_case_study_cnn(n_channels=1):
    layers = OrderedDict()
    layers["conv1"] = nn.Conv2d(1, n_channels, 3)
    layers["relu1"] = nn.ReLU()
    layers["maxp1"] = nn.MaxPool2d(2)
    layers["flatten"] = nn.Flatten()
    layers["fc1"] = nn.Linear(n_channels * 16, 10)
    layers["relu2"] = nn.ReLU()
    layers["fc2"] = nn.Linear(10, 3)
    return nn.Sequential(layers)


def count_parameters(model, trainable_only=True):
    total = 0
    for _, p in model.named_parameters():
        if trainable_only and not p.requires_grad:
            continue
        total += int(torch.tensor(p.shape).prod()) if p.dim() else 1
    return total
