"""Who runs next: a fair queue over the sandbox's runners.

Each run belongs to a client (a signed-in learner, an address; ``None`` for the service's own
work such as content checks and benchmarks). A keyed client holds at most ``per_client``
runs and may have at most ``per_client_waiting`` runs waiting; the queue as a whole holds at
most ``waiting`` runs. When a runner frees up it goes to the waiting run whose client holds
the fewest runs, then whose client has used the runners least lately (runner-seconds, halved
every ``HALF_LIFE_S``; a newcomer has used none), then the oldest: a client that floods waits
behind everyone else.

A run that has held its runner for a while (the sandbox says when: one second) is *set
aside*: it goes on running, bounded by its own limits, in a pool of at most ``aside`` runs,
and its runner serves the queue. Honest runs take tens of milliseconds; a run that sleeps (or
spins) until its wall limit then delays the next learner by a second, not by five.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field

HALF_LIFE_S = 60.0
MAX_CLIENTS = 4096  # usage kept for this many clients; the idlest are forgotten first


class QueueFull(Exception):
    """No room to wait: ``who`` is ``client`` (this client's share) or ``all``."""

    def __init__(self, who: str) -> None:
        super().__init__(who)
        self.who = who


@dataclass(eq=False)
class _Ticket:
    client: str | None
    order: int
    granted: bool = False
    event: threading.Event = field(default_factory=threading.Event)


class FairGate:
    """``acquire(client, timeout)`` waits for a runner (True) or gives up (False); ``release``
    hands it back.

    >>> gate = FairGate(slots=1, per_client=1, waiting=4)
    >>> gate.acquire("ann", 0.1), gate.acquire("ann", 0.05)
    (True, False)
    >>> gate.release("ann")
    """

    def __init__(
        self,
        *,
        slots: int,
        per_client: int,
        waiting: int,
        per_client_waiting: int | None = None,
        aside: int = 0,
    ) -> None:
        self.slots, self.per_client, self.waiting = slots, per_client, waiting
        self.aside_cap, self._aside = aside, 0
        self.per_client_waiting = (
            max(2, 2 * per_client) if per_client_waiting is None else per_client_waiting
        )
        self._lock = threading.Lock()
        self._free = slots
        self._running: dict[str | None, int] = {}
        self._usage: dict[str | None, tuple[float, float]] = {}  # runner-seconds, as of when
        self._queue: list[_Ticket] = []
        self._order = itertools.count()

    def _eligible(self, client: str | None) -> bool:
        return client is None or self._running.get(client, 0) < self.per_client

    def usage(self, client: str | None) -> float:
        """Runner-seconds ``client`` used lately (decayed)."""
        seconds, at = self._usage.get(client, (0.0, 0.0))
        return float(seconds * 0.5 ** ((time.monotonic() - at) / HALF_LIFE_S))

    def _grant(self, ticket: _Ticket) -> None:
        self._free -= 1
        self._running[ticket.client] = self._running.get(ticket.client, 0) + 1
        ticket.granted = True
        ticket.event.set()

    def _dispatch(self) -> None:
        while self._free > 0:
            ready = [t for t in self._queue if self._eligible(t.client)]
            if not ready:
                return
            best = min(
                ready,
                key=lambda t: (self._running.get(t.client, 0), self.usage(t.client), t.order),
            )
            self._queue.remove(best)
            self._grant(best)

    def acquire(self, client: str | None, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a runner; raise :class:`QueueFull` when there is
        no room to wait at all."""
        with self._lock:
            ticket = _Ticket(client, next(self._order))
            if not self._queue and self._free > 0 and self._eligible(client):
                self._grant(ticket)
                return True
            if len(self._queue) >= self.waiting:
                raise QueueFull("all")
            mine = sum(1 for t in self._queue if t.client == client)
            if client is not None and mine >= self.per_client_waiting:
                raise QueueFull("client")
            self._queue.append(ticket)
            self._dispatch()
        ticket.event.wait(timeout)
        with self._lock:
            if ticket.granted:
                return True
            self._queue.remove(ticket)
            return False

    def set_aside(self) -> bool:
        """Move a long run off its runner into the pool of runs set aside (when there is
        room: True), handing the runner to the queue."""
        with self._lock:
            if self._aside >= self.aside_cap:
                return False
            self._aside += 1
            self._free += 1
            self._dispatch()
            return True

    def release(self, client: str | None, aside: bool = False, seconds: float = 0.0) -> None:
        """The run of ``client`` ended after ``seconds`` (``aside``: once set aside)."""
        with self._lock:
            self._usage[client] = (self.usage(client) + seconds, time.monotonic())
            if len(self._usage) > MAX_CLIENTS:
                idlest = sorted(self._usage, key=self.usage)[: MAX_CLIENTS // 2]
                for key in idlest:
                    del self._usage[key]
            if aside:
                self._aside -= 1
            else:
                self._free += 1
            left = self._running.get(client, 0) - 1
            if left > 0:
                self._running[client] = left
            else:
                self._running.pop(client, None)
            self._dispatch()

    def snapshot(self) -> dict[str, int]:
        """Runners in use, runs set aside, runs waiting (read under the lock)."""
        with self._lock:
            return {
                "busy": self.slots - self._free,
                "aside": self._aside,
                "queued": len(self._queue),
            }

    def running(self, client: str | None) -> int:
        """Runners ``client`` holds now."""
        with self._lock:
            return self._running.get(client, 0)
