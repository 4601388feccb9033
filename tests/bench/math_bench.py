"""Benchmark of the formula grader against the naive ``sympy.simplify(a - b) == 0``.

Run: ``python -m tests.bench.math_bench`` (add ``--warm`` to keep prepared targets cached, as the
service does between attempts). Prints p50/p99 latency per check for Descent (cold: every
target prepared from scratch) and for the baseline on the same checks, and the ratio.

Both sides are timed the same way: one untimed pass over the checks first (so neither pays for
process-wide lazy set-up, such as imports or mpmath's tables, inside the first check that needs
it), then every check ``--reps`` times, each time from a cold start — targets prepared again and
SymPy's cache cleared (else SymPy would answer repeats from memory) — with no garbage collection
inside the timed call (as ``timeit`` does); the median of those repetitions is the check's
latency. ``--flush`` adds a full garbage collection before every timed call: walking the whole
heap evicts the CPU caches, so that is the worst case of a check arriving after unrelated work
(it roughly doubles a sub-millisecond check and adds about as much to the baseline's).
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
from sympy.core.cache import clear_cache

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
# Indexed sums, dot products and equations (issue 19): the summand is evaluated term by term.
HINGE = {"w": V(("p",)), "x": V(("p",)), "y": V(domain="sign")}
SUM_CHECKS = [
    (r"-\frac{2}{n}\sum_{i=1}^{n} x_i (y_i - x_i^\top\beta)", "2/n X^T (X beta - y)", LINEAR),
    (r"-\frac{2}{n}\sum_{i=2}^{n} x_i (y_i - x_i^\top\beta)", "2/n X^T (X beta - y)", LINEAR),
    (r"\frac{2}{n}\sum_{i=1}^{n} (x_i \cdot \beta - y_i) x_i", "2/n X^T (X beta - y)", LINEAR),
    ("2/n sum(i=1..n, x_i (x_i^T beta - y_i))", "2/n X^T (X beta - y)", LINEAR),
    (
        r"\frac{1}{n}\sum_{i=1}^{n}(\sigma(x_i^\top\beta) - y_i) x_i",
        "1/n X^T (sigmoid(X beta) - y)",
        LINEAR,
    ),
    (r"-y x \mathbb{1}_{y\, w \cdot x < 1}", "-y x indicator(y w^T x < 1)", HINGE),
    (r"\sum_{k=1}^{10} k^2", "385", {}),
    (r"\sum_{k=1}^{3} c", "3 c", {}),
    ("2(w + 1) = 2w + 2", "2w + 2", {}),
]


def checks() -> list[tuple[str, str, dict[str, VarSpec]]]:
    items = list(ML_CHECKS) + list(SUM_CHECKS)
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


FLUSH = False  # set by --flush


def _cold() -> None:
    """Forget everything a previous check left behind."""
    prepare.cache_clear()
    clear_cache()  # SymPy's own cache
    if FLUSH:
        gc.collect()


def ours(answer: str, problem: Problem, reps: int, warm: bool) -> float:
    """Median seconds of ``reps`` gradings of one check."""
    times = []
    for _ in range(reps):
        if warm:
            grade_expression(answer, problem)
            if FLUSH:
                gc.collect()
        else:
            _cold()
        gc.disable()
        start = time.perf_counter()
        grade_expression(answer, problem)
        times.append(time.perf_counter() - start)
        gc.enable()
    return statistics.median(times)


def pose(answer: str, expected: str, variables: dict[str, VarSpec]):  # type: ignore[no-untyped-def]
    """``a - b`` as SymPy objects, or None when the check cannot be posed to SymPy."""
    if variables and any(v.shape for v in variables.values()):
        return None  # elementwise functions of matrices have no SymPy counterpart
    try:
        symbols: dict = {}
        return to_sympy(parse(answer).node, symbols) - to_sympy(parse(expected).node, symbols)
    except (NotSymbolic, Exception):
        return None


def baseline(difference, reps: int) -> float:  # type: ignore[no-untyped-def]
    """Median seconds that ``simplify(a - b) == 0`` takes (each run capped; a run that hits
    the cap is not repeated)."""
    signal.signal(signal.SIGALRM, _timeout)
    times = []
    for _ in range(reps):
        _cold()
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, BASELINE_TIMEOUT_S)
        try:
            sympy.simplify(difference) == 0  # noqa: B015  (the comparison is the work timed)
        except TimeoutError:
            times.append(time.perf_counter() - start)
            break
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        times.append(time.perf_counter() - start)
        if times[-1] > 1.0:
            break  # far above any median; repeating it only costs time
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warm", action="store_true", help="keep prepared targets cached")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--reps", type=int, default=3, help="timed runs per check (median)")
    parser.add_argument(
        "--flush", action="store_true", help="full garbage collection before each timed call"
    )
    parser.add_argument(
        "--no-agreement", action="store_true", help="skip the peer suites and the dev set"
    )
    args = parser.parse_args()
    global FLUSH
    FLUSH = args.flush
    items = checks()
    problems = [Problem.build(expected=e, variables=v) for _, e, v in items]
    posed = [None if args.no_baseline else pose(a, e, v) for a, e, v in items]
    # untimed warm-up of both sides (imports, lazy tables, first-call paths)
    for (answer, _, _), problem in zip(items, problems, strict=True):
        grade_expression(answer, problem)
    for difference in posed[:5]:
        if difference is not None:
            sympy.simplify(difference)
    mine = [
        ours(answer, problem, args.reps, args.warm)
        for (answer, _, _), problem in zip(items, problems, strict=True)
    ]
    paired_ours: list[float] = []
    theirs: list[float] = []
    for difference, elapsed in zip(posed, mine, strict=True):
        if difference is not None:
            theirs.append(baseline(difference, args.reps))
            paired_ours.append(elapsed)
    ms = 1000
    print(
        f"checks: {len(items)} ({'warm' if args.warm else 'cold'} targets; "
        f"median of {args.reps} runs per check{'; caches flushed' if args.flush else ''})"
    )
    print(
        f"descent  p50 {percentile(mine, 0.5) * ms:7.2f} ms  p99 {percentile(mine, 0.99) * ms:7.2f} ms"
        f"  mean {statistics.mean(mine) * ms:.2f} ms"
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
    if not args.no_agreement:
        agreement()


def agreement() -> None:
    """Agreement with the peer suites, and the development set of interview gradients."""
    from tests.engine import peer_suites, test_expr_gradients_dev

    print("agreement in scope (tests/engine/data/peers):")
    for suite in peer_suites.SUITES:
        found = peer_suites.measure(suite)
        print(
            f"  {suite:24s} {found.agreement:6.1%}  ({found.in_scope - len(found.disagreements)}"
            f"/{found.in_scope}; {found.out_of_scope} out of scope)"
        )
    dev = test_expr_gradients_dev.outcome()
    cases = test_expr_gradients_dev.dataset()["cases"]
    right = sum(c["correct"] for c in cases)
    print(
        f"dev set of interview gradients: {len(cases)} answers ({right} right): "
        f"false accepts {len(dev['false_accepts'])}, false rejects {len(dev['false_rejects'])}"
        f" ({len(dev['false_rejects']) / right:.1%})"
    )


if __name__ == "__main__":
    main()
