"""capture_outputs looks the names up among model.named_children(), as a course book's feature extractor
does: every child is hooked right, but '' (the model itself) and dotted names such as 'block.0' are refused
as unknown. Edge cases of the lookup: their two parts of the values test (0.5 and 1 of 10) are lost, the
other tests hold (they use the children's names).

expect-fail: capture_outputs_matches_reference
expect-feedback: with ['stem'] it works
expect-feedback: '' names the model itself
expect-feedback: a dotted name such as 'block.0' names a submodule of a submodule
expect-credit: capture_outputs_matches_reference = 0.85
"""
import torch
import torch.nn as nn


def capture_outputs(model: nn.Module, x: torch.Tensor, layer_names: list[str]) -> dict[str, torch.Tensor]:
    children = dict(model.named_children())
    for name in layer_names:
        if name not in children:
            raise ValueError(f"layer_names: the model has no layer {name!r}")
    features = {}
    handles = []
    for name in layer_names:
        def hook(module, inputs, output, name=name):
            features[name] = output.detach().clone()
        handles.append(children[name].register_forward_hook(hook))
    try:
        model(x)
    finally:
        for handle in handles:
            handle.remove()
    return {name: features[name] for name in layer_names}
