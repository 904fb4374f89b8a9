"""Augmentation: the VSB random transforms, and OpenCV images through a trained model.

The pipeline is random, so the tests seed PyTorch's generator before each use:
under the same seed your transform must give exactly what the slides' pipeline
gives. The prediction tests use shipped ``shapes`` images read with cv2.imread,
which hands over the channels in BGR order.
"""

import course
import cv2
import numpy as np
import pytest
import torch
import torch.nn as nn
from PIL import Image
from torchvision import transforms
from torchvision.transforms import v2

from datasets import SHAPES_DIR

augmentation = course.load("augmentation")
training = course.load("training")

CIRCLE = SHAPES_DIR / "train" / "circle" / "circle_000.png"


def slide_pipeline(size=40):
    """The training transform of the VSB slides ("Save and load the model")."""
    return transforms.Compose(
        [
            transforms.ToPILImage(),
            transforms.Resize(size=(size, size)),
            transforms.ColorJitter(brightness=0.5, hue=0.3),
            transforms.RandomRotation(degrees=(0, 5)),
            transforms.GaussianBlur(kernel_size=(5, 5), sigma=(0.1, 5)),
            transforms.RandomAdjustSharpness(sharpness_factor=2),
            transforms.ToTensor(),
            transforms.Normalize((0.5,), (0.5,)),
        ]
    )


def seeded(transform, image, seed):
    torch.manual_seed(seed)
    return transform(image)


def rgb_image(path=CIRCLE):
    """A shipped image as an (H, W, 3) uint8 RGB array (the way PIL and ImageFolder see it)."""
    return np.asarray(Image.open(path).convert("RGB"))


# --- augmentation_transform -----------------------------------------------------


def test_the_augmentation_is_the_slide_pipeline():
    image = rgb_image()
    transform = augmentation.augmentation_transform()
    assert isinstance(transform, (transforms.Compose, v2.Compose)), "wrap the steps in transforms.Compose([...])"
    for seed in (0, 1, 2):
        out = seeded(transform, image, seed)
        assert out.dtype == torch.float32 and out.shape == (3, 40, 40)
        assert out.min() >= -1 and out.max() <= 1, "Normalize((0.5,), (0.5,)) maps [0, 1] to [-1, 1]"
        torch.testing.assert_close(out, seeded(slide_pipeline(), image, seed), rtol=0, atol=1e-6)


def test_the_same_seed_repeats_and_another_seed_differs():
    image = rgb_image()
    transform = augmentation.augmentation_transform()
    first, again, other = seeded(transform, image, 7), seeded(transform, image, 7), seeded(transform, image, 8)
    torch.testing.assert_close(first, again)
    assert not torch.equal(first, other), "the transforms must be random (ColorJitter, RandomRotation, ...)"


def test_a_non_square_image_becomes_a_size_by_size_square():
    image = rgb_image()[:, :20]  # 32 rows, 20 columns
    transform = augmentation.augmentation_transform(size=24)
    out = seeded(transform, image, 3)
    assert out.shape == (3, 24, 24), "Resize((size, size)): Resize(size) keeps the aspect ratio"
    torch.testing.assert_close(out, seeded(slide_pipeline(24), image, 3), rtol=0, atol=1e-6)


@pytest.mark.parametrize("size", [0, -5])
def test_augmentation_rejects_a_size_below_one(size):
    with pytest.raises(ValueError, match="size"):
        augmentation.augmentation_transform(size)


# --- image_to_tensor ----------------------------------------------------------------


def test_a_red_opencv_image_comes_out_red():
    red_bgr = np.zeros((4, 6, 3), dtype=np.uint8)
    red_bgr[:, :, 2] = 255  # OpenCV keeps red in the last channel
    x = augmentation.image_to_tensor(red_bgr)
    assert x.dtype == torch.float32
    assert x.shape == (1, 3, 4, 6), "(1, 3, H, W): channels first, and a batch dimension in front"
    assert x[0, 0].eq(1).all(), "channel 0 is red in PyTorch: convert BGR to RGB"
    assert x[0, 1:].eq(-1).all()


def test_image_to_tensor_prepares_a_shipped_image_like_the_training_data():
    x = augmentation.image_to_tensor(cv2.imread(str(CIRCLE)))
    expected = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,) * 3, (0.5,) * 3)])(
        Image.open(CIRCLE).convert("RGB")
    )
    torch.testing.assert_close(x, expected.unsqueeze(0))


def test_image_to_tensor_leaves_the_image_alone():
    image = cv2.imread(str(CIRCLE))
    before = image.copy()
    augmentation.image_to_tensor(image)
    assert np.array_equal(image, before)


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((4, 6), dtype=np.uint8),  # grayscale, as cv2.imread(path, 0) gives
        np.zeros((4, 6, 4), dtype=np.uint8),  # BGRA
        np.zeros((4, 6, 3), dtype=np.float32),  # not uint8
    ],
    ids=["grayscale", "four_channels", "float"],
)
def test_image_to_tensor_rejects_what_is_not_an_opencv_colour_image(image):
    with pytest.raises(ValueError, match="image_bgr"):  # the message names the argument
        augmentation.image_to_tensor(image)


# --- predict_image ------------------------------------------------------------------


def colour_model():
    """Logits [mean red - mean blue, mean blue - mean red]: the answer depends on the channel order."""
    linear = nn.Linear(3, 2)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor([[1.0, 0.0, -1.0], [-1.0, 0.0, 1.0]]))
        linear.bias.zero_()
    return nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), linear)


def test_predict_image_agrees_with_predict_on_the_image_folder_data():
    model = colour_model()
    loader = training.image_folder_loader(SHAPES_DIR / "test", batch_size=1, shuffle=False)
    classes = loader.dataset.classes
    answers = set()
    for i, (x, _) in enumerate(loader):
        if i % 8:
            continue  # every 8th image is enough
        path = loader.dataset.samples[i][0]
        expected = classes[int(training.predict(model, x)[0])]
        assert augmentation.predict_image(model, cv2.imread(path), classes) == expected, path
        answers.add(expected)
    assert len(answers) == 2, "the images should not all get the same answer"


class ModeSpy(nn.Module):
    """Two logits from the image's mean; remembers the mode and gradient setting it ran with."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.9), nn.Linear(3, 2))

    def forward(self, x):
        self.ran_in_training_mode, self.ran_with_grad = self.training, torch.is_grad_enabled()
        return self.net(x)


@pytest.mark.parametrize("was_training", [True, False])
def test_predict_image_returns_a_name_in_eval_mode_and_restores_the_mode(was_training):
    torch.manual_seed(0)
    model = ModeSpy().train(was_training)
    answer = augmentation.predict_image(model, cv2.imread(str(CIRCLE)), ["circle", "square"])
    assert answer in ("circle", "square"), "return the class name, classes[index]"
    assert model.ran_in_training_mode is False, "call model.eval() before predicting"
    assert model.ran_with_grad is False, "predict inside torch.no_grad()"
    assert model.training is was_training, "put the model back in the mode it was in"


def test_predict_image_rejects_a_wrong_number_of_class_names():
    with pytest.raises(ValueError, match="classes"):  # the message names the argument
        augmentation.predict_image(colour_model(), cv2.imread(str(CIRCLE)), ["circle", "square", "star"])
