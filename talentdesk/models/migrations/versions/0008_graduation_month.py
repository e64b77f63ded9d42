"""毕业时间 as a date or a year-month

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

``talent.graduation_date`` becomes ISO text (String 10): ``2020-07-15`` or, where the roster
gives only the month, ``2020-07`` — a year-month is its own value, not a made-up first of
the month (``talentdesk.models.base.DateOrMonth``). Existing dates keep their day.
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("talent", "graduation_date", type_=sa.String(10),
                        postgresql_using="to_char(graduation_date, 'YYYY-MM-DD')")
        return
    # SQLite: dates are ISO text already and a column declared DATE keeps '2020-07' as text
    # (not a number), so nothing changes on disk; recreating the talent table, which every
    # record points at, would gain nothing


def downgrade() -> None:
    # a year-month has no day: it becomes the first of the month only on the way back down
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE talent SET graduation_date = graduation_date || '-01' WHERE length(graduation_date) = 7")
        op.alter_column("talent", "graduation_date", type_=sa.Date(),
                        postgresql_using="graduation_date::date")
        return
    op.execute("UPDATE talent SET graduation_date = graduation_date || '-01' WHERE length(graduation_date) = 7")
