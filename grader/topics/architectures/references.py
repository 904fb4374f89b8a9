"""The four networks of the contract, built here from its text (never from solutions/), their known
mistakes, and the weights and forward passes the checks compare with."""

from __future__ import annotations

from collections import OrderedDict

import torch
import torch.nn as nn

from grader.cache import remembered
from grader.checks import Case, Misconception
from grader.checks.strategies import seeded_weights


def simple_cnn(pool=nn.AvgPool2d, sigmoid=True, features=16 * 16 * 6) -> nn.Sequential:
    """VSB ``first_simple_cnn``; the keywords build the misconceptions."""
    layers = [nn.Conv2d(1, 6, 3, 1, 1), nn.ReLU(), pool(2, 2), nn.Flatten(), nn.Linear(features, 1)]
    return nn.Sequential(*layers, *([nn.Sigmoid()] if sigmoid else []))


def simple_net(pool=nn.MaxPool2d, sigmoid=True, features=16 * 16 * 6, relu=True) -> nn.Sequential:
    """VSB ``Net`` as a Sequential with the same parameter names (conv, fc)."""
    parts = [
        ("conv", nn.Conv2d(1, 6, 3, 1, 1)),
        ("relu", nn.ReLU() if relu else nn.Identity()),
        ("pool", pool(2, 2)),
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(features, 1)),
    ]
    return nn.Sequential(OrderedDict(parts + ([("sigmoid", nn.Sigmoid())] if sigmoid else [])))


def lenet5(relu_after_c5=True, c1_padding=2) -> nn.Sequential:
    """UFRN LeNet-5 with its twelve named children."""
    parts = [
        ("C1", nn.Conv2d(1, 6, 5, padding=c1_padding)),
        ("func1", nn.ReLU()),
        ("S2", nn.MaxPool2d(2)),
        ("C3", nn.Conv2d(6, 16, 5)),
        ("func2", nn.ReLU()),
        ("S4", nn.MaxPool2d(2)),
        ("C5", nn.Conv2d(16, 120, 5)),
        ("func3", nn.ReLU()),
        ("flatten", nn.Flatten()),
        ("F6", nn.Linear(120, 84)),
        ("func4", nn.ReLU()),
        ("OUTPUT", nn.Linear(84, 10)),
    ]
    if not relu_after_c5:
        parts = [p for p in parts if p[0] != "func3"]
    return nn.Sequential(OrderedDict(parts))


def case_study_cnn(n_channels: int = 1, pool=nn.MaxPool2d) -> nn.Sequential:
    """UFRN case-study CNN for 1x10x10 images."""
    return nn.Sequential(
        OrderedDict(
            [
                ("conv1", nn.Conv2d(1, n_channels, 3)),
                ("relu1", nn.ReLU()),
                ("maxp1", pool(2)),
                ("flatten", nn.Flatten()),
                ("fc1", nn.Linear(n_channels * 4 * 4, 10)),
                ("relu2", nn.ReLU()),
                ("fc2", nn.Linear(10, 3)),
            ]
        )
    )


# ------------------------------------------------------------------ weights and inputs


def random_state(model: nn.Module, seed: int) -> OrderedDict[str, torch.Tensor]:
    """Deterministic weights for ``model`` (uniform, scaled by fan-in), from a seeded generator."""
    return seeded_weights(model.state_dict(), seed)


def absolute_forward(model: nn.Module, state, x: torch.Tensor) -> torch.Tensor:
    """The magnitude of the terms behind each output: the network on |x| with |weights|, no Sigmoid."""
    model.load_state_dict({k: v.abs() for k, v in state.items()})
    with torch.no_grad():
        h = x.abs()
        for layer in model:
            if not isinstance(layer, nn.Sigmoid):
                h = layer(h)
    return h


def forward(model: nn.Module, state, x: torch.Tensor) -> torch.Tensor:
    model.load_state_dict(state, strict=True)
    model.eval()
    with torch.no_grad():
        return model(x)


@remembered
def reference_output(name: str, args, state, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The output of builder ``name``'s reference network on ``x`` with weights ``state``, and its
    ``absolute_forward`` (the scale of the comparison)."""
    reference = TARGETS[name].reference(*args)
    return forward(reference, state, x), absolute_forward(reference, state, x)


class Target:
    """One graded builder: how to call it, its reference, its input size, its known mistakes.

    A structure mistake's ``compute(case)`` builds the wrong model for the builder's arguments
    ``case.args``; a forward mistake's ``compute(case)`` is the wrong model's output on the case.
    """

    def __init__(self, name, reference, size, sequential=True, structure_mistakes=(), forward_mistakes=()):
        self.name, self.reference, self.size, self.sequential = name, reference, size, sequential
        self.structure_mistakes = structure_mistakes
        self.forward_mistakes = forward_mistakes


def wrong_forward(build):
    """The output of the model ``build(*args)`` makes, with the case's weights, on the case's input."""
    return lambda case: forward(build(*case.kwargs["args"]), case.kwargs["state"], case.args[0])


def _flattened_batch(case: Case):
    """Flattening the batch too: a batch crashes in fc; one image says nothing (None), as
    x.view(1, -1) is right there and torch.flatten(x) only loses the batch dimension."""
    if case.args[0].shape[0] > 1:
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied")
    return None


SIGMOID_MISSING = "the final Sigmoid is missing: the network must end in a probability in (0, 1)"
FEATURES = (
    "the Linear layer's in_features must be 16*16*6 = 1536: the 2x2 pooling halves the 32x32 "
    "feature maps to 16x16, and there are 6 of them"
)

TARGETS = {
    "build_simple_cnn": Target(
        "build_simple_cnn",
        lambda: simple_cnn(),
        32,
        structure_mistakes=[
            Misconception(
                "architectures.vsb_sequential_model_pools_avgpool2d",
                "the VSB Sequential model pools with AvgPool2d(2, 2), not MaxPool2d "
                "(max pooling is the nn.Module version, SimpleNet)",
                lambda c: simple_cnn(pool=nn.MaxPool2d),
            ),
            Misconception("architectures.sigmoid_missing", SIGMOID_MISSING, lambda c: simple_cnn(sigmoid=False)),
            Misconception(
                "architectures.linear_in_features_1536", FEATURES, lambda c: simple_cnn(features=32 * 32 * 6)
            ),
        ],
        forward_mistakes=[
            Misconception(
                "architectures.model_pools_maxpool2d_vsb_sequential",
                "the model pools with MaxPool2d; the VSB Sequential model uses AvgPool2d(2, 2)",
                wrong_forward(lambda: simple_cnn(pool=nn.MaxPool2d)),
            ),
            Misconception(
                "architectures.sigmoid_missing", SIGMOID_MISSING, wrong_forward(lambda: simple_cnn(sigmoid=False))
            ),
        ],
    ),
    "SimpleNet": Target(
        "SimpleNet",
        lambda: simple_net(),
        32,
        sequential=False,
        structure_mistakes=[
            Misconception(
                "architectures.simple_net_avg_pool",
                "`self.pool` must be MaxPool2d(2, 2) in the nn.Module version (VSB `Net`)",
                lambda c: simple_net(pool=nn.AvgPool2d),
            ),
            Misconception(
                "architectures.linear_in_features_1536", FEATURES, lambda c: simple_net(features=32 * 32 * 6)
            ),
        ],
        forward_mistakes=[
            Misconception(
                "architectures.forward_pools_averaging_self_pool",
                "forward pools by averaging; `self.pool` must be MaxPool2d(2, 2)",
                wrong_forward(lambda: simple_net(pool=nn.AvgPool2d)),
            ),
            Misconception(
                "architectures.forward_does_apply_sigmoid_end",
                "forward does not apply the sigmoid at the end (torch.sigmoid(self.fc(x)))",
                wrong_forward(lambda: simple_net(sigmoid=False)),
            ),
            Misconception(
                "architectures.forward_has_no_relu_between",
                "forward has no ReLU between the convolution and the pooling (F.relu(self.conv(x)))",
                wrong_forward(lambda: simple_net(relu=False)),
            ),
            Misconception(
                "architectures.forward_flattens_batch_features_x",
                "forward flattens the batch into the features (x.view(1, -1), x.view(-1) or "
                "torch.flatten(x)), which breaks for a batch of images: flatten from dim 1, "
                "torch.flatten(x, 1) or x.view(x.size(0), -1)",
                _flattened_batch,
            ),
        ],
    ),
    "build_lenet5": Target(
        "build_lenet5",
        lambda: lenet5(),
        28,
        structure_mistakes=[
            Misconception(
                "architectures.relu_after_c5_missing_naming",
                "the ReLU after C5 is missing: naming it `func2` again (as the slides do) makes add_module "
                "replace the earlier func2 instead of adding a child; call it `func3`",
                lambda c: lenet5(relu_after_c5=False),
            ),
        ],
        forward_mistakes=[
            Misconception(
                "architectures.no_relu_applied_after_c5",
                "no ReLU is applied after C5: a second child named `func2` replaces the first one "
                "(add_module with an existing name); the ReLU after C5 is `func3`",
                wrong_forward(lambda: lenet5(relu_after_c5=False)),
            ),
        ],
    ),
    "build_case_study_cnn": Target(
        "build_case_study_cnn",
        lambda n=1: case_study_cnn(n),
        10,
        structure_mistakes=[
            Misconception(
                "architectures.n_channels_ignored_sets_conv1s",
                "n_channels is ignored: it sets conv1's out_channels and fc1's in_features (n_channels*4*4)",
                lambda c: case_study_cnn(1),
            ),
        ],
        forward_mistakes=[
            Misconception(
                "architectures.maxp1_averages_case_study_model",
                "maxp1 averages: the case-study model uses MaxPool2d(2)",
                wrong_forward(lambda n=1: case_study_cnn(n, nn.AvgPool2d)),
            ),
        ],
    ),
}
