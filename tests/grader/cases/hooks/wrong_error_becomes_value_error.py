"""capture_outputs turns a RuntimeError of the forward pass (the shape mismatch a real model raises) into a
ValueError "about x", thinking it an invalid argument: the caller no longer sees the model's own error. The
hooks are removed and an ArithmeticError would come through; only an error of another type is changed.
A slip around the hooks, which are right: one of the removal test's five weights.

expect-fail: capture_outputs_removes_hooks
expect-feedback: but capture_outputs raised ValueError
expect-feedback: the error is caught and another one raised
expect-credit: capture_outputs_removes_hooks = 0.8
"""
import torch
import torch.nn as nn


def capture_outputs(model: nn.Module, x: torch.Tensor, layer_names: list[str]) -> dict[str, torch.Tensor]:
    modules = dict(model.named_modules())
    for name in layer_names:
        if name not in modules:
            raise ValueError(f"layer_names: no submodule named {name!r} in the model")
    captured = {}

    def make_hook(name):
        def hook(module, inputs, output):
            captured[name] = output.detach().clone()
        return hook

    handles = [modules[name].register_forward_hook(make_hook(name)) for name in layer_names]
    try:
        model(x)
    except RuntimeError as error:
        raise ValueError(f"x does not fit the model: {error}") from error
    finally:
        for handle in handles:
            handle.remove()
    return {name: captured[name] for name in layer_names}
