"""Grants to organisations (issue 18): platforms, and a grant's beneficiary an employer or a platform

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06

``platform``: a platform, workstation, base, studio or team (name, kind, category, host
employer, level, 认定机构, 文号, recognised_on, status). ``benefit_grant`` and
``case_decision``: ``talent_id`` nullable, new ``employer_id`` and ``platform_id``, and a
CHECK that exactly one of the three is set (阿党人才字〔2023〕2号 第十八条 引才奖补 to an
enterprise; 第二十四条 … to a platform; their 一事一议 decisions).

SQLite cannot alter a column: both tables are copied (batch mode). The application opens
SQLite with foreign keys ON, and dropping the old ``benefit_grant`` would then run an
implicit DELETE (cascading to ``grant_year_fact``, failing on ``installment``). Foreign
keys are switched off for the copy (it only works outside a transaction) and checked
afterwards with ``PRAGMA foreign_key_check`` before they are switched on again.
"""
import contextlib

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

ONE_BENEFICIARY = ("(CASE WHEN talent_id IS NULL THEN 0 ELSE 1 END + CASE WHEN employer_id IS NULL THEN 0 ELSE 1 END"
                   " + CASE WHEN platform_id IS NULL THEN 0 ELSE 1 END) = 1")
TABLES = (("benefit_grant", "one_beneficiary"), ("case_decision", "one_subject"))


@contextlib.contextmanager
def _sqlite_foreign_keys_off():
    """Foreign keys off on SQLite for the block (PRAGMA foreign_keys is a no-op inside a
    transaction: the open one is committed first and a new one begun), then checked."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    raw = bind.connection.dbapi_connection
    was_on = bool(bind.exec_driver_sql("PRAGMA foreign_keys").scalar())

    def outside(sql: str) -> None:
        began = raw.in_transaction
        if began:
            raw.execute("COMMIT")
        raw.execute(sql)
        if began:
            raw.execute("BEGIN IMMEDIATE")

    if was_on:
        outside("PRAGMA foreign_keys=OFF")
    try:
        yield
        bad = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if bad:
            raise RuntimeError(f"迁移0017后外键不一致：{bad[:5]}")
    finally:
        if was_on:
            outside("PRAGMA foreign_keys=ON")


def upgrade() -> None:
    op.create_table(
        "platform",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=10), nullable=True),
        sa.Column("body", sa.String(length=100), nullable=True),
        sa.Column("doc_no", sa.String(length=60), nullable=True),
        sa.Column("recognised_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), server_default="active", nullable=False),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["employer_id"], ["employer.id"], name=op.f("fk_platform_employer_id_employer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform")),
        sa.UniqueConstraint("name", name=op.f("uq_platform_name")),
    )
    with op.batch_alter_table("platform", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_platform_employer_id"), ["employer_id"], unique=False)
    with _sqlite_foreign_keys_off():
        for table, check in TABLES:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.add_column(sa.Column("employer_id", sa.Integer(), nullable=True))
                batch_op.add_column(sa.Column("platform_id", sa.Integer(), nullable=True))
                batch_op.alter_column("talent_id", existing_type=sa.Integer(), nullable=True)
                batch_op.create_foreign_key(batch_op.f(f"fk_{table}_employer_id_employer"), "employer",
                                            ["employer_id"], ["id"])
                batch_op.create_foreign_key(batch_op.f(f"fk_{table}_platform_id_platform"), "platform",
                                            ["platform_id"], ["id"])
                batch_op.create_check_constraint(check, ONE_BENEFICIARY)
                batch_op.create_index(batch_op.f(f"ix_{table}_employer_id"), ["employer_id"], unique=False)
                batch_op.create_index(batch_op.f(f"ix_{table}_platform_id"), ["platform_id"], unique=False)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM benefit_grant WHERE talent_id IS NULL")).scalar() or \
            bind.execute(sa.text("SELECT count(*) FROM case_decision WHERE talent_id IS NULL")).scalar():
        raise RuntimeError("数据库中有给单位或平台的奖补或决定，不能降级到0014（talent_id 不能为空）")
    with _sqlite_foreign_keys_off():
        for table, check in TABLES:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_index(batch_op.f(f"ix_{table}_platform_id"))
                batch_op.drop_index(batch_op.f(f"ix_{table}_employer_id"))
                batch_op.drop_constraint(batch_op.f(f"ck_{table}_{check}"), type_="check")
                batch_op.drop_constraint(batch_op.f(f"fk_{table}_platform_id_platform"), type_="foreignkey")
                batch_op.drop_constraint(batch_op.f(f"fk_{table}_employer_id_employer"), type_="foreignkey")
                batch_op.alter_column("talent_id", existing_type=sa.Integer(), nullable=False)
                batch_op.drop_column("platform_id")
                batch_op.drop_column("employer_id")
    with op.batch_alter_table("platform", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platform_employer_id"))
    op.drop_table("platform")
