"""SimpleNet.forward prints the shape of every tensor, as debugging code left in. Printing is a slip (1 of 7).

expect-fail: simple_net_forward
expect-feedback: print
expect-credit: simple_net_forward = 0.857
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


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
        print('input', x.shape)
        x = self.pool(F.relu(self.conv(x)))
        print('after pool', x.shape)
        x = torch.flatten(x, 1)
        return torch.sigmoid(self.fc(x))


