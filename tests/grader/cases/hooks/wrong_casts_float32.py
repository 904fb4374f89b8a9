"""capture_outputs stores output.detach().float().clone(): a float64 model's outputs come back as float32
(results keep the input's dtype).

expect-fail: capture_outputs_matches_reference
expect-feedback: has dtype float32; expected float64
expect-credit: capture_outputs_matches_reference = 0.8
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
            captured[name] = output.detach().float().clone()
        return hook

    handles = []
    try:
        for name in layer_names:
            handles.append(modules[name].register_forward_hook(make_hook(name)))
        model(x)
    finally:
        for handle in handles:
            handle.remove()
    return {name: captured[name] for name in layer_names}
