"""LeNet-5 copied from the slides: the ReLU after C5 is added as `func2` again, which replaces
the first func2 (11 children, no ReLU after C5).

expect-fail: build_lenet5_structure, build_lenet5_forward
expect-feedback: func3
expect-credit: build_lenet5_structure = 0.0
expect-credit: build_lenet5_forward = 0.0
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


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
    lenet.add_module("func2", nn.ReLU())
    lenet.add_module("flatten", nn.Flatten())
    lenet.add_module("F6", nn.Linear(120, 84))
    lenet.add_module("func4", nn.ReLU())
    lenet.add_module("OUTPUT", nn.Linear(84, 10))
    return lenet


