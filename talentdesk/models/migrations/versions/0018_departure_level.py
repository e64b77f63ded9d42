"""Departure refunds and recoveries split back to the funding levels (条例 第六十五条)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06

``departure_level``: a departure's refund due per funding level (what the level paid, its
part); ``recovery_level``: each recovery's part per level. Departures recorded before this
revision get their split the next time their refund is recomputed or money is recovered.
"""
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

FEN = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "departure_level",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("departure_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("paid_fen", FEN, nullable=False),
        sa.Column("amount_fen", FEN, nullable=False),
        sa.ForeignKeyConstraint(["departure_id"], ["departure.id"],
                                name=op.f("fk_departure_level_departure_id_departure"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departure_level")),
        sa.UniqueConstraint("departure_id", "level", name=op.f("uq_departure_level_departure_id_level")),
    )
    with op.batch_alter_table("departure_level", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_departure_level_departure_id"), ["departure_id"], unique=False)
    op.create_table(
        "recovery_level",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recovery_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("amount_fen", FEN, nullable=False),
        sa.ForeignKeyConstraint(["recovery_id"], ["recovery.id"],
                                name=op.f("fk_recovery_level_recovery_id_recovery"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_level")),
        sa.UniqueConstraint("recovery_id", "level", name=op.f("uq_recovery_level_recovery_id_level")),
    )
    with op.batch_alter_table("recovery_level", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_level_recovery_id"), ["recovery_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("recovery_level", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_level_recovery_id"))
    op.drop_table("recovery_level")
    with op.batch_alter_table("departure_level", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_departure_level_departure_id"))
    op.drop_table("departure_level")
