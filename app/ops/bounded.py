"""Wall-clock bounds on grading and demo runs, and the metrics of their outcomes.

Python cannot stop a running thread, so the bound is on the wait: formula and rubric grading
run in a small dedicated pool, demos in another, and the request gives up after the timeout
with a 503 problem while the abandoned call finishes on its own (the engine bounds its own
work: input length and nesting, a 0.25 s budget for the precise pass, bounded demo
parameters). The pools are fixed in size, so abandoned calls cannot pile up into unbounded
threads: once a pool is saturated new work waits in its queue, and times out in turn. Code
exercises are not wrapped: the sandbox bounds them itself (5 s wall per run, 10 s in its
queue, then a 503 ``code-runners-busy``).
"""

from __future__ import annotations

import contextvars
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from time import perf_counter
from typing import Any, TypeVar

from app.errors import DemoTimeout, GradingTimeout
from app.ops.metrics import DEMO_RUNS, DEMO_SECONDS, GRADING_SECONDS, GRADINGS
from engine.demos import DEMOS, InvalidParams, UnknownDemo
from engine.expr import ExprError
from engine.sandbox import SandboxBusy, SandboxDisabled

T = TypeVar("T")
GRADING_THREADS = 8
DEMO_THREADS = 4
RETRY_AFTER_S = 5
DRAIN_S = 30.0  # the longest bound (a demo's) a grading or demo may still be running
log = logging.getLogger("descent")
FAILURES: tuple[tuple[type[BaseException], str], ...] = (
    (SandboxBusy, "busy"),
    (SandboxDisabled, "disabled"),
    (ExprError, "invalid"),
    (InvalidParams, "invalid"),
    (UnknownDemo, "not-found"),
)


class Abandoned(Exception):
    """The call did not finish within its bound; it goes on in its pool thread."""


class BoundedPool:
    """A fixed pool of threads whose callers wait at most a given time."""

    def __init__(self, name: str, threads: int) -> None:
        self._name, self._threads = name, threads
        self._executor = self._start()
        # A forked child (tests fork; so may a process manager) inherits the pool's bookkeeping
        # but not its threads: work submitted there would wait forever. Give it a fresh pool.
        os.register_at_fork(after_in_child=self._restart)

    def _start(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(self._threads, thread_name_prefix=self._name)

    def _restart(self) -> None:
        self._executor = self._start()

    def run(self, fn: Callable[[], T], timeout: float) -> T:
        # The context (request id for log lines) goes along into the pool thread.
        future = self._executor.submit(contextvars.copy_context().run, fn)
        try:
            return future.result(timeout)
        except TimeoutError:
            if future.done():  # the call itself raised TimeoutError
                raise
            future.cancel()  # never starts if it was still queued
            raise Abandoned from None

    def drain(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the work running now to end (True when it did).
        Work still queued belongs to requests that already gave up: it never starts. Later
        work goes to a fresh pool (a test process builds and stops many apps)."""
        old, self._executor = self._executor, self._start()
        done = threading.Event()

        def wait() -> None:
            old.shutdown(wait=True, cancel_futures=True)
            done.set()

        threading.Thread(target=wait, name=f"{self._name}-drain", daemon=True).start()
        finished = done.wait(timeout)
        if not finished:
            log.warning("%s: work still running after %g s of draining", self._name, timeout)
        return finished


GRADING_POOL = BoundedPool("descent-grading", GRADING_THREADS)
DEMO_POOL = BoundedPool("descent-demo", DEMO_THREADS)


def drain(timeout: float = DRAIN_S) -> bool:
    """At shutdown: wait for both pools together, at most ``timeout`` seconds."""
    with ThreadPoolExecutor(2, thread_name_prefix="descent-drain") as waiter:
        waits = [waiter.submit(pool.drain, timeout) for pool in (GRADING_POOL, DEMO_POOL)]
        return all(wait.result() for wait in waits)


def _failure(exc: BaseException) -> str:
    return next((name for kind, name in FAILURES if isinstance(exc, kind)), "error")


def _verdict_status(result: Any) -> str:
    return str(result.status)


def graded(
    fn: Callable[[], T],
    *,
    kind: str,
    timeout: float | None,
    status_of: Callable[[T], str] = _verdict_status,
) -> T:
    """Run one grading within ``timeout`` seconds (None: inline, for sandboxed code) and
    count its outcome; raise :class:`GradingTimeout` when it takes longer."""
    start = perf_counter()
    try:
        result = fn() if timeout is None else GRADING_POOL.run(fn, timeout)
    except Abandoned:
        _count_grading(kind, "timeout", start)
        raise GradingTimeout(
            f"grading took longer than {timeout:g} s and was abandoned; shorten the input"
            " or try again later",
            retry_after=RETRY_AFTER_S,
        ) from None
    except Exception as exc:
        _count_grading(kind, _failure(exc), start)
        raise
    _count_grading(kind, status_of(result), start)
    return result


def _count_grading(kind: str, status: str, start: float) -> None:
    GRADINGS.labels(kind, status).inc()
    GRADING_SECONDS.labels(kind).observe(perf_counter() - start)


def demo_run(fn: Callable[[], T], *, demo_id: str, timeout: float) -> T:
    """Run one demo within ``timeout`` seconds and count its outcome; raise
    :class:`DemoTimeout` when it takes longer."""
    demo = demo_id if demo_id in DEMOS else "unknown"
    start = perf_counter()
    outcome = "ok"
    try:
        return DEMO_POOL.run(fn, timeout)
    except Abandoned:
        outcome = "timeout"
        raise DemoTimeout(
            f"the demo took longer than {timeout:g} s and was abandoned; lower its steps or"
            " sizes, or try again later",
            retry_after=RETRY_AFTER_S,
        ) from None
    except Exception as exc:
        outcome = _failure(exc)
        raise
    finally:
        DEMO_RUNS.labels(demo, outcome).inc()
        DEMO_SECONDS.labels(demo).observe(perf_counter() - start)
