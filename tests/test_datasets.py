"""The shipped data (datasets/) and the reference training loop on it.

The first group checks the data alone. The second trains the reference
models of solutions/ on it -- the heavier tests (several seconds each); in a
copy without solutions/ they are skipped.
"""

import pytest
import torch
import torch.nn as nn
from PIL import Image

from datasets import DIGITS_DIR, SHAPES_DIR
from datasets.lines import lines_loaders, make_lines


def reference(topic):
    """The module solutions.<topic>, or skip the test when there are no solutions."""
    return pytest.importorskip(f"solutions.{topic}", reason="the reference solutions/ are not in this copy")


@pytest.fixture
def one_thread():
    """Train on one thread: the same numbers on any machine, and a fair timing."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def accuracy(training, model, loader):
    counts = training.loader_apply(loader, lambda x, y: training.correct(model, x, y))
    return counts[:, 0].sum().item() / counts[:, 1].sum().item()


# --- lines ------------------------------------------------------------------------


def test_lines_are_10x10_float32_images_in_0_1_with_three_labels():
    images, labels = make_lines(n_images=300, seed=1)
    assert images.shape == (300, 1, 10, 10) and images.dtype.name == "float32"
    assert labels.shape == (300,) and labels.dtype.name == "int64"
    assert images.min() >= 0.0 and images.max() <= 1.0
    assert set(labels.tolist()) == {0, 1, 2}


def test_lines_are_the_same_for_the_same_seed_and_differ_otherwise():
    a_images, a_labels = make_lines(50, seed=7)
    b_images, b_labels = make_lines(50, seed=7)
    c_images, _ = make_lines(50, seed=8)
    assert (a_images == b_images).all() and (a_labels == b_labels).all()
    assert not (a_images == c_images).all()


def test_lines_loaders_split_and_batch_the_data():
    train_loader, val_loader = lines_loaders(n_images=100, val_fraction=0.2, batch_size=16)
    assert len(train_loader.dataset) == 80 and len(val_loader.dataset) == 20
    x, y = next(iter(train_loader))
    assert x.shape == (16, 1, 10, 10) and x.dtype == torch.float32 and y.dtype == torch.int64


def test_lines_training_order_repeats_for_the_same_seed():
    first = [y.tolist() for _, y in lines_loaders(n_images=64, seed=3)[0]]
    second = [y.tolist() for _, y in lines_loaders(n_images=64, seed=3)[0]]
    assert first == second


# --- the image folders ----------------------------------------------------------------


@pytest.mark.parametrize(
    "root, classes", [(SHAPES_DIR, ["circle", "square"]), (DIGITS_DIR, [str(d) for d in range(10)])]
)
def test_image_folders_have_train_and_test_splits_of_every_class(root, classes):
    for split in ("train", "test"):
        found = sorted(p.name for p in (root / split).iterdir() if p.is_dir())
        assert found == classes
        assert all(any((root / split / c).glob("*.png")) for c in classes)


def test_shapes_are_32x32_colour_pngs():
    image = Image.open(next((SHAPES_DIR / "train" / "circle").glob("*.png")))
    assert image.size == (32, 32) and image.mode == "RGB"


def test_digits_are_28x28_grayscale_pngs():
    image = Image.open(next((DIGITS_DIR / "train" / "7").glob("*.png")))
    assert image.size == (28, 28) and image.mode == "L"


@pytest.mark.parametrize(
    "root, classes, size", [(SHAPES_DIR, ["circle", "square"], 32), (DIGITS_DIR, [str(d) for d in range(10)], 28)]
)
def test_reference_image_folder_loader_reads_the_shipped_sets(root, classes, size):
    training = reference("training")
    loader = training.image_folder_loader(root / "test", batch_size=8, shuffle=False)
    assert loader.dataset.classes == classes
    x, y = next(iter(loader))
    assert x.shape == (8, 3, size, size) and y.dtype == torch.int64
    assert x.min() >= -1.0 and x.max() <= 1.0


# --- the reference loop trains the slide models -------------------------------------


@pytest.mark.slow
def test_case_study_cnn_learns_the_lines_above_90_percent(one_thread):
    training, architectures = reference("training"), reference("architectures")
    torch.manual_seed(13)
    train_loader, val_loader = lines_loaders()
    model = architectures.build_case_study_cnn()  # n_channels=1: 213 parameters
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)  # as in the UFRN case study
    history = training.fit(model, train_loader, val_loader, nn.CrossEntropyLoss(), optimizer, epochs=80)
    assert history["val_loss"][-1] < history["val_loss"][0]
    assert accuracy(training, model, val_loader) > 0.90


class OneChannel:
    """Wraps an image-folder loader so LeNet-5 gets 1-channel images (the mean of R, G, B)."""

    def __init__(self, loader):
        self.loader = loader

    def __iter__(self):
        for x, y in self.loader:
            yield x.mean(dim=1, keepdim=True), y


@pytest.mark.slow
def test_lenet5_learns_the_digits_above_90_percent(one_thread):
    training, architectures = reference("training"), reference("architectures")
    torch.manual_seed(13)
    train_loader = OneChannel(training.image_folder_loader(DIGITS_DIR / "train", batch_size=32))
    test_loader = OneChannel(training.image_folder_loader(DIGITS_DIR / "test", batch_size=64, shuffle=False))
    model = architectures.build_lenet5()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    training.fit(model, train_loader, test_loader, nn.CrossEntropyLoss(), optimizer, epochs=10)
    assert accuracy(training, model, test_loader) > 0.90
