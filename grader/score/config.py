"""An instructor's grading config (TOML): points, example budgets, sandbox limits.

```toml
[points]            # per topic (defaults: the contract's)
convolution = 25
[tests]             # per test, "topic.test_id" = points
"convolution.conv2d_matches_reference" = 10
[examples]          # hypothesis examples per property
default = 100
pooling = 200
[limits]            # see grader.sandbox.session.Limits
call_cpu_seconds = 10
[visibility]        # Gradescope: who sees a test ("default", a topic or "topic.test_id")
default = "visible"
"convolution.conv2d_same_padding" = "after_due_date"
```
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from grader.sandbox import Limits

VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")  # Gradescope's, per test


class ConfigError(Exception):
    """The config file cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Config:
    topic_points: dict = field(default_factory=dict)
    test_points: dict = field(default_factory=dict)
    examples: dict = field(default_factory=dict)
    limits: Limits = Limits()
    # "default", a topic or "topic.test_id" -> one of VISIBILITIES. Left out of repr, which keys the input
    # cache and grade-all's results: who sees a test changes no grade.
    visibility: dict = field(default_factory=dict, repr=False)

    def examples_for(self, topic: str) -> int:
        return int(self.examples.get(topic, self.examples.get("default", 100)))


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config {path} is not valid TOML: {exc}") from None
    unknown = set(data) - {"points", "tests", "examples", "limits", "visibility"}
    if unknown:
        raise ConfigError(
            f"config {path}: unknown table(s) {sorted(unknown)}; use [points], [tests], [examples], [limits], "
            "[visibility]"
        )
    from grader.topics import TOPICS

    for table in ("points", "examples"):
        for key, value in data.get(table, {}).items():
            if key not in TOPICS and not (table == "examples" and key == "default"):
                raise ConfigError(f"config {path}: [{table}] names unknown topic {key!r}; topics: {', '.join(TOPICS)}")
            if not isinstance(value, (int, float)) or value < 0 or (table == "examples" and value < 1):
                raise ConfigError(f"config {path}: [{table}] {key} = {value!r} must be a positive number")
    limit_fields = {f.name: f.type for f in dataclasses.fields(Limits)}
    limits = data.get("limits", {})
    for key, value in limits.items():
        if key not in limit_fields:
            raise ConfigError(f"config {path}: [limits] has unknown key {key!r}; known: {', '.join(limit_fields)}")
        if limit_fields[key] in (bool, "bool"):
            if not isinstance(value, bool):
                raise ConfigError(f"config {path}: [limits] {key} = {value!r} must be true or false")
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ConfigError(f"config {path}: [limits] {key} = {value!r} must be a positive number")
    for key, value in data.get("tests", {}).items():  # last: a test id needs its topic's checks imported
        topic, _, test = key.partition(".")
        if topic not in TOPICS or test not in {check.id for check in TOPICS[topic].CHECKS}:
            raise ConfigError(
                f"config {path}: [tests] has unknown test {key!r}; run `grader tests` to list the test ids"
            )
        if not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(f"config {path}: [tests] {key} = {value!r} must be a number >= 0")
    for key, value in data.get("visibility", {}).items():
        topic, _, test = key.partition(".")
        if key != "default" and (topic not in TOPICS or (test and test not in {c.id for c in TOPICS[topic].CHECKS})):
            raise ConfigError(
                f'config {path}: [visibility] has unknown key {key!r}; use "default", a topic or '
                '"topic.test_id" (`grader tests` lists the test ids)'
            )
        if value not in VISIBILITIES:
            raise ConfigError(f"config {path}: [visibility] {key} = {value!r} must be one of {', '.join(VISIBILITIES)}")
    return Config(
        topic_points=dict(data.get("points", {})),
        test_points=dict(data.get("tests", {})),
        examples=dict(data.get("examples", {})),
        limits=dataclasses.replace(Limits(), **limits),
        visibility=dict(data.get("visibility", {})),
    )
