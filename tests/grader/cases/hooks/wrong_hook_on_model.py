"""capture_outputs registers every hook on the model itself instead of on the named submodule.

expect-fail: capture_outputs_matches_reference
expect-feedback: registered on the model itself
expect-credit: capture_outputs_matches_reference = 0.0
"""


def capture_outputs(model, x, layer_names):
    modules = dict(model.named_modules())
    for name in layer_names:
        if name not in modules:
            raise ValueError(f"layer_names: no submodule named {name!r}")
    captured, handles = {}, []

    def make_hook(name):
        def hook(module, inputs, output):
            captured[name] = output.detach().clone()
        return hook

    try:
        for name in layer_names:
            handles.append(model.register_forward_hook(make_hook(name)))
        model(x)
    finally:
        for handle in handles:
            handle.remove()
    return {name: captured[name] for name in layer_names}
