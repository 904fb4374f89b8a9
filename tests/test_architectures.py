"""Architectures: the networks of the slides, checked layer by layer.

The numbers are the ones on the slides: 1,597 parameters for the first simple
CNN, 61,706 for LeNet-5, 213 for the case-study model.
"""

import course
import pytest
import torch
import torch.nn as nn

architectures = course.load("architectures")


def n_params(model):
    return sum(p.numel() for p in model.parameters())


def child_names(model):
    return [name for name, _ in model.named_children()]


# --- the first simple CNN (VSB) ----------------------------------------------


def test_simple_cnn_has_1597_parameters():
    assert n_params(architectures.build_simple_cnn()) == 1597


def test_simple_cnn_layers_in_order():
    model = architectures.build_simple_cnn()
    assert isinstance(model, nn.Sequential)
    assert [type(m) for m in model] == [nn.Conv2d, nn.ReLU, nn.AvgPool2d, nn.Flatten, nn.Linear, nn.Sigmoid]
    conv = model[0]
    assert (conv.in_channels, conv.out_channels) == (1, 6)
    assert conv.kernel_size == (3, 3) and conv.stride == (1, 1) and conv.padding == (1, 1)


def test_simple_cnn_turns_a_32x32_image_into_one_probability():
    out = architectures.build_simple_cnn()(torch.randn(4, 1, 32, 32))
    assert out.shape == (4, 1)
    assert ((out > 0) & (out < 1)).all()


# --- the same network as an nn.Module subclass (VSB "Net") --------------------


def test_simplenet_has_conv_pool_fc_attributes():
    net = architectures.SimpleNet()
    assert isinstance(net.conv, nn.Conv2d) and net.conv.out_channels == 6
    assert isinstance(net.pool, nn.MaxPool2d)
    assert isinstance(net.fc, nn.Linear) and net.fc.in_features == 16 * 16 * 6
    assert n_params(net) == 1597


def test_simplenet_forward_gives_probabilities_and_prints_nothing(capsys):
    out = architectures.SimpleNet()(torch.randn(3, 1, 32, 32))
    assert out.shape == (3, 1)
    assert ((out > 0) & (out < 1)).all()
    assert capsys.readouterr().out == ""


def test_simplenet_forward_is_conv_relu_maxpool_fc_sigmoid():
    torch.manual_seed(0)
    net = architectures.SimpleNet()
    x = torch.randn(2, 1, 32, 32)
    by_hand = torch.sigmoid(net.fc(torch.max_pool2d(torch.relu(net.conv(x)), 2).reshape(2, -1)))
    torch.testing.assert_close(net(x), by_hand)


# --- LeNet-5 (UFRN) -----------------------------------------------------------

LENET_CHILDREN = ["C1", "func1", "S2", "C3", "func2", "S4", "C5", "func3", "flatten", "F6", "func4", "OUTPUT"]


def test_lenet5_has_61706_parameters():
    assert n_params(architectures.build_lenet5()) == 61706


def test_lenet5_children_are_named_as_on_the_slides():
    model = architectures.build_lenet5()
    assert child_names(model) == LENET_CHILDREN
    assert all(isinstance(getattr(model, f"func{i}"), nn.ReLU) for i in range(1, 5))


@pytest.mark.parametrize("layer, params", [("C1", 156), ("C3", 2416), ("C5", 48120), ("F6", 10164), ("OUTPUT", 850)])
def test_lenet5_parameters_per_layer(layer, params):
    assert n_params(getattr(architectures.build_lenet5(), layer)) == params


def test_lenet5_shapes_through_the_network():
    model = architectures.build_lenet5()
    x = torch.randn(2, 1, 28, 28)
    shapes = {}
    for name, layer in model.named_children():
        x = layer(x)
        shapes[name] = tuple(x.shape[1:])
    assert shapes["S2"] == (6, 14, 14)
    assert shapes["S4"] == (16, 5, 5)
    assert shapes["C5"] == (120, 1, 1)
    assert shapes["OUTPUT"] == (10,)


def test_lenet5_state_dict_loads_into_a_fresh_copy():
    trained, fresh = architectures.build_lenet5(), architectures.build_lenet5()
    fresh.load_state_dict(trained.state_dict())
    x = torch.randn(2, 1, 28, 28)
    torch.testing.assert_close(fresh(x), trained(x))


# --- the case-study CNN (UFRN) ------------------------------------------------


def test_case_study_cnn_has_213_parameters():
    assert n_params(architectures.build_case_study_cnn()) == 213


def test_case_study_cnn_children():
    model = architectures.build_case_study_cnn()
    assert child_names(model) == ["conv1", "relu1", "maxp1", "flatten", "fc1", "relu2", "fc2"]
    assert model.fc1.in_features == 1 * 4 * 4 and model.fc2.out_features == 3


def test_case_study_cnn_gives_three_logits_per_10x10_image():
    assert architectures.build_case_study_cnn()(torch.randn(5, 1, 10, 10)).shape == (5, 3)


def test_case_study_cnn_with_more_channels():
    model = architectures.build_case_study_cnn(n_channels=4)
    assert model.conv1.out_channels == 4
    assert model.fc1.in_features == 4 * 4 * 4
    assert model(torch.randn(2, 1, 10, 10)).shape == (2, 3)


# --- count_parameters ---------------------------------------------------------


def test_count_parameters_of_a_linear_layer():
    assert architectures.count_parameters(nn.Linear(3, 2)) == 3 * 2 + 2


def test_count_parameters_matches_the_slides():
    assert architectures.count_parameters(architectures.build_lenet5()) == 61706
    assert architectures.count_parameters(architectures.build_case_study_cnn()) == 213


def test_count_parameters_skips_frozen_layers_unless_asked():
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    model[0].requires_grad_(False)
    assert architectures.count_parameters(model) == 3
    assert architectures.count_parameters(model, trainable_only=False) == 11
