"""capture_outputs defines each hook as a closure over the loop variable: every hook stores under
the last name, so only that key comes back.

expect-fail: capture_outputs_matches_reference
expect-feedback: every hook stores under the last name
expect-credit: capture_outputs_matches_reference = 0.0
"""


def capture_outputs(model, x, layer_names):
    modules = dict(model.named_modules())
    for name in layer_names:
        if name not in modules:
            raise ValueError(f"layer_names: no submodule named {name!r}")
    captured, handles = {}, []
    try:
        for name in layer_names:
            def hook(module, inputs, output):
                captured[name] = output.detach().clone()
            handles.append(modules[name].register_forward_hook(hook))
        model(x)
    finally:
        for handle in handles:
            handle.remove()
    return {name: captured[name] for name in layer_names if name in captured}
