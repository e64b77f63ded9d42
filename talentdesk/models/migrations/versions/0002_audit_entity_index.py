"""index audit events by entity (history of one record)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_event_entity_entity_id", "audit_event", ["entity", "entity_id"])
    op.create_index("ix_installment_status_due_date", "installment", ["status", "due_date"])


def downgrade() -> None:
    op.drop_index("ix_installment_status_due_date", table_name="installment")
    op.drop_index("ix_audit_event_entity_entity_id", table_name="audit_event")
