"""The grader's versions of callees (``grader.sandbox.trusted``): right, and swapped in only for one call."""

import importlib

import numpy as np
import torch
from torch import nn

from grader.checks import to_wire
from grader.sandbox.session import TopicSession
from grader.sandbox.trusted import TRUSTED

WRONG_CALLEES = """
import numpy as np

def sobel_kernels():
    gx = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float32)
    return gx, gx.T

def filter2d(image, kernel):
    return np.zeros(image.shape, dtype=np.float32)

def gradient_magnitude(image, mode="l2"):
    gx, gy = sobel_kernels()
    return np.sqrt(filter2d(image, gx) ** 2 + filter2d(image, gy) ** 2).astype(np.float32)
"""


def test_the_graders_callees_agree_with_the_solutions():
    edges = importlib.import_module("solutions.edges")
    image = np.arange(30, dtype=np.float64).reshape(5, 6) % 7
    for theirs, ours in zip(edges.sobel_kernels(), TRUSTED["edges"]["sobel_kernels"]()):
        assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs)
    kernel = np.arange(9, dtype=np.float32).reshape(3, 3) - 4
    assert np.allclose(TRUSTED["edges"]["filter2d"](image, kernel), edges.filter2d(image, kernel), atol=1e-5)
    gradient = importlib.import_module("solutions.gradient_descent")
    assert [TRUSTED["gradient_descent"]["deriv"](x) for x in (-2.5, 0, 3, 7)] == [
        gradient.deriv(x) for x in (-2.5, 0, 3, 7)
    ]
    perceptron = importlib.import_module("solutions.perceptron")
    z = torch.linspace(-30, 30, 13, dtype=torch.float64)
    assert torch.allclose(TRUSTED["perceptron"]["sigmoid"](z), perceptron.sigmoid(z))
    classification = importlib.import_module("solutions.classification")
    logits = torch.linspace(-50, 50, 12, dtype=torch.float64).reshape(3, 4)
    for name in ("softmax", "log_softmax"):
        for dim in (0, 1, -1):
            assert torch.allclose(
                TRUSTED["classification"][name](logits, dim), getattr(classification, name)(logits, dim)
            )
    training = importlib.import_module("solutions.training")
    x, y = torch.linspace(-1, 1, 12).reshape(6, 2), torch.tensor([0, 1, 1, 0, 1, 0])
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=4)
    results = []
    for train_epoch, evaluate in (
        (training.train_epoch, training.evaluate),
        (TRUSTED["training"]["train_epoch"], TRUSTED["training"]["evaluate"]),
    ):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.5), nn.Linear(3, 2))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        losses = (
            train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer),
            evaluate(model, loader, nn.CrossEntropyLoss()),
        )
        results.append((losses, [p.detach().clone() for p in model.parameters()]))
    assert results[0][0] == results[1][0]
    assert all(torch.equal(a, b) for a, b in zip(results[0][1], results[1][1]))


def test_callees_known_wrong_are_replaced_for_one_call_only():
    session = TopicSession("edges", {"edges": WRONG_CALLEES.encode()})
    image = (np.arange(20, dtype=np.float32).reshape(4, 5) % 6) * 10
    try:
        assert session.start().ok
        own = session.call("gradient_magnitude", *to_wire((image,)))
        replaced = session.call("gradient_magnitude", *to_wire((image,)), trusted=["filter2d", "sobel_kernels"])
        own_again = session.call("gradient_magnitude", *to_wire((image,)))
    finally:
        session.close()
    gx, gy = TRUSTED["edges"]["sobel_kernels"]()
    filter2d = TRUSTED["edges"]["filter2d"]
    expected = np.sqrt(filter2d(image, gx) ** 2 + filter2d(image, gy) ** 2)
    assert replaced.ok and np.allclose(replaced.value.data, expected) and expected.any()
    for outcome in (own, own_again):
        assert outcome.ok and not outcome.value.data.any()  # the student's own zero filter2d, before and after
