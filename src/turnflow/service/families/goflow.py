"""goflow and RapidPro legacy flows in the service: a goflow assets file, a flow (goflow or
legacy) or a RapidPro export is one definition; its conversations are goflow sessions.

A message from a contact with no waiting session starts a flow as mailroom does: the
export's keyword or catch-all trigger, else (a file without triggers) its first flow. Waits
set two timers, the wait's timeout and the run's expiration (``msg_wait``'s
``timeout_seconds`` and ``expires_on``).
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from pathlib import Path
from typing import Any

from ...errors import TurnflowError
from ...generators import NanoTime, RandomUUIDs
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

# the resumes a timer makes, by timer kind
TIMER_RESUMES = {"wait_timeout": ("wait_timeout", "wait_timed_out"),
                 "wait_expiration": ("wait_expiration", "wait_expired")}


def iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


class GoflowBot:
    family = "goflow"

    def __init__(self, content: dict[str, Any], name: str, clock: Any) -> None:
        from ...goflow.assets import Assets
        from ...goflow.engine import GoflowEngine
        from ...goflow.export import assets_json_for, file_kind, read_triggers

        data = content["file"]
        try:
            self.assets = Assets.from_json(assets_json_for(data, source=name), name)
            self.triggers = read_triggers(data) if file_kind(data) == "export" else []
        except TurnflowError as exc:
            raise DefinitionError(str(exc)) from None
        self._flows = self.assets.flow_refs()
        if not self._flows:
            raise DefinitionError(f"{name}: no flows in this file")
        for ref in self._flows:
            problems = self.assets.check_flow(ref["uuid"], recursive=False)
            if problems:
                raise DefinitionError(f"{name}: flow {ref['name']!r}: {problems[0]}")
        self.engine = GoflowEngine(self.assets, clock=clock, uuids=RandomUUIDs(clock))
        self.engine.env.default_country = content.get("country") or "US"
        self.clock = clock
        self.lock = threading.Lock()  # one sprint at a time per engine (shared caches)

    def flows(self) -> list[dict[str, str]]:
        return list(self._flows)

    def _flow_ref(self, wanted: str) -> dict[str, str] | None:
        for ref in self._flows:
            if wanted in (ref["uuid"], ref["name"]) or ref["name"].lower() == wanted.lower():
                return {"uuid": ref["uuid"], "name": ref["name"]}
        return None

    def handle(self, contact: ContactData, state: dict[str, Any] | None, given: Input
               ) -> Outcome:
        from ...goflow.actions.contact import contact_assets_of
        from ...goflow.contact import Contact

        goflow_contact = Contact.from_json(contact.to_json(), contact_assets_of(self.assets))
        with self.lock:
            if given.kind == MSG:
                return self._message(goflow_contact, state, given)
            if given.kind == TIMER:
                return self._timer(goflow_contact, state, given)
            if given.kind == START:
                return self._start(goflow_contact, given)
        raise DefinitionError(f"goflow can't take a {given.kind!r} input")

    def _message(self, contact: Any, state: dict[str, Any] | None, given: Input) -> Outcome:
        from ...goflow.export import message_trigger

        event = {"type": "msg_received", "uuid": given.msg_uuid or str(uuid.uuid4()),
                 "created_on": iso(given.now),
                 "msg": {"uuid": given.msg_uuid, "text": given.text, "urn": given.urn,
                         **{k: v for k, v in given.data.items() if k == "attachments"}}}
        if state is not None and state.get("status") == "waiting":
            session = self._read(state, contact)
            resume = {"type": "msg", "resumed_on": iso(given.now), "event": event}
            sprint = self.engine.resume(session, resume)
            return self._outcome(session, sprint, contact, new=False)
        if self.triggers:
            groups = [g.get("name") for g in getattr(contact, "groups", [])]
            trigger = message_trigger(self.triggers, event, contact_groups=groups,
                                      triggered_on=iso(given.now))
            if trigger is None:
                return Outcome(state=None)  # no trigger matches: the message is just kept
            ref = self._flow_ref(trigger["flow"].get("uuid", "")) or self._flow_ref(
                trigger["flow"].get("name", ""))
            if ref is None:
                return Outcome(state=None)
            trigger["flow"] = ref
        else:  # no triggers: any message starts the first flow (as a manual start, so the
            # message doesn't answer the flow's first question)
            trigger = {"type": "manual", "flow": dict(self._flows[0]),
                       "triggered_on": iso(given.now)}
        session, sprint = self.engine.start(contact, trigger)
        return self._outcome(session, sprint, contact, new=True)

    def _timer(self, contact: Any, state: dict[str, Any] | None, given: Input) -> Outcome:
        if state is None or state.get("status") != "waiting" or given.timer not in TIMER_RESUMES:
            return Outcome(state=state)
        kind, event_type = TIMER_RESUMES[given.timer]
        session = self._read(state, contact)
        resume = {"type": kind, "resumed_on": iso(given.now),
                  "event": {"type": event_type, "created_on": iso(given.now)}}
        sprint = self.engine.resume(session, resume)
        return self._outcome(session, sprint, contact, new=False)

    def _read(self, state: dict[str, Any], contact: Any) -> Any:
        from ...goflow.session_json import SessionReadError

        try:
            return self.engine.read_session(state, contact)
        except SessionReadError as exc:
            raise StateError(str(exc)) from None

    def _start(self, contact: Any, given: Input) -> Outcome:
        ref = self._flow_ref(given.flow)
        if ref is None:
            raise DefinitionError(f"no flow {given.flow!r} in this definition")
        trigger = {"type": "manual", "flow": ref, "triggered_on": iso(given.now)}
        if given.params:
            trigger["params"] = given.params
        session, sprint = self.engine.start(contact, trigger)
        return self._outcome(session, sprint, contact, new=True)

    def _outcome(self, session: Any, sprint: Any, contact: Any, new: bool) -> Outcome:
        from ...goflow.contact import json_default

        events = _plain(sprint.events, json_default)
        replies, timers = [], []
        for event in events:
            kind = event["type"]
            if kind in ("msg_created", "ivr_created"):
                msg = event["msg"]
                reply = {"text": msg.get("text", "")}
                for key in ("attachments", "quick_replies", "templating"):
                    if msg.get(key):
                        reply[key] = msg[key]
                replies.append(reply)
            elif kind == "msg_wait":
                if event.get("timeout_seconds") is not None:
                    seconds = int(event["timeout_seconds"])
                    timers.append(("wait_timeout", self._now() + dt.timedelta(seconds=seconds)))
                if event.get("expires_on"):
                    timers.append(("wait_expiration",
                                   NanoTime.parse(event["expires_on"]).to_datetime()))
        runs = [_plain(dict(run.record(), flow=run.flow.ref), json_default)
                for run in session.runs]
        changed = _plain(contact.to_json(), json_default)
        return Outcome(
            state=self.engine.stored_session(session), session_uuid=session.uuid,
            status=session.status, replies=replies, events=events, runs=runs,
            contact=ContactData(
                uuid=changed["uuid"], name=changed.get("name", ""),
                language=changed.get("language", ""), status=changed.get("status", "active"),
                urns=changed.get("urns", []), fields=changed.get("fields", {}),
                groups=changed.get("groups", []), created_on=changed["created_on"]),
            timers=timers, new_session=new,
        )  # fmt: skip

    def _now(self) -> dt.datetime:
        return self.clock.now_time().to_datetime()


def _plain(value: Any, default: Any) -> Any:
    import json

    return json.loads(json.dumps(value, default=default))


class GoflowFamily:
    name = "goflow"
    channel = "external"

    def detect(self, path: Path) -> bool:
        return path.is_file() and path.suffix.lower() == ".json"

    def read(self, path: Path) -> dict[str, Any]:
        from ...goflow.export import file_kind, read_json_file

        try:
            data = read_json_file(path)
        except TurnflowError as exc:
            raise DefinitionError(str(exc)) from None
        kind = file_kind(data)
        if kind not in ("export", "legacy_flow", "flow", "assets"):
            raise DefinitionError(f"{path}: not a flow, assets file or RapidPro export")
        return {"file": data, "kind": kind}

    def build(self, content: dict[str, Any], name: str, clock: Any) -> GoflowBot:
        return GoflowBot(content, name, clock)


register(GoflowFamily())
