"""Correct, written differently: SimpleNet's forward uses the functional API
(F.relu, torch.flatten, F.sigmoid), the builders append layers to a list, and
count_parameters filters first and sums with math.prod.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def build_simple_cnn() -> nn.Sequential:
    layers = []
    layers.append(nn.Conv2d(1, 6, 3, 1, 1))
    layers.append(nn.ReLU())
    layers.append(nn.AvgPool2d(2, 2))
    layers.append(nn.Flatten())
    layers.append(nn.Linear(16 * 16 * 6, 1))
    layers.append(nn.Sigmoid())
    return nn.Sequential(*layers)


class SimpleNet(nn.Module):
    def __init__(self):
        super(SimpleNet, self).__init__()
        self.fc = nn.Linear(16 * 16 * 6, 1)  # attribute order does not matter
        self.conv = nn.Conv2d(1, 6, 3, 1, 1)
        self.pool = nn.MaxPool2d(2, 2)

    def forward(self, x):
        x = F.relu(self.conv(x))
        x = self.pool(x)
        x = torch.flatten(x, start_dim=1)
        return F.sigmoid(self.fc(x))


def build_lenet5() -> nn.Sequential:
    names = ["C1", "func1", "S2", "C3", "func2", "S4", "C5", "func3", "flatten", "F6", "func4", "OUTPUT"]
    layers = [nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
              nn.MaxPool2d(2), nn.Conv2d(16, 120, 5), nn.ReLU(), nn.Flatten(), nn.Linear(120, 84), nn.ReLU(),
              nn.Linear(84, 10)]
    model = nn.Sequential()
    for name, layer in zip(names, layers):
        model.add_module(name, layer)
    return model


def build_case_study_cnn(n_channels: int = 1) -> nn.Sequential:
    model = nn.Sequential()
    for name, layer in [("conv1", nn.Conv2d(1, n_channels, 3)), ("relu1", nn.ReLU()), ("maxp1", nn.MaxPool2d(2)),
                        ("flatten", nn.Flatten()), ("fc1", nn.Linear(n_channels * 4 * 4, 10)),
                        ("relu2", nn.ReLU()), ("fc2", nn.Linear(10, 3))]:
        model.add_module(name, layer)
    return model


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    params = [p for p in model.parameters() if p.requires_grad] if trainable_only else list(model.parameters())
    return sum(math.prod(p.shape) for p in params)
