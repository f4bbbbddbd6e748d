"""Alembic's environment for turnflow's store: runs on the connection or URL that
:func:`turnflow.store.migrate.upgrade` hands over (there is no alembic.ini)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from turnflow.store.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
