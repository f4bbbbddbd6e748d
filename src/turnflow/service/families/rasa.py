"""Rasa projects in the service: a project directory is one definition (its YAML files kept
as text); a conversation is a sender's dialogue stack and slots.

Session expiry is Rasa's ``session_config``: after ``session_expiration_time`` minutes
without a message the conversation starts afresh (the slots carried over if
``carry_over_slots_to_new_session``). A timer does it on time; a message that arrives later
than the expiry before the timer fired starts the new session itself.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from pathlib import Path
from typing import Any

from ...errors import TurnflowError
from ...generators import RandomUUIDs
from ...located_yaml import read_regular_file
from .base import (
    MSG,
    START,
    TIMER,
    ContactData,
    DefinitionError,
    Input,
    Outcome,
    StateError,
    register,
)

SESSION_EXPIRY = "session_expiry"
# the files of a project that are kept (e2e tests and Rasa's own caches are not needed)
_KEPT = (".yml", ".yaml")
_SKIPPED_DIRS = {"e2e_tests", "tests", ".rasa", ".oracle", "models", "actions", "__pycache__"}
MAX_PROJECT_BYTES = 5_000_000


class RasaBot:
    family = "rasa"

    def __init__(self, content: dict[str, Any], name: str, clock: Any) -> None:
        from ...rasa.chat import load_engine

        with tempfile.TemporaryDirectory(prefix="turnflow-rasa-") as tmp:
            root = Path(tmp) / name.replace("/", "_")
            for relative, text in content["files"].items():
                target = root / relative
                if ".." in Path(relative).parts:
                    raise DefinitionError(f"{name}: bad file name {relative!r}")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            try:
                engine = load_engine(root)
            except TurnflowError as exc:
                raise DefinitionError(str(exc).replace(str(root), name)) from None
        from ...rasa.engine import RasaEngine

        self.engine = RasaEngine(engine.project, clock=clock, uuids=RandomUUIDs(clock))
        config = engine.project.domain.session_config
        self.expiry_minutes = float(config.session_expiration_time or 0)
        self.carry_over = bool(config.carry_over_slots_to_new_session)
        self.clock = clock
        self.lock = threading.Lock()  # one turn at a time per engine (its random source)

    def flows(self) -> list[dict[str, str]]:
        return [{"uuid": flow.id, "name": flow.name or flow.id}
                for flow in self.engine.project.user_flows]

    def handle(self, contact: ContactData, state: dict[str, Any] | None, given: Input
               ) -> Outcome:
        from ...rasa.session_json import RasaStateError, read_session

        sender = contact.urns[0].split(":", 1)[-1] if contact.urns else contact.uuid
        with self.lock:
            session = None
            if state is not None:
                try:
                    session = read_session(state["rasa"], self.engine.family.flow)
                except RasaStateError as exc:
                    raise StateError(str(exc)) from None
            if given.kind == TIMER:
                if given.timer != SESSION_EXPIRY or session is None:
                    return Outcome(state=state)
                return self._expire(session, sender)
            if given.kind == START:
                raise DefinitionError("Rasa conversations start with a message, not a flow "
                                      "start")
            if given.kind != MSG:
                raise DefinitionError(f"Rasa can't take a {given.kind!r} input")
            new = session is None or self._expired(state, given.now)
            if session is not None and new:
                session = self._fresh(session, sender)
            elif session is None:
                session = self.engine.new_session(sender)
            metadata = given.data.get("metadata") if isinstance(given.data, dict) else None
            turn = self.engine.handle(session, given.text, metadata=metadata or None)
            return self._outcome(session, turn.events, given.now, new)

    def _expired(self, state: dict[str, Any] | None, now: dt.datetime) -> bool:
        if not state or not self.expiry_minutes or not state.get("last_message_on"):
            return False
        last = dt.datetime.fromisoformat(state["last_message_on"])
        return now - last >= dt.timedelta(minutes=self.expiry_minutes)

    def _fresh(self, old: Any, sender: str) -> Any:
        session = self.engine.new_session(sender)
        if self.carry_over:
            session.slots.update(old.slots)
        return session

    def _expire(self, old: Any, sender: str) -> Outcome:
        session = self._fresh(old, sender)
        now = self.clock.now_time().to_datetime()
        event = {"type": "session_started", "created_on": now.isoformat(),
                 "carried_over_slots": self.carry_over}
        outcome = self._outcome(session, [event], None, True)
        return outcome

    def _outcome(self, session: Any, events: list[dict[str, Any]], now: dt.datetime | None,
                 new: bool) -> Outcome:
        from ...rasa.events import BOT_UTTERED
        from ...rasa.session_json import session_to_json

        replies = []
        for event in events:
            if event["type"] == BOT_UTTERED:
                reply: dict[str, Any] = {"text": event.get("text")}
                reply.update({k: v for k, v in (event.get("data") or {}).items()
                              if v not in (None, [], {})})
                if event.get("utter_action"):
                    reply["utter_action"] = event["utter_action"]
                replies.append(reply)
        state = {"rasa": session_to_json(session),
                 "last_message_on": now.isoformat() if now is not None else None}
        timers = []
        if now is not None and self.expiry_minutes > 0:
            timers.append((SESSION_EXPIRY, now + dt.timedelta(minutes=self.expiry_minutes)))
        runs = [dict(run.record(), flow={"uuid": run.flow.uuid, "name": run.flow.name})
                for run in session.runs]
        return Outcome(state=state, session_uuid=session.uuid, status="waiting",
                       replies=replies, events=_plain(events), runs=runs, timers=timers,
                       new_session=new)


def _plain(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value, default=str))


class RasaFamily:
    name = "rasa"
    channel = "rest"

    def detect(self, path: Path) -> bool:
        from ...rasa.reading import is_rasa_project

        return path.is_dir() and is_rasa_project(path)

    def read(self, path: Path) -> dict[str, Any]:
        files: dict[str, str] = {}
        total = 0
        for file in sorted(path.rglob("*")):
            relative = file.relative_to(path)
            if not file.is_file() or file.suffix not in _KEPT:
                continue
            if any(part in _SKIPPED_DIRS or part.startswith(".") for part in relative.parts):
                continue
            try:
                text = read_regular_file(file)
            except OSError as exc:
                raise DefinitionError(f"{file}: cannot read: {exc.strerror}") from None
            except UnicodeDecodeError:
                raise DefinitionError(f"{file}: cannot read: not UTF-8 text") from None
            total += len(text)
            if total > MAX_PROJECT_BYTES:
                raise DefinitionError(f"{path}: the project's YAML is over "
                                      f"{MAX_PROJECT_BYTES} bytes")
            files[relative.as_posix()] = text
        return {"files": files}

    def build(self, content: dict[str, Any], name: str, clock: Any) -> RasaBot:
        return RasaBot(content, name, clock)


register(RasaFamily())
