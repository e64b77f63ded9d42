"""交换包: the exchange log and key map (issue 19 item 5; 阿党人才字〔2023〕2号 第十三、十五、二十条)

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-06

``exchange_log``: every package exported or imported (package id, office, direction, the
updated_at watermark range, sha256, when, who). ``exchange_record``: the sender's stable
uuids for records without a natural key, and the receiver's map of received records to its
own rows with the digest last applied.
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchange_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.String(length=36), nullable=False),
        sa.Column("office_code", sa.String(length=12), nullable=False),
        sa.Column("office_name", sa.String(length=60), nullable=False),
        sa.Column("direction", sa.String(length=6), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=True),
        sa.Column("until", sa.DateTime(), nullable=True),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=True),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=260), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_log")),
    )
    op.create_index(op.f("ix_exchange_log_package_id"), "exchange_log", ["package_id"], unique=False)
    op.create_index(op.f("ix_exchange_log_office_code"), "exchange_log", ["office_code"], unique=False)
    op.create_table(
        "exchange_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=3), nullable=False),
        sa.Column("office_code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("local_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("sender_updated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_record")),
        sa.UniqueConstraint("side", "office_code", "kind", "key",
                            name=op.f("uq_exchange_record_side_office_code_kind_key")),
    )
    op.create_index("ix_exchange_record_local", "exchange_record", ["side", "office_code", "kind", "local_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_exchange_record_local", table_name="exchange_record")
    op.drop_table("exchange_record")
    op.drop_index(op.f("ix_exchange_log_office_code"), table_name="exchange_log")
    op.drop_index(op.f("ix_exchange_log_package_id"), table_name="exchange_log")
    op.drop_table("exchange_log")
