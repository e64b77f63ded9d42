"""人才公寓: the housing register (阿拉善 第四十一条, 阿拉山口 第十四条)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04

``flat`` (the office's flats), ``occupancy`` (a talent in a flat from … to …, with the
pack's limit / gift date and the article), ``housing_confirmation`` (the clerk checked
that a talent the roster says is housed is not).
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _stamps() -> list:
    return [
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "flat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=120), nullable=False),
        sa.Column("area_m2", sa.Integer(), nullable=True),
        sa.Column("programme", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        *_stamps(),
        sa.CheckConstraint("area_m2 IS NULL OR area_m2 > 0", name=op.f("ck_flat_area_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flat")),
        sa.UniqueConstraint("unit", name=op.f("uq_flat_unit")),
    )
    op.create_table(
        "occupancy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flat_id", sa.Integer(), nullable=False),
        sa.Column("talent_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("policy_id", sa.String(length=40), nullable=True),
        sa.Column("limit_years", sa.Integer(), nullable=True),
        sa.Column("limit_until", sa.Date(), nullable=True),
        sa.Column("gift_years", sa.Integer(), nullable=True),
        sa.Column("gift_on", sa.Date(), nullable=True),
        sa.Column("basis", sa.Text(), nullable=True),
        sa.Column("ended_reason", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=40), nullable=True),
        *_stamps(),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name=op.f("ck_occupancy_end_after_start")),
        sa.ForeignKeyConstraint(["flat_id"], ["flat.id"], name=op.f("fk_occupancy_flat_id_flat")),
        sa.ForeignKeyConstraint(["talent_id"], ["talent.id"], name=op.f("fk_occupancy_talent_id_talent")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occupancy")),
    )
    with op.batch_alter_table("occupancy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_occupancy_flat_id"), ["flat_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_occupancy_talent_id"), ["talent_id"], unique=False)
    op.create_table(
        "housing_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("talent_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=40), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(["talent_id"], ["talent.id"], name=op.f("fk_housing_confirmation_talent_id_talent")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_confirmation")),
        sa.UniqueConstraint("talent_id", name=op.f("uq_housing_confirmation_talent_id")),
    )


def downgrade() -> None:
    op.drop_table("housing_confirmation")
    with op.batch_alter_table("occupancy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_occupancy_talent_id"))
        batch_op.drop_index(batch_op.f("ix_occupancy_flat_id"))
    op.drop_table("occupancy")
    op.drop_table("flat")
