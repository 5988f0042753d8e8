"""Alembic environment: runs migrations with a synchronous driver on the configured URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from proxycall.adapters.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Run Alembic's migrations online, on the configured URL."""
    url = config.get_main_option("sqlalchemy.url") or ""
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]  # reason: Alembic's generated env
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
