"""Run every benchmark and write one Markdown report with the machine description.

    python -m tests.bench.report [--out docs/benchmarks.md] [--quick]

Runs the math, code-judge, demo, demo-page, open-answer, start-up, Ask Descent, load and scaling
benchmarks one after another (each in its
own process, so none warms another's caches), keeps their full output and puts the headline
figures in one table. ``--quick`` shortens the load test (for a smoke run, not for figures).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# the open-answer sets nobody has read, by their benchmark titles (fresh2 to fresh4 were read
# on 2026-12-05 to find what formulas and denials the grader missed)
UNREAD = {
    "fresh5": "Open-answer grader (answers nobody read: fresh5)",
}
BENCHES = [
    ("Formula grader vs sympy.simplify", ["tests.bench.math_bench"]),
    ("Code judge vs a fresh python per submission", ["tests.bench.judge_bench"]),
    ("PyTorch judge vs a fresh python importing torch", ["tests.bench.torch_bench"]),
    ("Code judge messages: mutants named, peers accepted", ["tests.bench.mutant_bench"]),
    ("Demo lab", ["tests.bench.demo_bench"]),
    ("Demo page in a browser (first chart, re-run)", ["tests.bench.demo_page_bench"]),
    *((title, ["tests.bench.ideas_bench", "--set", name]) for name, title in UNREAD.items()),
    ("Start-up of descent serve", ["tests.bench.startup_bench"]),
    ("Ask Descent", ["tests.bench.ask_bench"]),
    ("Load test (50 learners, loopback)", ["tests.load.run"]),
    ("Scaling: 1 and 2 instances behind HAProxy on PostgreSQL", ["tests.load.scale"]),
]
SCALING = "Scaling: 1 and 2 instances behind HAProxy on PostgreSQL"
# (label, benchmark title, regex with one group): headline figures lifted from the outputs
HEADLINES = [
    (
        "formula check p50 (cold target)",
        "Formula grader vs sympy.simplify",
        r"descent\s+p50\s+([\d.]+ ms)",
    ),
    (
        "formula check p99",
        "Formula grader vs sympy.simplify",
        r"descent\s+p50\s+[\d.]+ ms\s+p99\s+([\d.]+ ms)",
    ),
    (
        "speed-up vs sympy.simplify (median)",
        "Formula grader vs sympy.simplify",
        r"ratio of medians ([\d.]+x)",
    ),
    (
        "code mutants with a message naming the bug",
        "Code judge messages: mutants named, peers accepted",
        r"named share: (\d+% of all \d+ caught mutants \(held out: \d+% of \d+\))",
    ),
    (
        "open answer grading p50 / p99",
        UNREAD["fresh5"],
        r"latency per answer: (p50 [\d.]+ ms, p99 [\d.]+ ms)",
    ),
    *(
        (f"open answers nobody read ({name}): {label}", title, pattern)
        for name, title in UNREAD.items()
        for label, pattern in (
            ("excellent judged correct", r"\| excellent \| \d+ \| (\d+%) \|"),
            ("excellent judged incorrect", r"\| excellent \| \d+ \| \d+% \| \d+% \| (\d+%) \|"),
            ("confidently wrong judged correct", r"\| wrong \| \d+ \| (\d+%) \|"),
        )
    ),
    (
        "descent serve: first 200 (median)",
        "Start-up of descent serve",
        r"median: first 200 ([\d.]+ s)",
    ),
    (
        "demo page: first chart, ms (best of 3 openings)",
        "Demo page in a browser (first chart, re-run)",
        r"\(best (\d+); target",
    ),
    ("Ask Descent p50", "Ask Descent", r"learner table \(in-process\).*?p50\s+([\d.]+ ms)"),
    ("Ask Descent topic top-3", "Ask Descent", r"topic top-3\s+(\d+/\d+\s+=\s+[\d.]+%)"),
    (
        "Ask Descent off-topic doubts refused",
        "Ask Descent",
        r"off-topic not covered\s+(\d+/\d+\s+=\s+[\d.]+%)",
    ),
    (
        "topic reads (capacity)",
        "Load test (50 learners, loopback)",
        r"Capacity: topic-read only.*?\| topic-read \| \d+ \| (\d+) \|",
    ),
    (
        "mixed load, 2 instances against 1 (same machine)",
        SCALING,
        r"2 instances against 1: mix (×[\d.]+)",
    ),
]


def machine() -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(
            next(
                row
                for row in Path("/proc/meminfo").read_text().splitlines()
                if row.startswith("MemTotal")
            ).split()[1]
        )
        mem = f", {kb / 2**20:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return [
        f"- machine: {cpu}, {os.cpu_count()} cores{mem}; load average at start {load:.2f}",
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}",
        f"- run at {datetime.now(UTC):%Y-%m-%d %H:%M UTC}",
    ]


def run(module: list[str], quick: bool) -> tuple[str, float, int]:
    args = [sys.executable, "-m", *module]
    if quick and module[0] in ("tests.load.run", "tests.load.scale"):
        args += ["--users", "10", "--seconds", "10", "--capacity-seconds", "3"]
    start = time.monotonic()
    proc = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=1800, check=False)
    return proc.stdout + proc.stderr, time.monotonic() - start, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", default="docs/benchmarks.md")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    outputs: dict[str, tuple[str, float, int]] = {}
    for title, module in BENCHES:
        print(f"running {title} …", file=sys.stderr)
        outputs[title] = run(module, args.quick)
    lines = ["# Descent benchmarks", "", *machine(), "", "| figure | value |", "|---|---|"]
    for label, title, pattern in HEADLINES:
        match = re.search(pattern, outputs[title][0], re.S)
        value = next((g for g in match.groups() if g), "—") if match else "—"
        lines.append(f"| {label} | {value} |")
    for title, (text, seconds, code) in outputs.items():
        status = (
            "targets met" if code == 0 else f"exit code {code}: a target was missed or it failed"
        )
        lines += [
            "",
            f"## {title}",
            "",
            f"{seconds:.0f} s, {status}.",
            "",
            "```",
            text.strip(),
            "```",
        ]
    out = REPO / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
