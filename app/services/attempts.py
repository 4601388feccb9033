"""Grading of question attempts, once per submission.

A client may send the same submission twice (a double click, a key pressed twice, a retry after
a dropped connection). With an ``Idempotency-Key`` the second request gets the first verdict
back and nothing new is stored: for a signed-in learner the key is stored with the attempt
(unique per learner, so two concurrent requests cannot both insert); for anonymous use, where
nothing is stored, the process remembers the verdict for a while (:class:`ReplayCache`).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import schemas as s
from app.db.models import Attempt
from app.errors import IdempotencyKeyReused
from app.ops.bounded import graded
from app.ops.shared import runner_place
from app.services import learners
from app.services.solutions import solution_of
from content.schema import Question
from engine.kinds import get_kind, grade
from engine.sandbox import on_behalf_of

IDEMPOTENCY_KEY_PATTERN = r"^[!-~]{1,80}$"  # visible ASCII, as stored (attempts.idempotency_key)
REPLAY_TTL_S = 600.0  # anonymous verdicts are remembered this long for a repeated key
REPLAY_MAX = 10_000  # and at most this many of them (least recently stored dropped first)
REPLAYED_HEADER = "Idempotent-Replayed"


def attempt(
    *,
    question: Question,
    submission: s.AttemptCreate,
    timeout: float | None = None,
    client: str | None = None,
) -> s.VerdictBase:
    """Grade a submission to a question (within ``timeout`` seconds unless its kind is bounded
    by the sandbox; code runs on behalf of ``client``, which holds a bounded share of the code
    runners) and return the verdict with what it reveals."""
    kind = get_kind(question.kind)
    place = runner_place(client) if kind.sandboxed else nullcontext()
    with on_behalf_of(client), place:
        verdict = graded(
            lambda: grade(question, submission.answer, variant=submission.variant),
            kind=question.kind,
            timeout=None if kind.sandboxed else timeout,
        )
    read = s.verdict_read(
        verdict, kind=question.kind, question=question.id, self_rating=submission.self_rating
    )
    if read.correct:  # the worked solution is the reward for a right answer
        read.solution = solution_of(question)
    return read


@dataclass(frozen=True)
class Outcome:
    """A verdict, and whether it is the replay of an earlier request with the same key."""

    verdict: s.VerdictBase
    replayed: bool = False


def fingerprint(question_id: str, submission: s.AttemptCreate) -> str:
    """What a repeated key must repeat: the question and the whole body."""
    body = json.dumps([question_id, submission.model_dump(mode="json")], sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def idempotency_key(value: str) -> str:
    """Check an ``Idempotency-Key`` header: 1 to 80 visible ASCII characters."""
    if not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, value):
        raise ValueError(
            "an Idempotency-Key is 1 to 80 visible ASCII characters (letters, digits and"
            " punctuation, no spaces), e.g. a random UUID"
        )
    return value


def _reused(key: str, question_id: str) -> IdempotencyKeyReused:
    return IdempotencyKeyReused(
        f"the Idempotency-Key {key!r} was already used with a different body or question"
        f" than this answer to {question_id!r}: send a new key with each new submission, and"
        " repeat a key only to resend the very same request"
    )


def _same_submission(row: Attempt, question_id: str, submission: s.AttemptCreate) -> bool:
    """Whether a stored attempt is the one this body describes (the columns it keeps)."""
    return (
        row.question_id == question_id
        and row.answer == submission.answer
        and row.self_rating == submission.self_rating
        and row.hints_used == submission.hints_used
        and row.time_taken_ms == submission.time_taken_ms
    )


def _stored(session: Session, user_id: int, key: str) -> Attempt | None:
    return session.scalar(
        select(Attempt).where(Attempt.user_id == user_id, Attempt.idempotency_key == key)
    )


def _replay(row: Attempt) -> s.VerdictBase:
    verdict = s.VERDICT_MODELS[row.kind].model_validate(row.verdict)
    verdict.attempt = row.id
    return verdict


def submit_stored(
    *,
    session: Session,
    user_id: int,
    question: Question,
    topic_id: str,
    submission: s.AttemptCreate,
    key: str | None,
    grade_it: Callable[[], s.VerdictBase],
) -> Outcome:
    """Grade and store a signed-in learner's attempt with its review, once per ``key``: a key
    already stored returns that attempt's verdict (:class:`IdempotencyKeyReused` when the body
    differs); a concurrent twin that stored it first is found after the unique constraint
    refuses the second insert."""
    if key is not None:
        row = _stored(session, user_id, key)
        if row is not None:
            if not _same_submission(row, question.id, submission):
                raise _reused(key, question.id)
            return Outcome(_replay(row), replayed=True)
    verdict = grade_it()
    try:
        row = learners.record_attempt(
            session=session,
            user_id=user_id,
            question_id=question.id,
            topic_id=topic_id,
            kind=question.kind,
            submission=submission,
            verdict=verdict,
            idempotency_key=key,
        )
    except IntegrityError:
        session.rollback()
        twin = _stored(session, user_id, key) if key is not None else None
        if twin is None:
            raise
        if not _same_submission(twin, question.id, submission):
            raise _reused(key or "", question.id) from None
        return Outcome(_replay(twin), replayed=True)
    verdict.attempt = row.id
    return Outcome(verdict)


class ReplayCache:
    """Verdicts of anonymous submissions by (client, key), kept ``ttl`` seconds in this process.

    A request whose twin is still being graded waits for it rather than grading again.
    """

    def __init__(
        self,
        *,
        ttl: float = REPLAY_TTL_S,
        max_entries: int = REPLAY_MAX,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl, self.max_entries, self._clock = ttl, max_entries, clock
        self._lock = threading.Lock()
        self._done: OrderedDict[tuple[str, str], tuple[float, str, dict[str, Any]]] = OrderedDict()
        self._running: dict[tuple[str, str], tuple[str, threading.Event]] = {}

    def __len__(self) -> int:
        return len(self._done)

    def _expire(self, now: float) -> None:
        while self._done:
            slot, (stored_at, _, _) = next(iter(self._done.items()))
            if now - stored_at < self.ttl and len(self._done) <= self.max_entries:
                return
            del self._done[slot]

    def submit(
        self,
        *,
        client: str,
        key: str,
        question: Question,
        submission: s.AttemptCreate,
        grade_it: Callable[[], s.VerdictBase],
        wait: float | None = None,
    ) -> Outcome:
        slot, mark = (client, key), fingerprint(question.id, submission)
        while True:
            with self._lock:
                self._expire(self._clock())
                if slot in self._done:
                    _, seen, body = self._done[slot]
                    if seen != mark:
                        raise _reused(key, question.id)
                    verdict = s.VERDICT_MODELS[body["kind"]].model_validate(body)
                    return Outcome(verdict, replayed=True)
                running = self._running.get(slot)
                if running is None:
                    done = threading.Event()
                    self._running[slot] = (mark, done)
                    break
            seen, event = running
            if seen != mark:
                raise _reused(key, question.id)
            if not event.wait(wait):  # the twin is still grading: grade this one too
                return Outcome(grade_it())
        try:
            verdict = grade_it()
            with self._lock:
                self._done[slot] = (self._clock(), mark, verdict.model_dump(mode="json"))
                self._expire(self._clock())
            return Outcome(verdict)
        finally:
            with self._lock:
                self._running.pop(slot, None)
            done.set()
