"""SimpleNet names its layers conv1, pool1 and fc1: the network computes the right thing, but weights saved
from the reference (conv.weight, fc.weight, ...) do not load into it.

expect-fail: simple_net_structure, simple_net_forward
expect-feedback: the attribute `self.conv` must be an nn.Conv2d; it is missing
expect-feedback: do not load into the model
expect-credit: simple_net_structure = 0.0
expect-credit: simple_net_forward = 0.0
"""


class SimpleNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3, 1, 1)
        self.pool1 = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(16 * 16 * 6, 1)

    def forward(self, x):
        x = self.pool1(F.relu(self.conv1(x)))
        return torch.sigmoid(self.fc1(torch.flatten(x, 1)))
