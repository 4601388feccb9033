"""What one limit check costs: in the process, and on PostgreSQL (one statement, loopback).

    python -m tests.scale.limits_bench [--url postgresql+psycopg://…] [--seconds 3]

Without --url it starts a throwaway PostgreSQL server (Debian's packages). Prints, per
operation, the latency of one check from one thread (median and p99 over every check) and the
checks per second that 8 threads of two stores (two instances) reach together, on distinct keys
(many learners) and on one key (one learner's requests racing).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from app.db.migrate import upgrade
from app.ops.shared import Hold, LimitStore, LocalLimits, Rate
from app.ops.shared_pg import PostgresLimits

OPEN = Rate(per_second=1e9, burst=1e9)  # never refuses: every check does the full work
THREADS = 8


def latencies(fn: Callable[[int], Any], seconds: float) -> list[float]:
    for n in range(50):  # warm the pool and the prepared statements
        fn(n)
    out: list[float] = []
    stop = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < stop:
        start = time.perf_counter()
        fn(n)
        out.append(time.perf_counter() - start)
        n += 1
    return out


def throughput(fns: list[Callable[[int], Any]], seconds: float) -> float:
    stop = time.perf_counter() + seconds

    def worker(i: int) -> int:
        fn, n = fns[i % len(fns)], 0
        while time.perf_counter() < stop:
            fn(i * 1_000_000 + n)
            n += 1
        return n

    start = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        done = sum(pool.map(worker, range(THREADS)))
    return done / (time.perf_counter() - start)


def hold_release(store: LimitStore, key: Callable[[int], str]) -> Callable[[int], None]:
    def run(n: int) -> None:
        claim = store.hold(key(n), 4, 60)
        if isinstance(claim, Hold):
            store.release(claim)

    return run


def row(name: str, lat: list[float] | None, rate: float | None) -> str:
    if lat:
        ordered = sorted(lat)
        p50 = statistics.median(ordered) * 1e6
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1e6
        cells = f"{p50:.0f} µs | {p99:.0f} µs"
    else:
        cells = "— | —"
    return f"| {name} | {cells} | {f'{rate:,.0f}/s' if rate else '—'} |"


@contextmanager
def database(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from tests.scale.cluster import throwaway_postgres

    with throwaway_postgres() as pg:
        yield pg.url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a PostgreSQL database (default: a throwaway server)")
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    with database(args.url) as url:
        upgrade(url)
        one, two = PostgresLimits(url), PostgresLimits(url)
        local = LocalLimits()
        s = args.seconds
        lines = [
            "| check | p50 (one thread) | p99 | 8 threads, 2 stores |",
            "|---|---:|---:|---:|",
            row(
                "rate limit, in the process",
                latencies(lambda n: local.take(f"k{n % 1000}", OPEN), s),
                throughput([lambda n: local.take(f"k{n % 1000}", OPEN)], s),
            ),
            row(
                "rate limit, PostgreSQL, many learners",
                latencies(lambda n: one.take(f"k{n % 1000}", OPEN), s),
                throughput(
                    [lambda n, st=st: st.take(f"k{n % 1000}", OPEN) for st in (one, two)], s
                ),
            ),
            row(
                "rate limit, PostgreSQL, one learner",
                None,
                throughput([lambda n, st=st: st.take("hot", OPEN) for st in (one, two)], s),
            ),
            row(
                "sign-in / runner place (hold + release), PostgreSQL",
                latencies(hold_release(one, lambda n: f"h{n % 1000}"), s),
                throughput([hold_release(st, lambda n: f"h{n % 1000}") for st in (one, two)], s),
            ),
        ]
        one.prune()
        one.close()
        two.close()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
