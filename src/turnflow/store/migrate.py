"""Applying the store's migrations (Alembic, shipped in the package, run from code)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from .db import Store, StoreError, shown_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0001"  # the newest migration (a test checks it is Alembic's head)


def alembic_config(store: Store) -> Any:
    from alembic.config import Config  # (imported only when migrating: ~0.3 s)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", store.url.replace("%", "%%"))
    return config


def current(store: Store) -> str | None:
    """The database's migration, or None for a database without the store's tables."""
    try:
        with store.read_engine.connect() as connection:
            return connection.execute(text("select version_num from alembic_version")).scalar()
    except DBAPIError:
        return None


def upgrade(store: Store, revision: str = "head") -> None:
    """Bring the database up to ``revision`` (the newest by default)."""
    if revision == "head" and current(store) == HEAD:
        return
    from alembic import command

    config = alembic_config(store)
    try:
        with store.engine.connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
    except OperationalError as exc:
        raise StoreError(f"cannot migrate {shown_url(store.url)}: {exc.orig}") from None
