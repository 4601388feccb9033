"""Benchmark of the formula grader against the naive ``sympy.simplify(a - b) == 0``.

Run: ``python -m tests.bench.math_bench`` (add ``--warm`` to keep prepared targets cached, as the
service does between attempts). Prints p50/p99 latency per check for Descent (cold: every
target prepared from scratch) and for the baseline on the same checks, and the ratio.
"""

from __future__ import annotations

import argparse
import gc
import json
import signal
import statistics
import time
from pathlib import Path

import sympy

from engine.expr import Problem, VarSpec, grade_expression, parse
from engine.expr.grade import prepare
from engine.expr.symbolic import NotSymbolic, to_sympy

PEERS = Path(__file__).resolve().parents[3] / "shared" / "peers" / "stack_algequiv.json"
BASELINE_TIMEOUT_S = 10.0
V = VarSpec
LINEAR = {"X": V(("n", "p")), "y": V(("n",)), "beta": V(("p",))}
LOGIT = {"z": V(), "y": V(domain="binary")}
SOFTMAX = {"z": V(("k",)), "y": V(("k",), "onehot")}
HUBER = {"y": V(), "yhat": V(), "delta": V(domain="positive")}

# (answer, expected, variables): ML checks written out so the baseline can run on them too.
ML_CHECKS = [
    ("2/n X^T (X beta - y)", "-2/n X^T (y - X beta)", LINEAR),
    ("2/n X^T (y - X beta)", "-2/n X^T (y - X beta)", LINEAR),
    ("-2 X^T (y - X beta)/n", "-2/n X^T (y - X beta)", LINEAR),
    (r"\frac{2}{n}X^\top(X\beta - y)", "-2/n X^T (y - X beta)", LINEAR),
    ("(X^T X)^(-1) X^T y", "inv(X^T X) X^T y", LINEAR),
    ("X^T (sigmoid(X beta) - y)/n", "1/n X^T (sigmoid(X beta) - y)", LINEAR),
    ("sigmoid(z) - y", "1/(1 + exp(-z)) - y", LOGIT),
    ("y - sigmoid(z)", "1/(1 + exp(-z)) - y", LOGIT),
    (r"\sigma(z)(1-\sigma(z))", "exp(-z)/(1 + exp(-z))^2", LOGIT),
    ("sigmoid(z)^2", "exp(-z)/(1 + exp(-z))^2", LOGIT),
    ("softmax(z) - y", "exp(z)/sum(exp(z)) - y", SOFTMAX),
    ("y - softmax(z)", "exp(z)/sum(exp(z)) - y", SOFTMAX),
    ("log(sum(exp(z - max(z)))) + max(z)", "logsumexp(z)", SOFTMAX),
    ("log(sum(exp(z)))", "logsumexp(z)", SOFTMAX),
    (
        "clip(yhat - y, -delta, delta)",
        "piecewise((yhat - y, abs(yhat - y) <= delta), (delta*sign(yhat - y), True))",
        HUBER,
    ),
    (
        "yhat - y",
        "piecewise((yhat - y, abs(yhat - y) <= delta), (delta*sign(yhat - y), True))",
        HUBER,
    ),
    ("-2(y - yhat)", "2(yhat - y)", HUBER),
    ("sign(yhat - y)", "-sign(y - yhat)", HUBER),
    (
        "(1 - beta1) * (beta1^2 g1 + beta1 g2 + g3)",
        "(1 - beta1) g3 + beta1 (1 - beta1) g2 + beta1^2 (1 - beta1) g1",
        {},
    ),
    (
        "m / (1 - beta1^t)",
        "m/(1 - beta1^t)",
        {"m": V(), "beta1": V(domain="unit"), "t": V(domain="positive")},
    ),
]


def checks() -> list[tuple[str, str, dict[str, VarSpec]]]:
    items = list(ML_CHECKS)
    if PEERS.is_file():
        rows = json.loads(PEERS.read_text())["cases"]
        items += [
            (r["student"], r["teacher"], {})
            for r in rows
            if r["test"] == "AlgEquiv" and "complex" not in r["tags"]
        ]
    return items


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _timeout(signum, frame):  # type: ignore[no-untyped-def]
    raise TimeoutError


def baseline(answer: str, expected: str, variables: dict[str, VarSpec]) -> float | None:
    """Seconds that ``simplify(a - b) == 0`` takes (capped), or None if it cannot be posed."""
    if variables and any(v.shape for v in variables.values()):
        return None  # elementwise functions of matrices have no SymPy counterpart
    try:
        symbols: dict = {}
        a = to_sympy(parse(answer).node, symbols)
        b = to_sympy(parse(expected).node, symbols)
    except (NotSymbolic, Exception):
        return None
    signal.signal(signal.SIGALRM, _timeout)
    gc.collect()
    start = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, BASELINE_TIMEOUT_S)
    try:
        sympy.simplify(a - b) == 0  # noqa: B015  (the comparison is the work being timed)
    except TimeoutError:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warm", action="store_true", help="keep prepared targets cached")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    items = checks()
    ours: list[float] = []
    for answer, expected, variables in items:  # timed like timeit: no GC pause inside a check
        problem = Problem.build(expected=expected, variables=variables)
        if args.warm:
            grade_expression(answer, problem)
        else:
            prepare.cache_clear()
        gc.collect()
        gc.disable()
        start = time.perf_counter()
        grade_expression(answer, problem)
        ours.append(time.perf_counter() - start)
        gc.enable()
    paired_ours: list[float] = []
    theirs: list[float] = []
    for (answer, expected, variables), elapsed in zip(items, ours, strict=True):
        base = None if args.no_baseline else baseline(answer, expected, variables)
        if base is not None:
            theirs.append(base)
            paired_ours.append(elapsed)
    ms = 1000
    print(f"checks: {len(items)} ({'warm' if args.warm else 'cold'} targets)")
    print(
        f"descent  p50 {percentile(ours, 0.5) * ms:7.2f} ms  p99 {percentile(ours, 0.99) * ms:7.2f} ms"
        f"  mean {statistics.mean(ours) * ms:.2f} ms"
    )
    if theirs:
        print(
            f"baseline sympy.simplify(a - b) == 0 on the {len(theirs)} checks it can pose "
            f"(timeout {BASELINE_TIMEOUT_S:.0f} s):"
        )
        print(
            f"baseline p50 {percentile(theirs, 0.5) * ms:7.2f} ms  p99 {percentile(theirs, 0.99) * ms:7.2f} ms"
        )
        print(
            f"descent on the same {len(paired_ours)}: p50 {percentile(paired_ours, 0.5) * ms:.2f} ms;"
            f" ratio of medians {percentile(theirs, 0.5) / percentile(paired_ours, 0.5):.1f}x"
        )


if __name__ == "__main__":
    main()
