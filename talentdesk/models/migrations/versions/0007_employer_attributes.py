"""employer attributes that policy clauses read

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

所属行业 (GB/T 4754 门类) and six yes/no attributes (参照公务员法管理, 规模以上, 高新技术企业,
重点产业领域, 新建投资10亿元以上重点项目, 稀土企业). All nullable: an existing employer has
none recorded, so the clauses that read them are 待补充 until the office records them.
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

FLAGS = ("civil_service_managed", "above_scale", "high_tech", "key_industry", "key_project_10bn", "rare_earth")


def upgrade() -> None:
    with op.batch_alter_table("employer") as batch:
        batch.add_column(sa.Column("industry", sa.String(1), nullable=True))
        for name in FLAGS:
            batch.add_column(sa.Column(name, sa.Boolean(), nullable=True))


def downgrade() -> None:
    # plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch copy would drop and re-create
    # the employer table, which every talent points at (foreign keys are on)
    for name in reversed(("industry",) + FLAGS):
        op.execute(f'ALTER TABLE employer DROP COLUMN "{name}"')
