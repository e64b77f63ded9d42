"""offices sharing one database (the league office and its banners)

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-06

``office`` rows and a nullable ``office_id`` on app_user, talent and employer (NULL: the
database's own office, as every existing row is). Plain ADD COLUMN on SQLite (no table copy:
many tables point at talent and employer).
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLES = ("app_user", "talent", "employer")


def upgrade() -> None:
    op.create_table(
        "office",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["office.id"], name=op.f("fk_office_parent_id_office")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office")),
        sa.UniqueConstraint("code", name=op.f("uq_office_code")),
        sa.UniqueConstraint("name", name=op.f("uq_office_name")),
    )
    sqlite = op.get_context().dialect.name == "sqlite"
    for table in TABLES:
        if sqlite:  # SQLite adds a column with an inline REFERENCES, never a named constraint
            op.execute(f'ALTER TABLE {table} ADD COLUMN office_id INTEGER REFERENCES office (id)')
        else:
            op.add_column(table, sa.Column("office_id", sa.Integer(),
                                           sa.ForeignKey("office.id", name=f"fk_{table}_office_id_office"),
                                           nullable=True))
        op.create_index(f"ix_{table}_office_id", table, ["office_id"])


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_index(f"ix_{table}_office_id", table_name=table)
        if op.get_context().dialect.name == "sqlite":
            op.execute(f'ALTER TABLE {table} DROP COLUMN "office_id"')
        else:
            op.drop_constraint(f"fk_{table}_office_id_office", table, type_="foreignkey")
            op.drop_column(table, "office_id")
    op.drop_table("office")
