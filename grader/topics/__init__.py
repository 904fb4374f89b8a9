"""The hidden tests, one module per topic of the contract.

Each topic module defines ``POINTS`` (the contract's default), ``CHECKS`` (a
list of ``grader.checks.Check``) and ``BY_LOOPS`` (function -> forbidden
``grader.checks.forbidden.Rule`` s).
"""

from collections.abc import Mapping
from importlib import import_module

TOPIC_NAMES = (
    "gradient_descent",
    "perceptron",
    "edges",
    "convolution",
    "pooling",
    "layers",
    "classification",
    "architectures",
    "training",
    "hooks",
    "augmentation",
)


class _Topics(Mapping):
    """The topic modules by name, each imported on first use: a one-topic grade imports one."""

    def __getitem__(self, name: str):
        if name not in TOPIC_NAMES:
            raise KeyError(name)
        return import_module(f"grader.topics.{name}")

    def __contains__(self, name) -> bool:  # without importing it
        return name in TOPIC_NAMES

    def __iter__(self):
        return iter(TOPIC_NAMES)

    def __len__(self):
        return len(TOPIC_NAMES)


TOPICS = _Topics()


# Topics by how long a grade of solutions/ takes (benchmarks/grade_time.py), slowest first: a
# concurrent grade starts them in this order, so that no long topic is left for last.
SLOWEST_FIRST = (
    "training",
    "convolution",
    "architectures",
    "augmentation",
    "hooks",
    "layers",
    "pooling",
    "classification",
    "edges",
    "gradient_descent",
    "perceptron",
)

# The optional packages (``grader.sandbox.OPTIONAL_IMPORTS``) a topic's probes need in the child.
CHILD_IMPORTS = {"augmentation": ("torchvision",), "training": ("torchvision",)}
