"""The course's notebooks, made from ``solutions/`` for nbgrader.

``init_course`` writes ``nbgrader_config.py`` and ``source/<assignment>/<topic>.ipynb``: a teaching
cell, the solution cells (``solutions/`` already marks its bodies with nbgrader's ``### BEGIN
SOLUTION``/``### END SOLUTION``), a visible cell running the docstring examples, a plot where one
teaches (``PLOTS``), and one autograded cell per topic worth the topic's points, which calls
``grade_notebook``. The config has ``generate_assignment`` write stubs with the ``.py`` stubs' hints
(``grader.integrations.nbgrader.stubs``).
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import nbformat

from grader.authoring import BEGIN, REPO_ROOT
from grader.load.notebook import contract_names
from grader.topics import TOPIC_NAMES

ASSIGNMENT = "cnn"
CONFIG = """c = get_config()  # noqa: F821 -- nbgrader's config loader defines it
c.CourseDirectory.course_id = "convgrade"
c.CourseDirectory.root = {root!r}
c.ExecutePreprocessor.timeout = 600  # seconds per cell: a topic's hidden tests run in one cell

try:  # the released stubs raise with the hints of exercises/*.py, not a bare NotImplementedError()
    from grader.integrations.nbgrader.stubs import generate_assignment_preprocessors

    c.GenerateAssignment.preprocessors = generate_assignment_preprocessors()
except ImportError as exc:  # convgrade is not importable where nbgrader runs
    print(f"nbgrader_config.py: {{exc}}; the released stubs will carry no hints")
"""


# Topics that show what the student's functions do on the course's own images: a markdown cell, a
# plotting cell (run in the notebook, left out of grading), and the images it reads (copied beside it).
PLOTS = {
    "edges": (
        """## See it

The Sobel responses of a shape from the course's dataset: `Gx` lights up at vertical edges, `Gy` at
horizontal ones, and the gradient magnitude at every edge, whatever its direction.""",
        """\
# Run once your functions work.
import cv2
import matplotlib.pyplot as plt

image = cv2.imread("shape.png", cv2.IMREAD_GRAYSCALE).astype(np.float32) / 255
gx, gy = sobel_kernels()
maps = {"image": image, "Gx": filter2d(image, gx), "Gy": filter2d(image, gy), "|G|": gradient_magnitude(image)}
figure, axes = plt.subplots(1, len(maps), figsize=(3 * len(maps), 3))
for axis, (title, values) in zip(axes, maps.items()):
    axis.imshow(values, cmap="gray")
    axis.set_title(title)
    axis.axis("off")
plt.show()""",
        {"shape.png": "datasets/shapes/train/square/square_000.png"},
    ),
    "hooks": (
        """## See it

What a small, untrained CNN makes of a digit, captured with your `capture_outputs`: each channel
of the convolution is one filter's response map; max pooling halves it and keeps the strongest
responses.""",
        """\
# Run once capture_outputs works.
import cv2
import matplotlib.pyplot as plt

torch.manual_seed(0)
model = nn.Sequential(nn.Conv2d(1, 4, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2))
digit = torch.from_numpy(cv2.imread("digit.png", cv2.IMREAD_GRAYSCALE)).float()[None, None] / 255
maps = capture_outputs(model, digit, ["0", "2"])  # after the convolution, after the pooling
figure, axes = plt.subplots(len(maps), 5, figsize=(13, 3 * len(maps)))
for row, (name, output) in zip(axes, maps.items()):
    row[0].imshow(digit[0, 0], cmap="gray")
    row[0].set_title("input")
    for channel, axis in enumerate(row[1:]):
        axis.imshow(output[0, channel])
        axis.set_title(f"layer {name!r}, channel {channel}")
for axis in axes.flat:
    axis.axis("off")
plt.show()""",
        {"digit.png": "datasets/digits/train/3/0003.png"},
    ),
}


def _metadata(grade_id: str, solution: bool, grade: bool, points: float | None = None) -> dict:
    meta = {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": not solution, "schema_version": 3}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def topic_notebook(topic: str, points: float) -> nbformat.NotebookNode:
    """The notebook of one topic, solutions included (``nbgrader generate_assignment`` strips them)."""
    source = (REPO_ROOT / "solutions" / f"{topic}.py").read_text()
    tree = ast.parse(source)
    lines = source.splitlines()
    title = topic.replace("_", " ").capitalize()
    intro = ast.get_docstring(tree) or ""
    cells = [
        nbformat.v4.new_markdown_cell(
            f"# {title} ({points:g} points)\n\n{intro}\n\nFill in every cell that says `YOUR CODE HERE`, run the "
            "examples cell, then submit. The last cell is graded: it runs hidden tests on this notebook's code."
        )
    ]
    body = [n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    future = [n for n in body if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
    prelude = [n for n in body if isinstance(n, (ast.Import, ast.ImportFrom)) and n not in future]
    cells.append(
        nbformat.v4.new_code_cell(
            "\n".join(ast.get_source_segment(source, n) for n in prelude),
            metadata=_metadata(f"{topic}-imports", False, False),
        )
    )
    starts = [min([n.lineno] + [d.lineno for d in getattr(n, "decorator_list", [])]) for n in tree.body]
    for node, first, following in zip(tree.body, starts, starts[1:] + [len(lines) + 1]):
        if node not in body or node in prelude or node in future:
            continue
        # up to the next statement: a body's closing ``### END SOLUTION`` comment is not in the AST
        text = "\n".join(lines[first - 1 : following - 1]).rstrip()
        name = getattr(node, "name", f"line{first}")
        cells.append(nbformat.v4.new_code_cell(text, metadata=_metadata(f"{topic}-{name}", BEGIN in text, False)))
    functions = ", ".join(sorted(contract_names(topic)))
    cells.append(nbformat.v4.new_markdown_cell("Check your functions on the examples of their docstrings:"))
    cells.append(
        nbformat.v4.new_code_cell(
            "import doctest\n\n"
            f"for function in ({functions},):  # prints each example that fails\n"
            "    doctest.run_docstring_examples(function, globals(), name=function.__name__)",
            metadata=_metadata(f"{topic}-examples", False, False),
        )
    )
    if topic in PLOTS:
        text, code, _ = PLOTS[topic]
        cells += [nbformat.v4.new_markdown_cell(text), nbformat.v4.new_code_cell(code)]
    cells.append(
        nbformat.v4.new_code_cell(
            f"# Hidden tests of {topic} ({points:g} points), run on this notebook's file in a fresh process.\n"
            "from grader.integrations.nbgrader import grade_notebook\n\n"
            f"grade_notebook({topic!r})",
            metadata=_metadata(f"{topic}-hidden", False, True, points),
        )
    )
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def init_course(course: Path, assignment: str = ASSIGNMENT, topics=TOPIC_NAMES, points=None) -> list[Path]:
    """Write an nbgrader course: its config and one source notebook per topic; the files written."""
    from grader.topics import TOPICS

    points = points or {}
    source = course / "source" / assignment
    source.mkdir(parents=True, exist_ok=True)
    written = [course / "nbgrader_config.py"]
    written[0].write_text(CONFIG.format(root=str(course.resolve())))
    for topic in topics:
        path = source / f"{topic}.ipynb"
        nbformat.write(topic_notebook(topic, float(points.get(topic, TOPICS[topic].POINTS))), path)
        written.append(path)
        for name, shipped in PLOTS.get(topic, ("", "", {}))[2].items():
            written.append(source / name)
            shutil.copyfile(REPO_ROOT / shipped, written[-1])
    return written
