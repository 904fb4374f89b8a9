"""SimpleNet.forward flattens with x.view(1, -1): right for one image, a batch crashes in fc.
Batches are a part of their own (2 of 7).

expect-fail: simple_net_forward
expect-feedback: flattens the batch into the features
expect-credit: simple_net_forward = 0.714
"""
import torch.nn.functional as F


class SimpleNet(SimpleNet):
    def forward(self, x):
        x = self.pool(F.relu(self.conv(x)))
        return torch.sigmoid(self.fc(x.view(1, -1)))
