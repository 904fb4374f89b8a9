"""Augmentation: random transforms for training, and one OpenCV image through a
trained model (VSB "PyTorch - Example 7", "Save and load the model", "Random
transforms").

A small data set such as ``shapes`` (200 training images) is easy to learn by
heart. Augmentation fights that: every time an image is used for training it
is changed a little at random -- resized, its colours jittered, turned by a
few degrees, blurred or sharpened -- so the network sees a slightly new image
in every epoch and has to learn the shape, not the exact pixels.
``datasets/augmentation_example.png`` shows one ``shapes`` image and four draws
of :func:`augmentation_transform` (made by
``datasets/make_augmentation_example.py``).

The second half is the last step of the VSB example: reading a test image with
OpenCV and asking the trained model what it is. The slides do it like this::

    image = cv2.imread(path, 1)                 # (H, W, 3) uint8 ... in BGR order!
    tensor = transform(image).unsqueeze(0)      # ToTensor + Normalize
    predicted = model(tensor).argmax(1)

and there is a quiet bug in it. OpenCV stores the channels as blue, green,
red; ``ImageFolder``, which loaded the training images, opens them with PIL as
red, green, blue. The model was trained on RGB and is now shown BGR: a red
circle arrives as a blue one. On shapes of any colour the network may still
answer correctly by luck, but a model that learned anything about colour is
fooled. :func:`image_to_tensor` converts to RGB first (``cv2.cvtColor(image,
cv2.COLOR_BGR2RGB)`` or ``image[:, :, ::-1]``), so test images are prepared
exactly like the training images were.
"""
import cv2
import numpy as np
import torch
import torch.nn as nn
from torchvision import transforms


def augmentation_transform(size: int = 40) -> transforms.Compose:
    """The VSB training-time augmentation, as one ``transforms.Compose``.

    Applied to an RGB image given as an ``(H, W, 3)`` uint8 NumPy array, it
    runs these steps, in this order and with these arguments:

    1. ``ToPILImage()`` -- the later steps work on PIL images;
    2. ``Resize((size, size))`` -- a pair, so every image becomes a square.
       ``Resize(size)`` would only scale the *shorter* side to ``size`` and
       keep the aspect ratio, so a 32x64 image would become 40x80;
    3. ``ColorJitter(brightness=0.5, hue=0.3)`` -- brightness times a factor
       in [0.5, 1.5], hue turned by up to 0.3 of the colour wheel. Use the
       keywords: the positional order is brightness, contrast, saturation,
       hue, so ``ColorJitter(0.5, 0.3)`` jitters the contrast, not the hue;
    4. ``RandomRotation(degrees=(0, 5))`` -- a turn of 0 to 5 degrees
       counter-clockwise. A single number ``d`` means ``(-d, d)``, so
       ``RandomRotation(5)`` is a different augmentation;
    5. ``GaussianBlur(kernel_size=(5, 5), sigma=(0.1, 5))`` -- a 5x5 blur
       with a random sigma;
    6. ``RandomAdjustSharpness(sharpness_factor=2)`` -- sharpened with
       probability 0.5;
    7. ``ToTensor()`` -- ``(3, size, size)`` float32 in [0, 1];
    8. ``Normalize((0.5,), (0.5,))`` -- ``(x - 0.5) / 0.5``, so [-1, 1].

    Every random step draws from PyTorch's random generator, so after
    ``torch.manual_seed(s)`` the same transform gives the same image again;
    that is how the grader compares yours with the reference. ``size`` must
    be at least 1, else ValueError (the 5x5 blur needs ``size >= 3`` to run).
    """
    ### BEGIN SOLUTION
    ### HINT: if size < 1 raise ValueError; return transforms.Compose([...the eight steps above, in order...])
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    return transforms.Compose([
        transforms.ToPILImage(),
        transforms.Resize((size, size)),
        transforms.ColorJitter(brightness=0.5, hue=0.3),
        transforms.RandomRotation(degrees=(0, 5)),
        transforms.GaussianBlur(kernel_size=(5, 5), sigma=(0.1, 5)),
        transforms.RandomAdjustSharpness(sharpness_factor=2),
        transforms.ToTensor(),
        transforms.Normalize((0.5,), (0.5,)),
    ])
    ### END SOLUTION


def image_to_tensor(image_bgr: np.ndarray) -> torch.Tensor:
    """An OpenCV image as the ``(1, 3, H, W)`` float32 batch a trained model expects.

    ``image_bgr`` is what ``cv2.imread(path)`` returns: an ``(H, W, 3)``
    uint8 array with the channels in **BGR** order. Prepare it exactly like
    ``image_folder_loader`` prepared the training images:

    1. reverse the channels to RGB (the slides forget this step; see the
       module docstring);
    2. ``ToTensor()``: ``(H, W, 3)`` uint8 -> ``(3, H, W)`` float32 in [0, 1];
    3. ``Normalize`` with mean 0.5 and std 0.5 for each channel: [-1, 1];
    4. add the batch dimension (``unsqueeze(0)``): a model takes batches.

    A pure red pixel, ``[0, 0, 255]`` in BGR, becomes ``[1, -1, -1]``.
    Anything but an ``(H, W, 3)`` uint8 NumPy array (a grayscale image, a
    BGRA image, a float image): ValueError. Note that ``image[:, :, ::-1]``
    is a view with a negative stride, which ``ToTensor`` refuses; take
    ``.copy()`` of it, or use ``cv2.cvtColor``, which makes a new array.
    """
    ### BEGIN SOLUTION
    ### HINT: check the array; cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB); ToTensor, Normalize(...); unsqueeze(0)
    if not isinstance(image_bgr, np.ndarray) or image_bgr.ndim != 3 or image_bgr.shape[2] != 3 \
            or image_bgr.dtype != np.uint8:
        shown = (f"a {image_bgr.dtype} array of shape {image_bgr.shape}" if isinstance(image_bgr, np.ndarray)
                 else f"a {type(image_bgr).__name__}")
        raise ValueError(f"image_bgr must be an (H, W, 3) uint8 array as cv2.imread returns it, got {shown}")
    rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
    transform = transforms.Compose([
        transforms.ToTensor(),
        transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
    ])
    return transform(rgb).unsqueeze(0)
    ### END SOLUTION


def predict_image(model: nn.Module, image_bgr: np.ndarray, classes: list[str]) -> str:
    """The name of the class ``model`` sees in one OpenCV image.

    Turn the image into a batch of one with :func:`image_to_tensor`, then
    predict as ``training.predict`` does: remember ``model.training``,
    switch to eval mode (dropout off, batch norm on its running statistics),
    run the model inside ``torch.no_grad()``, put the model back in the mode
    it was in, and take the ``argmax`` of the logits. Return the *name*,
    ``classes[index]``, not the index: with ``classes = ["circle",
    "square"]`` and logits ``[[0.3, 1.2]]`` the answer is ``"square"``.
    ``classes`` must have one name per model output (``len(classes)`` equal
    to the number of logits), else ValueError.
    """
    ### BEGIN SOLUTION
    ### HINT: x = image_to_tensor(image_bgr); eval mode + torch.no_grad(); restore the mode; classes[argmax]
    x = image_to_tensor(image_bgr)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            logits = model(x)
    finally:
        model.train(was_training)
    if logits.shape[-1] != len(classes):
        raise ValueError(f"classes has {len(classes)} names but the model gives {logits.shape[-1]} outputs")
    return classes[int(logits.argmax(dim=1)[0])]
    ### END SOLUTION
