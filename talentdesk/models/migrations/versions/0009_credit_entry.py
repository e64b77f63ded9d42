"""失信名单: the credit list (条例 第六十六条)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

``credit_entry``: a talent or an employer (exactly one) recorded as 失信 from a date to a
date (or open-ended), with its basis and 文号; lifted entries keep their row.
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("talent_id", sa.Integer(), nullable=True),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("doc_no", sa.String(length=60), nullable=False),
        sa.Column("recorded_by", sa.String(length=40), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("lifted_on", sa.Date(), nullable=True),
        sa.Column("lifted_by", sa.String(length=40), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("(talent_id IS NULL) <> (employer_id IS NULL)", name=op.f("ck_credit_entry_one_subject")),
        sa.ForeignKeyConstraint(["talent_id"], ["talent.id"], name=op.f("fk_credit_entry_talent_id_talent")),
        sa.ForeignKeyConstraint(["employer_id"], ["employer.id"], name=op.f("fk_credit_entry_employer_id_employer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_entry")),
    )
    with op.batch_alter_table("credit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_entry_talent_id"), ["talent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_entry_employer_id"), ["employer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("credit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_entry_employer_id"))
        batch_op.drop_index(batch_op.f("ix_credit_entry_talent_id"))
    op.drop_table("credit_entry")
