"""`descent db upgrade` while the previous release serves: its models keep working.

The previous release is represented by its ORM models, frozen in ``previous_models.py`` at its
migration head. Against a database migrated to today's head they must read and write as before,
and the upgrade must complete while one of their transactions is open. A migration that drops,
renames or retypes what they use, or adds a column they cannot insert without, fails here.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from app.db import models as current
from app.db.migrate import alembic_config, upgrade
from app.db.migrate import current as revision_of
from app.db.session import make_engine
from tests.ops import previous_models as previous

UPGRADE_BOUND_S = 60


def _diff(engine: Engine, metadata: Any) -> list[Any]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_the_frozen_models_are_the_previous_release() -> None:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = scripts.get_revision(scripts.get_current_head())
    assert head is not None
    assert head.down_revision == previous.REVISION, (
        f"the newest migration ({head.revision}) follows {head.down_revision}, but"
        f" tests/ops/previous_models.py is the release at {previous.REVISION}: replace it with"
        f" app/db/models.py as of {head.down_revision} (see its docstring)"
    )


def test_the_frozen_models_match_their_own_migration(db_url: str) -> None:
    upgrade(db_url, previous.REVISION)
    engine = make_engine(db_url)
    try:
        assert _diff(engine, previous.Base.metadata) == []
    finally:
        engine.dispose()


def _additive(engine: Engine, change: Any) -> bool:
    """Whether one difference (newest schema against the previous models) is an addition the
    previous release cannot notice."""
    kind = change[0] if isinstance(change, tuple) else None
    if kind == "remove_table":  # a new table
        return True
    if kind == "remove_index":  # a new index; a unique one could refuse the old inserts
        return not change[1].unique
    if kind == "remove_column":  # a new column: the old inserts leave it out
        _, _, table, column = change
        info = {c["name"]: c for c in inspect(engine).get_columns(table)}[column.name]
        return bool(info["nullable"] or info.get("default") is not None)
    return False


def test_migrations_since_the_previous_release_only_add(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        changes = _diff(engine, previous.Base.metadata)
        breaking = [c for c in changes if not _additive(engine, c)]
    finally:
        engine.dispose()
    assert breaking == [], f"not additive for the previous release: {breaking}"


def _write_as_previous_release(session: Session, name: str) -> dict[str, int]:
    now = datetime.now(UTC)
    user = previous.User(username=name, password_hash="argon2-hash")
    session.add(user)
    session.flush()
    session.add(previous.ApiToken(user_id=user.id, token_hash=name.ljust(64, "0"), expires_at=now))
    attempt = previous.Attempt(
        user_id=user.id,
        question_id="mse-compute-batch",
        topic_id="mse",
        kind="numeric",
        answer="0.375",
        status="correct",
        correct=True,
        score=1.0,
        verdict={"status": "correct"},
    )
    interview = previous.Interview(
        user_id=user.id, topics=["mse"], minutes=10, question_ids=["mse-why-square"]
    )
    session.add_all([attempt, interview])
    session.flush()
    session.add(
        previous.InterviewTurn(
            interview_id=interview.id,
            seq=0,
            kind="question",
            question_id="mse-why-square",
            prompt="Why square the residuals?",
        )
    )
    card = previous.ReviewCard(
        user_id=user.id, question_id="mse-compute-batch", topic_id="mse", state={}, due=now
    )
    session.add(card)
    session.flush()
    session.add(
        previous.ReviewLog(
            card_id=card.id,
            user_id=user.id,
            question_id="mse-compute-batch",
            rating=3,
            source="attempt",
        )
    )
    session.commit()
    return {"user": user.id, "attempt": attempt.id, "interview": interview.id}


def _read_as_previous_release(session: Session, ids: dict[str, int]) -> None:
    user = session.get(previous.User, ids["user"])
    assert user is not None and [a.id for a in user.attempts] == [ids["attempt"]]
    token = session.scalar(
        select(previous.ApiToken).where(previous.ApiToken.user_id == ids["user"])
    )
    assert token is not None and token.revoked_at is None
    latest = session.scalars(
        select(previous.Attempt)
        .where(previous.Attempt.user_id == ids["user"])
        .order_by(previous.Attempt.created_at.desc())
    ).all()
    assert latest[0].verdict == {"status": "correct"}
    interview = session.get(previous.Interview, ids["interview"])
    assert interview is not None and [t.seq for t in interview.turns] == [0]
    due = session.scalars(
        select(previous.ReviewCard).where(
            previous.ReviewCard.user_id == ids["user"],
            previous.ReviewCard.due <= datetime.now(UTC) + timedelta(days=1),
        )
    ).all()
    assert [len(c.logs) for c in due] == [1]


def test_the_previous_release_serves_through_the_upgrade(db_url: str) -> None:
    upgrade(db_url, previous.REVISION)
    old = make_engine(db_url)
    try:
        with Session(old) as session:
            ids = _write_as_previous_release(session, "before_upgrade")
        reading = Session(old)  # a request of the old release, in the middle of its work
        _read_as_previous_release(reading, ids)

        upgraded = threading.Thread(target=upgrade, args=(db_url,))
        upgraded.start()
        upgraded.join(UPGRADE_BOUND_S)
        assert not upgraded.is_alive(), "the upgrade waited on the old release's transaction"
        head = ScriptDirectory.from_config(alembic_config(db_url)).get_current_head()
        assert revision_of(db_url) == head

        _read_as_previous_release(reading, ids)  # the same transaction goes on
        reading.close()
        with Session(old) as session:  # and new requests of the old release work
            again = _write_as_previous_release(session, "after_upgrade")
            _read_as_previous_release(session, again)
            session.delete(session.get(previous.User, ids["user"]))  # DELETE /me
            session.commit()
            assert session.get(previous.Attempt, ids["attempt"]) is None
    finally:
        old.dispose()

    new = make_engine(db_url)  # and today's release reads what the old one wrote
    try:
        with Session(new) as session:
            rows = session.scalars(
                select(current.Attempt).where(current.Attempt.user_id == again["user"])
            ).all()
            assert [a.question_id for a in rows] == ["mse-compute-batch"]
    finally:
        new.dispose()
