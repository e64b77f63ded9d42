"""Speed (issue 20): index installments by status and paid date

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-04

``ix_installment_status_paid_date`` (``talentdesk/models/perf.py``): the 首页's money paid
per month reads the year's paid installments through it.
"""
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("installment", schema=None) as batch_op:
        batch_op.create_index("ix_installment_status_paid_date", ["status", "paid_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("installment", schema=None) as batch_op:
        batch_op.drop_index("ix_installment_status_paid_date")
