"""capture_outputs removes its hooks after model(x), but not when model(x) raises.

expect-fail: capture_outputs_removes_hooks
expect-feedback: finally
expect-credit: capture_outputs_removes_hooks = 0.8
"""
import torch
import torch.nn as nn


def capture_outputs(model: nn.Module, x: torch.Tensor, layer_names: list[str]) -> dict[str, torch.Tensor]:
    """Run ``model(x)`` once and return what the named layers produced.

    ``layer_names`` uses the names of ``model.named_modules()``: ``"conv1"``
    for a child, ``"0.2"`` for the third child of the first child, and ``""``
    for the model itself. The recipe:

    1. check every name first; an unknown one raises ``ValueError`` naming it
       (and no hook is left behind);
    2. ``handle = module.register_forward_hook(hook)`` on each named module,
       where ``hook`` stores a detached copy, ``output.detach().clone()``,
       under the module's name (the copy stays as it was even if a later
       in-place layer such as ``ReLU(inplace=True)`` overwrites ``output``);
    3. call ``model(x)`` once;
    4. ``handle.remove()`` every hook in a ``finally:`` block, so the model is
       clean again even when the forward pass raises.

    The result is a dict keyed in the order of ``layer_names``. Example, the
    case-study CNN on ``x`` of shape ``(5, 1, 10, 10)`` and names
    ``["conv1", "maxp1", "flatten"]`` gives tensors of shapes
    ``(5, 1, 8, 8)``, ``(5, 1, 4, 4)`` and ``(5, 16)``. A module called more
    than once keeps its last output; one that never runs has no entry.
    """
    modules = dict(model.named_modules())
    for name in layer_names:
        if name not in modules:
            raise ValueError(f"layer_names: no submodule named {name!r} in the model")
    captured = {}

    def make_hook(name):
        def hook(module, inputs, output):
            captured[name] = output.detach().clone()
        return hook

    handles = []
    for name in dict.fromkeys(layer_names):
        handles.append(modules[name].register_forward_hook(make_hook(name)))
    model(x)
    for handle in handles:
        handle.remove()
    return {name: captured[name] for name in layer_names if name in captured}
