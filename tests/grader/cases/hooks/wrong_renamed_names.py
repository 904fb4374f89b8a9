"""capture_outputs calls its third parameter `names`: capture_outputs(model, x, layer_names=[...]), with the
contract's name, raises TypeError.

expect-fail: capture_outputs_matches_reference, capture_outputs_removes_hooks, capture_outputs_unknown_name
expect-feedback: unexpected keyword argument 'layer_names'
"""
import torch
import torch.nn as nn

_reference = capture_outputs


def capture_outputs(model: nn.Module, x: torch.Tensor, names: list[str]) -> dict[str, torch.Tensor]:
    return _reference(model, x, names)
