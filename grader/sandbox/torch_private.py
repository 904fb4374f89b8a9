"""Every private PyTorch name the sandbox depends on, in one place.

A PyTorch release may rename or drop any of them; the tripwires would then skip it in silence and the
denial could fail to arm. ``missing()`` lists those the installed torch lacks, and
``tests/grader/test_denial.py`` fails on any, so a torch upgrade cannot weaken the sandbox with every
test green. ``pyproject.toml`` bounds torch to the releases the suite has passed on.
"""

from __future__ import annotations

import importlib

# What pops, reads, clears or disables the torch-function and dispatch mode stacks, by module: the
# tripwires replace each (``tripwires.install``).
MODE_STACK_FUNCTIONS = {
    "torch._C": (
        "_pop_torch_function_stack",
        "_pop_torch_dispatch_stack",
        "_set_dispatch_mode",
        "_unset_dispatch_mode",
        "_get_function_stack_at",
        "_get_dispatch_stack_at",
        "_get_dispatch_mode",
        "_len_torch_function_stack",
        "_len_torch_dispatch_stack",
        "DisableTorchFunction",
        "DisableTorchFunctionSubclass",
        "_DisableTorchDispatch",
        "_DisablePythonDispatcher",
        "ExcludeDispatchKeyGuard",
        "_ExcludeDispatchKeyGuard",
        "_SetExcludeDispatchKeyGuard",
        "_dispatch_tls_set_dispatch_key_excluded",
        "_RestorePythonTLSSnapshot",
    ),
    "torch.overrides": (
        "_pop_mode",
        "_pop_mode_temporarily",
        "_get_current_function_mode",
        "_get_current_function_mode_stack",
    ),
    "torch.utils._python_dispatch": (
        "_pop_mode",
        "_pop_mode_temporarily",
        "_disable_current_modes",
        "_disable_infra_mode",
        "_unset_infra_mode",
        "_get_current_dispatch_mode",
        "_get_current_dispatch_mode_stack",
        "any_torch_dispatch_mode_on_stack",
    ),
}

# What the recording modes, the tripwires' own use of the stacks and the denial need.
OTHER_NAMES = (
    "torch._C._push_on_torch_function_stack",
    "torch._C._push_on_torch_dispatch_stack",
    "torch.utils._python_dispatch.TorchDispatchMode",
    "torch._C._dispatch_get_all_op_names",  # denial: every registered operator
    "torch._C._dispatch_dump",  # denial: an operator's kernels per dispatch key
    "torch.library.Library._destroy",  # denial: removing the raising kernels
)


def names() -> list[str]:
    """Every private name, dotted."""
    return [f"{module}.{name}" for module, listed in MODE_STACK_FUNCTIONS.items() for name in listed] + list(
        OTHER_NAMES
    )


def missing() -> list[str]:
    """The names of ``names()`` the installed torch does not have."""
    absent = []
    for dotted in names():
        module, _, rest = dotted.partition(".")
        value = importlib.import_module(module)
        for part in rest.split("."):
            try:
                value = getattr(value, part)
            except AttributeError:
                try:
                    value = importlib.import_module(f"{value.__name__}.{part}")
                except (AttributeError, ImportError):
                    absent.append(dotted)
                    break
    return absent
