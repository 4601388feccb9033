"""shared limits: token buckets and held slots that every instance sees

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10 12:00:00

Additive only: instances of the previous release ignore the new table. On PostgreSQL the table
is UNLOGGED: it holds rate-limit and throttle state that may be lost on a crash (the limits then
start again from full buckets), and writing it costs no WAL flush.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    unlogged = ["UNLOGGED"] if op.get_bind().dialect.name == "postgresql" else []
    op.create_table(
        "shared_limits",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("free_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_shared_limits")),
        prefixes=unlogged,
    )


def downgrade() -> None:
    op.drop_table("shared_limits")
