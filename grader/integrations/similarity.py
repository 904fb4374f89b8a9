"""Copies in a class: shared code found by token winnowing (copydetect), and shared wrong answers.

Each student's modules, read as ``grade-all`` reads them (a folder, a ``.zip``, notebooks), become one
document; modules still equal to their stub are left out. copydetect tokenizes each module (names
become ``V``/``F``/``O``, strings ``S``; comments and layout vanish, so renaming and reformatting change
nothing) and winnows its hashed k-grams into fingerprints (no k-gram spans two modules). Two kinds
of fingerprints are no evidence and are dropped: the starter code's (every k-gram of ``exercises/*.py``,
copydetect's boilerplate) and the common ones, found in the code of many students (the obvious way to
write a line; MOSS's ``-m``). What remains is a student's *own* code. A pair's score is the larger
of the two shares of own code that the other student has too (own code counts as at least ``FLOOR``
tokens, so a few shared lines never make a high score).

copydetect hashes k-grams with Python's ``hash``, which differs between processes: fingerprints are
taken in spawned processes with a fixed ``PYTHONHASHSEED``, so a class gives the same report every run.

Graded reports add weaker evidence: students whose failing test shows the same counterexample inputs
and the same wrong ``got``. The inputs are deterministic, so the group is real, but a shared
misconception gives it too.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import math
import multiprocessing
import os
import re
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import numpy as np

from grader.authoring import REPO_ROOT
from grader.integrations.lms import ClassStudent, class_students
from grader.load.submission import SubmissionError
from grader.topics import TOPIC_NAMES

K, WINDOW = 25, 6  # copydetect's defaults: noise threshold 25 tokens, guarantee threshold 30 (window 30 - 25 + 1)
FLOOR = 1000  # tokens: own code counts as at least this much (about 90 lines), so a few shared lines score low
THRESHOLD = 0.5  # flag a pair whose score reaches it (benchmarks/similarity.py measures the margins)
COMMON_SHARE, COMMON_AT_LEAST = 0.05, 4  # a fingerprint in this share of the class (and this many students) is common


def common_min(students: int) -> int:
    """In how many students' code a fingerprint is common, no evidence: 5% of the class, at least 4."""
    return max(COMMON_AT_LEAST, math.ceil(COMMON_SHARE * students))


@dataclass(frozen=True)
class Document:
    """A student's code as compared: the modules that differ from their stubs, each under a header line."""

    student: str
    text: str
    sections: tuple[tuple[int, int, str], ...] = ()  # (start, end) of a module's code in text, its path

    def module_at(self, offset: int) -> str:
        starts = [start for start, _, _ in self.sections]
        return self.sections[max(0, int(np.searchsorted(starts, offset, "right")) - 1)][2]

    @functools.cached_property
    def breaks(self) -> np.ndarray:
        return np.array([match.start() for match in re.finditer("\n", self.text)], dtype=np.int64)

    def lines(self, slices: np.ndarray) -> int:
        """How many lines of the text the ``(starts, ends)`` slices touch."""
        touched = set()
        for start, end in zip(*slices):
            first, last = np.searchsorted(self.breaks, [start, end - 1])
            touched.update(range(int(first), int(last) + 1))
        return len(touched)


@dataclass
class Pair:
    a: str
    b: str
    score: float
    shares: tuple[float, float]  # of a's own code, of b's
    lines: tuple[int, int]  # lines with shared code, in a's document and in b's
    modules: tuple[tuple[str, ...], tuple[str, ...]]  # where the shared code is, in a's and b's submissions
    slices: tuple[np.ndarray, np.ndarray] = field(repr=False)  # shared spans of a's and b's texts
    same_wrong: int = 0  # wrong-output groups holding both


@dataclass(frozen=True)
class WrongOutput:
    """Students whose failing test shows the same inputs and the same wrong output."""

    topic: str
    test: str
    function: str
    students: tuple[str, ...]
    inputs: object
    got: object
    mistakes: tuple[str, ...]  # the known mistakes their feedback names


@dataclass
class Similarity:
    students: list[str]
    documents: dict[str, Document]  # students with modules other than the stubs
    own: dict[str, int]  # tokens of own code (neither starter nor common code) of each student with a document
    pairs: list[Pair]  # every pair with a score above 0, highest first
    groups: list[WrongOutput]
    threshold: float
    common: int
    notes: list[str]

    @property
    def flagged(self) -> list[Pair]:
        return [pair for pair in self.pairs if pair.score >= self.threshold]


def compare_class(
    path: Path,
    results: Path | None = None,
    threshold: float = THRESHOLD,
    common: int | None = None,
    jobs: int = 1,
    progress=None,
) -> Similarity:
    """Every pair of the class's students compared (``path``: a folder or a .zip, as ``grade-all``
    takes it), and, with ``results`` (``grade-all``'s output), the groups with the same wrong output.
    ``progress(done, total)`` follows the students."""
    found = class_students(path)
    names = [student.name for student in found.students]
    common = common or common_min(len(names))
    documents, prints, boilerplate, notes = _read_all(found.students, jobs, progress)
    notes += [f"{entry}: no submission of the class's layout, not compared" for entry in found.ignored]
    evidence = _evidence(prints, boilerplate, common)
    pairs = _pairs(documents, evidence)
    groups = []
    if results is not None:
        groups, missing = same_wrong_outputs(results, names)
        if missing:
            notes.append(f"{len(missing)} student(s) have no report in {results}: {', '.join(missing[:10])}")
        shared = Counter(pair for group in groups for pair in combinations(sorted(group.students), 2))
        for pair in pairs:
            pair.same_wrong = shared[tuple(sorted((pair.a, pair.b)))]
    own = {name: int(print_.token_coverage) for name, print_ in evidence.items()}
    return Similarity(names, documents, own, pairs, groups, threshold, common, notes)


def document(student: ClassStudent) -> Document:
    """The student's modules that differ from their stubs (``SubmissionError`` when the submission
    cannot be read)."""
    submission = student.load(TOPIC_NAMES)
    text, sections, seen = "", [], set()
    for topic in TOPIC_NAMES:
        code = submission.modules.get(topic)
        if code is None or code == _stub(topic).encode() or code in seen:  # a notebook answers several topics
            continue
        seen.add(code)
        label, source = submission.found.get(topic, f"{topic}.py"), code.decode("utf-8", errors="replace")
        text += f"# ---- {label}\n"
        sections.append((len(text), len(text) + len(source), label))
        text += source + "\n"
    return Document(student.name, text, tuple(sections))


@functools.cache
def _stub(topic: str) -> str:
    return (REPO_ROOT / "exercises" / f"{topic}.py").read_text(encoding="utf-8")


def _fingerprint(found: Document):
    """copydetect's fingerprint of each module of ``found``, joined: winnowed hashes, their places in
    the tokenized code, the tokenized code and its offsets into the text. No k-gram spans two modules."""
    from copydetect import CodeFingerprint

    hashes, places, codes, offsets, length = [], [], [], [], 0
    for start, end, _ in found.sections:
        print_ = CodeFingerprint("student.py", K, WINDOW, language="python", fp=io.StringIO(found.text[start:end]))
        for hash_, at in print_.hash_idx.items():
            hashes += [hash_] * len(at)
            places += [length + place for place in at]
        offsets.append(print_.offsets.reshape(-1, 2) + [length, start - length])
        codes.append(print_.filtered_code)
        length += len(print_.filtered_code)
    return np.array(hashes, dtype=np.int64), np.array(places, dtype=np.int64), "".join(codes), np.concatenate(offsets)


def _starter_hashes() -> np.ndarray:
    """Every k-gram hash of the stubs (copydetect's boilerplate: a window of 1)."""
    from copydetect import CodeFingerprint

    stubs = [CodeFingerprint("stub.py", K, 1, language="python", fp=io.StringIO(_stub(t))) for t in TOPIC_NAMES]
    return np.array(sorted(set().union(*(stub.hashes for stub in stubs))), dtype=np.int64)


@contextlib.contextmanager
def _hash_seed(seed: str = "0"):
    """Processes started inside use Python's ``hash`` with ``seed``."""
    before = os.environ.get("PYTHONHASHSEED")
    os.environ["PYTHONHASHSEED"] = seed
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONHASHSEED"]
        else:
            os.environ["PYTHONHASHSEED"] = before


def _read_all(students: list[ClassStudent], jobs: int, progress):
    """The documents and fingerprints of the students with code of their own, the starter code's hashes
    and a note per unreadable student. The students are read here, fingerprinted in ``jobs`` spawned
    processes as they are read."""
    documents, found, notes = {}, {}, []
    with _hash_seed(), ProcessPoolExecutor(max(1, jobs), mp_context=multiprocessing.get_context("spawn")) as pool:
        starter = pool.submit(_starter_hashes)
        futures = {}
        for student in students:
            try:
                read = document(student)
            except SubmissionError as exc:
                notes.append(f"{student.name}: not compared: {str(exc).splitlines()[0]}")
                continue
            if read.sections:
                documents[student.name] = read
                futures[pool.submit(_fingerprint, read)] = student.name
        left = len(students) - len(futures)
        for done, future in enumerate(as_completed(futures), start=left + 1):
            found[futures[future]] = future.result()
            if progress:
                progress(done, len(students))
        boilerplate = starter.result()
    return documents, {name: found[name] for name in documents}, boilerplate, notes


class _Evidence:
    """The fingerprints of a student's own code, with what copydetect's ``compare_files`` reads."""

    def __init__(self, hashes, places, filtered_code: str, offsets):
        from copydetect.utils import get_token_coverage

        self.k, self.filtered_code, self.offsets = K, filtered_code, offsets
        self.hash_idx: dict[int, list[int]] = {}
        for hash_, place in zip(hashes.tolist(), places.tolist()):
            self.hash_idx.setdefault(hash_, []).append(place)
        self.hashes = set(self.hash_idx)
        self.token_coverage = float(get_token_coverage(self.hash_idx, K, len(filtered_code)))


def _evidence(found: dict, boilerplate: np.ndarray, common: int) -> dict[str, _Evidence]:
    """Each student's fingerprints without the starter code's and the common ones."""
    kept = {}
    for student, (hashes, places, code, offsets) in found.items():
        keep = ~np.isin(hashes, boilerplate)
        kept[student] = (hashes[keep], places[keep], code, offsets)
    counts = Counter(h for hashes, *_ in kept.values() for h in np.unique(hashes).tolist())
    frequent = np.array([h for h, count in counts.items() if count >= common], dtype=np.int64)
    evidence = {}
    for student, (hashes, places, code, offsets) in kept.items():
        keep = ~np.isin(hashes, frequent)
        evidence[student] = _Evidence(hashes[keep], places[keep], code, offsets)
    return evidence


def _pairs(documents: dict[str, Document], prints: dict[str, _Evidence]) -> list[Pair]:
    """The pairs sharing own code, scored, highest first."""
    from copydetect import compare_files

    holders = defaultdict(list)
    for student, print_ in prints.items():
        for hash_ in print_.hashes:
            holders[hash_].append(student)
    candidates = {pair for students in holders.values() for pair in combinations(sorted(students), 2)}
    pairs = []
    for a, b in sorted(candidates):
        overlap, shares, slices = compare_files(prints[a], prints[b])
        if not overlap:
            continue
        own = [s * p.token_coverage / max(p.token_coverage, FLOOR) for s, p in zip(shares, (prints[a], prints[b]))]
        cuts = [np.clip(s, 0, len(documents[name].text)).astype(int) for s, name in zip(slices, (a, b))]
        pairs.append(
            Pair(
                a,
                b,
                max(own),
                (own[0], own[1]),
                (documents[a].lines(cuts[0]), documents[b].lines(cuts[1])),
                tuple(
                    tuple(dict.fromkeys(documents[name].module_at(start) for start in cut[0]))
                    for cut, name in zip(cuts, (a, b))
                ),
                (cuts[0], cuts[1]),
            )
        )
    return sorted(pairs, key=lambda p: (-p.score, p.a, p.b))


def same_wrong_outputs(results: Path, students: list[str]) -> tuple[list[WrongOutput], list[str]]:
    """Groups of two or more students whose failing test shows the same inputs and the same wrong
    ``got`` (in their ``<student>.json`` reports); and the students without a readable report. Groups whose
    feedback names no known mistake come first, then the smaller ones."""
    groups: dict[str, dict] = {}
    missing = []
    for student in students:
        try:
            report = json.loads((results / f"{student}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            report = None
        if not isinstance(report, dict):
            missing.append(student)
            continue
        for topic, result in report.get("topics", {}).items():
            for test in result.get("tests", []):
                example = test.get("counterexample")
                if test.get("passed") or not example or example.get("got") is None:
                    continue
                what = [topic, test.get("name"), example.get("function"), example.get("inputs"), example["got"]]
                group = groups.setdefault(json.dumps(what, sort_keys=True), {"what": what, "students": [], "ids": {}})
                group["students"].append(student)
                group["ids"].update(dict.fromkeys(m.get("id", "") for m in test.get("mistakes") or []))
    found = [
        WrongOutput(*group["what"][:3], tuple(group["students"]), *group["what"][3:], tuple(group["ids"]))
        for group in groups.values()
        if len(group["students"]) > 1
    ]
    return sorted(found, key=lambda g: (bool(g.mistakes), len(g.students), g.topic, g.test, g.students)), missing
