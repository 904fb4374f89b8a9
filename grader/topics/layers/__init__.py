"""Hidden tests for ``layers``: relu, flatten, batch_norm against PyTorch; dropout by its properties.

One module per function, over what they share (``common``): ``relu``, ``flatten``, ``batch_norm``, ``dropout``.
"""

from __future__ import annotations

from grader.checks import Property
from grader.checks.forbidden import Rule
from grader.topics.arguments import argument_errors
from grader.topics.layers.batch_norm import (
    BAD_BATCH_NORM,
    BN_ARGS,
    BN_FEATURES,
    UNCHECKED_BATCH_NORM,
    batch_norm_cases,
    verify_batch_norm,
)
from grader.topics.layers.dropout import (
    BAD_DROPOUT,
    DROPOUT_ARGS,
    IDENTITY_PARTS,
    IDENTITY_WEIGHTS,
    MASK_PARTS,
    SEED_PARTS,
    SEED_WEIGHTS,
    _p_unchecked,
    dropout_identity_cases,
    dropout_mask_cases,
    dropout_rate_cases,
    dropout_seed_cases,
    verify_dropout_identity,
    verify_dropout_mask,
    verify_dropout_rate,
    verify_dropout_seed,
)
from grader.topics.layers.flatten import (
    BAD_FLATTEN,
    FLATTEN_FEATURES,
    UNCHECKED_FLATTEN,
    flatten_cases,
    noncontiguous_cases,
    verify_flatten,
    verify_noncontiguous,
)
from grader.topics.layers.relu import RELU_FEATURES, relu_cases, verify_relu

POINTS = 10

BY_LOOPS = {
    "relu": [
        Rule(
            "a built-in ReLU or clamp (torch.relu, F.relu, nn.ReLU, clamp, clip, threshold)",
            runtime=r"^(fn|aten):(relu_?|clamp(_min|_max)?_?|clip_?|_?threshold_?)$",
            static=r"\.(relu_?|ReLU|clamp(_min|_max)?_?|clip_?|threshold_?)$",
        )
    ],
    "flatten": [
        Rule(
            "a built-in flatten (torch.flatten, Tensor.flatten, nn.Flatten)",
            runtime=r"^(fn|aten):flatten$",
            static=r"\.(flatten|Flatten)$",
        )
    ],
    "batch_norm": [
        Rule(
            "a built-in normalisation (F.batch_norm, nn.BatchNorm*, F.layer_norm, F.instance_norm)",
            runtime=r"^(fn|aten):(batch_norm\w*|native_batch_norm\w*|_native_batch_norm_legit\w*"
            r"|_batch_norm\w*|cudnn_batch_norm|miopen_batch_norm|layer_norm|native_layer_norm"
            r"|instance_norm)$",
            static=r"\.(batch_norm|BatchNorm[123]d|LazyBatchNorm[123]d|layer_norm|LayerNorm"
            r"|instance_norm|InstanceNorm[123]d)$",
        )
    ],
    "dropout": [
        Rule(
            "a built-in dropout (F.dropout, nn.Dropout, torch.dropout)",
            runtime=r"^(fn|aten):(native_|feature_|alpha_|feature_alpha_|_fused_|fused_)?dropout([123]d)?_?$",
            static=r"\.((feature_|alpha_|feature_alpha_)?dropout([123]d)?_?"
            r"|(Alpha|FeatureAlpha)?Dropout([123]d)?)$",
        )
    ],
}


CHECKS = [
    Property(
        "relu_matches_reference",
        "relu matches torch.relu (any shape, float32, float64 and integer tensors, NaN and ±inf)",
        "relu",
        2.0,
        strategy=relu_cases,
        verify=verify_relu,
        features=RELU_FEATURES,
    ),
    Property(
        "flatten_matches_reference",
        "flatten matches nn.Flatten for 2-D to 5-D inputs (NaN and ±inf passed through)",
        "flatten",
        1.25,
        strategy=flatten_cases,
        verify=verify_flatten,
        features=FLATTEN_FEATURES,
    ),
    Property(
        "flatten_non_contiguous",
        "flatten matches nn.Flatten for transposed and sliced (non-contiguous) inputs",
        "flatten",
        0.75,
        strategy=noncontiguous_cases(),
        verify=verify_noncontiguous,
    ),
    argument_errors(
        "flatten_errors",
        "flatten raises ValueError for fewer than 2 dimensions",
        "flatten",
        BAD_FLATTEN,
        ("x",),
        0.5,
        UNCHECKED_FLATTEN,
    ),
    Property(
        "batch_norm_matches_reference",
        "batch_norm matches F.batch_norm in training mode ((N, C) and (N, C, H, W), any eps)",
        "batch_norm",
        2.5,
        strategy=batch_norm_cases,
        verify=verify_batch_norm,
        features=BN_FEATURES,
    ),
    argument_errors(
        "batch_norm_errors",
        "batch_norm raises ValueError naming the argument for a single value per channel and for eps <= 0",
        "batch_norm",
        BAD_BATCH_NORM,
        BN_ARGS,
        weight=0.5,
        misconceptions=UNCHECKED_BATCH_NORM,
    ),
    Property(
        "dropout_mask_values",
        "dropout zeroes elements and scales the survivors by 1 / (1 - p), leaving x unchanged",
        "dropout",
        0.6,
        strategy=dropout_mask_cases(),
        verify=verify_dropout_mask,
        parts=MASK_PARTS,
        core_part=MASK_PARTS[0],
        part_weights={MASK_PARTS[0]: 3.0},
    ),
    Property(
        "dropout_identity_and_extremes",
        "dropout is the identity (NaN and ±inf included) for training=False or p = 0, all zeros for p = 1",
        "dropout",
        0.8,
        strategy=dropout_identity_cases(),
        verify=verify_dropout_identity,
        examples=40,
        array_valued=False,
        parts=IDENTITY_PARTS,
        core_part=IDENTITY_PARTS[0],
        part_weights=IDENTITY_WEIGHTS,
    ),
    Property(
        "dropout_rate",
        "dropout zeroes a fraction p of the elements",
        "dropout",
        0.6,
        strategy=dropout_rate_cases(),
        verify=verify_dropout_rate,
        examples=8,
        array_valued=False,
    ),
    Property(
        "dropout_seeded",
        "dropout is reproducible with a seeded torch.Generator, and random without one",
        "dropout",
        0.3,
        strategy=dropout_seed_cases(),
        verify=verify_dropout_seed,
        examples=8,
        array_valued=False,
        parts=SEED_PARTS,
        part_weights=SEED_WEIGHTS,
    ),
    argument_errors(
        "dropout_errors",
        "dropout raises ValueError naming p for p outside [0, 1], in training and eval mode",
        "dropout",
        BAD_DROPOUT,
        DROPOUT_ARGS,
        weight=0.2,
        diagnose=_p_unchecked,
    ),
]
