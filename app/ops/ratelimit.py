"""Per-client token buckets on the grading and demo endpoints (429 problem with Retry-After).

A client is the signed-in learner (by user id) or, when anonymous, its address: the TCP peer,
or with ``DESCENT_TRUST_PROXY=N`` the N-th address from the right of X-Forwarded-For (the one
the outermost of N trusted proxies saw). Buckets live in the process, so each instance behind
a load balancer limits on its own.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from starlette.types import Scope

from app.api.deps import OptionalUser
from app.errors import RateLimited
from app.ops.metrics import RATE_LIMITED
from app.settings import Settings

MAX_KEYS = 100_000  # buckets kept before full (idle) ones are dropped
MAX_ADDRESS = 64


@dataclass(frozen=True)
class Rate:
    per_second: float
    burst: float  # bucket size in tokens: how many requests may come at once


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

    def _prune(self, now: float) -> None:
        self._buckets = {k: v for k, v in self._buckets.items() if v[2] > now}
        if len(self._buckets) > self._max_keys:  # a flood of distinct keys: start over
            self._buckets.clear()


def client_address(scope: Scope, trust_proxy: int) -> str:
    """The client's address: the TCP peer, or the one ``trust_proxy`` proxies vouch for."""
    if trust_proxy:
        hops = [
            hop.strip()
            for name, value in scope.get("headers", ())
            if name == b"x-forwarded-for"
            for hop in value.decode("latin-1").split(",")
            if hop.strip()
        ]
        if hops:
            return hops[-min(trust_proxy, len(hops))][:MAX_ADDRESS]
    client = scope.get("client")
    return client[0] if client else "unknown"


class RateLimiter:
    """The rates of every (bucket, client kind) and the buckets they fill."""

    def __init__(self, rates: dict[tuple[str, str], Rate], *, trust_proxy: int = 0) -> None:
        self.rates = rates
        self.trust_proxy = trust_proxy
        self.buckets = TokenBuckets()

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter | None:
        if not settings.rate_limit_enabled:
            return None
        burst = settings.rate_limit_burst_s

        def rate(per_second: float) -> Rate:
            return Rate(per_second, max(1.0, per_second * burst))

        rates = {
            ("grading", "user"): rate(settings.rate_limit_grading_per_user),
            ("grading", "ip"): rate(settings.rate_limit_grading_per_ip),
            ("demos", "user"): rate(settings.rate_limit_demos_per_user),
            ("demos", "ip"): rate(settings.rate_limit_demos_per_ip),
        }
        return cls(rates, trust_proxy=settings.trust_proxy)

    def check(self, bucket: str, *, user_id: int | None, scope: Scope) -> None:
        """Take a token for this client, or raise :class:`RateLimited` with Retry-After."""
        who = "user" if user_id is not None else "ip"
        key = user_id if user_id is not None else client_address(scope, self.trust_proxy)
        wait = self.buckets.take((bucket, who, key), self.rates[bucket, who])
        if wait:
            RATE_LIMITED.labels(bucket, who).inc()
            retry = max(1, math.ceil(wait))
            raise RateLimited(
                f"too many {bucket} requests from this {'account' if who == 'user' else 'address'};"
                f" retry in {retry} s",
                retry_after=retry,
            )


def _limit(bucket: str) -> Any:
    def rate_limit(request: Request, user: OptionalUser) -> None:
        limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
        if limiter is not None:
            limiter.check(bucket, user_id=user.id if user else None, scope=request.scope)

    return Depends(rate_limit)


GradingLimit = _limit("grading")  # dependencies=[GradingLimit] on a route
DemoLimit = _limit("demos")
