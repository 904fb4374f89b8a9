"""Import the course module under test: ``convolution = course.load("convolution")``."""
import importlib
import os


def load(topic: str):
    """The module ``<impl>.<topic>``, where ``<impl>`` is exercises or solutions (see conftest)."""
    package = os.environ.get("CONVGRADE_IMPL", "exercises")
    return importlib.import_module(f"{package}.{topic}")
