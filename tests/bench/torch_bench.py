"""Benchmark of the PyTorch judge: warm PyTorch zygote + fork per submission vs a fresh
``python -c "import torch"`` per submission.

Run: ``python -m tests.bench.torch_bench`` (``--rounds N`` submissions per exercise,
``--baseline N`` fresh-process submissions, ``--json`` for machine-readable output). Judges the
correct solution of every PyTorch exercise ``rounds`` times (12 × 17 = 204 submissions by
default) through the whole judge — cases built, run in the PyTorch sandbox with every isolation
layer this machine allows, compared with the NumPy references — and prints p50/p99 latency and
the judge's overhead beyond the submission's own compute time. In the same run, the baseline
judges submissions in a fresh ``python -I`` that imports torch (and the same drivers) from
scratch, without any isolation. Targets: overhead p50 ≤ 60 ms, ≥ 10× faster than the baseline
at the median. Needs PyTorch (``pip install torch==2.13.0``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from typing import Any

import numpy as np

from engine.judge import TORCH_EXERCISES, get_exercise
from engine.judge.report import build_verdict
from engine.judge.run import payload
from engine.sandbox import Sandbox, default_sandbox, runtime_unavailable
from engine.sandbox.runtime.protocol import pack, split_frames
from engine.sandbox.spawn import RUNTIME_DIR, ZYGOTE_ENV
from tests.engine.torch_solutions import CORRECT

TARGET_OVERHEAD_MS, TARGET_RATIO = 60.0, 10.0
BASELINE_BOOT = f"""
import importlib, importlib.util, sys, numpy
spec = importlib.util.spec_from_file_location(
    "descent_sandbox", "{RUNTIME_DIR}/__init__.py", submodule_search_locations=["{RUNTIME_DIR}"])
package = importlib.util.module_from_spec(spec)
sys.modules["descent_sandbox"] = package
spec.loader.exec_module(package)
importlib.import_module("descent_sandbox.torch_drivers")  # import torch, threads, warm-up
from descent_sandbox import harness, protocol
import os
request = os.memfd_create("request")
protocol.write_all(request, sys.stdin.buffer.read())
harness.run(1, request)
"""


def _request(name: str, source: str, seed: int) -> tuple[Any, list[Any], dict[str, Any], bytes]:
    exercise = get_exercise(name)
    rng = np.random.default_rng(seed)
    cases = exercise.build_cases(rng)
    specs, blob = payload(cases)
    request = {"source": source, "function": exercise.function, "cases": specs}
    request["setup"] = dict(exercise.setup or {}, seed=int(rng.integers(1 << 31)))
    return exercise, cases, request, blob


def judge_once(box: Sandbox, name: str, source: str, seed: int) -> tuple[float, float, bool]:
    """Judge one submission; return (seconds, seconds spent in the submission, correct)."""
    started = time.perf_counter()
    exercise, cases, request, blob = _request(name, source, seed)
    run = box.run(request, blob)
    verdict = build_verdict(exercise, exercise.function, cases, run)
    elapsed = time.perf_counter() - started
    user = next((h.get("user_seconds", 0.0) for h, _ in run.frames if h.get("ev") == "done"), 0.0)
    return elapsed, float(user), verdict.correct


def baseline_once(name: str, source: str, seed: int) -> tuple[float, bool]:
    """The same submission judged by a fresh interpreter importing torch (no zygote, no
    isolation)."""
    started = time.perf_counter()
    exercise, cases, request, blob = _request(name, source, seed)
    frame = pack(dict(request, max_elements=1 << 20, result_bytes=32 << 20), blob)
    out = subprocess.run(
        [sys.executable, "-I", "-c", BASELINE_BOOT],
        input=frame,
        capture_output=True,
        env=ZYGOTE_ENV,
        timeout=120,
        check=False,
    ).stdout
    frames, _ = split_frames(out, 10_000)
    from engine.sandbox import RunResult

    run = RunResult(frames, True, 0, None, None, 0.0, 0.0, 0, len(out))
    correct = build_verdict(exercise, exercise.function, cases, run).correct
    return time.perf_counter() - started, correct


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(rounds: int, baseline_n: int) -> dict[str, Any]:
    box = default_sandbox("torch")
    report = box.start()
    names = sorted(TORCH_EXERCISES)
    subs = [(name, CORRECT[name]) for _ in range(rounds) for name in names]
    for name in names:  # warm-up: the service's own imports and caches
        judge_once(box, name, CORRECT[name], 0)
    serial = [judge_once(box, name, src, i) for i, (name, src) in enumerate(subs)]
    latency = [t * 1000 for t, _, _ in serial]
    overhead = [(t - u) * 1000 for t, u, _ in serial]
    base = [baseline_once(name, src, i) for i, (name, src) in enumerate(subs[:baseline_n])]
    base_ms = [t * 1000 for t, _ in base]
    return {
        "layers": report.active,
        "submissions": len(subs),
        "all_correct": all(ok for *_, ok in serial),
        "p50_ms": statistics.median(latency),
        "p99_ms": _pct(latency, 0.99),
        "p50_overhead_ms": statistics.median(overhead),
        "p99_overhead_ms": _pct(overhead, 0.99),
        "baseline_submissions": len(base),
        "baseline_all_correct": all(ok for _, ok in base),
        "baseline_p50_ms": statistics.median(base_ms),
        "baseline_p99_ms": _pct(base_ms, 0.99),
        "ratio_p50": statistics.median(base_ms) / statistics.median(latency),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=17, help="submissions per exercise")
    parser.add_argument("--baseline", type=int, default=24, help="baseline submissions")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    missing = runtime_unavailable("torch")
    if missing:
        print(f"cannot benchmark the PyTorch judge: {missing}", file=sys.stderr)
        return 2
    r = measure(args.rounds, args.baseline)
    if args.json:
        print(json.dumps(r, indent=2))
    else:
        print(f"isolation layers: {', '.join(r['layers'])}")
        print(
            f"judge    : {r['submissions']} PyTorch submissions, p50 {r['p50_ms']:.1f} ms,"
            f" p99 {r['p99_ms']:.1f} ms; overhead beyond the submission's own compute"
            f" p50 {r['p50_overhead_ms']:.1f} ms, p99 {r['p99_overhead_ms']:.1f} ms"
        )
        print(
            f"baseline : {r['baseline_submissions']} submissions, fresh python importing torch"
            f" each: p50 {r['baseline_p50_ms']:.1f} ms, p99 {r['baseline_p99_ms']:.1f} ms"
        )
        print(f"ratio    : {r['ratio_p50']:.1f}× faster than the baseline at the median")
    ok = (
        r["all_correct"]
        and r["baseline_all_correct"]
        and r["p50_overhead_ms"] <= TARGET_OVERHEAD_MS
        and r["ratio_p50"] >= TARGET_RATIO
    )
    sys.stdout.flush()
    print("targets met" if ok else "TARGETS MISSED", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
