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
```
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from grader.sandbox import Limits


class ConfigError(Exception):
    """The config file cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Config:
    topic_points: dict = field(default_factory=dict)
    test_points: dict = field(default_factory=dict)
    examples: dict = field(default_factory=dict)
    limits: Limits = Limits()

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
    unknown = set(data) - {"points", "tests", "examples", "limits"}
    if unknown:
        raise ConfigError(
            f"config {path}: unknown table(s) {sorted(unknown)}; use [points], [tests], [examples], [limits]"
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
    return Config(
        topic_points=dict(data.get("points", {})),
        test_points=dict(data.get("tests", {})),
        examples=dict(data.get("examples", {})),
        limits=dataclasses.replace(Limits(), **limits),
    )
