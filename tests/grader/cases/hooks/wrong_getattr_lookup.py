"""capture_outputs finds the layers with getattr(model, name), which fails for nested names such
as 'block.0' and for '' (the model itself).

expect-fail: capture_outputs_matches_reference, capture_outputs_removes_hooks, capture_outputs_unknown_name
expect-feedback: getattr(model, name) cannot reach nested names
expect-feedback: should raise ValueError
"""


def capture_outputs(model, x, layer_names):
    captured, handles = {}, []

    def make_hook(name):
        def hook(module, inputs, output):
            captured[name] = output.detach().clone()
        return hook

    try:
        for name in layer_names:
            handles.append(getattr(model, name).register_forward_hook(make_hook(name)))
        model(x)
    finally:
        for handle in handles:
            handle.remove()
    return {name: captured[name] for name in layer_names}
