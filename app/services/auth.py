"""Accounts and bearer tokens: argon2 password hashes, random tokens stored as SHA-256."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from datetime import UTC, datetime, timedelta

from pwdlib import PasswordHash
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.models import ApiToken, User
from app.errors import TooManyAttempts, Unauthorized, UsernameTaken
from app.ops.shared import Hold, LimitStore, LocalLimits

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
    """At most ``limit`` failed sign-ins per username in any ``window_s`` seconds; beyond that
    429 until the oldest failure is ``window_s`` old.

    Each attempt holds one of the username's ``limit`` places for ``window_s`` seconds before
    its password is checked (:meth:`attempt`); a failure leaves the place held, a success frees
    them all (:meth:`succeeded`). Holding before checking means that concurrent guesses cannot
    slip past the limit together. On PostgreSQL the places live in the table every instance
    shares (``app/ops/shared.py``), so failures on every instance count toward one limit.
    """

    def __init__(
        self,
        store: LimitStore | None = None,
        *,
        limit: int = FAILURE_LIMIT,
        window_s: float = FAILURE_WINDOW_S,
    ) -> None:
        self.store = store if store is not None else LocalLimits()
        self.limit, self.window_s = limit, window_s

    @staticmethod
    def _key(username: str) -> str:
        name = username.lower()
        if len(name) > 64:  # no account has such a name; keep the key small all the same
            name = "sha256:" + hashlib.sha256(name.encode()).hexdigest()
        return f"signin:{name}"

    def attempt(self, username: str) -> Hold:
        """Hold a place for this attempt, or raise :class:`TooManyAttempts` with Retry-After."""
        claim = self.store.hold(self._key(username), self.limit, self.window_s)
        if isinstance(claim, Hold):
            return claim
        retry = max(1, math.ceil(claim))
        raise TooManyAttempts(
            f"too many failed sign-ins for this username; retry in {retry} s", retry_after=retry
        )

    def succeeded(self, username: str) -> None:
        """The password was right: forget the username's failures."""
        self.store.clear(self._key(username), self.limit)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(
    *, session: Session, throttle: LoginThrottle, username: str, password: str, ttl: timedelta
) -> tuple[str, datetime]:
    """Check the credentials and issue a token; the same error whether or not the user exists."""
    throttle.attempt(username)  # a failure keeps the place it holds for the throttle's window
    user = session.scalar(select(User).where(User.username == username))
    valid = PASSWORD_HASH.verify(password, user.password_hash if user else _DUMMY_HASH)
    if user is None or not valid:
        raise Unauthorized("wrong username or password")
    throttle.succeeded(username)
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
