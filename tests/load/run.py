"""Load test: concurrent learners against a `descent serve` on loopback, bounded in time.

    python -m tests.load.run                       # 50 learners, 60 s mix + capacity phases
    python -m tests.load.run --users 10 --seconds 10 --no-capacity --no-targets   # CI smoke

It starts its own server (fresh SQLite in a temp dir) unless --url names one on loopback, signs
the learners up, runs a realistic mix (browse topics and questions, expression checks, code
submissions, demos, progress, stored attempts), then each heavy endpoint alone at full
concurrency to measure its capacity. Prints throughput and p50/p95/p99 per endpoint and the
error count (5xx or broken connections); exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from tests.load.client import Connection

PASSWORD = "load-test-password-1"
TOPICS = ["mse", "huber", "binary-cross-entropy", "momentum", "adaptive-optimizers", "dropout"]
LINEAR = {"X": {"shape": ["n", "p"]}, "y": {"shape": ["n"]}, "beta": {"shape": ["p"]}}
EXPRESSION = {"derivative_of": "1/n * sum((y - X beta)^2)", "wrt": "beta", "variables": LINEAR}
ANSWERS = [
    "2/n X^T (X beta - y)",
    "-2/n X^T (y - X beta)",
    "2/n X^T (y - X beta)",
    "-2 X^T (y - X beta)",
]
MSE_CODE = "import numpy as np\n\ndef mse(y_true, y_pred):\n    return float(np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2))\n"
# endpoint: (weight in the mix, target requests/s in its capacity phase or None)
TARGETS = {"topic-read": 1000.0, "expression-check": 200.0, "code-submission": 30.0}
READ_P99_MS = 50.0


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )


async def call(conn: Connection, stats: Stats, name: str, method: str, path: str, **kw) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    try:
        reply = await conn.request(method, path, **kw)
    except (ConnectionError, OSError, asyncio.IncompleteReadError) as exc:
        stats.errors[name] += 1
        stats.statuses[name][0] += 1
        await conn.close()
        del exc
        return
    stats.latencies[name].append(time.perf_counter() - start)
    stats.statuses[name][reply.status] += 1
    if reply.status >= 500:
        stats.errors[name] += 1


def actions(headers: dict[str, str]) -> dict[str, tuple[float, object]]:
    return {
        "topic-read": (
            40,
            lambda r: (
                "GET",
                "/api/v1/topics" if r.random() < 0.4 else f"/api/v1/topics/{r.choice(TOPICS)}",
                {},
            ),
        ),
        "question-read": (20, lambda r: ("GET", f"/api/v1/questions?topic={r.choice(TOPICS)}", {})),
        "expression-check": (
            15,
            lambda r: (
                "POST",
                "/api/v1/check/expression",
                {"body": {**EXPRESSION, "answer": r.choice(ANSWERS)}},
            ),
        ),
        "attempt": (
            8,
            lambda r: (
                "POST",
                "/api/v1/questions/mse-variant-compute/attempts",
                {"body": {"answer": "1.5", "variant": r.randrange(100)}, "headers": headers},
            ),
        ),
        "progress": (7, lambda r: ("GET", "/api/v1/me/progress", {"headers": headers})),
        "code-submission": (
            6,
            lambda r: (
                "POST",
                "/api/v1/questions/code-mse/attempts",
                {"body": {"answer": MSE_CODE}, "headers": headers},
            ),
        ),
        "demo": (
            4,
            lambda r: (
                "POST",
                f"/api/v1/demos/{r.choice(['lr-schedules', 'loss-surface', 'momentum'])}",
                {"body": {}},
            ),
        ),
    }


async def learner(
    base: str, token: str, stop: float, stats: Stats, seed: int, only: str | None
) -> None:
    rng = random.Random(seed)
    table = actions({"Authorization": f"Bearer {token}"})
    names = [only] if only else list(table)
    weights = [table[n][0] for n in names]
    conn = Connection(base)
    while time.monotonic() < stop:
        name = rng.choices(names, weights)[0]
        method, path, kw = table[name][1](rng)  # type: ignore[operator]
        await call(conn, stats, name, method, path, **kw)
    await conn.close()


async def sign_up(base: str, users: int) -> list[str]:
    async def one(i: int) -> str:
        conn = Connection(base)
        name = f"loadtest{i}_{random.randrange(10**6)}"
        await conn.request("POST", "/api/v1/users", body={"username": name, "password": PASSWORD})
        reply = await conn.request(
            "POST", "/api/v1/auth/token", form={"username": name, "password": PASSWORD}
        )
        await conn.close()
        if reply.status != 200:
            raise RuntimeError(f"sign-in of {name} answered {reply.status}: {reply.body[:300]!r}")
        return reply.json()["access_token"]

    return list(await asyncio.gather(*(one(i) for i in range(users))))


async def phase(
    base: str, tokens: list[str], seconds: float, only: str | None
) -> tuple[Stats, float]:
    stats = Stats()
    start = time.monotonic()
    stop = start + seconds
    await asyncio.gather(*(learner(base, t, stop, stats, i, only) for i, t in enumerate(tokens)))
    return stats, time.monotonic() - start


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def report(title: str, stats: Stats, elapsed: float) -> list[str]:
    lines = [
        f"### {title} ({elapsed:.0f} s)",
        "",
        "| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | errors | statuses |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name in sorted(stats.statuses):
        lat = stats.latencies[name]
        codes = ", ".join(f"{c}×{n}" for c, n in sorted(stats.statuses[name].items()))
        lines.append(
            f"| {name} | {len(lat)} | {len(lat) / elapsed:.0f} | {pct(lat, 0.5):.1f} | "
            f"{pct(lat, 0.95):.1f} | {pct(lat, 0.99):.1f} | {stats.errors[name]} | {codes} |"
        )
    return lines


async def main_async(args: argparse.Namespace) -> int:
    base = args.url
    tokens = await sign_up(base, args.users)
    out: list[str] = []
    failures: list[str] = []
    mix, elapsed = await phase(base, tokens, args.seconds, None)
    out += [*report(f"Mix: {args.users} learners", mix, elapsed), ""]
    errors = sum(mix.errors.values())
    if errors:
        failures.append(f"{errors} errors in the mix")
    for name in ("topic-read", "question-read"):
        if pct(mix.latencies[name], 0.99) > READ_P99_MS:
            failures.append(
                f"{name} p99 {pct(mix.latencies[name], 0.99):.1f} ms > {READ_P99_MS} ms"
            )
    if args.capacity:
        for name, target in TARGETS.items():
            stats, took = await phase(base, tokens, args.capacity_seconds, name)
            out += [*report(f"Capacity: {name} only, {args.users} learners", stats, took), ""]
            rate = len(stats.latencies[name]) / took
            errors = sum(stats.errors.values())
            if rate < target or errors:
                failures.append(f"{name}: {rate:.0f} req/s (target {target:.0f}), {errors} errors")
    print("\n".join(out))
    if args.targets:
        print("targets:", "all met" if not failures else "MISSED — " + "; ".join(failures))
        return 1 if failures else 0
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="a running server on loopback (default: start one)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--capacity-seconds", type=float, default=10.0)
    parser.add_argument("--no-capacity", dest="capacity", action="store_false")
    parser.add_argument("--no-targets", dest="targets", action="store_false")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    args = parser.parse_args()
    if args.users > 200 or args.seconds > 600:
        parser.error("bounded: at most 200 users and 600 s")
    from tests.live import live_server

    with tempfile.TemporaryDirectory() as tmp:
        context = (
            nullcontext(args.url)
            if args.url
            else live_server(
                Path(tmp), extra_args=["--workers", str(args.workers)] if args.workers > 1 else None
            )
        )
        with context as base:
            args.url = base
            raise SystemExit(asyncio.run(main_async(args)))


if __name__ == "__main__":
    main()
