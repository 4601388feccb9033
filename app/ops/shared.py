"""Protection state: token buckets and held slots, in this process or shared by every instance.

Two primitives cover every limit Descent enforces per client:

- ``take(key, rate)``: a token bucket (the grading and demo rate limits). 0.0 when a token was
  taken, else the seconds until one is available.
- ``hold(key, slots, seconds)``: claim one of ``slots`` places for at most ``seconds`` (a failed
  sign-in occupies a place for the throttle's window; a code run occupies one of a learner's
  runner places until it ends). A :class:`Hold` when a place was free, else the seconds until
  the first one frees. ``release`` gives a place back early, ``clear`` frees every place of a key.

:class:`LocalLimits` keeps them in this process (SQLite: one machine, usually one process).
With PostgreSQL, :func:`limits_for` returns a :class:`SharedLimits`: the same primitives on a
table of the database every instance already uses (``app/ops/shared_pg.py``), one statement per
check, falling back to this process's own limits while the database cannot answer — a brief
outage then weakens the limits to per-instance ones instead of refusing every request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from prometheus_client import Counter

from app.settings import Settings
from engine.sandbox import SandboxBusy

MAX_KEYS = 100_000  # buckets (and held keys) kept before full (idle) ones are dropped
WARN_EVERY_S = 60.0
log = logging.getLogger("descent.limits")
SHARED_FALLBACKS = Counter(
    "descent_shared_limits_fallbacks",
    "Checks answered by this instance's own limits because the shared store failed",
    ["operation"],
)


@dataclass(frozen=True)
class Rate:
    per_second: float
    burst: float  # bucket size in tokens: how many requests may come at once


@dataclass(frozen=True)
class Hold:
    """A claimed place: ``key``'s place ``slot`` until ``free_at`` on its store's clock."""

    key: str
    slot: str
    free_at: float
    local: bool = True


class LimitStore(Protocol):
    shared: bool

    def take(self, key: str, rate: Rate) -> float: ...

    def hold(self, key: str, slots: int, seconds: float) -> Hold | float: ...

    def release(self, hold: Hold) -> None: ...

    def clear(self, key: str, slots: int) -> None: ...

    def close(self) -> None: ...


class TokenBuckets:
    """Token buckets by key; ``take`` is thread-safe and O(1)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS):
        self._clock = clock
        self._max_keys = max_keys
        self._lock = threading.Lock()
        self._buckets: dict[Hashable, tuple[float, float, float]] = {}  # tokens, at, full at

    def take(self, key: Hashable, rate: Rate) -> float:
        """Take a token: 0.0 when granted, else the seconds until one is available."""
        now = self._clock()
        with self._lock:
            tokens, at, _ = self._buckets.get(key, (rate.burst, now, now))
            tokens = min(rate.burst, tokens + (now - at) * rate.per_second)
            if tokens >= 1:
                tokens, wait = tokens - 1, 0.0
            else:
                wait = (1 - tokens) / rate.per_second
            self._buckets[key] = (tokens, now, now + (rate.burst - tokens) / rate.per_second)
            if len(self._buckets) > self._max_keys:
                self._prune(now)
            return wait

    def clear(self, key: Hashable) -> None:
        with self._lock:
            self._buckets.pop(key, None)

    def _prune(self, now: float) -> None:
        self._buckets = {k: v for k, v in self._buckets.items() if v[2] > now}
        if len(self._buckets) > self._max_keys:  # a flood of distinct keys: start over
            self._buckets.clear()


class LocalLimits:
    """Buckets and held places in this process (thread-safe)."""

    shared = False

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS):
        self._clock = clock
        self._max_keys = max_keys
        self.buckets = TokenBuckets(clock=clock, max_keys=max_keys)
        self._lock = threading.Lock()
        self._held: dict[str, list[float]] = {}  # key -> free_at of each occupied place

    def take(self, key: str, rate: Rate) -> float:
        return self.buckets.take(key, rate)

    def hold(self, key: str, slots: int, seconds: float) -> Hold | float:
        now = self._clock()
        with self._lock:
            held = [t for t in self._held.get(key, ()) if t > now]
            if len(held) >= slots:
                self._held[key] = held
                return min(held) - now
            held.append(now + seconds)
            self._held[key] = held
            if len(self._held) > self._max_keys:
                self._held = {k: v for k, v in self._held.items() if max(v, default=0) > now}
            return Hold(key, str(len(held) - 1), now + seconds)

    def release(self, hold: Hold) -> None:
        with self._lock:
            held = self._held.get(hold.key)
            if held and hold.free_at in held:
                held.remove(hold.free_at)

    def clear(self, key: str, slots: int) -> None:
        with self._lock:
            self._held.pop(key, None)

    def close(self) -> None:
        """Nothing to release."""


class SharedLimits:
    """A shared store (PostgreSQL) with this process's own limits as the fallback."""

    shared = True

    def __init__(self, store: LimitStore, *, fallback: LocalLimits | None = None) -> None:
        self.store = store
        self.fallback = fallback or LocalLimits()
        self._warned_at = -WARN_EVERY_S

    def _failed(self, operation: str, exc: Exception) -> None:
        SHARED_FALLBACKS.labels(operation).inc()
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY_S:
            self._warned_at = now
            log.warning(
                "shared limits unavailable (%s: %s); this instance limits on its own until the"
                " database answers (is `descent db upgrade` done?)",
                type(exc).__name__,
                str(exc).splitlines()[0] if str(exc) else "",
            )

    def take(self, key: str, rate: Rate) -> float:
        try:
            return self.store.take(key, rate)
        except Exception as exc:  # a database error must not fail the request it protects
            self._failed("take", exc)
            return self.fallback.take(key, rate)

    def hold(self, key: str, slots: int, seconds: float) -> Hold | float:
        try:
            return self.store.hold(key, slots, seconds)
        except Exception as exc:
            self._failed("hold", exc)
            return self.fallback.hold(key, slots, seconds)

    def release(self, hold: Hold) -> None:
        try:
            (self.fallback if hold.local else self.store).release(hold)
        except Exception as exc:  # the place frees itself at free_at
            self._failed("release", exc)

    def clear(self, key: str, slots: int) -> None:
        self.fallback.clear(key, slots)
        try:
            self.store.clear(key, slots)
        except Exception as exc:
            self._failed("clear", exc)

    def close(self) -> None:
        self.store.close()


def limits_for(settings: Settings) -> LimitStore:
    """Shared limits on PostgreSQL; this process's own on SQLite (one machine)."""
    if settings.database_url.startswith("postgresql"):
        from app.ops.shared_pg import PostgresLimits

        return SharedLimits(PostgresLimits(settings.database_url))
    return LocalLimits()


class RunnerShare:
    """At most ``per_client`` code runs of one client at once across every instance.

    Each instance's sandbox already caps a client within the instance (``engine/sandbox/fair.py``);
    this caps it across instances. Wrap a client's sandboxed grading in ``with share(client):``.
    A place is held at most ``hold_s`` seconds (it frees itself if its instance dies mid-run);
    a client at its cap waits up to ``timeout`` seconds for one of its runs to end, then gets
    :class:`SandboxBusy` (503 ``code-runners-busy``, as when one instance's queue is full).
    """

    def __init__(
        self,
        store: LimitStore,
        *,
        per_client: int,
        timeout: float = 10.0,
        hold_s: float = 60.0,
        retry_after: int = 5,
        poll_s: float = 0.005,
    ) -> None:
        self.store, self.per_client = store, per_client
        self.timeout, self.hold_s, self.retry_after, self.poll_s = (
            timeout,
            hold_s,
            retry_after,
            poll_s,
        )

    @contextmanager
    def __call__(self, client: str | None) -> Iterator[None]:
        if client is None or not self.store.shared:  # one process: the sandbox's own cap holds
            yield
            return
        key = f"runners:{client}"
        deadline = time.monotonic() + self.timeout
        poll = self.poll_s
        while True:
            claim = self.store.hold(key, self.per_client, self.hold_s)
            if isinstance(claim, Hold):
                break
            left = deadline - time.monotonic()
            if left <= 0:
                raise SandboxBusy(
                    "this client's code runners are all in use (counted across every instance)",
                    self.retry_after,
                )
            time.sleep(min(left, poll))
            poll = min(poll * 2, 0.1)  # honest runs take ~10 ms: look again soon, then less
        try:
            yield
        finally:
            self.store.release(claim)


_installed: RunnerShare | None = None  # the serving app's, set by app.ops.install


def use_runner_share(share: RunnerShare | None) -> None:
    """Make ``share`` the one :func:`runner_place` holds (the app being served installs its own)."""
    global _installed
    _installed = share


@contextmanager
def runner_place(client: str | None) -> Iterator[None]:
    """Hold one of ``client``'s code-runner places across every instance while a sandboxed
    grading runs (nothing to hold on SQLite or before an app is installed)."""
    share = _installed
    if share is None:
        yield
        return
    with share(client):
        yield
