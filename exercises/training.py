"""Training: the loop that fits a CNN, and the tools around it (VSB
"PyTorch - Example" 1-7 and "Save and load the model"; UFRN "Accuracy").

A loader is anything you can iterate over that yields ``(x, y)`` batches,
usually a ``torch.utils.data.DataLoader``.
"""
import torch
import torch.nn as nn
import torchvision
from torch.utils.data import DataLoader
from torchvision import transforms


def train_epoch(model: nn.Module, loader, loss_fn, optimizer) -> float:
    """Run one pass over ``loader`` that updates the model; return the mean loss.

    Put the model in training mode, then for every batch ``(x, y)``:

    1. ``optimizer.zero_grad()`` -- gradients add up unless you clear them,
    2. ``loss = loss_fn(model(x), y)`` -- forward pass and loss,
    3. ``loss.backward()`` -- gradients of the loss for every parameter,
    4. ``optimizer.step()`` -- move the parameters against the gradient.

    The result is the average of the per-batch ``loss.item()`` values, a
    Python float: batches of losses 0.9, 0.7 and 0.5 give 0.7.
    """
    raise NotImplementedError('train_epoch: model.train(); per batch: zero_grad, forward, loss, backward, step; keep loss.item()')


def evaluate(model: nn.Module, loader, loss_fn) -> float:
    """The mean per-batch loss over ``loader``, without learning anything.

    Switch to evaluation mode (``model.eval()``: dropout off, batch norm uses
    its running statistics) and compute the losses inside
    ``torch.no_grad()``, so no graph is built and neither the parameters nor
    their ``.grad`` change. Returns a Python float.
    """
    raise NotImplementedError('evaluate: model.eval(), then loop over the batches inside a with torch.no_grad() block')


def fit(model: nn.Module, train_loader, val_loader, loss_fn, optimizer, epochs: int) -> dict:
    """Train for ``epochs`` epochs and record the losses of each epoch.

    Every epoch is one :func:`train_epoch` on ``train_loader`` followed by one
    :func:`evaluate` on ``val_loader``. Returns
    ``{"train_loss": [l_1, ..., l_epochs], "val_loss": [v_1, ..., v_epochs]}``;
    a falling ``val_loss`` says the model generalises, a ``train_loss`` that
    keeps falling while ``val_loss`` rises says it overfits.
    """
    raise NotImplementedError('fit: two lists; for each epoch append train_epoch(...) and evaluate(...) results')


def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The predicted class of every sample in ``x``: int64 of shape ``(N,)``.

    The model outputs logits ``(N, n_classes)``; the prediction is the index
    of the largest one per row (``argmax`` over dim 1), so logits
    ``[[0.1, 2.0, -1.0]]`` predict ``tensor([1])``. Run the model in eval
    mode and without gradients, and afterwards put it back in the mode it
    was in (``model.training`` tells you which).
    """
    raise NotImplementedError('predict: remember model.training, model.eval(), argmax(dim=1) under torch.no_grad(), then model.train(was)')


def correct(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per class: how many samples the model got right, and how many there are.

    Returns int64 of shape ``(n_classes, 2)`` whose row ``c`` is
    ``[number of samples of class c predicted as c, number of samples of
    class c]``, computed in eval mode without gradients (the mode restored
    afterwards, as in :func:`predict`). Example: 3 classes,
    ``y = [0, 0, 1, 2]`` and predictions ``[0, 2, 1, 2]`` give
    ``[[1, 2], [1, 1], [1, 1]]``. Dividing column 0 by column 1 gives the
    recall of each class; summing the rows first gives the accuracy.

    ``n_classes`` is the width of the model's output, and the prediction
    its ``argmax`` over dim 1. A model with a single output is a binary
    classifier (two classes, two rows): it predicts class 1 when its
    output, as a probability, is above 0.5 -- the output itself if the
    model's last layer is ``nn.Sigmoid``, else ``torch.sigmoid(output)``.
    """
    raise NotImplementedError('correct: one eval-mode forward pass; classes by argmax (one output: probability > 0.5); count per class')


def loader_apply(loader, func, reduce: str = "sum") -> torch.Tensor:
    """Apply ``func(x, y)`` to every batch and combine the results.

    The per-batch results (tensors of one common shape ``S``) are stacked
    along a new first dimension, shape ``(n_batches, *S)``, and reduced over
    it: ``"sum"`` adds them up and keeps their dtype (int64 counts stay
    int64); ``"mean"`` first casts to float32, then averages. With
    ``func = lambda x, y: correct(model, x, y)`` and ``"sum"`` you get the
    per-class counts of a whole data set. Any other ``reduce``: ValueError.
    """
    raise NotImplementedError('loader_apply: torch.stack([func(x, y) for x, y in loader]), then .sum(dim=0) or .float().mean(dim=0)')


def save_weights(model: nn.Module, path) -> None:
    """Save the learned parameters of ``model`` to the file ``path``.

    Only the ``state_dict()`` (an ordered dict from names such as
    ``"C1.weight"`` to tensors) is saved with ``torch.save``, not the
    Python object, so loading needs an instance of the same architecture.
    """
    raise NotImplementedError('save_weights: torch.save(model.state_dict(), path)')


def load_weights(model: nn.Module, path) -> nn.Module:
    """Load weights saved by :func:`save_weights` into ``model`` and return it.

    Read the file with ``torch.load(path, weights_only=True)`` (which refuses
    to run arbitrary pickled code), copy the tensors in with
    ``model.load_state_dict``, and switch to eval mode, ready for inference.
    """
    raise NotImplementedError('load_weights: model.load_state_dict(torch.load(path, weights_only=True)), then model.eval() and return model')


def image_folder_loader(root, batch_size: int = 8, shuffle: bool = True) -> DataLoader:
    """A ``DataLoader`` over a folder of images sorted into one subfolder per class.

    ``torchvision.datasets.ImageFolder(root, transform)`` finds
    ``root/<class>/<image>`` files (classes in alphabetical order, labels 0,
    1, ...) and opens each as RGB. The transform is the VSB one:
    ``ToTensor`` (HxWx3 uint8 -> 3xHxW float in [0, 1]) then ``Normalize``
    with mean 0.5 and std 0.5 per channel, so pixels end up in [-1, 1]
    (0 -> -1, 255 -> 1). The loader yields ``(x, y)`` with ``x`` of shape
    ``(B, 3, H, W)``; ``loader.dataset.classes`` lists the class names.
    """
    raise NotImplementedError('image_folder_loader: ImageFolder(root, transform=transforms.Compose([ToTensor(), Normalize(...)])) wrapped in a DataLoader')
