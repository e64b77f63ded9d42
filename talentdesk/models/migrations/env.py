"""Alembic environment: runs on the connection the application hands over."""

from alembic import context

from talentdesk.models import entities  # noqa: F401  (registers the tables)
from talentdesk.models.base import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # offline use (alembic revision --autogenerate from a dev shell)
    from sqlalchemy import create_engine

    url = config.get_main_option("sqlalchemy.url") or "sqlite:///:memory:"
    connection = create_engine(url, hide_parameters=True).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
