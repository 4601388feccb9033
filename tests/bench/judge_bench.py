"""Benchmark of the code judge: warm zygote + fork per submission vs a fresh ``python -c``.

Run: ``python -m tests.bench.judge_bench`` (``--rounds N`` to change the number of
submissions, ``--json`` for machine-readable output). Judges every exercise's correct solution
``rounds`` times (37 exercises × 6 rounds = 222 submissions by default) through the whole judge:
cases built, run in the sandbox with every isolation layer this machine allows, compared with
the reference. Prints p50/p99 latency, the judge's overhead beyond the submission's own compute
time, throughput with one client per worker, and the same submissions run by the baseline: a
fresh ``python -I -c`` (NumPy imported from scratch) per submission, no isolation at all.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from engine.judge import EXERCISES, get_exercise
from engine.judge.report import build_verdict
from engine.judge.run import payload
from engine.sandbox import Sandbox, default_sandbox
from engine.sandbox.runtime.protocol import pack, split_frames
from engine.sandbox.spawn import RUNTIME_DIR, ZYGOTE_ENV
from tests.engine.solutions import CORRECT

TARGET_OVERHEAD_MS, TARGET_RATIO, TARGET_THROUGHPUT = 30.0, 4.0, 40.0
BASELINE_BOOT = f"""
import importlib.util, sys, numpy
spec = importlib.util.spec_from_file_location(
    "descent_sandbox", "{RUNTIME_DIR}/__init__.py", submodule_search_locations=["{RUNTIME_DIR}"])
package = importlib.util.module_from_spec(spec)
sys.modules["descent_sandbox"] = package
spec.loader.exec_module(package)
from descent_sandbox import harness, protocol
import os
request = os.memfd_create("request")
protocol.write_all(request, sys.stdin.buffer.read())
harness.run(1, request)
"""


def _submissions(rounds: int) -> list[tuple[str, str]]:
    return [(name, CORRECT[name]) for _ in range(rounds) for name in sorted(EXERCISES)]


def judge_once(box: Sandbox, name: str, source: str, seed: int) -> tuple[float, float, bool]:
    """Judge one submission; return (seconds, seconds spent in the submission, correct)."""
    started = time.perf_counter()
    exercise = get_exercise(name)
    cases = exercise.build_cases(np.random.default_rng(seed))
    specs, blob = payload(cases)
    run = box.run({"source": source, "function": name, "cases": specs}, blob)
    verdict = build_verdict(exercise, name, cases, run)
    elapsed = time.perf_counter() - started
    user = next((h.get("user_seconds", 0.0) for h, _ in run.frames if h.get("ev") == "done"), 0.0)
    return elapsed, float(user), verdict.correct


def baseline_once(name: str, source: str, seed: int) -> tuple[float, bool]:
    """The same work with a fresh interpreter per submission (no zygote, no isolation)."""
    started = time.perf_counter()
    exercise = get_exercise(name)
    cases = exercise.build_cases(np.random.default_rng(seed))
    specs, blob = payload(cases)
    frame = pack(
        {
            "source": source,
            "function": name,
            "cases": specs,
            "max_elements": 1 << 20,
            "result_bytes": 32 << 20,
        },
        blob,
    )
    out = subprocess.run(
        [sys.executable, "-I", "-c", BASELINE_BOOT],
        input=frame,
        capture_output=True,
        env=ZYGOTE_ENV,
        timeout=30,
        check=False,
    ).stdout
    frames, _ = split_frames(out, 10_000)
    elapsed = time.perf_counter() - started
    return elapsed, any(h.get("ev") == "done" for h, _ in frames)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(rounds: int, baseline_n: int) -> dict[str, Any]:
    box = default_sandbox()
    report = box.start()
    subs = _submissions(rounds)
    for name, source in subs[: len(EXERCISES)]:  # warm-up: imports, caches
        judge_once(box, name, source, 0)
    serial = [judge_once(box, name, src, i) for i, (name, src) in enumerate(subs)]
    latency = [t * 1000 for t, _, _ in serial]
    overhead = [(t - u) * 1000 for t, u, _ in serial]
    started = time.perf_counter()
    with ThreadPoolExecutor(box.workers) as pool:
        parallel = list(
            pool.map(lambda a: judge_once(box, a[1][0], a[1][1], a[0]), enumerate(subs))
        )
    throughput = len(subs) / (time.perf_counter() - started)
    base = [baseline_once(name, src, i) for i, (name, src) in enumerate(subs[:baseline_n])]
    base_ms = [t * 1000 for t, _ in base]
    return {
        "layers": report.active,
        "submissions": len(subs),
        "all_correct": all(ok for *_, ok in serial) and all(ok for *_, ok in parallel),
        "p50_ms": statistics.median(latency),
        "p99_ms": _pct(latency, 0.99),
        "p50_overhead_ms": statistics.median(overhead),
        "p99_overhead_ms": _pct(overhead, 0.99),
        "throughput_per_s": throughput,
        "workers": box.workers,
        "baseline_submissions": len(base),
        "baseline_all_ran": all(ok for _, ok in base),
        "baseline_p50_ms": statistics.median(base_ms),
        "baseline_p99_ms": _pct(base_ms, 0.99),
        "ratio_p50": statistics.median(base_ms) / statistics.median(latency),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6, help="submissions per exercise")
    parser.add_argument("--baseline", type=int, default=60, help="baseline submissions")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    r = measure(args.rounds, args.baseline)
    if args.json:
        print(json.dumps(r, indent=2))
    else:
        print(f"isolation layers: {', '.join(r['layers'])}")
        print(
            f"judge    : {r['submissions']} submissions, p50 {r['p50_ms']:.1f} ms,"
            f" p99 {r['p99_ms']:.1f} ms; overhead beyond the submission's own compute"
            f" p50 {r['p50_overhead_ms']:.1f} ms, p99 {r['p99_overhead_ms']:.1f} ms"
        )
        print(f"throughput: {r['throughput_per_s']:.0f} submissions/s with {r['workers']} workers")
        print(
            f"baseline : {r['baseline_submissions']} submissions, fresh python -c each:"
            f" p50 {r['baseline_p50_ms']:.1f} ms, p99 {r['baseline_p99_ms']:.1f} ms"
        )
        print(f"ratio    : {r['ratio_p50']:.1f}× faster than the baseline at the median")
    ok = (
        r["all_correct"]
        and r["p50_overhead_ms"] <= TARGET_OVERHEAD_MS
        and r["ratio_p50"] >= TARGET_RATIO
        and r["throughput_per_s"] >= TARGET_THROUGHPUT
    )
    sys.stdout.flush()
    print("targets met" if ok else "TARGETS MISSED", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
