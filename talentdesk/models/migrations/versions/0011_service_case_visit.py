"""人才服务: service cases (green channel) and return visits

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

``service_case``: a service a talent asked for (子女入学、配偶安置、落户、体检、就医、疗养 …;
阿拉善盟办法 第四十二至四十六条), its limit in working days, due date and outcome.
``visit``: a return visit (阿拉善盟办法 第三十七条), optionally linked to the case opened from it.
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "service_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("talent_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=True),
        sa.Column("limit_days", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("article", sa.String(length=200), nullable=True),
        sa.Column("handled_by", sa.String(length=60), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=40), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(["talent_id"], ["talent.id"], name=op.f("fk_service_case_talent_id_talent")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_case")),
    )
    with op.batch_alter_table("service_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_case_talent_id"), ["talent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_case_requested_on"), ["requested_on"], unique=False)
    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("talent_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("visitors", sa.String(length=200), nullable=False),
        sa.Column("form", sa.String(length=4), nullable=False),
        sa.Column("issues", sa.Text(), nullable=True),
        sa.Column("follow_up", sa.Text(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=40), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(["talent_id"], ["talent.id"], name=op.f("fk_visit_talent_id_talent")),
        sa.ForeignKeyConstraint(["case_id"], ["service_case.id"], name=op.f("fk_visit_case_id_service_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_talent_id"), ["talent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_visited_on"), ["visited_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_case_id"))
        batch_op.drop_index(batch_op.f("ix_visit_visited_on"))
        batch_op.drop_index(batch_op.f("ix_visit_talent_id"))
    op.drop_table("visit")
    with op.batch_alter_table("service_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_case_requested_on"))
        batch_op.drop_index(batch_op.f("ix_service_case_talent_id"))
    op.drop_table("service_case")
