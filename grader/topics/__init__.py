"""The hidden tests, one module per topic of the contract.

Each topic module defines ``POINTS`` (the contract's default), ``CHECKS`` (a
list of ``grader.checks.Check``) and ``BY_LOOPS`` (function -> forbidden
``grader.forbidden.Rule`` s).
"""
from importlib import import_module

TOPIC_NAMES = (
    "gradient_descent", "perceptron", "edges", "convolution", "pooling",
    "layers", "classification", "architectures", "training", "hooks", "augmentation",
)


def __getattr__(name: str):
    """``TOPICS``, the topic modules by name, imported on first use (a usage error needs none of them)."""
    if name == "TOPICS":
        globals()["TOPICS"] = {topic: import_module(f"grader.topics.{topic}") for topic in TOPIC_NAMES}
        return globals()["TOPICS"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Topics by how long a grade of solutions/ takes (benchmarks/grade_time.py), slowest first: a
# concurrent grade starts them in this order, so that no long topic is left for last.
SLOWEST_FIRST = (
    "training", "convolution", "architectures", "augmentation", "hooks", "layers",
    "pooling", "classification", "edges", "gradient_descent", "perceptron",
)
