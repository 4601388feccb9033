"""Many learners at once against one SQLite file: nothing lost, nothing locked."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from content import PACKAGED_CONTENT_DIR, load_content
from tests.live import live_server

THREADS, PER_THREAD = 20, 30  # 600 graded writes, from 20 learners at once
PASSWORD = "correct horse 42"


@pytest.mark.slow
def test_parallel_submissions_are_all_stored(tmp_path: Path) -> None:
    content = load_content(PACKAGED_CONTENT_DIR)
    question = next(q for q in content.questions.values() if q.kind == "numeric")
    with live_server(tmp_path) as base:

        def learner(i: int) -> list[int]:
            name = f"learner{i}"  # the learners sign up at once too
            with httpx.Client(base_url=base, timeout=60) as client:
                client.post(
                    "/api/v1/users", json={"username": name, "password": PASSWORD}
                ).raise_for_status()
                reply = client.post(
                    "/api/v1/auth/token", data={"username": name, "password": PASSWORD}
                )
                client.headers["Authorization"] = f"Bearer {reply.json()['access_token']}"
                statuses = []
                for n in range(PER_THREAD):
                    answer = str(question.answer) if n % 2 else "12345"
                    reply = client.post(
                        f"/api/v1/questions/{question.id}/attempts", json={"answer": answer}
                    )
                    statuses.append(reply.status_code)
            return statuses

        with ThreadPoolExecutor(THREADS) as pool:
            statuses = [s for batch in pool.map(learner, range(THREADS)) for s in batch]
    assert statuses.count(200) == THREADS * PER_THREAD, sorted(set(statuses))
    db = sqlite3.connect(tmp_path / "descent.db")
    try:
        assert db.execute("SELECT count(*) FROM attempts").fetchone()[0] == THREADS * PER_THREAD
        per_user = db.execute("SELECT count(*) FROM attempts GROUP BY user_id").fetchall()
        assert [row[0] for row in per_user] == [PER_THREAD] * THREADS
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
