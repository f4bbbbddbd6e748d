"""turnflow's store: workspaces, definitions with revisions, contacts, sessions, runs and
steps, messages, events, timers, the outbox and flow starts, in SQLite (default) or
PostgreSQL, with Alembic migrations shipped in the package."""

from .db import DEFAULT_URL, Store, StoreError, database_url
from .migrate import upgrade

__all__ = ["DEFAULT_URL", "Store", "StoreError", "database_url", "upgrade"]
