"""a voucher (凭证号) pays exactly one installment

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

A partial unique index on ``installment.voucher_no`` over the payments themselves
(reversal entries, which carry the reversal's own voucher, are left out).

Existing data: a database may already hold one voucher on several installments (the
re-import defect of issue 15). Those rows are paid money and are never edited; the
migration marks every such installment but the first (lowest id) with
``voucher_duplicate = 1``, which takes it out of the index, so the database opens and
the office can find them (``SELECT … WHERE voucher_duplicate = 1``) and reverse what
was paid twice. New code never sets the flag: every new payment is checked.
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

WHERE = "voucher_no IS NOT NULL AND reverses_id IS NULL AND voucher_duplicate IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("installment") as batch:
        batch.add_column(sa.Column("voucher_duplicate", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE installment SET voucher_duplicate = 1 WHERE voucher_no IS NOT NULL AND reverses_id IS NULL "
        "AND EXISTS (SELECT 1 FROM installment AS first WHERE first.voucher_no = installment.voucher_no "
        "AND first.reverses_id IS NULL AND first.id < installment.id)")
    op.create_index("ux_installment_voucher_no", "installment", ["voucher_no"], unique=True,
                    sqlite_where=sa.text(WHERE), postgresql_where=sa.text(WHERE))


def downgrade() -> None:
    op.drop_index("ux_installment_voucher_no", table_name="installment")
    with op.batch_alter_table("installment") as batch:
        batch.drop_column("voucher_duplicate")
