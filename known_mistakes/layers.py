"""Known mistakes of layers.py."""

import torch

from known_mistakes import Known

MISTAKES = [
    Known(
        "layers.negative_inputs_keep_small_slope",
        "relu",
        "negative inputs keep a small slope (leaky ReLU); ReLU maps every negative value to exactly 0",
        lambda x: torch.where(x < 0, 0.01 * x, x),
    ),
    Known(
        "layers.negative_inputs_change_sign_x",
        "relu",
        "negative inputs change sign (|x|); ReLU maps them to 0",
        lambda x: x.abs(),
    ),
    Known(
        "layers.keeps_negative_part_min_x",
        "relu",
        "it keeps the negative part min(x, 0); ReLU is max(x, 0): keep the positive values",
        lambda x: torch.minimum(x, torch.zeros_like(x)),
    ),
]
