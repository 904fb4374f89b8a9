"""Known mistakes of perceptron.py."""

import torch

from known_mistakes import Known

MISTAKES = [
    Known(
        "perceptron.exp_z_overflows_inf_large",
        "sigmoid",
        "exp(z) overflows to inf for large z and inf / inf is nan: exp(z) / (1 + exp(z)) is only "
        "safe for z < 0; for z >= 0 use 1 / (1 + exp(-z)) (pick per element with torch.where)",
        lambda z: torch.exp(z) / (1 + torch.exp(z)),
    ),
]
