"""link events about many talents (import chunks) to each talent

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_event_talent",
        sa.Column("talent_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("audit_event.id"), nullable=False, autoincrement=False),
        sa.PrimaryKeyConstraint("talent_id", "event_id"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("audit_event_talent")
