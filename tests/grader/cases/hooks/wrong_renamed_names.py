"""capture_outputs calls its third parameter `names`: capture_outputs(model, x, layer_names=[...]), with the
contract's name, raises TypeError. A signature slip: each test's "layer_names= by name" part (0.5 of 10 in
the values test, 1 of 10 in the others); the positional calls are judged as usual.

expect-fail: capture_outputs_matches_reference, capture_outputs_removes_hooks, capture_outputs_unknown_name
expect-feedback: unexpected keyword argument 'layer_names'
expect-credit: capture_outputs_matches_reference = 0.95
expect-credit: capture_outputs_removes_hooks = 0.9
expect-credit: capture_outputs_unknown_name = 0.9
"""
import torch
import torch.nn as nn

_reference = capture_outputs


def capture_outputs(model: nn.Module, x: torch.Tensor, names: list[str]) -> dict[str, torch.Tensor]:
    return _reference(model, x, names)
