"""SimpleNet.forward returns the logits of fc: the sigmoid is forgotten.

expect-fail: simple_net_forward
expect-feedback: sigmoid
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def build_simple_cnn() -> nn.Sequential:
    """The first CNN of the VSB slides, written as an ``nn.Sequential``.

    Six children, in order::

        Conv2d(1, 6, 3, 1, 1)  (N, 1, 32, 32) -> (N, 6, 32, 32)   stride 1, padding 1
        ReLU                   same shape
        AvgPool2d(2, 2)        (N, 6, 32, 32) -> (N, 6, 16, 16)
        Flatten                (N, 6, 16, 16) -> (N, 1536)        16*16*6 features
        Linear(1536, 1)        (N, 1536)      -> (N, 1)
        Sigmoid                a probability in (0, 1)

    Parameters: conv 6*1*3*3 + 6 = 60, linear 1536 + 1 = 1537, total 1,597.

    >>> build_simple_cnn()(torch.randn(2, 1, 32, 32)).shape
    torch.Size([2, 1])
    """
    return nn.Sequential(
        nn.Conv2d(1, 6, 3, 1, 1),
        nn.ReLU(),
        nn.AvgPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(16 * 16 * 6, 1),
        nn.Sigmoid(),
    )


class SimpleNet(nn.Module):
    """The same kind of network as a subclass of ``nn.Module`` (VSB ``Net``).

    ``__init__`` creates three layers with parameters or state, stored as
    attributes with exactly these names:

    * ``self.conv`` -- ``Conv2d(1, 6, 3, 1, 1)``
    * ``self.pool`` -- ``MaxPool2d(2, 2)``
    * ``self.fc``   -- ``Linear(16*16*6, 1)``

    ``forward(x)`` wires them up for ``x`` of shape ``(N, 1, 32, 32)``:
    conv -> relu -> pool -> flatten all but the batch dimension -> fc ->
    sigmoid, giving ``(N, 1)``. Functions without parameters (relu, flatten,
    sigmoid) are called directly in ``forward``; nothing is printed.
    """

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 6, 3, 1, 1)
        self.pool = nn.MaxPool2d(2, 2)
        self.fc = nn.Linear(16 * 16 * 6, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(F.relu(self.conv(x)))
        x = torch.flatten(x, 1)
        return self.fc(x)


def build_lenet5() -> nn.Sequential:
    """LeNet-5 for 28x28 digits, as in the UFRN slides, with named children.

    Build an empty ``nn.Sequential()`` and ``add_module(name, layer)`` twelve
    times. Shapes for one image::

        C1      Conv2d(1, 6, 5, padding=2)  1@28x28 -> 6@28x28     156 params
        func1   ReLU
        S2      MaxPool2d(2)                6@28x28 -> 6@14x14
        C3      Conv2d(6, 16, 5)            6@14x14 -> 16@10x10   2,416 params
        func2   ReLU
        S4      MaxPool2d(2)               16@10x10 -> 16@5x5
        C5      Conv2d(16, 120, 5)         16@5x5   -> 120@1x1  48,120 params
        func3   ReLU
        flatten Flatten                    120@1x1  -> 120
        F6      Linear(120, 84)                                 10,164 params
        func4   ReLU
        OUTPUT  Linear(84, 10)             10 logits               850 params

    Total 61,706 parameters. Careful: every name must be new. Adding a
    second child called ``func2`` would silently replace the first one.
    """
    lenet = nn.Sequential()
    lenet.add_module("C1", nn.Conv2d(1, 6, kernel_size=5, padding=2))
    lenet.add_module("func1", nn.ReLU())
    lenet.add_module("S2", nn.MaxPool2d(kernel_size=2))
    lenet.add_module("C3", nn.Conv2d(6, 16, kernel_size=5))
    lenet.add_module("func2", nn.ReLU())
    lenet.add_module("S4", nn.MaxPool2d(kernel_size=2))
    lenet.add_module("C5", nn.Conv2d(16, 120, kernel_size=5))
    lenet.add_module("func3", nn.ReLU())
    lenet.add_module("flatten", nn.Flatten())
    lenet.add_module("F6", nn.Linear(120, 84))
    lenet.add_module("func4", nn.ReLU())
    lenet.add_module("OUTPUT", nn.Linear(84, 10))
    return lenet


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
    model.add_module("conv1", nn.Conv2d(1, n_channels, kernel_size=3))
    model.add_module("relu1", nn.ReLU())
    model.add_module("maxp1", nn.MaxPool2d(kernel_size=2))
    model.add_module("flatten", nn.Flatten())
    model.add_module("fc1", nn.Linear(n_channels * 4 * 4, 10))
    model.add_module("relu2", nn.ReLU())
    model.add_module("fc2", nn.Linear(10, 3))
    return model


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """The number of scalar weights in ``model``.

    Adds up ``p.numel()`` over ``model.parameters()``; with ``trainable_only``
    only the parameters with ``requires_grad=True`` count (frozen layers are
    skipped). Example: ``nn.Linear(3, 2)`` has 3*2 weights + 2 biases = 8.
    """
    return sum(p.numel() for p in model.parameters()
               if p.requires_grad or not trainable_only)
