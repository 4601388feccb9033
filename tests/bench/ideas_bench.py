"""How the open-answer grader judges answers of each type, against what a fair interviewer says.

``python -m tests.bench.ideas_bench [--set dev|heldout|fresh|fresh2|fresh3|fresh4|fresh5|both] [--baseline] [--show TYPE]``

The answers (tests/bench/ideas/*.yaml) were written by independent writers who saw each
question's prompt and model answer, never a rubric: ``dev`` (53 questions) chose the thresholds,
``heldout`` (42 other questions, another writer) measured them until it too was read to find
what the grader misses (2026-12-05); so was ``fresh`` (36 questions, 22 of them in neither
set, a third writer, told to write wrong answers that share their words with right ones);
``fresh2`` (36 other questions, a fourth writer, the same brief), ``fresh3`` (36 questions
none of which is in ``fresh2``, two more writers, the brief in ideas/BRIEF.md) and ``fresh4`` (36
questions not in ``fresh3``, four more writers) were measured unread until 2026-12-05, when
their misses were read to find the formulas and denials the grader missed; ``fresh5`` (36
questions not in ``fresh4``, four more writers) was measured once after that work and has not
been read. Each answer has a type;
a fair interviewer calls excellent answers correct, partial ones partial, wrong, negated,
off-topic answers and keyword lists not correct (and names the lists).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from content import PACKAGED_CONTENT_DIR, load_content
from engine.kinds import grade

HERE = Path(__file__).resolve().parent / "ideas"
TYPES = ("excellent", "excellent-terse", "partial", "wrong", "negated", "keyword-list", "off-topic")
STATUSES = ("correct", "partial", "incorrect")
Grader = Callable[[Any, str], tuple[str, bool]]


def answers(which: str) -> list[tuple[str, str, str]]:
    """(question id, answer type, text) of one set."""
    names = ("dev", "heldout") if which == "both" else (which,)
    out = []
    for name in names:
        for entry in yaml.safe_load((HERE / f"{name}.yaml").read_text(encoding="utf-8")):
            out += [(entry["question"], a["type"], a["text"]) for a in entry["answers"]]
    return out


def ideas_grader(question: Any, text: str) -> tuple[str, bool]:
    verdict = grade(question, text)
    return verdict.status, "keyword-list" in verdict.codes()


def run(
    grader: Grader, cases: list[tuple[str, str, str]], questions: dict[str, Any]
) -> tuple[dict[str, Counter[str]], list[float], list[tuple[str, str, str, str]]]:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    latencies: list[float] = []
    misses = []
    for qid, kind, text in cases:
        start = time.perf_counter()
        status, listed = grader(questions[qid], text)
        latencies.append((time.perf_counter() - start) * 1000)
        table[kind][status] += 1
        table[kind]["named-list"] += listed
        fair = {"excellent": "correct", "excellent-terse": "correct", "partial": "partial"}
        if fair.get(kind, "incorrect") != status:
            misses.append((qid, kind, status, text))
    return table, latencies, misses


def report(title: str, table: dict[str, Counter[str]], latencies: list[float]) -> str:
    lines = [
        f"## {title}",
        "",
        "| answer type | n | correct | partial | incorrect | named as a list |",
    ]
    lines.append("|---|---|---|---|---|---|")
    for kind in TYPES:
        row = table.get(kind)
        if not row:
            continue
        n = sum(row[s] for s in STATUSES)
        cells = [f"{row[s] / n:.0%}" for s in STATUSES]
        lines.append(f"| {kind} | {n} | {' | '.join(cells)} | {row['named-list'] / n:.0%} |")
    lat = sorted(latencies)
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    lines += ["", f"latency per answer: p50 {statistics.median(lat):.1f} ms, p99 {p99:.1f} ms"]
    return "\n".join(lines)


def resident_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# The targets: (answer type, what is counted, at least or at most, share)
TARGETS = (
    ("excellent", "correct", ">=", 0.80),
    ("excellent", "incorrect", "<=", 0.05),
    ("partial", "partial", ">=", 0.60),
    ("wrong", "correct", "<=", 0.10),
    ("negated", "correct", "<=", 0.10),
    ("keyword-list", "correct", "<=", 0.0),
    ("keyword-list", "named-list", ">=", 0.80),
)


def missed(table: dict[str, Counter[str]]) -> list[str]:
    """The targets this table misses, said plainly."""
    out = []
    for kind, what, way, share in TARGETS:
        row = table.get(kind)
        if not row:
            continue
        got = row[what] / sum(row[s] for s in STATUSES)
        if (got < share) if way == ">=" else (got > share):
            out.append(f"{kind} {what} {got:.0%} (target {way.strip('=')}= {share:.0%})")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set",
        default="dev",
        choices=("dev", "heldout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "both"),
    )
    parser.add_argument("--baseline", action="store_true", help="also the old keyword grader")
    parser.add_argument("--show", default="", help="print the misjudged answers of this type")
    args = parser.parse_args()
    content = load_content(PACKAGED_CONTENT_DIR)
    questions = {q.id: q for q in content.questions.values() if q.kind == "open"}
    cases = answers(args.set)
    before = resident_mb()
    start = time.perf_counter()
    grade(next(iter(questions.values())), "warm up the model")  # loading is not grading
    loaded = time.perf_counter() - start
    table, latencies, misses = run(ideas_grader, cases, questions)
    ideas_table = table
    print(report(f"Idea grader, {args.set} set ({len(cases)} answers)", table, latencies))
    for question in questions.values():  # every rubric prepared: the service's worst case
        grade(question, question.model_answer)
    print(
        f"model load {loaded:.2f} s; resident memory added by the model, every rubric and"
        f" {len(cases)} gradings: {resident_mb() - before:.0f} MB"
    )
    if args.baseline:
        from tests.bench.keyword_baseline import keyword_grader

        table, latencies, _ = run(keyword_grader, cases, questions)
        print()
        print(report(f"Keyword grader (the baseline), {args.set} set", table, latencies))
    for qid, kind, status, text in misses:
        if args.show and kind == args.show:
            print(f"\n[{kind} → {status}] {qid}: {text}")
    short = missed(ideas_table)
    print("\ntargets missed: " + "; ".join(short) if short else "\nevery target met")
    if short:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
