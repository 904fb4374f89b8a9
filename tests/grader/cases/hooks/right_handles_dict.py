"""Correct, written differently: a module lookup with get_submodule, a dict of handles removed
with a loop over its values, and outputs copied with torch.Tensor.detach then clone() in the
result rather than in the hook.
"""
import torch
import torch.nn as nn


def capture_outputs(model: nn.Module, x: torch.Tensor, layer_names: list) -> dict:
    modules = {}
    for name in layer_names:
        try:
            modules[name] = model.get_submodule(name)
        except AttributeError:
            raise ValueError("layer " + repr(name) + " does not exist") from None
    outputs = {}
    handles = {}
    try:
        for name, module in modules.items():
            handles[name] = module.register_forward_hook(
                lambda module, args, out, name=name: outputs.__setitem__(name, out.detach().clone()))
        model(x)
    finally:
        for handle in handles.values():
            handle.remove()
    result = {}
    for name in layer_names:
        result[name] = outputs[name]
    return result
