"""capture_outputs finds the layers with getattr(model, name), which fails for nested names such
as 'block.0' and for '' (the model itself).

The children are hooked right: '' and dotted names are edge cases of the values test (1.5 of 10); an
unknown name raises AttributeError, not ValueError (the unknown-name test's core).

expect-fail: capture_outputs_matches_reference, capture_outputs_unknown_name
expect-feedback: which model.named_children() and getattr(model, name) do not find
expect-feedback: which model.named_children() and getattr(model, name) do not reach
expect-feedback: should raise ValueError
expect-feedback: the names are not checked
expect-credit: capture_outputs_matches_reference = 0.85
expect-credit: capture_outputs_unknown_name = 0.0
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
