"""Opening the store: the database URL, the engine with each backend's settings, and
transactions that lock as the service needs.

SQLite (the default, a file) has one writer at a time: every transaction begins with
``BEGIN IMMEDIATE``, so a turn holds the write lock from its first read and two turns never
interleave. PostgreSQL runs turns of different contacts at once; a turn locks its contact's
row (``SELECT ... FOR UPDATE``), which also holds across several server processes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import TurnflowError

DEFAULT_URL = "sqlite:///turnflow.db"


class StoreError(TurnflowError):
    """A database that can't be opened or used (bad URL, unreachable server...)."""


def database_url(url: str | None = None) -> str:
    """The URL given, else ``TURNFLOW_DB``, else ``./turnflow.db``. A plain file path is read
    as SQLite, and ``postgresql://`` means psycopg 3."""
    url = url or os.environ.get("TURNFLOW_DB") or DEFAULT_URL
    if "://" not in url:
        url = f"sqlite:///{url}"
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    try:
        make_url(url)
    except ArgumentError:
        raise StoreError(f"not a database URL: {url!r}") from None
    return url


def shown_url(url: str) -> str:
    """The URL to print: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def open_engine(url: str | None = None, pool_size: int = 20, begin: str = "BEGIN IMMEDIATE"
                ) -> Engine:
    """An engine for ``url``; on SQLite each transaction starts with ``begin`` (IMMEDIATE
    for writers, plain BEGIN for readers)."""
    url = database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})
        _sqlite_settings(engine, begin)
        return engine
    if not url.startswith("postgresql"):
        raise StoreError(f"unsupported database {url.split(':', 1)[0]!r}: use sqlite or "
                         "postgresql")
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def _sqlite_settings(engine: Engine, begin: str) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers don't wait for the writer
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable at each WAL checkpoint
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


class Store:
    """The engines and their session factories: ``transaction()`` for writing, ``reading()``
    for reading (on SQLite a reader doesn't wait for the writer)."""

    def __init__(self, url: str | None = None) -> None:
        self.url = database_url(url)
        self.engine = open_engine(self.url)
        self.sqlite = is_sqlite(self.engine)
        self.read_engine = open_engine(self.url, begin="BEGIN") if self.sqlite else self.engine
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.readers = sessionmaker(self.read_engine, expire_on_commit=False)
        # SQLite has one writer: threads of this process queue here rather than in SQLite's
        # busy handler (which sleeps and polls)
        self._write_lock = threading.Lock() if self.sqlite else None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: committed if the block ends normally, else rolled back."""
        if self._write_lock is None:
            with self.sessions() as session, session.begin():
                yield session
            return
        with self._write_lock, self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.readers() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()
