"""Training: the training loop, evaluation, accuracy counts and saving weights.

The tests use tiny models and hand-made "loaders" (a list of (x, y) batches
works wherever a DataLoader does), so they run in a blink.
"""

import copy

import course
import pytest
import torch
import torch.nn as nn
from PIL import Image

training = course.load("training")


def tiny_problem(seed=0, n_batches=4, batch=8):
    """A small linear model and a fixed list of (x, y) batches for 3 classes."""
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, 3))
    batches = [(torch.randn(batch, 5), torch.randint(0, 3, (batch,))) for _ in range(n_batches)]
    return model, batches


class RecordingLoss:
    """nn.CrossEntropyLoss that remembers every value it returned."""

    def __init__(self):
        self.values, self.needed_grad = [], []

    def __call__(self, logits, labels):
        loss = nn.functional.cross_entropy(logits, labels)
        self.values.append(loss.item())
        self.needed_grad.append(loss.requires_grad)
        return loss


# --- train_epoch --------------------------------------------------------------


def test_train_epoch_returns_the_mean_batch_loss():
    model, batches = tiny_problem()
    loss_fn = RecordingLoss()
    result = training.train_epoch(model, batches, loss_fn, torch.optim.SGD(model.parameters(), lr=0.1))
    assert isinstance(result, float)
    assert len(loss_fn.values) == len(batches)
    assert result == pytest.approx(sum(loss_fn.values) / len(batches))


def test_train_epoch_matches_the_slide_loop():
    model, batches = tiny_problem()
    twin = copy.deepcopy(model)
    optimizer = torch.optim.SGD(twin.parameters(), lr=0.5, momentum=0.9)
    for x, y in batches:  # VSB "PyTorch - Example 6"
        optimizer.zero_grad()
        nn.functional.cross_entropy(twin(x), y).backward()
        optimizer.step()
    training.train_epoch(
        model, batches, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    )
    for mine, reference in zip(model.parameters(), twin.parameters()):
        torch.testing.assert_close(mine, reference)


def test_train_epoch_puts_the_model_in_training_mode():
    model, batches = tiny_problem()
    model.eval()
    training.train_epoch(model, batches, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1))
    assert model.training


def test_a_few_epochs_lower_the_loss():
    model, batches = tiny_problem(n_batches=8)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    losses = [training.train_epoch(model, batches, nn.CrossEntropyLoss(), optimizer) for _ in range(10)]
    assert losses[-1] < losses[0]


# --- evaluate and fit ---------------------------------------------------------


def test_evaluate_leaves_parameters_and_gradients_alone():
    model, batches = tiny_problem()
    for p in model.parameters():
        p.grad = torch.full_like(p, 7.0)
    before = [(p.detach().clone(), p.grad.clone()) for p in model.parameters()]
    loss_fn = RecordingLoss()
    result = training.evaluate(model, batches, loss_fn)
    assert result == pytest.approx(sum(loss_fn.values) / len(batches))
    assert not any(loss_fn.needed_grad), "compute the losses inside torch.no_grad()"
    assert not model.training
    for p, (value, grad) in zip(model.parameters(), before):
        torch.testing.assert_close(p.detach(), value)
        torch.testing.assert_close(p.grad, grad)


def test_fit_records_one_train_and_one_val_loss_per_epoch():
    model, batches = tiny_problem()
    history = training.fit(
        model, batches, batches[:2], nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1), epochs=3
    )
    assert set(history) == {"train_loss", "val_loss"}
    assert len(history["train_loss"]) == len(history["val_loss"]) == 3


# --- predict and correct --------------------------------------------------------


class ModeSpy(nn.Identity):
    """Returns its input (so x *is* the logits) and remembers the mode it ran in."""

    def forward(self, x):
        self.ran_in_training_mode = self.training
        return x


@pytest.mark.parametrize("was_training", [True, False])
def test_predict_takes_the_argmax_in_eval_mode_and_restores_the_mode(was_training):
    model = ModeSpy().train(was_training)
    logits = torch.tensor([[0.1, 2.0, -1.0], [3.0, 0.0, 0.0], [0.0, 0.0, 5.0]])
    predicted = training.predict(model, logits)
    assert predicted.dtype == torch.int64
    assert predicted.tolist() == [1, 0, 2]
    assert model.ran_in_training_mode is False
    assert model.training is was_training


def test_correct_counts_hits_and_samples_per_class():
    logits = torch.tensor([[5.0, 0, 0], [0, 0, 5.0], [0, 5.0, 0], [0, 0, 5.0]])  # predicts 0, 2, 1, 2
    labels = torch.tensor([0, 0, 1, 2])
    result = training.correct(ModeSpy(), logits, labels)
    assert result.dtype == torch.int64
    assert result.tolist() == [[1, 2], [1, 1], [1, 1]]


def test_correct_has_one_row_per_model_output_even_for_absent_classes():
    logits = torch.zeros(3, 5)
    result = training.correct(ModeSpy(), logits, torch.tensor([0, 0, 1]))
    assert result.shape == (5, 2)
    assert result[:, 1].tolist() == [2, 1, 0, 0, 0]


def test_correct_treats_a_one_output_model_as_binary():
    # no final Sigmoid: the output is a logit, and class 1 is predicted when sigmoid(output) > 0.5
    logits = torch.tensor([[2.0], [-1.0], [0.3], [-0.2]])  # predicts 1, 0, 1, 0
    result = training.correct(ModeSpy(), logits, torch.tensor([1, 0, 0, 0]))
    assert result.dtype == torch.int64
    assert result.tolist() == [[2, 3], [1, 1]]
    # a final nn.Sigmoid: the output is already a probability, compared with 0.5 as it is
    model = nn.Sequential(ModeSpy(), nn.Sigmoid())
    result = training.correct(model, torch.tensor([[2.0], [-1.0], [0.3]]), torch.tensor([1, 1, 0]))
    assert result.tolist() == [[0, 1], [1, 2]]


@pytest.mark.parametrize("was_training", [True, False])
def test_correct_runs_in_eval_mode_and_restores_the_mode(was_training):
    model = ModeSpy().train(was_training)
    training.correct(model, torch.randn(4, 3), torch.tensor([0, 1, 2, 0]))
    assert model.ran_in_training_mode is False
    assert model.training is was_training


# --- loader_apply ---------------------------------------------------------------


def test_loader_apply_sums_per_class_counts_over_batches():
    model, batches = tiny_problem()
    total = training.loader_apply(batches, lambda x, y: training.correct(model, x, y))
    x_all = torch.cat([x for x, _ in batches])
    y_all = torch.cat([y for _, y in batches])
    assert total.dtype == torch.int64
    assert total.tolist() == training.correct(model, x_all, y_all).tolist()


def test_loader_apply_mean_is_float32():
    batches = [(torch.zeros(1), torch.zeros(1))] * 3
    values = iter([torch.tensor([1, 4]), torch.tensor([2, 4]), torch.tensor([6, 4])])
    result = training.loader_apply(batches, lambda x, y: next(values), reduce="mean")
    assert result.dtype == torch.float32
    assert result.tolist() == [3.0, 4.0]


def test_loader_apply_rejects_an_unknown_reduce():
    with pytest.raises(ValueError, match="reduce"):
        training.loader_apply([(torch.zeros(1), torch.zeros(1))], lambda x, y: x, reduce="max")


# --- saving, loading, image folders ----------------------------------------------


def test_weights_survive_a_save_and_load_round_trip(tmp_path):
    model, _ = tiny_problem(seed=1)
    path = tmp_path / "weights.pth"
    training.save_weights(model, path)
    assert set(torch.load(path, weights_only=True)) == {"0.weight", "0.bias"}
    fresh, _ = tiny_problem(seed=2)
    loaded = training.load_weights(fresh, path)
    assert loaded is fresh and not loaded.training
    x = torch.randn(4, 5)
    torch.testing.assert_close(loaded(x), model(x))


def test_image_folder_loader_gives_normalised_rgb_batches(tmp_path):
    for name, value in [("cat", 0), ("dog", 255)]:
        (tmp_path / name).mkdir()
        for i in range(2):
            Image.new("RGB", (6, 4), (value, value, value)).save(tmp_path / name / f"{i}.png")
    loader = training.image_folder_loader(tmp_path, batch_size=4, shuffle=False)
    assert loader.dataset.classes == ["cat", "dog"]
    x, y = next(iter(loader))
    assert x.shape == (4, 3, 4, 6)
    assert y.tolist() == [0, 0, 1, 1]
    assert x[:2].eq(-1).all() and x[2:].eq(1).all()
