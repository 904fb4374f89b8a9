"""capture_outputs runs the model once per name (register a hook, run model(x), remove it): the outputs are
right, but the model runs len(layer_names) times instead of once.

expect-fail: capture_outputs_matches_reference
expect-feedback: the model runs once per name
expect-credit: capture_outputs_matches_reference = 0.9
"""
import torch
import torch.nn as nn


def capture_outputs(model: nn.Module, x: torch.Tensor, layer_names: list[str]) -> dict[str, torch.Tensor]:
    modules = dict(model.named_modules())
    for name in layer_names:
        if name not in modules:
            raise ValueError(f"layer_names: no submodule named {name!r} in the model")
    result = {}
    for name in layer_names:
        store = []
        handle = modules[name].register_forward_hook(lambda m, i, o: store.append(o.detach().clone()))
        try:
            model(x)
        finally:
            handle.remove()
        if store:
            result[name] = store[-1]
    return result
