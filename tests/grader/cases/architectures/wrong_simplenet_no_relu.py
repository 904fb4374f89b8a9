"""SimpleNet.forward skips the ReLU: conv, pool, flatten, fc, sigmoid.

expect-fail: simple_net_forward
expect-feedback: no ReLU between the convolution and the pooling
expect-credit: simple_net_forward = 0.0
"""


class SimpleNet(SimpleNet):
    def forward(self, x):
        x = self.pool(self.conv(x))
        return torch.sigmoid(self.fc(torch.flatten(x, 1)))
