"""Migrations upgrade and downgrade cleanly and agree with the ORM models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from app.db.base import Base
from app.db.migrate import alembic_config, current, downgrade, upgrade
from app.db.session import make_engine


def test_upgrade_then_downgrade_on_empty_db(db_url: str) -> None:
    upgrade(db_url)
    head = ScriptDirectory.from_config(alembic_config(db_url)).get_current_head()
    assert current(db_url) == head
    engine = make_engine(db_url)
    assert {"users", "attempts"} <= set(inspect(engine).get_table_names())
    engine.dispose()
    downgrade(db_url, "base")
    assert current(db_url) is None
    engine = make_engine(db_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(db_url)  # and back up again
    assert current(db_url) == head


def test_models_and_migrations_agree(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    assert diff == [], f"models changed without a migration: {diff}"


def test_revisions_are_date_prefixed() -> None:
    from app.db.migrate import migrations_dir

    names = [p.name for p in (migrations_dir() / "versions").glob("*.py")]
    assert names
    assert all(name[:4].isdigit() and name[4] == "_" for name in names), names


def test_sqlite_connection_pragmas(db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("pragmas are SQLite's; this run uses PostgreSQL")
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
    engine.dispose()


def test_foreign_keys_are_enforced(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    with engine.begin() as conn:
        try:
            conn.execute(
                text(
                    "INSERT INTO attempts (user_id, question_id, topic_id, kind, answer, status, correct,"
                    " score, verdict, hints_used, created_at) VALUES (999, 'q', 't', 'open', '\"a\"',"
                    " 'correct', true, 1.0, '{}', 0, '2026-01-01')"
                )
            )
        except Exception as exc:
            assert "foreign key" in str(exc).lower()
        else:
            raise AssertionError("an attempt of an unknown user was accepted")
    engine.dispose()
