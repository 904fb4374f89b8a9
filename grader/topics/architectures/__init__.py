"""Hidden tests for ``architectures``: the four networks' structure and forward pass, count_parameters.

The student's models exist only in the sandbox. A probe builds one and sends
back its children and parameter shapes; another loads reference weights drawn
here (``load_state_dict(strict=True)``) and sends back its outputs. One module
per concern:

- ``references``: the networks built from the contract's text, their known mistakes, weights;
- ``structure``: children and parameter shapes;  ``forward``: outputs with reference weights;
- ``count``: ``count_parameters``.
"""

from grader.topics.architectures.count import COUNT
from grader.topics.architectures.forward import SIMPLE_NET_FORWARD, forward_check
from grader.topics.architectures.structure import CASE_STUDY_STRUCTURE, structure_check

POINTS = 10
BY_LOOPS: dict = {}

# Builder by builder, as in the contract: its structure, then its forward pass.
CHECKS = [
    structure_check(
        "build_simple_cnn_structure",
        "build_simple_cnn has the six layers of the VSB first_simple_cnn",
        "build_simple_cnn",
    ),
    forward_check(
        "build_simple_cnn_forward",
        "build_simple_cnn computes the reference outputs with reference weights",
        "build_simple_cnn",
        1.0,
    ),
    structure_check(
        "simple_net_structure", "SimpleNet is an nn.Module with conv, pool and fc of the contract", "SimpleNet"
    ),
    SIMPLE_NET_FORWARD,
    structure_check(
        "build_lenet5_structure", "build_lenet5 has the twelve named children and 61,706 parameters", "build_lenet5"
    ),
    forward_check(
        "build_lenet5_forward",
        "build_lenet5 computes the reference outputs with reference weights",
        "build_lenet5",
        1.5,
    ),
    CASE_STUDY_STRUCTURE,
    forward_check(
        "build_case_study_cnn_forward",
        "build_case_study_cnn computes the reference outputs",
        "build_case_study_cnn",
        1.0,
        channels=True,
    ),
    COUNT,
]
