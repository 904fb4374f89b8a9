"""capture_outputs catches the forward pass's error (try/except) and returns what it captured so far: the
hooks are removed, but the caller never hears that the model failed.

expect-fail: capture_outputs_removes_hooks
expect-feedback: the error is caught (try/except) and not raised again
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
    except Exception:
        pass  # the outputs captured so far are still useful
    for handle in handles:
        handle.remove()
    return {name: captured[name] for name in layer_names if name in captured}
