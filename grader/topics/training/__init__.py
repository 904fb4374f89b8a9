"""Hidden tests for ``training``: the training loop and the tools around it.

Everything is deterministic: the grader draws a small model (built by the
trusted ``probes.build_model`` here and in the sandbox), its weights, the data,
the batch order and the caller's seed; a probe runs the student's function on
them and sends back the result, the model's weights and what its forward
passes saw (training flag, gradient mode). The reference is the loop of the
slides, run here on the same weights and batches. One module per function group:

- ``scenarios``: the models, weights, data and batches drawn, and the words for them;
- ``results``: judging numbers and state_dicts, and the mistakes behind a wrong mean;
- ``epoch``: ``train_epoch``, ``evaluate``;  ``fit``: ``fit`` (drawn scenarios, the lines data);
- ``inference``: ``predict``, ``correct``;  ``loader_apply``;
- ``weights``: ``save_weights``, ``load_weights``;  ``image_folder``: ``image_folder_loader``.
"""

from grader.topics.training import epoch, fit, image_folder, inference, loader_apply, weights
from grader.topics.training.scenarios import describe_model, random_state

POINTS = 10
BY_LOOPS: dict = {}

# The order of the contract (and of the report): the loop, inference, then the tools.
CHECKS = epoch.CHECKS + fit.CHECKS + inference.CHECKS + loader_apply.CHECKS + weights.CHECKS + image_folder.CHECKS

__all__ = ["POINTS", "BY_LOOPS", "CHECKS", "describe_model", "random_state"]  # the last two: for augmentation
