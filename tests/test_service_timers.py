"""Timers on a real server, on SQLite and PostgreSQL: a goflow wait's timeout and a run's
expiration, and a Rasa session's expiry, fire on time on a running server and after a
restart, once. The server's clock runs 60 times faster than real time (TURNFLOW_CLOCK), so
the flow's 30-second timeout takes half a second and its 2-minute expiry two."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from .service_support import REPO, TIMERS_FLOW, Server, database, wait_for

GREETER = REPO / "tests" / "data" / "service" / "greeter"
SPEED = 60
# how late a timer may fire, in clock seconds: the timer loop looks every 0.2 s (12 clock
# seconds), plus the turn itself on a busy machine
LATE = dt.timedelta(seconds=90)


def when(message: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(message["created_on"].replace("Z", "+00:00"))


def out_texts(server: Server, urn: str) -> list[dict]:
    return list(reversed(server.get("messages", urn=urn, direction="out")["results"]))


def timed_out(server: Server, urn: str) -> list[dict] | None:
    out = out_texts(server, urn)
    return out if out and out[-1]["text"] == "Too slow!" else None


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path: Path):
    with database(request.param, tmp_path) as url:
        server = Server(url, [TIMERS_FLOW, GREETER], clock=f"scaled:{time.time()}:{SPEED}")
        server.start()
        yield server
        server.stop()
        server.assert_clean()


def test_timers_fire_on_time_and_after_a_restart_once(server: Server) -> None:
    # a wait's timeout (30 s): the flow takes its "No Response" way
    assert server.texts("tel:+250788400001", "hi", "timers") == ["What is your name?"]
    # answered before the timeout: that timer is stale and must not fire
    assert server.texts("tel:+250788400002", "hi", "timers") == ["What is your name?"]
    assert server.texts("tel:+250788400002", "Dan", "timers") == [
        "Thanks Dan. How old are you?"]
    out = wait_for(lambda: timed_out(server, "tel:+250788400001"), timeout=15)
    asked, slow = out[-2], out[-1]
    assert dt.timedelta(seconds=30) <= when(slow) - when(asked) <= dt.timedelta(seconds=30) + LATE
    run = server.get("runs", urn="tel:+250788400001")["results"][0]
    assert run["exit_type"] == "completed" and run["values"]["name"]["category"] == "No Response"

    # the run's expiration (2 minutes after the last wait began): the run expires
    def expired() -> dict | None:
        runs = server.get("runs", urn="tel:+250788400002")["results"]
        return runs[0] if runs and runs[0]["exit_type"] == "expired" else None

    run = wait_for(expired, timeout=20)
    thanks = out_texts(server, "tel:+250788400002")[-1]
    exited = dt.datetime.fromisoformat(run["exited_on"].replace("Z", "+00:00"))
    assert dt.timedelta(minutes=2) <= exited - when(thanks) <= dt.timedelta(minutes=2) + LATE
    assert [m["text"] for m in out_texts(server, "tel:+250788400002")] == [
        "What is your name?", "Thanks Dan. How old are you?"]  # no "Too slow!"

    # Rasa's session expiry (1 minute): a new session starts, slots not carried over
    assert server.rest("zoe", "/greet") == [{"recipient_id": "zoe", "text": "What is your name?"}]

    def renewed() -> list[dict] | None:
        sessions = server.get("sessions", urn="ext:zoe")["results"]
        return sessions if len(sessions) == 2 else None

    new, old = wait_for(renewed, timeout=15)
    assert (old["status"], new["status"]) == ("expired", "waiting")
    assert new["state"]["rasa"]["stack"] == [] and new["state"]["rasa"]["slots"]["name"] is None
    assert old["state"]["rasa"]["stack"]  # it was collecting the name

    # after a restart: a timeout that came due while no server ran fires once, at start
    assert server.texts("tel:+250788400003", "hi", "timers") == ["What is your name?"]
    server.stop()
    time.sleep(1.0)  # 60 clock seconds: the 30-second timeout is due while nobody runs
    server.start([])
    out = wait_for(lambda: timed_out(server, "tel:+250788400003"), timeout=15)
    assert [m["text"] for m in out] == ["What is your name?", "Too slow!"]
    server.restart([])  # a second restart doesn't fire it again
    time.sleep(0.5)
    assert [m["text"] for m in out_texts(server, "tel:+250788400003")] == [
        "What is your name?", "Too slow!"]
