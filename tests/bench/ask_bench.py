"""Benchmark of Ask Descent on the shipped content.

Run: ``python -m tests.bench.ask_bench`` (add ``--api`` to also time ``POST /api/v1/ask``
through the whole FastAPI stack). Prints the index build time, p50/p99 latency per query
in-process (search + demo choice, as the route runs them) over the learner-question table and
every question prompt, and the quality figures of ``tests/engine/test_assist_quality.py``:
the right topic first (top-1) and among the first three (top-3), the passage that answers
first and among the first three, how many on-topic doubts are answered (also when phrased in everyday words) and
how many off-topic ones are told "not covered", on the tuning tables and on the held-out ones. Exits 1 when p50
exceeds 10 ms.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from content import PACKAGED_CONTENT_DIR, ContentSet, load_content
from content.passages import build_passages, demo_refs
from engine.assist import AssistIndex, rank_demos
from tests.engine.test_assist_quality import (
    CASES,
    HELD_OUT_OFF_TOPIC,
    HELD_OUT_ON_TOPIC,
    HELD_OUT_PARAPHRASED,
    OFF_TOPIC,
    PARAPHRASED_ON_TOPIC,
    PASSAGE_CASES,
    TOP,
)

TARGET_P50_MS = 10.0
ROUNDS = 3
MS = 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(call: Callable[[str], object], queries: list[str]) -> list[float]:
    """Seconds per call, timed like timeit: no GC pause inside a query."""
    for query in queries:  # warm-up: stems of new words are cached after their first use
        call(query)
    elapsed = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(ROUNDS):
            for query in queries:
                start = time.perf_counter()
                call(query)
                elapsed.append(time.perf_counter() - start)
    finally:
        gc.enable()
    return elapsed


def report(label: str, elapsed: list[float]) -> float:
    p50 = percentile(elapsed, 0.5) * MS
    print(
        f"{label:<28} p50 {p50:6.2f} ms  p99 {percentile(elapsed, 0.99) * MS:6.2f} ms  "
        f"mean {statistics.mean(elapsed) * MS:6.2f} ms  ({len(elapsed)} queries)"
    )
    return p50


def api_timings(content: ContentSet, queries: list[str]) -> list[float]:
    from fastapi.testclient import TestClient

    from app.db.migrate import upgrade
    from app.main import create_app
    from app.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        app = create_app(Settings(database_url=url, secret_key="bench"), content)
        with TestClient(app) as client:
            return timed(lambda q: client.post("/api/v1/ask", json={"question": q}), queries)


def answered(result: Any) -> bool:
    """Whether a search result answers (an index without a floor answers whatever it finds)."""
    return bool(getattr(result, "covered", True)) and not result.empty


def quality(index: Any) -> dict[str, tuple[int, int]]:
    """(hits, cases) for each quality figure; works with any index that has ``search``."""

    def topics(question: str) -> list[str]:
        result = index.search(question)
        return [h.passage.topic for h in result.answers] if answered(result) else []

    def passages(question: str) -> list[str]:
        result = index.search(question)
        hits = result.answers if answered(result) else []
        return [f"{h.passage.topic}#{h.passage.anchor}" for h in hits]

    def count(flags: list[bool]) -> tuple[int, int]:
        return sum(flags), len(flags)

    return {
        "topic top-1": count([topics(q)[:1] == [t] for q, t in CASES]),
        f"topic top-{TOP}": count([t in topics(q)[:TOP] for q, t in CASES]),
        "passage top-1": count([bool(set(passages(q)[:1]) & set(a)) for q, a in PASSAGE_CASES]),
        f"passage top-{TOP}": count(
            [bool(set(passages(q)[:TOP]) & set(a)) for q, a in PASSAGE_CASES]
        ),
        "on-topic answered": count([answered(index.search(q)) for q, _ in CASES]),
        "off-topic not covered": count([not answered(index.search(q)) for q in OFF_TOPIC]),
        "held-out on-topic answered": count(
            [answered(index.search(q)) for q, _ in HELD_OUT_ON_TOPIC]
        ),
        f"held-out topic top-{TOP}": count([t in topics(q)[:TOP] for q, t in HELD_OUT_ON_TOPIC]),
        "held-out off-topic not covered": count(
            [not answered(index.search(q)) for q in HELD_OUT_OFF_TOPIC]
        ),
        "paraphrased answered": count([answered(index.search(q)) for q, _ in PARAPHRASED_ON_TOPIC]),
        f"paraphrased topic top-{TOP}": count(
            [t in topics(q)[:TOP] for q, t in PARAPHRASED_ON_TOPIC]
        ),
        "held-out paraphrased answered": count(
            [answered(index.search(q)) for q, _ in HELD_OUT_PARAPHRASED]
        ),
        f"held-out paraphr. topic top-{TOP}": count(
            [t in topics(q)[:TOP] for q, t in HELD_OUT_PARAPHRASED]
        ),
    }


def print_quality(figures: dict[str, tuple[int, int]]) -> None:
    for label, (hits, cases) in figures.items():
        print(f"{label:<32} {hits:3}/{cases:<3} = {hits / cases:6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api", action="store_true", help="also time POST /api/v1/ask")
    args = parser.parse_args()
    content = load_content(PACKAGED_CONTENT_DIR)
    start = time.perf_counter()
    passages = build_passages(content, demo_refs(content))
    index = AssistIndex(passages)
    build_ms = (time.perf_counter() - start) * MS
    print(
        f"index: {len(passages)} passages over {len(index.topic_ids)} topics, "
        f"built in {build_ms:.0f} ms (first build, stems uncached)"
    )

    def service(query: str) -> object:
        result = index.search(query)
        return rank_demos(demo_refs(content), result)

    table = [q for q, _ in CASES]
    prompts = [q.prompt[:500] for q in content.questions.values()]
    p50 = report("learner table (in-process)", timed(service, table))
    report("question prompts (in-proc.)", timed(service, prompts))
    if args.api:
        report("POST /api/v1/ask (TestClient)", api_timings(content, table))
    print_quality(quality(index))
    if p50 > TARGET_P50_MS:
        print(f"p50 {p50:.2f} ms is over the {TARGET_P50_MS} ms target", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
