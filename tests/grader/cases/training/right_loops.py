"""Correct, written differently: zero_grad at the end of each batch (gradients start cleared),
fit with the epoch loop written out, predict and correct restore the mode with an explicit
if, correct counts with a Python loop over samples (a one-output model as a list of
probabilities), loader_apply stacks with torch.stack and sums with an explicit dtype.
"""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms


def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    optimizer.zero_grad()
    losses = []
    for batch in loader:
        x, y = batch
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.detach().item())
    return sum(losses) / len(losses)


def evaluate(model, loader, loss_fn):
    model.eval()
    losses = []
    for x, y in loader:
        with torch.no_grad():
            loss = loss_fn(model(x), y)
        losses.append(loss.item())
    return float(sum(losses) / len(losses))


def fit(model, train_loader, val_loader, loss_fn, optimizer, epochs):
    history = {"train_loss": [], "val_loss": []}
    for epoch in range(epochs):
        model.train()
        batch_losses = []
        for x, y in train_loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        history["train_loss"].append(sum(batch_losses) / len(batch_losses))
        history["val_loss"].append(evaluate(model, val_loader, loss_fn))
    return history


def predict(model, x):
    was_training = model.training
    model.eval()
    with torch.no_grad():
        out = model(x)
    if was_training:
        model.train()
    return out.max(dim=1).indices


def correct(model, x, y):
    was_training = model.training
    model.eval()
    with torch.no_grad():
        out = model(x)
    if was_training:
        model.train()
    if out.shape[1] == 1:
        layers = list(model.children())
        probabilities = out[:, 0] if layers and isinstance(layers[-1], nn.Sigmoid) else torch.sigmoid(out[:, 0])
        predictions, n_classes = [int(p > 0.5) for p in probabilities.tolist()], 2
    else:
        predictions, n_classes = out.max(dim=1).indices.tolist(), out.shape[1]
    counts = torch.zeros(n_classes, 2, dtype=torch.int64)
    for label, guess in zip(y.tolist(), predictions):
        counts[label, 1] += 1
        if label == guess:
            counts[label, 0] += 1
    return counts


def loader_apply(loader, func, reduce="sum"):
    if reduce not in {"sum", "mean"}:
        raise ValueError("reduce must be 'sum' or 'mean'")
    stacked = torch.stack([func(x, y) for x, y in loader])
    if reduce == "mean":
        return stacked.float().mean(axis=0)
    return torch.sum(stacked, dim=0, dtype=stacked.dtype)


def save_weights(model, path):
    state = model.state_dict()
    torch.save(state, path)


def load_weights(model, path):
    state = torch.load(path, weights_only=True)
    model.load_state_dict(state)
    model.eval()
    return model


def image_folder_loader(root, batch_size=8, shuffle=True):
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
    dataset = datasets.ImageFolder(root=root, transform=transform)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle)
