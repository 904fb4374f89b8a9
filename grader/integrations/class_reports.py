"""What ``grade-all`` writes about the class as a whole, from every student's saved JSON report.

``gradebook.csv`` (a row per student), ``summary.md`` and ``summary.json`` (per-topic statistics, the
tests failed most often and the mistakes the feedback named, each with the students behind it, so that
an instructor can write to a group), ``scores.png``, and after a regrade ``changes.md`` and
``changes.json``: each student whose score changed, old and new, with the tests that flipped.
"""

from __future__ import annotations

import csv
import io
import json
import os
import statistics
import tempfile
from collections import defaultdict
from pathlib import Path

from grader import __version__
from grader.topics import TOPIC_NAMES

STATE = ".convgrade"  # per student: the key of the graded submission and the status of its grade
MOST_FAILED = 15  # tests listed in the summary
MISTAKES_LISTED = 25


def read_results(out: Path, students: list[str]) -> dict[str, dict | None]:
    """Each student's saved JSON report with its ``"status"``, or None where there is none yet."""
    results = {}
    for student in students:
        try:
            results[student] = json.loads((out / f"{student}.json").read_text(encoding="utf-8"))
            results[student]["status"] = state(out, student).get("status", "not graded yet")
        except (OSError, ValueError):
            results[student] = None
    return results


def state(out: Path, student: str) -> dict:
    try:
        saved = json.loads((out / STATE / f"{student}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return saved if isinstance(saved, dict) else {}


def write_reports(out: Path, students: list[str], previous: dict[str, dict | None] | None = None):
    """The class's reports from every student's saved result; ``changes`` against ``previous`` (the results
    before this run) where there were any."""
    results = read_results(out, students)
    write(out / "gradebook.csv", gradebook(results))
    groups = mistake_groups(results)
    write(out / "summary.md", summary(results, groups))
    write(out / "summary.json", json.dumps(groups, indent=2, ensure_ascii=False) + "\n")
    scores_figure(results, out / "scores.png")
    if previous and any(document is not None for document in previous.values()):
        changed = changes(previous, results)
        write(out / "changes.json", json.dumps(changed, indent=2, ensure_ascii=False) + "\n")
        write(out / "changes.md", changes_text(changed))


def write(path: Path, text: str):
    """Write ``text`` to ``path`` atomically: a reader sees the old file or the new one, never half."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    publish(temporary, path)


def publish(temporary: str, path: Path):
    """Move ``temporary`` to ``path`` with the permissions a plain ``open`` would have given it."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)
    os.replace(temporary, path)


# ------------------------------------------------------------------ gradebook and summary


def gradebook(results: dict) -> str:
    """One row per student: a column per topic, the total, the maximum and the status (with the topics
    flagged for review)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *TOPIC_NAMES, "total", "max_total", "status"])
    for student, document in results.items():
        if document is None:
            writer.writerow([student, *[""] * len(TOPIC_NAMES), "", "", "not graded yet"])
            continue
        topics = document["topics"]
        writer.writerow(
            [
                student,
                *(number(topics[t]["score"]) if t in topics else "" for t in TOPIC_NAMES),
                number(document["score"]),
                number(document["max_score"]),
                _status(document),
            ]
        )
    return buffer.getvalue()


def _status(document: dict) -> str:
    """The grade's status, and the topics whose modules the instructor should review (``"review"`` in the JSON)."""
    flagged = [
        f"{topic} ({len(result['review'])})" for topic, result in document["topics"].items() if result.get("review")
    ]
    status = document.get("status", "")
    return f"{status}; review: {', '.join(flagged)}" if flagged else status


def number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _graded(results: dict) -> dict[str, dict]:
    return {s: d for s, d in results.items() if d is not None and d.get("status") == "graded"}


def mistake_groups(results: dict) -> dict:
    """Who failed which test and whose feedback named which mistake (by the mistake's stable id), the
    longest groups first; tests failed only because the function is still a stub are counted apart."""
    failed, stubs, named, words = defaultdict(list), defaultdict(list), defaultdict(list), {}
    for student, document in _graded(results).items():
        for topic, result in document["topics"].items():
            for test in result["tests"]:
                if test["passed"]:
                    continue
                key = (topic, test["name"])
                (stubs if test.get("not_implemented") else failed)[key].append(student)
                for mistake in test.get("mistakes", []):
                    if student not in named[(topic, mistake["id"])]:
                        named[(topic, mistake["id"])].append(student)
                        words.setdefault((topic, mistake["id"]), mistake["text"])

    def ranked(groups):
        return sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))

    return {
        "graded": len(_graded(results)),
        "tests": [{"topic": t, "test": n, "students": sorted(s)} for (t, n), s in ranked(failed)],
        "unwritten": [{"topic": t, "test": n, "students": sorted(s)} for (t, n), s in ranked(stubs)],
        "mistakes": [
            {"topic": t, "id": i, "text": words[(t, i)], "students": sorted(s)} for (t, i), s in ranked(named)
        ],
    }


def summary(results: dict, groups: dict) -> str:
    """What the class got wrong: per-topic statistics, the tests failed most often, the mistakes named,
    each with the students behind it."""
    graded = _graded(results)
    lines = [f"# Class summary (convgrade {__version__})", "", f"{len(graded)} of {len(results)} students graded.", ""]
    if not graded:
        return "\n".join(lines) + "\n"
    lines += ["| topic | max | mean | median | min | max reached | full marks |", "|---|---:|---:|---:|---:|---:|---:|"]
    for topic in TOPIC_NAMES:
        scores = [d["topics"][topic]["score"] for d in graded.values()]
        top = next(iter(graded.values()))["topics"][topic]["max_score"]
        full = sum(score >= top for score in scores)
        lines.append(
            f"| {topic} | {number(top)} | {statistics.mean(scores):.2f} | {statistics.median(scores):.2f} "
            f"| {number(min(scores))} | {number(max(scores))} | {full} / {len(scores)} |"
        )
    tests, unwritten = groups["tests"], groups["unwritten"]
    lines += ["", "## Tests failed most often", ""]
    lines.append(
        f"The {min(len(tests), MOST_FAILED)} most failed of {len(tests)} failed tests"
        + (f" (cut at {MOST_FAILED})" if len(tests) > MOST_FAILED else "")
        + f"; left out: {sum(len(g['students']) for g in unwritten)} failures of functions still unwritten "
        "(their stubs)."
    )
    lines += ["", "| test | students | who |", "|---|---:|---|"]
    lines += [
        f"| {g['topic']}: {g['test']} | {len(g['students'])} | {', '.join(g['students'])} |"
        for g in tests[:MOST_FAILED]
    ]
    mistakes = groups["mistakes"]
    lines += ["", "## Mistakes the feedback named", ""]
    if len(mistakes) > MISTAKES_LISTED:
        lines += [f"The {MISTAKES_LISTED} most common of {len(mistakes)} (all in summary.json).", ""]
    lines += ["| mistake | students | who |", "|---|---:|---|"]
    lines += [
        f"| {g['topic']}: {g['text']} | {len(g['students'])} | {', '.join(g['students'])} |"
        for g in mistakes[:MISTAKES_LISTED]
    ]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ what a regrade changed


def changes(previous: dict, results: dict) -> dict:
    """The students whose score changed between ``previous`` and ``results``, old and new, and the tests
    whose score changed."""
    changed = []
    for student in sorted(set(previous) | set(results)):
        old, new = previous.get(student), results.get(student)
        if old is None and new is None:
            continue
        flipped = _flipped(old, new)
        old_score, new_score = (d["score"] if d else None for d in (old, new))
        if old_score != new_score or flipped:
            changed.append({"student": student, "old": old_score, "new": new_score, "tests": flipped})
    return {"version": __version__, "students": changed}


def _tests(document: dict | None) -> dict[tuple[str, str], dict]:
    if document is None:
        return {}
    return {(topic, t["name"]): t for topic, result in document["topics"].items() for t in result["tests"]}


def _flipped(old: dict | None, new: dict | None) -> list[dict]:
    before, after = _tests(old), _tests(new)
    flipped = []
    for key in sorted(set(before) | set(after)):
        was, now = before.get(key), after.get(key)
        if was is None or now is None or was["score"] != now["score"] or was["passed"] != now["passed"]:
            flipped.append(
                {
                    "topic": key[0],
                    "test": key[1],
                    "old": None if was is None else was["score"],
                    "new": None if now is None else now["score"],
                    "max": (now or was)["max_score"],
                }
            )
    return flipped


def changes_text(changed: dict) -> str:
    students = changed["students"]
    lines = [f"# What the regrade changed (convgrade {changed['version']})", ""]
    if not students:
        return "\n".join(lines + ["No student's score changed."]) + "\n"
    lines += [
        f"{len(students)} students' scores changed.",
        "",
        "| student | old | new | tests |",
        "|---|---:|---:|---|",
    ]
    for entry in students:
        tests = "; ".join(
            f"{t['topic']}: {t['test']} {_shown(t['old'])} → {_shown(t['new'])} / {number(t['max'])}"
            for t in entry["tests"]
        )
        lines.append(f"| {entry['student']} | {_shown(entry['old'])} | {_shown(entry['new'])} | {tests} |")
    return "\n".join(lines) + "\n"


def _shown(score: float | None) -> str:
    return "—" if score is None else number(score)


# ------------------------------------------------------------------ the picture


def scores_figure(results: dict, path: Path):
    """``scores_plot`` saved as a PNG."""
    figure = scores_plot(results)
    import matplotlib.pyplot as plt  # after scores_plot chose the Agg backend

    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".png")
    os.close(fd)
    figure.savefig(temporary, dpi=100)
    plt.close(figure)
    publish(temporary, path)


def scores_plot(results: dict):
    """A box plot of each topic's score as a share of its points, over the graded students, with a
    legend for its median and mean marks."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    graded = [d for d in results.values() if d is not None and d.get("status") == "graded"]
    shares = [[d["topics"][t]["score"] / (d["topics"][t]["max_score"] or 1) * 100 for d in graded] for t in TOPIC_NAMES]
    figure, axes = plt.subplots(figsize=(10, 4.5))
    if graded:
        from matplotlib.patches import Patch

        marks = axes.boxplot(shares, showmeans=True)
        axes.legend(
            [marks["medians"][0], marks["means"][0], Patch(fill=False, edgecolor="black"), marks["fliers"][0]],
            ["median", "mean", "box: the middle half of the students", "outlier"],
            loc="upper left",
            bbox_to_anchor=(1.01, 1),
            frameon=False,
        )
    axes.set_xticks(range(1, len(TOPIC_NAMES) + 1), TOPIC_NAMES, rotation=30, ha="right")
    axes.set_ylabel("score (% of the topic's points)")
    axes.set_ylim(-5, 105)
    axes.set_title(f"Scores per topic ({len(graded)} students)")
    figure.tight_layout()
    return figure
