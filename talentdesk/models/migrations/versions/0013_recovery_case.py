"""在岗追回: recovery cases split back to funding levels (条例 第六十五条)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

``recovery_case`` (basis, installments concerned, the engine's suggestion snapshot, the
office's decided amount and 文号), ``recovery_case_level`` (the decided amount split back to
each funding level), ``recovery_plan_item`` (repayment plan), ``recovery_repayment`` and
``recovery_repayment_level`` (each repayment split by level).
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

NOW = sa.text("(CURRENT_TIMESTAMP)")


def _fen():
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "recovery_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("talent_id", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(length=12), nullable=False),
        sa.Column("departure_id", sa.Integer(), nullable=True),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("installment_ids", sa.Text(), nullable=False),
        sa.Column("received_fen", _fen(), nullable=False),
        sa.Column("suggestion_status", sa.String(length=12), nullable=False),
        sa.Column("suggested_fen", _fen(), nullable=True),
        sa.Column("articles", sa.Text(), nullable=True),
        sa.Column("suggestion", sa.Text(), nullable=False),
        sa.Column("proposed_by", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=12), server_default="open", nullable=False),
        sa.Column("decided_fen", _fen(), nullable=True),
        sa.Column("decision_doc_no", sa.String(length=60), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=40), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("cancelled_by", sa.String(length=40), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=NOW, nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("decided_fen IS NULL OR decided_fen >= 0",
                           name=op.f("ck_recovery_case_decided_not_negative")),
        sa.ForeignKeyConstraint(["talent_id"], ["talent.id"], name=op.f("fk_recovery_case_talent_id_talent")),
        sa.ForeignKeyConstraint(["departure_id"], ["departure.id"],
                                name=op.f("fk_recovery_case_departure_id_departure")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_case")),
    )
    with op.batch_alter_table("recovery_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_case_talent_id"), ["talent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recovery_case_status"), ["status"], unique=False)
    op.create_table(
        "recovery_case_level",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("paid_fen", _fen(), nullable=False),
        sa.Column("amount_fen", _fen(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["recovery_case.id"], ondelete="CASCADE",
                                name=op.f("fk_recovery_case_level_case_id_recovery_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_case_level")),
        sa.UniqueConstraint("case_id", "level", name=op.f("uq_recovery_case_level_case_id_level")),
    )
    with op.batch_alter_table("recovery_case_level", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_case_level_case_id"), ["case_id"], unique=False)
    op.create_table(
        "recovery_plan_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount_fen", _fen(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["recovery_case.id"], ondelete="CASCADE",
                                name=op.f("fk_recovery_plan_item_case_id_recovery_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_plan_item")),
        sa.UniqueConstraint("case_id", "seq", name=op.f("uq_recovery_plan_item_case_id_seq")),
    )
    with op.batch_alter_table("recovery_plan_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_plan_item_case_id"), ["case_id"], unique=False)
    op.create_table(
        "recovery_repayment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", _fen(), nullable=False),
        sa.Column("repaid_on", sa.Date(), nullable=False),
        sa.Column("voucher_no", sa.String(length=60), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=NOW, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["recovery_case.id"],
                                name=op.f("fk_recovery_repayment_case_id_recovery_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_repayment")),
    )
    with op.batch_alter_table("recovery_repayment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_repayment_case_id"), ["case_id"], unique=False)
    op.create_table(
        "recovery_repayment_level",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repayment_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("amount_fen", _fen(), nullable=False),
        sa.ForeignKeyConstraint(["repayment_id"], ["recovery_repayment.id"], ondelete="CASCADE",
                                name=op.f("fk_recovery_repayment_level_repayment_id_recovery_repayment")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_repayment_level")),
        sa.UniqueConstraint("repayment_id", "level", name=op.f("uq_recovery_repayment_level_repayment_id_level")),
    )
    with op.batch_alter_table("recovery_repayment_level", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_repayment_level_repayment_id"), ["repayment_id"],
                              unique=False)


def downgrade() -> None:
    for table in ("recovery_repayment_level", "recovery_repayment", "recovery_plan_item", "recovery_case_level",
                  "recovery_case"):
        op.drop_table(table)
