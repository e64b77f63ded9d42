"""人才分类认定: the recognition register (阿党人才字〔2023〕2号 第二十条、第三十六条)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

``recognition``: a talent's class or tier under a scheme, proposed, confirmed by another
user (four-eyes), optionally valid until a date, revoked with its reason (row kept).
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recognition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("talent_id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("tier", sa.String(length=60), nullable=False),
        sa.Column("body", sa.String(length=100), nullable=False),
        sa.Column("doc_no", sa.String(length=60), nullable=False),
        sa.Column("recognised_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("proposed_by", sa.String(length=40), nullable=True),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=40), nullable=True),
        sa.Column("confirmed_on", sa.Date(), nullable=True),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("revoked_by", sa.String(length=40), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["talent_id"], ["talent.id"], name=op.f("fk_recognition_talent_id_talent")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognition")),
    )
    with op.batch_alter_table("recognition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recognition_talent_id"), ["talent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recognition_scheme"), ["scheme"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("recognition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recognition_scheme"))
        batch_op.drop_index(batch_op.f("ix_recognition_talent_id"))
    op.drop_table("recognition")
