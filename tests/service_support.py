"""Helpers for the service tests: a throwaway PostgreSQL database, and a real
``turnflow serve`` process (uvicorn) driven over HTTP with httpx."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
EXAMPLES = REPO / "examples"
TIMERS_FLOW = REPO / "tests" / "data" / "service" / "timers.json"


def postgres_reachable() -> str | None:
    """None if PostgreSQL answers at 127.0.0.1:5432, else why not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3, autocommit=True):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


@contextmanager
def database(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database URL: a SQLite file, or a PostgreSQL database made for this test and
    dropped after (the test is skipped, saying why, when PostgreSQL isn't there)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'turnflow.db'}"
        return
    problem = postgres_reachable()
    if problem is not None:
        pytest.skip(f"PostgreSQL tests skipped: no server at 127.0.0.1:5432 ({problem})")
    import psycopg

    name = f"turnflow_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``turnflow serve`` in a subprocess, with its own port."""

    def __init__(self, db: str, paths: list[Path], *, token: str = "token-a",
                 workspace: str = "default", clock: str | None = None,
                 extra: list[str] | None = None) -> None:
        self.db, self.paths, self.token, self.workspace = db, paths, token, workspace
        self.clock = clock
        self.extra = extra or []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        # the server's output goes to a file: a pipe nobody reads would fill up and block it
        self.log_file = tempfile.NamedTemporaryFile(prefix="turnflow-serve-", suffix=".log")

    def start(self, paths: list[Path] | None = None) -> Server:
        env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
        if self.clock:
            env["TURNFLOW_CLOCK"] = self.clock
        args = [sys.executable, "-m", "turnflow.cli", "serve",
                *[str(p) for p in (self.paths if paths is None else paths)],
                "--db", self.db, "--port", str(self.port), "--token", self.token,
                "--workspace", self.workspace, *self.extra]
        self.process = subprocess.Popen(args, env=env, stdout=self.log_file,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"turnflow serve exited {self.process.returncode}:\n"
                                     f"{self.log()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise AssertionError("turnflow serve did not answer within 30 s")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log(self) -> str:
        """What the server printed (all its runs)."""
        return Path(self.log_file.name).read_text(errors="replace")

    def assert_clean(self) -> None:
        """The server logged no error (a failed turn, timer or task logs a traceback)."""
        log = self.log()
        assert "Traceback" not in log and "ERROR" not in log, log[-3000:]

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def restart(self, paths: list[Path] | None = None) -> Server:
        self.stop()
        return self.start(paths)

    def headers(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Token {token or self.token}"}

    def converse(self, urn: str, text: str, definition: str | None = None,
                 **extra: Any) -> dict[str, Any]:
        body = {"urn": urn, "text": text, **extra}
        if definition:
            body["definition"] = definition
        response = httpx.post(f"{self.url}/api/converse", json=body, headers=self.headers(),
                              timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def texts(self, urn: str, text: str, definition: str | None = None) -> list[str]:
        return [r["text"] for r in self.converse(urn, text, definition)["replies"]]

    def rest(self, sender: str, message: str) -> list[dict[str, Any]]:
        response = httpx.post(f"{self.url}/webhooks/rest/webhook?token={self.token}",
                              json={"sender": sender, "message": message}, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def get(self, endpoint: str, token: str | None = None, **params: Any) -> dict[str, Any]:
        response = httpx.get(f"{self.url}/api/v2/{endpoint}.json", params=params,
                             headers=self.headers(token), timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def all(self, endpoint: str, **params: Any) -> list[dict[str, Any]]:
        """Every page of a list endpoint."""
        results: list[dict[str, Any]] = []
        url: str | None = f"{self.url}/api/v2/{endpoint}.json"
        query: dict[str, Any] | None = params
        while url:
            response = httpx.get(url, params=query, headers=self.headers(), timeout=30)
            assert response.status_code == 200, response.text
            page = response.json()
            results.extend(page["results"])
            url, query = page["next"], None
        return results


def wait_for(check: Any, timeout: float = 10.0, every: float = 0.1) -> Any:
    """Poll ``check()`` until it returns something true; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {check}")
        time.sleep(every)
