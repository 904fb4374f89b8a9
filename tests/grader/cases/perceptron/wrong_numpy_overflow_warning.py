"""sigmoid in NumPy, the literal 1 / (1 + np.exp(-z)): the values are right (1 / (1 + inf) = 0) but np.exp
overflows with a RuntimeWarning for z below about -88 (float32) or -709 (float64). The values are the
check's core (3 of its 4 shares): the warning costs a quarter.

expect-fail: sigmoid_extreme_values
expect-feedback: RuntimeWarning: overflow encountered in exp
expect-feedback: Never exponentiate a positive number
expect-credit: sigmoid_extreme_values = 0.75
"""
import numpy as np
import torch


def sigmoid(z):
    return torch.from_numpy(np.asarray(1 / (1 + np.exp(-z.numpy()))))
