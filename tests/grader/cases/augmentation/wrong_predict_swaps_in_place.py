"""predict_image turns BGR into RGB in the caller's array (image_bgr[...] = image_bgr[..., ::-1]): the
prediction is right, but the caller's image is now RGB.

expect-fail: predict_image_matches_reference
expect-feedback: modified the image it was given
expect-credit: predict_image_matches_reference = 0.889
"""
from torchvision import transforms


def predict_image(model: nn.Module, image_bgr: np.ndarray, classes: list[str]) -> str:
    image_bgr[...] = image_bgr[..., ::-1]  # now RGB, as the model was trained
    x = transforms.Normalize((0.5,) * 3, (0.5,) * 3)(transforms.ToTensor()(image_bgr)).unsqueeze(0)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits = model(x)
    model.train(was_training)
    if logits.shape[1] != len(classes):
        raise ValueError(f"classes has {len(classes)} names for {logits.shape[1]} outputs")
    return classes[int(logits.argmax(dim=1)[0])]
