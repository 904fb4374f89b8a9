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
TOPICS = {name: import_module(f"grader.topics.{name}") for name in TOPIC_NAMES}
# Topics by how long a grade of solutions/ takes (benchmarks/grade_time.py), slowest first: a
# concurrent grade starts them in this order, so that no long topic is left for last.
SLOWEST_FIRST = (
    "training", "convolution", "architectures", "augmentation", "hooks", "layers",
    "pooling", "classification", "edges", "gradient_descent", "perceptron",
)
