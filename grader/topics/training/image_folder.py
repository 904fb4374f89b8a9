"""``image_folder_loader``: ``ImageFolder`` with the VSB transform, in a ``DataLoader``.

The probe builds the student's loader on a folder of the shipped data sets and
sends back its settings and first batch; the reference is ImageFolder here.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torchvision
from hypothesis import strategies as st
from torchvision import transforms

import grader
from grader.checks import Case, Failure, Mistake, Property, compare, mistake_lines, outcome_value
from grader.sandbox import probes
from grader.sandbox.wire import Array

DATASETS = Path(grader.__file__).resolve().parents[1] / "datasets"
FOLDERS = ["shapes/train", "shapes/test", "digits/test"]
POSITION = "options by position"
PARTS = ("ImageFolder", "batch_size and shuffle", POSITION, "defaults", "images")
# The data set is the function; its transform comes close; the loader's options, their order and their
# defaults are slips around them.
WEIGHTS = {"ImageFolder": 3.0, "images": 3.0, "batch_size and shuffle": 2.0, POSITION: 1.0, "defaults": 1.0}


CALLS = {
    "keywords": "image_folder_loader(root, batch_size={b}, shuffle=False)",
    "positional": "image_folder_loader(root, {b}, False)",
    "shuffle only": "image_folder_loader(root, shuffle=False)",
}


@st.composite
def folder_cases(draw):
    """A shipped folder, given as a str or a Path; options by name, by position, or batch_size left out."""
    return Case(
        (draw(st.sampled_from(FOLDERS)),),
        {
            "batch_size": draw(st.integers(1, 12)),
            "as_path": draw(st.booleans()),
            "style": draw(st.sampled_from(list(CALLS))),
        },
    )


def reference_folder(folder: str):
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
    return torchvision.datasets.ImageFolder(str(DATASETS / folder), transform=transform)


def _probe(ctx, root: str, **options) -> dict:
    outcome = ctx.probe("image_folder_loader", probes.image_folder_probe, root=root, **options)
    if outcome.status == "raised" and (outcome.error or {}).get("type") == "ProbeFinding":
        raise Failure(outcome.error["message"])
    return outcome_value(outcome, "image_folder_loader")


def verify_image_folder(ctx, case: Case):
    """The loader holds ImageFolder(root) with ToTensor and Normalize(0.5, 0.5), batch_size and shuffle passed on."""
    folder, drawn, style = case.args[0], case.kwargs["batch_size"], case.kwargs["style"]
    call = CALLS[style].format(b=drawn)
    batch_size = 8 if style == "shuffle only" else drawn
    words = (
        f"\n    Input: {call}, root = datasets/{folder} (as {'a pathlib.Path' if case.kwargs['as_path'] else 'a str'})"
    )
    root, as_path = str(DATASETS / folder), case.kwargs["as_path"]
    try:
        got = _probe(ctx, root, batch_size=drawn, as_path=as_path, style=style)
    except Failure as failure:
        if failure.fatal or style != "positional":
            raise Failure(f"{failure}{words}", failure.fatal) from None
        got = _probe(ctx, root, batch_size=drawn, as_path=as_path, style="keywords")  # by name it works?
        ctx.require(POSITION, False, f"{failure}\n    by name, as batch_size= and shuffle=, it works{words}")
        style, call = "keywords", CALLS["keywords"].format(b=drawn)
        words = words.replace(CALLS["positional"].format(b=drawn), call)
    dataset = reference_folder(folder)
    ctx.require(
        "ImageFolder",
        got["classes"] == dataset.classes and got["length"] == len(dataset),
        f"the loader's dataset has classes {got['classes']} and {got['length']} images; expected "
        f"{dataset.classes} and {len(dataset)} (torchvision.datasets.ImageFolder(root, ...)){words}",
    )
    shuffles = "shuffles" if got["shuffle"] else "does not shuffle"
    if style == "shuffle only":  # the default batch_size, left out
        ctx.require(
            "defaults",
            got["batch_size"] == 8,
            f"{call} gives a loader with batch_size={got['batch_size']}; the default batch_size is 8{words}",
        )
        batch_size = got["batch_size"] if isinstance(got["batch_size"], int) and "defaults" in ctx.waived else 8
    named = (ARGUMENTS_DROPPED,) if style == "keywords" else ()
    ctx.require(
        POSITION if style == "positional" else "batch_size and shuffle",
        got["batch_size"] == batch_size and not got["shuffle"],
        f"{call} gives a loader with batch_size={got['batch_size']} that {shuffles}; expected "
        f"batch_size={batch_size}, no shuffling" + mistake_lines(named) + words,
        mistakes=named,
    )
    defaults = _probe(ctx, str(DATASETS / "shapes/train"))
    ctx.require(
        "defaults",
        defaults["batch_size"] == 8 and defaults["shuffle"],
        f"image_folder_loader(root) gives batch_size={defaults['batch_size']} and "
        f"{'shuffling' if defaults['shuffle'] else 'no shuffling'}; the defaults are batch_size=8, "
        "shuffle=True",
    )
    if "images" not in ctx.waived:
        _require_images(ctx, got, dataset, min(batch_size, len(dataset)), words)


def _require_images(ctx, got: dict, dataset, n: int, words: str):
    xs, ys = zip(*(dataset[i] for i in range(n)))
    expected_x, expected_y = torch.stack(xs), torch.tensor(ys)
    for key, expected, what in (("y", expected_y, "labels"), ("x", expected_x, "images")):
        value = got[key]
        if not isinstance(value, Array):
            ctx.require("images", False, f"the first batch's {what} are a {type(value).__name__}, not a tensor{words}")
            return
        tensor = torch.from_numpy(value.data.copy())
        try:
            compare(tensor, expected, function="image_folder_loader", what=f"the first batch's {what}")
        except Failure as failure:
            named = _image_mistakes(tensor, expected) if key == "x" else ()
            ctx.require("images", False, f"{failure}" + mistake_lines(named) + words, mistakes=named)
            return


ARGUMENTS_DROPPED = Mistake(
    "training.loader_arguments_dropped",
    "the arguments are not passed on: DataLoader(dataset, batch_size=batch_size, shuffle=shuffle)",
)
NO_NORMALIZE = Mistake(
    "training.normalize_missing",
    "the Normalize step is missing: after ToTensor apply "
    "Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)) so pixels lie in [-1, 1]",
)
NOT_RGB = Mistake("training.images_not_rgb", "the images must be loaded as RGB (three channels), as ImageFolder does")


def _image_mistakes(x: torch.Tensor, expected: torch.Tensor) -> tuple[Mistake, ...]:
    if tuple(x.shape) == tuple(expected.shape) and torch.allclose(x, expected * 0.5 + 0.5, atol=1e-6):
        return (NO_NORMALIZE,)
    if x.dim() == 4 and x.shape[1] == 1:
        return (NOT_RGB,)
    return ()


IMAGE_FOLDER = Property(
    "image_folder_loader_matches",
    "image_folder_loader is ImageFolder with ToTensor and Normalize(0.5, 0.5)",
    "image_folder_loader",
    weight=0.5,
    strategy=folder_cases(),
    verify=verify_image_folder,
    examples=5,
    array_valued=False,
    parts=PARTS,
    core_part="ImageFolder",
    part_weights=WEIGHTS,
)

CHECKS = [IMAGE_FOLDER]
