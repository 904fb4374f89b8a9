"""build_simple_cnn pools with MaxPool2d (mixing it up with the nn.Module version).

expect-fail: build_simple_cnn_structure, build_simple_cnn_forward
expect-feedback: AvgPool2d
expect-credit: build_simple_cnn_structure = 0.0
expect-credit: build_simple_cnn_forward = 0.0
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
        nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(16 * 16 * 6, 1),
        nn.Sigmoid(),
    )


