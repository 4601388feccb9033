"""The limits' state: token buckets and held places, in the process and shared on PostgreSQL.

PostgreSQL tests run two stores side by side — what two instances do — and check that together
they grant what one would: the same burst, the same five sign-in failures, the same share of
code runners; and that they stay exact when many threads of both race for one key.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.errors import TooManyAttempts
from app.main import create_app
from app.ops.shared import (
    SHARED_FALLBACKS,
    Hold,
    LocalLimits,
    Rate,
    RunnerShare,
    SharedLimits,
    limits_for,
)
from app.ops.shared_pg import PostgresLimits, stored_key
from app.services.auth import LoginThrottle
from app.settings import Settings
from content import ContentSet
from engine.sandbox import SandboxBusy

SLOW = Rate(per_second=0.01, burst=5.0)  # five at once, then one per 100 s: no refill in a test


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- in the process ------------------------------------------------------------------------


def test_held_places_free_on_release_on_expiry_and_on_clear() -> None:
    clock = Clock()
    limits = LocalLimits(clock=clock)
    first, second = limits.hold("k", 2, 60), limits.hold("k", 2, 60)
    assert isinstance(first, Hold) and isinstance(second, Hold)
    clock.now += 10
    assert limits.hold("k", 2, 60) == pytest.approx(50)  # the first place frees in 50 s
    limits.release(first)
    third = limits.hold("k", 2, 60)
    assert isinstance(third, Hold)
    clock.now += 61  # every hold lapsed
    assert isinstance(limits.hold("k", 2, 60), Hold)
    limits.clear("k", 2)
    assert isinstance(limits.hold("k", 2, 60), Hold) and isinstance(limits.hold("k", 2, 60), Hold)
    assert isinstance(limits.hold("other", 1, 60), Hold)  # keys are independent


def test_the_throttle_is_five_failures_in_any_five_minutes() -> None:
    clock = Clock()
    throttle = LoginThrottle(LocalLimits(clock=clock))
    for _ in range(5):
        throttle.attempt("Ada")  # each a failure: its place stays held
        clock.now += 10
    with pytest.raises(TooManyAttempts) as caught:
        throttle.attempt("ada")  # usernames are compared without case
    assert caught.value.retry_after == 250  # the first failure is 50 s old of 300
    clock.now += 251
    throttle.attempt("ada")  # the oldest failure left the window: one more guess
    with pytest.raises(TooManyAttempts):
        throttle.attempt("ada")


def test_a_successful_sign_in_forgets_the_failures() -> None:
    throttle = LoginThrottle(LocalLimits())
    for _ in range(4):
        throttle.attempt("ada")
    throttle.attempt("ada")
    throttle.succeeded("ada")
    for _ in range(5):
        throttle.attempt("ada")


def test_concurrent_guesses_cannot_slip_past_the_throttle_together() -> None:
    throttle = LoginThrottle(LocalLimits())

    def guess(_: int) -> str:
        try:
            throttle.attempt("ada")
            return "checked"
        except TooManyAttempts:
            return "refused"

    with ThreadPoolExecutor(20) as pool:
        assert Counter(pool.map(guess, range(40))) == {"checked": 5, "refused": 35}


def test_sqlite_keeps_the_limits_in_the_process(tmp_path: Any) -> None:
    limits = limits_for(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}"))
    assert isinstance(limits, LocalLimits) and not limits.shared


def test_runner_share_is_left_to_the_sandbox_within_one_process() -> None:
    share = RunnerShare(LocalLimits(), per_client=1, timeout=0.01)
    with share("user:1"), share("user:1"), share("user:1"):
        pass  # one process: engine/sandbox/fair.py caps the client


class Broken:
    shared = True

    def take(self, key: str, rate: Rate) -> float:
        raise ConnectionError("database gone")

    def hold(self, key: str, slots: int, seconds: float) -> Hold | float:
        raise ConnectionError("database gone")

    def release(self, hold: Hold) -> None:
        raise ConnectionError("database gone")

    def clear(self, key: str, slots: int) -> None:
        raise ConnectionError("database gone")

    def close(self) -> None:
        pass


def test_a_failing_shared_store_falls_back_to_this_process(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limits = SharedLimits(Broken())
    before = SHARED_FALLBACKS.labels("take")._value.get()
    with caplog.at_level(logging.WARNING, logger="descent.limits"):
        assert [limits.take("k", Rate(1.0, 2.0)) for _ in range(3)][:2] == [0.0, 0.0]
        assert limits.take("k", Rate(1.0, 2.0)) > 0  # still limited, by this process
    assert SHARED_FALLBACKS.labels("take")._value.get() == before + 4
    warnings = [r for r in caplog.records if "shared limits unavailable" in r.getMessage()]
    assert len(warnings) == 1  # once a minute, not once a request
    hold = limits.hold("h", 1, 60)
    assert isinstance(hold, Hold) and hold.local
    limits.release(hold)  # released where it was taken
    assert isinstance(limits.hold("h", 1, 60), Hold)


# -- on PostgreSQL ---------------------------------------------------------------------------


@pytest.fixture
def stores(postgres_url: str) -> Iterator[tuple[PostgresLimits, PostgresLimits]]:
    """Two stores on one database: what two instances have."""
    pair = (PostgresLimits(postgres_url), PostgresLimits(postgres_url))
    yield pair
    for store in pair:
        store.close()


def key(name: str) -> str:
    return f"test:{name}:{time.monotonic_ns()}"


def test_a_shared_bucket_is_the_local_token_bucket(stores: tuple[PostgresLimits, ...]) -> None:
    one, _ = stores
    k = key("bucket")
    shared = [one.take(k, SLOW) for _ in range(7)]
    local = LocalLimits()
    alone = [local.take(k, SLOW) for _ in range(7)]
    assert [w == 0 for w in shared] == [w == 0 for w in alone] == [True] * 5 + [False] * 2
    assert shared[5] == pytest.approx(100, abs=1)  # one token per 100 s
    fast = Rate(per_second=20.0, burst=1.0)
    k2 = key("refill")
    assert one.take(k2, fast) == 0
    assert 0 < one.take(k2, fast) <= 0.05
    time.sleep(0.06)
    assert one.take(k2, fast) == 0  # refilled at its rate


def test_two_instances_share_one_bucket_even_when_racing(
    stores: tuple[PostgresLimits, PostgresLimits],
) -> None:
    k = key("race")
    with ThreadPoolExecutor(16) as pool:
        waits = list(pool.map(lambda n: stores[n % 2].take(k, SLOW), range(64)))
    assert sum(w == 0 for w in waits) == 5


def test_two_instances_share_held_places_even_when_racing(
    stores: tuple[PostgresLimits, PostgresLimits],
) -> None:
    k = key("places")
    with ThreadPoolExecutor(24) as pool:
        claims = list(pool.map(lambda n: stores[n % 2].hold(k, 3, 60), range(48)))
    held = [c for c in claims if isinstance(c, Hold)]
    assert len(held) == 3
    assert all(0 < c <= 60 for c in claims if not isinstance(c, Hold))
    stores[1].release(held[0])  # released by the other instance: the place is free for all
    assert isinstance(stores[0].hold(k, 3, 60), Hold)
    assert not isinstance(stores[1].hold(k, 3, 60), Hold)


def test_the_sign_in_throttle_counts_failures_on_both_instances(
    stores: tuple[PostgresLimits, PostgresLimits],
) -> None:
    one, other = (LoginThrottle(SharedLimits(s)) for s in stores)
    name = key("ada")
    for n in range(5):
        (one, other)[n % 2].attempt(name)
    with pytest.raises(TooManyAttempts) as caught:
        other.attempt(name.upper())
    assert 290 <= caught.value.retry_after <= 301
    one.succeeded(name)
    other.attempt(name)  # a success on one instance clears the failures everywhere


def test_a_learner_holds_at_most_its_share_of_runners_across_instances(
    stores: tuple[PostgresLimits, PostgresLimits],
) -> None:
    shares = [RunnerShare(SharedLimits(s), per_client=2, timeout=0.3) for s in stores]
    client = key("user")
    entered, release = threading.Barrier(3), threading.Event()

    def run(share: RunnerShare) -> None:
        with share(client):
            entered.wait(5)
            release.wait(5)

    runs = [threading.Thread(target=run, args=(s,)) for s in shares]
    for thread in runs:
        thread.start()
    entered.wait(5)  # one run on each instance: the learner's two places
    start = time.monotonic()
    with pytest.raises(SandboxBusy) as caught, shares[0](client):
        pass
    assert time.monotonic() - start >= 0.3 and caught.value.retry_after >= 1
    with shares[1](f"{client}-someone-else"):
        pass  # other learners are not held up
    release.set()
    for thread in runs:
        thread.join()
    with shares[0](client), shares[1](client):
        pass  # both places are free again


def test_long_keys_are_stored_as_their_digest(stores: tuple[PostgresLimits, ...]) -> None:
    long = "x" * 10_000
    assert len(stored_key(long)) < 100 and stored_key("short") == "short"
    assert stores[0].take(long + key(""), SLOW) == 0


def test_rows_whose_instant_passed_are_pruned(
    stores: tuple[PostgresLimits, ...], postgres_url: str
) -> None:
    import psycopg

    one = stores[0]
    gone, kept = key("gone"), key("kept")
    assert isinstance(one.hold(gone, 1, 0.01), Hold)
    assert isinstance(one.hold(kept, 1, 60), Hold)
    time.sleep(0.05)
    one.prune()
    dsn = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        keys = {r[0] for r in conn.execute("SELECT key FROM shared_limits").fetchall()}
    assert f"{gone}#0" not in keys and f"{kept}#0" in keys


def test_an_unreachable_database_leaves_this_instance_limiting_alone() -> None:
    limits = SharedLimits(PostgresLimits("postgresql+psycopg://nobody@127.0.0.1:9/none"))
    rate = Rate(per_second=0.01, burst=2.0)
    assert [limits.take("k", rate) == 0 for _ in range(3)] == [True, True, False]
    limits.close()


def test_the_app_on_postgresql_limits_across_two_instances(
    postgres_url: str, shipped_content: ContentSet
) -> None:
    """Two apps (two instances) on one database: a learner's tight grading limit is one."""
    settings = Settings(
        database_url=postgres_url,
        secret_key="test",
        rate_limit_grading_per_user=0.01,
        rate_limit_burst_s=300,  # three at once, then one per 100 s
    )
    with (
        TestClient(create_app(settings, shipped_content)) as one,
        TestClient(create_app(settings, shipped_content)) as other,
    ):
        assert one.app.state.limits.shared  # type: ignore[attr-defined]
        name = key("learner").replace(":", "_")[-30:]
        body = {"username": name, "password": "correct horse 42"}
        assert one.post("/api/v1/users", json=body).status_code == 201
        token = other.post("/api/v1/auth/token", data=body).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        codes = [
            (one, other)[n % 2]
            .post("/api/v1/parse", json={"text": "x"}, headers=headers)
            .status_code
            for n in range(6)
        ]
    assert codes == [200, 200, 200, 429, 429, 429]
