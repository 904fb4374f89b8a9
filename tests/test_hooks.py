"""Hooks: capturing what the inner layers of a model produce."""

import course
import pytest
import torch
import torch.nn as nn

hooks = course.load("hooks")


def case_study_model():
    """The UFRN case-study CNN, built here so this file only tests the hooks."""
    torch.manual_seed(13)
    model = nn.Sequential()
    model.add_module("conv1", nn.Conv2d(1, 1, 3))
    model.add_module("relu1", nn.ReLU())
    model.add_module("maxp1", nn.MaxPool2d(2))
    model.add_module("flatten", nn.Flatten())
    model.add_module("fc1", nn.Linear(16, 10))
    model.add_module("relu2", nn.ReLU())
    model.add_module("fc2", nn.Linear(10, 3))
    return model


def hook_count(model):
    return sum(len(m._forward_hooks) for m in model.modules())


def test_featurizer_outputs_have_the_slide_shapes():
    outputs = hooks.capture_outputs(
        case_study_model(), torch.randn(5, 1, 10, 10), ["conv1", "relu1", "maxp1", "flatten"]
    )
    assert list(outputs) == ["conv1", "relu1", "maxp1", "flatten"]
    assert [tuple(t.shape) for t in outputs.values()] == [(5, 1, 8, 8), (5, 1, 8, 8), (5, 1, 4, 4), (5, 16)]


def test_captured_values_are_the_layer_outputs():
    model, x = case_study_model(), torch.randn(4, 1, 10, 10)
    outputs = hooks.capture_outputs(model, x, ["fc2", "conv1"])
    assert list(outputs) == ["fc2", "conv1"], "keep the order of layer_names"
    torch.testing.assert_close(outputs["conv1"], model.conv1(x))
    torch.testing.assert_close(outputs["fc2"], model(x))


def test_the_linear_example_of_the_slides():
    model = nn.Linear(1, 1)
    outputs = hooks.capture_outputs(model, torch.tensor([0.3]), [""])  # "" names the model itself
    torch.testing.assert_close(outputs[""], model(torch.tensor([0.3])))


def test_nested_modules_are_reached_by_dotted_names():
    model = nn.Sequential(nn.Sequential(nn.Linear(2, 4), nn.ReLU()), nn.Linear(4, 1))
    outputs = hooks.capture_outputs(model, torch.randn(3, 2), ["0.1", "1"])
    assert outputs["0.1"].shape == (3, 4) and (outputs["0.1"] >= 0).all()
    assert outputs["1"].shape == (3, 1)


def test_outputs_are_detached():
    outputs = hooks.capture_outputs(case_study_model(), torch.randn(2, 1, 10, 10), ["fc1"])
    assert not outputs["fc1"].requires_grad


def test_hooks_are_removed_afterwards():
    model = case_study_model()
    hooks.capture_outputs(model, torch.randn(2, 1, 10, 10), ["conv1", "fc1"])
    assert hook_count(model) == 0


class Explode(nn.Module):
    def forward(self, x):
        raise ArithmeticError("boom")


def test_hooks_are_removed_even_when_the_forward_pass_fails():
    model = case_study_model()
    model.add_module("explode", Explode())  # runs after conv1 and fc1 have been hooked
    with pytest.raises(ArithmeticError, match="boom"):
        hooks.capture_outputs(model, torch.randn(2, 1, 10, 10), ["conv1", "fc1"])
    assert hook_count(model) == 0


def test_an_unknown_layer_name_is_a_value_error_naming_it():
    model = case_study_model()
    with pytest.raises(ValueError, match="conv7"):
        hooks.capture_outputs(model, torch.randn(2, 1, 10, 10), ["conv1", "conv7"])
    assert hook_count(model) == 0
