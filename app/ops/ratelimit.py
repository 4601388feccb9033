"""Per-client token buckets on the grading and demo endpoints (429 problem with Retry-After).

A client is the signed-in learner (by user id) or, when anonymous, its address: the TCP peer,
or with ``DESCENT_TRUST_PROXY=N`` the N-th address from the right of X-Forwarded-For (the one
the outermost of N trusted proxies saw). The buckets live in the limits store
(``app/ops/shared.py``): this process's own on SQLite, one table every instance shares on
PostgreSQL, so N instances behind a load balancer allow the configured rate, not N times it.
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import Depends, Request
from starlette.types import Scope

from app.api.deps import OptionalUser
from app.errors import RateLimited
from app.ops.metrics import RATE_LIMITED
from app.ops.shared import LimitStore, LocalLimits, Rate, TokenBuckets
from app.settings import Settings

__all__ = [
    "DemoLimit",
    "GradingLimit",
    "Rate",
    "RateLimiter",
    "TokenBuckets",
    "client_address",
]
MAX_ADDRESS = 64


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

    def __init__(
        self,
        rates: dict[tuple[str, str], Rate],
        *,
        trust_proxy: int = 0,
        store: LimitStore | None = None,
    ) -> None:
        self.rates = rates
        self.trust_proxy = trust_proxy
        self.store = store if store is not None else LocalLimits()

    @classmethod
    def from_settings(
        cls, settings: Settings, store: LimitStore | None = None
    ) -> RateLimiter | None:
        """The configured rates on ``store`` (default: this process's own buckets)."""
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
        return cls(rates, trust_proxy=settings.trust_proxy, store=store)

    def check(self, bucket: str, *, user_id: int | None, scope: Scope) -> None:
        """Take a token for this client, or raise :class:`RateLimited` with Retry-After."""
        who = "user" if user_id is not None else "ip"
        key = user_id if user_id is not None else client_address(scope, self.trust_proxy)
        wait = self.store.take(f"rate:{bucket}:{who}:{key}", self.rates[bucket, who])
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
