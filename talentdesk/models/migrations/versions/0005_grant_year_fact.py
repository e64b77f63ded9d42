"""facts per service year of a grant (months served, on-site days, return to post)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grant_year_fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["grant_id"], ["benefit_grant.id"], ondelete="CASCADE",
                                name=op.f("fk_grant_year_fact_grant_id_benefit_grant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_year_fact")),
        sa.UniqueConstraint("grant_id", "year", "key", name=op.f("uq_grant_year_fact_grant_id_year_key")),
    )
    with op.batch_alter_table("grant_year_fact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grant_year_fact_grant_id"), ["grant_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("grant_year_fact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_year_fact_grant_id"))
    op.drop_table("grant_year_fact")
