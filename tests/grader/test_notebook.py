"""Notebook submissions as students leave them: magics, shell lines, training and plots at the top,
cells that raise or do not parse, megabytes of output, JupyterLab's and VS Code's files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import nbformat
import pytest
from helpers import grade_json, run_grader, solution_source

from grader.load.notebook import notebook_module
from grader.load.submission import SubmissionError, load_submission
from grader.topics import TOPIC_NAMES

MESSY_CELLS = [
    "%matplotlib inline\n!pip install torch\nfrom __future__ import annotations\nimport torch",
    "%%time\nSCALE = 2.0\nunused = torch.ones(3)",
    "def double(x):\n    return SCALE * x",
    "for epoch in range(10**9):\n    pass",
    "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()",
    "raise RuntimeError('a cell that raises')",
    "def broken(:\n    pass",
    "def test_double():\n    assert double(torch.ones(1)).item() == 2.0",
]


def notebook(*sources: str, output_mb: int = 0) -> bytes:
    cells = [nbformat.v4.new_markdown_cell("# My answers")] + [nbformat.v4.new_code_cell(s) for s in sources]
    if output_mb:
        cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * (output_mb * 2**20))]
    return nbformat.writes(nbformat.v4.new_notebook(cells=cells)).encode()


def test_only_what_a_grade_needs_is_kept_and_what_is_left_out_is_said():
    module, defined, notes = notebook_module(notebook(*MESSY_CELLS), "answers.ipynb")
    text = module.decode()
    assert text.startswith("from __future__ import annotations\n")
    assert "SCALE = 2.0" in text and "def double" in text and "import torch" in text
    for left_out in ("unused", "range(10**9)", "plt.plot", "RuntimeError", "test_double", "get_ipython"):
        assert left_out not in text, left_out
    assert defined == {"double"}
    assert notes == ["cell 8 of answers.ipynb was left out: it has a syntax error (line 1: invalid syntax)"]
    namespace = {}
    exec(compile(module, "answers", "exec"), namespace)  # imports without running the training loop
    assert namespace["double"](3.0) == 6.0
    assert "# cell 4\ndef double" in text  # errors point back into the notebook


def test_a_top_level_variable_named_like_a_parameter_is_not_kept():
    cells = [
        "import cv2",
        "def brighten(image, by=OFFSET):\n    scaled = image * 2\n    return scaled + by",
        "OFFSET = 1.0",
        "image = cv2.imread('photo.png').astype(float)",
        "scaled = brighten(image)",
    ]
    text = notebook_module(notebook(*cells), "answers.ipynb")[0].decode()
    assert "OFFSET = 1.0" in text and "def brighten" in text
    assert "imread" not in text and "scaled = brighten" not in text


def perceptron_cells() -> list[str]:
    """The reference perceptron split into a cell per top-level statement, with a student's extras."""
    import ast

    source = solution_source("perceptron")
    lines = source.splitlines()
    cells = ["%matplotlib inline\n!pip install torchvision"]
    for node in ast.parse(source).body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        cells.append("\n".join(lines[first - 1 : node.end_lineno]))
    return cells + ["print(perceptron(torch.ones(1, 2), torch.ones(2), torch.zeros(())))", "1 / 0"]


def vscode_notebook(cells: list[str]) -> bytes:
    """As VS Code saves one: nbformat 4.2, no cell ids, sources as lists of lines, its own metadata."""
    document = {
        "nbformat": 4,
        "nbformat_minor": 2,
        "metadata": {"language_info": {"name": "python"}, "vscode": {"interpreter": {"hash": "ab12"}}},
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": cell.splitlines(keepends=True),
            }
            for cell in cells
        ],
    }
    return json.dumps(document, indent=1).encode()


@pytest.mark.slow
@pytest.mark.parametrize("saved_by", ["jupyterlab", "vscode"])
def test_a_notebook_as_students_leave_it_grades_like_the_module(tmp_path, saved_by):
    cells = perceptron_cells()
    path = tmp_path / "alice.ipynb"
    path.write_bytes(notebook(*cells, output_mb=20) if saved_by == "jupyterlab" else vscode_notebook(cells))
    report = grade_json(path, "--topic", "perceptron")
    assert report["score"] == report["max_score"] == 5.0, report


@pytest.mark.slow
def test_a_wrong_answer_in_a_notebook_loses_its_points(tmp_path):
    cells = perceptron_cells() + [
        "def sigmoid(z):  # tried again: the sign of z is wrong\n    return 1 / (1 + torch.exp(z))"
    ]
    path = tmp_path / "perceptron.ipynb"
    path.write_bytes(notebook(*cells))
    report = grade_json(path, "--topic", "perceptron")
    assert report["topics"]["perceptron"]["score"] < 5.0


def test_a_notebook_answers_the_topics_whose_functions_it_defines(tmp_path):
    path = tmp_path / "week3.ipynb"
    path.write_bytes(notebook(solution_source("pooling"), solution_source("hooks")))
    assert sorted(load_submission(path, TOPIC_NAMES).modules) == ["hooks", "pooling"]
    named = tmp_path / "pooling.ipynb"  # named after a topic: that topic only
    named.write_bytes(notebook(solution_source("pooling"), solution_source("hooks")))
    assert sorted(load_submission(named, TOPIC_NAMES).modules) == ["pooling"]


def test_notebooks_in_a_folder_or_zip_fill_the_topics_without_a_module(tmp_path):
    folder = tmp_path / "bob" / "assignment1"  # nbgrader's submitted/<student>/<assignment>/ layout
    folder.mkdir(parents=True)
    (folder / "convolution.py").write_text(solution_source("convolution"))
    (folder / "layers.ipynb").write_bytes(notebook(solution_source("layers")))
    (folder / "notes.ipynb").write_text("not json")
    submission = load_submission(tmp_path / "bob", TOPIC_NAMES)
    assert sorted(submission.modules) == ["convolution", "layers"]
    assert any("notes.ipynb is not a readable Jupyter notebook" in note for note in submission.notes)
    archive = tmp_path / "bob.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("assignment1/layers.ipynb", notebook(solution_source("layers")))
    assert sorted(load_submission(archive, TOPIC_NAMES).modules) == ["layers"]


@pytest.mark.parametrize("content", [b"hello", b'{"cells": 3}', b"\xff\xfe\x00"])
def test_a_file_that_is_not_a_notebook_is_a_clear_error(tmp_path, content):
    path = tmp_path / "homework.ipynb"
    path.write_bytes(content)
    with pytest.raises(SubmissionError, match="homework.ipynb is not a readable Jupyter notebook"):
        load_submission(path, TOPIC_NAMES)
    result = run_grader("grade", path)
    assert result.returncode == 2 and "homework.ipynb" in result.stderr and "Traceback" not in result.stderr


def test_a_notebook_without_any_answer_says_so(tmp_path):
    path = tmp_path / "empty.ipynb"
    path.write_bytes(notebook("import torch\nprint('hello')"))
    submission = load_submission(path, TOPIC_NAMES)
    assert submission.modules == {} and submission.notes == (
        "empty.ipynb defines none of the functions the exercises ask for",
    )


def test_a_topics_names_are_the_functions_its_hidden_tests_call():
    from grader.load.notebook import contract_names

    assert contract_names("hooks") == {"capture_outputs"}
    assert {"conv2d", "correlate2d", "conv_output_size"} <= contract_names("convolution")


@pytest.mark.slow
@pytest.mark.parametrize("topic", ["edges", "hooks"])
def test_a_teaching_plot_draws_the_students_results_and_is_left_out_of_grading(topic, tmp_path):
    from grader.integrations.nbgrader import PLOTS, init_course

    init_course(tmp_path, "cnn", topics=[topic])
    folder = tmp_path / "source" / "cnn"
    notebook = nbformat.read(folder / f"{topic}.ipynb", as_version=4)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert PLOTS[topic][1] in code
    script = "\n\n".join(c for c in code if "grade_notebook" not in c) + "\nprint(len(plt.gcf().axes))"
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert int(run.stdout.split()[-1]) >= 4  # the panels were drawn
    graded = grade_json(folder / f"{topic}.ipynb", "--topic", topic)
    assert graded["score"] == graded["max_score"]
