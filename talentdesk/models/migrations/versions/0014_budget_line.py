"""人才开发资金预算: budget lines and their amendments (阿拉善盟办法 第四十八条)

Revision ID: 0014
Revises: 0015
Create Date: 2026-12-04

``budget_line``: the appropriation of one (year, funding level, funding source);
``budget_amendment``: every setting and amendment of a line (before, after, 文号, who, when).
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0015"
branch_labels = None
depends_on = None

FEN = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "budget_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("amount_fen", FEN, nullable=False),
        sa.Column("doc_no", sa.String(length=60), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_line")),
        sa.UniqueConstraint("year", "level", "source", name=op.f("uq_budget_line_year_level_source")),
    )
    with op.batch_alter_table("budget_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_line_year"), ["year"], unique=False)
    op.create_table(
        "budget_amendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("before_fen", FEN, nullable=True),
        sa.Column("after_fen", FEN, nullable=False),
        sa.Column("doc_no", sa.String(length=60), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=40), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["line_id"], ["budget_line.id"], name=op.f("fk_budget_amendment_line_id_budget_line"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_amendment")),
    )
    with op.batch_alter_table("budget_amendment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_amendment_line_id"), ["line_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("budget_amendment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_amendment_line_id"))
    op.drop_table("budget_amendment")
    with op.batch_alter_table("budget_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_line_year"))
    op.drop_table("budget_line")
