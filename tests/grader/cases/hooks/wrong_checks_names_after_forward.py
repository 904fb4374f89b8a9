"""capture_outputs hooks the known names, runs the model, and only then complains about names it did not
capture: when the forward pass raises, the unknown name never becomes a ValueError.

expect-fail: capture_outputs_unknown_name
expect-feedback: should raise ValueError for the unknown layer name
expect-feedback: the names are checked after model(x) ran
expect-credit: capture_outputs_unknown_name = 0.0
"""
import torch
import torch.nn as nn


def capture_outputs(model: nn.Module, x: torch.Tensor, layer_names: list[str]) -> dict[str, torch.Tensor]:
    captured, handles = {}, []

    def make_hook(name):
        def hook(module, inputs, output):
            captured[name] = output.detach().clone()
        return hook

    try:
        for name, module in model.named_modules():
            if name in layer_names:
                handles.append(module.register_forward_hook(make_hook(name)))
        model(x)
    finally:
        for handle in handles:
            handle.remove()
    missing = [name for name in layer_names if name not in captured]
    if missing:
        raise ValueError(f"layer_names: no layer named {missing[0]!r}")
    return {name: captured[name] for name in layer_names}
