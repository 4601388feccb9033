"""Accounts and bearer tokens: argon2 password hashes, random tokens stored as SHA-256."""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections import defaultdict, deque
from datetime import UTC, datetime, timedelta

from pwdlib import PasswordHash
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.models import ApiToken, User
from app.errors import TooManyAttempts, Unauthorized, UsernameTaken

PASSWORD_HASH = PasswordHash.recommended()  # argon2id
USERNAME_RULE = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")
MIN_PASSWORD, MAX_PASSWORD = 10, 128
PASSWORD_RULES = (
    f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters, at least one letter and one "
    "digit or symbol, and must not contain the username"
)
FAILURE_LIMIT, FAILURE_WINDOW_S = 5, 300
# Hash a dummy password when the user does not exist so both paths take the same time.
_DUMMY_HASH = PASSWORD_HASH.hash("not-a-real-password-0")


def password_problems(username: str, password: str) -> list[str]:
    """Return what is wrong with a password (empty when it is acceptable)."""
    problems = []
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        problems.append(f"use {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    if not re.search(r"[A-Za-z]", password) or not re.search(r"[^A-Za-z]", password):
        problems.append("mix letters with at least one digit or symbol")
    if username and username.lower() in password.lower():
        problems.append("do not include the username")
    return problems


def create_user(*, session: Session, username: str, password: str) -> User:
    user = User(username=username, password_hash=PASSWORD_HASH.hash(password))
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise UsernameTaken(f"the username {username!r} is taken; choose another") from None
    return user


class LoginThrottle:
    """Per-username failure window (per process): too many failures answer 429 for a while."""

    def __init__(self, limit: int = FAILURE_LIMIT, window_s: float = FAILURE_WINDOW_S) -> None:
        self.limit, self.window_s = limit, window_s
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, username: str) -> None:
        now = time.monotonic()
        with self._lock:
            failures = self._failures[username.lower()]
            while failures and now - failures[0] > self.window_s:
                failures.popleft()
            if len(failures) >= self.limit:
                retry = int(self.window_s - (now - failures[0])) + 1
                raise TooManyAttempts(
                    f"too many failed sign-ins for this username; retry in {retry} s",
                    retry_after=retry,
                )

    def fail(self, username: str) -> None:
        with self._lock:
            self._failures[username.lower()].append(time.monotonic())

    def clear(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username.lower(), None)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(
    *, session: Session, throttle: LoginThrottle, username: str, password: str, ttl: timedelta
) -> tuple[str, datetime]:
    """Check the credentials and issue a token; the same error whether or not the user exists."""
    throttle.check(username)
    user = session.scalar(select(User).where(User.username == username))
    valid = PASSWORD_HASH.verify(password, user.password_hash if user else _DUMMY_HASH)
    if user is None or not valid:
        throttle.fail(username)
        raise Unauthorized("wrong username or password")
    throttle.clear(username)
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + ttl
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=expires))
    session.commit()
    return token, expires


def user_for_token(*, session: Session, token: str) -> User:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    now = datetime.now(UTC)
    if row is None or row.revoked_at is not None or _aware(row.expires_at) <= now:
        raise Unauthorized("the token is unknown, expired or revoked; sign in again")
    user = session.get(User, row.user_id)
    if user is None:
        raise Unauthorized("the account no longer exists")
    return user


def revoke(*, session: Session, token: str) -> None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        session.commit()


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
