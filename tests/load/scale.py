"""Scaling figure: the load test against 1 and then 2 instances behind HAProxy on PostgreSQL.

    python -m tests.load.scale [--users 50] [--seconds 30] [--capacity-seconds 10]

Each configuration is the documented deployment (docs/deploy.md: PostgreSQL, the instances,
HAProxy) started fresh on this machine. The load test's phases (tests/load/run.py: the mix, then
each heavy endpoint alone) run through HAProxy, and the CPU time every process used in each
phase is read from /proc: the instances (with their code sandboxes) and PostgreSQL. Dividing by
the requests served gives what one request costs the instances (``app ms``) and the database
(``db ms``); from those, the printed formula says how many instances one database carries.

The per-address rate limits are raised for the run (the load comes from one address, through
HAProxy); every check still runs against the shared table, so its cost is in the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.load import run
from tests.scale.cluster import Cluster, cluster, missing_tools

PHASES: list[str | None] = [None, "topic-read", "expression-check", "code-submission"]
NOT_LIMITING = {  # one address sends everything here; the checks still run
    "DESCENT_RATE_LIMIT_GRADING_PER_IP": "1000000",
    "DESCENT_RATE_LIMIT_DEMOS_PER_IP": "1000000",
}
TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, float]]:
    """Every process: its parent and the CPU seconds it and its reaped children used."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        ticks = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
        out[int(entry.name)] = (int(fields[1]), ticks / TICKS)
    return out


def cpu_seconds(roots: list[int]) -> float:
    """CPU seconds used so far by ``roots`` and every live descendant."""
    table = _processes()
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0.0, list(roots)
    while todo:
        pid = todo.pop()
        if pid in table:
            total += table[pid][1]
            todo += children.get(pid, [])
    return total


@dataclass
class Measured:
    phase: str
    requests: int
    seconds: float
    app_cpu: float
    db_cpu: float
    statuses: dict[int, int]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def app_ms(self) -> float:
        return 1000 * self.app_cpu / max(1, self.requests)

    @property
    def db_ms(self) -> float:
        return 1000 * self.db_cpu / max(1, self.requests)


def _postmaster(deployment: Cluster) -> int:
    return int((deployment.postgres.data / "postmaster.pid").read_text().split()[0])


async def measure(deployment: Cluster, args: argparse.Namespace) -> list[Measured]:
    base = deployment.base
    apps = [i.proc.pid for i in deployment.instances if i.proc is not None]
    db = [_postmaster(deployment)]
    tokens = await run.sign_up(base, args.users)
    results = []
    for only in PHASES:
        seconds = args.seconds if only is None else args.capacity_seconds
        app0, db0 = cpu_seconds(apps), cpu_seconds(db)
        stats, took = await run.phase(base, tokens, seconds, only)
        app1, db1 = cpu_seconds(apps), cpu_seconds(db)
        statuses: dict[int, int] = {}
        for by_status in stats.statuses.values():
            for status, count in by_status.items():
                statuses[status] = statuses.get(status, 0) + count
        served = sum(len(v) for v in stats.latencies.values())
        results.append(Measured(only or "mix", served, took, app1 - app0, db1 - db0, statuses))
    return results


def table(by_count: dict[int, list[Measured]]) -> list[str]:
    lines = [
        "| instances | phase | req/s | app ms/request | db ms/request | statuses |",
        "|---:|---|---:|---:|---:|---|",
    ]
    for count, rows in by_count.items():
        for m in rows:
            codes = ", ".join(f"{c}×{n}" for c, n in sorted(m.statuses.items()))
            lines.append(
                f"| {count} | {m.phase} | {m.rate:.0f} | {m.app_ms:.2f} | {m.db_ms:.3f} | {codes} |"
            )
    return lines


def formula(rows: list[Measured], cores: int) -> list[str]:
    """Where the database becomes the limit, for each phase of the one-instance run."""
    lines = [
        "",
        f"Instances one database carries (machines of {cores} cores, database of {cores} cores):",
        "N* = (database cores / db ms) / (instance cores / app ms) = app ms / db ms",
        "",
        "| phase | one instance machine, req/s | the database, req/s | N* |",
        "|---|---:|---:|---:|",
    ]
    for m in rows:
        per_machine = cores * 1000 / m.app_ms
        db_limit = cores * 1000 / m.db_ms if m.db_ms else float("inf")
        lines.append(
            f"| {m.phase} | {per_machine:,.0f} | {db_limit:,.0f} | {db_limit / per_machine:.1f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--capacity-seconds", type=float, default=10.0)
    parser.add_argument("--max-instances", type=int, default=2)
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        raise SystemExit(f"needs the Debian packages: {' '.join(missing)}")
    by_count: dict[int, list[Measured]] = {}
    for count in range(1, args.max_instances + 1):
        with (
            tempfile.TemporaryDirectory() as tmp,
            cluster(Path(tmp), instances=count, overrides=NOT_LIMITING) as deployment,
        ):
            for note in deployment.notes:
                print(f"note: {note}")
            by_count[count] = asyncio.run(measure(deployment, args))
    cores = os.cpu_count() or 1
    print(
        f"{args.users} learners through HAProxy; mix {args.seconds:.0f} s, each capacity phase"
        f" {args.capacity_seconds:.0f} s; {cores} cores shared by the load generator,"
        " PostgreSQL, HAProxy and the instances"
    )
    print("\n".join(table(by_count)))
    one = {m.phase: m.rate for m in by_count[1]}
    for count, rows in by_count.items():
        if count > 1:
            gains = ", ".join(f"{m.phase} ×{m.rate / one[m.phase]:.2f}" for m in rows)
            print(f"\n{count} instances against 1: {gains}")
    print("\n".join(formula(by_count[1], cores)))


if __name__ == "__main__":
    main()
