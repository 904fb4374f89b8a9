"""capture_outputs stores output.detach().float().clone(): a float64 model's outputs come back as float32
(results keep the input's dtype).

A dtype slip around right outputs: the "dtype kept" part (0.5 of 10).

expect-fail: capture_outputs_matches_reference
expect-feedback: has dtype float32; expected float64
expect-feedback: the captured outputs are converted
expect-credit: capture_outputs_matches_reference = 0.95
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
