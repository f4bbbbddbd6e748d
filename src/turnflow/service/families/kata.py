"""Kata bots in the service: a bot directory is one definition (its text files kept); a
conversation is the engine's saved session (open flows with their states and contexts, data,
schedules), one per user, kept for good (Kata's data outlives its flows).

Runs are flows and steps are states: a flow opened in a turn is a run, each state a turn
leaves it at is a step (Kata keeps no history in its session, so the steps the service
keeps are the states the flow waited at, not every state it passed through); a flow that is
closed (completed, interrupted or expired) ends its run. Time-driven work (``expire``,
``schedule``, ``asyncApi`` answers) is one timer at the earliest time something falls due,
set after each turn; firing it is ``KataEngine.fire_due`` in a turn of its own.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

from ...errors import TurnflowError
from ...generators import RandomUUIDs
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

log = logging.getLogger("turnflow.service")

KATA_DUE = "kata_due"
# the files of a bot directory that are kept (its tests and caches are not needed)
_SKIPPED_DIRS = {"test", "tests", "__pycache__", "node_modules"}
_KEPT = (".yml", ".yaml", ".js", ".json", ".txt", ".csv")
MAX_BOT_BYTES = 5_000_000
# the keys of a response a channel gets: Kata's message object
_MESSAGE_KEYS = ("type", "content", "payload")


def iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def time_of_ns(ns: int) -> dt.datetime:
    """A time in ns as an aware datetime, rounded *up* to the microsecond (a timer set at it
    never fires before the engine sees the time as come)."""
    micros = -(-ns // 1000)
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=micros)


def channel_message(reply: dict[str, Any]) -> dict[str, Any]:
    """A stored reply as Kata's message object (``{type, content}`` or ``{type, payload}``),
    as the generic channel's webhook gets it."""
    out: dict[str, Any] = {"type": reply.get("type") or "text"}
    if out["type"] == "text" or reply.get("content") is not None:
        out["content"] = reply.get("text") if reply.get("text") is not None else reply.get(
            "content", "")
    if reply.get("payload") is not None:
        out["payload"] = reply["payload"]
    return out


class KataServiceBot:
    family = "kata"

    def __init__(self, content: dict[str, Any], name: str, clock: Any) -> None:
        from ...kata import KataBotError, KataEngine, load_bot
        from ..safe_http import SafeTransport

        # the bot's files stay on disk while the bot is in use (methods, included files)
        self._dir = tempfile.TemporaryDirectory(prefix="turnflow-kata-")
        root = Path(self._dir.name) / name.replace("/", "_")
        for relative, text in content["files"].items():
            if ".." in Path(relative).parts or Path(relative).is_absolute():
                raise DefinitionError(f"{name}: bad file name {relative!r}")
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        try:
            # the bot's api and asyncApi actions call out through turnflow's safe client
            self.engine = KataEngine(load_bot(root), clock=clock, http=SafeTransport(),
                                     uuids=RandomUUIDs(clock))
        except (KataBotError, TurnflowError) as exc:
            raise DefinitionError(str(exc).replace(str(root), name)) from None
        self.clock = clock
        self.lock = threading.Lock()  # one converse at a time per engine (its JS host)

    def flows(self) -> list[dict[str, str]]:
        return [{"uuid": name, "name": name} for name in self.engine.family.compiled]

    def handle(self, contact: ContactData, state: dict[str, Any] | None, given: Input
               ) -> Outcome:
        from ...kata import KataRuntimeError

        if given.kind == START:
            raise DefinitionError("Kata conversations start with a message, not a flow start")
        if given.kind not in (MSG, TIMER):
            raise DefinitionError(f"Kata can't take a {given.kind!r} input")
        user = contact.urns[0].split(":", 1)[-1] if contact.urns else contact.uuid
        record = state.get("kata") if state else None
        with self.lock:
            if record is None:
                if given.kind == TIMER:
                    return Outcome(state=state)
                session = self.engine.new_session(user_id=user)
            else:
                try:
                    session = self.engine.load_session(record)
                except KataRuntimeError as exc:
                    raise StateError(str(exc)) from None
            try:
                if given.kind == TIMER:
                    if not self.engine.due(session):  # (nothing yet: the timer is set again)
                        return Outcome(state=state, timers=self._timers(record))
                    result = self.engine.fire_due(session)
                else:
                    result = self.engine.converse(session, self._message(given))
            except KataRuntimeError as exc:
                return self._failed(state if record is not None else None, session, exc)
            after = self.engine.save_session(session)
        return self._outcome(state, after, result, given.now, new=record is None)

    @staticmethod
    def _message(given: Input) -> dict[str, Any]:
        """The Kata message of an input: the generic channel's message object as it came,
        else a text message (the JSON API)."""
        message = given.data.get("kata") if isinstance(given.data, dict) else None
        if isinstance(message, dict):
            return dict(message)
        out: dict[str, Any] = {"type": "text", "content": given.text}
        metadata = given.data.get("metadata") if isinstance(given.data, dict) else None
        if isinstance(metadata, dict):
            out["metadata"] = metadata
        return out

    def _failed(self, state: dict[str, Any] | None, session: Any, error: Any) -> Outcome:
        """A converse that failed leaves the session as it was before it and tells the user
        what Kata told them (the bot's ``defaultErrorMessage``); a scheduled message that
        failed is spent all the same (else its timer would fail again at once)."""
        log.warning("Kata converse failed: %s", error)
        reply = getattr(error, "reply", None) or self.engine.error_reply()
        record = self.engine.save_session(session)
        kept = {"kata": record, "runs": dict((state or {}).get("runs") or {})}
        return Outcome(
            state=kept, session_uuid=record["id"], status="waiting",
            replies=[self._reply(reply)], timers=self._timers(record),
            new_session=state is None, events=[{"type": "error", "text": str(error)}],
        )  # fmt: skip

    def _outcome(self, state: dict[str, Any] | None, after: dict[str, Any], result: Any,
                 now: dt.datetime, new: bool) -> Outcome:
        known: dict[str, Any] = dict((state or {}).get("runs") or {})
        runs, kept = self._runs(known, after, result, now)
        events: list[dict[str, Any]] = []
        events += [{"type": "kata_message", "message": m} for m in result.messages]
        events += [{"type": "flow_opened", "flow": f} for f in result.opened]
        events += [{"type": "flow_closed", "flow": f, "how": how} for f, how in result.closed]
        events += [{"type": "kata_response", "response": r} for r in result.responses]
        events += [{"type": "warning", "text": w} for w in result.warnings]
        return Outcome(
            state={"kata": after, "runs": kept}, session_uuid=after["id"], status="waiting",
            replies=[self._reply(r) for r in result.responses], events=_plain(events),
            runs=runs, timers=self._timers(after), new_session=new,
        )  # fmt: skip

    @staticmethod
    def _reply(response: dict[str, Any]) -> dict[str, Any]:
        reply = {k: v for k, v in response.items() if k != "content" and v is not None}
        content = response.get("content")
        reply["text"] = content if isinstance(content, str) else ""
        return _plain(reply)

    def _runs(self, known: dict[str, Any], after: dict[str, Any], result: Any,
              now: dt.datetime) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The run records of the turn (the store's shape) and the open runs' steps to keep:
        ``{run uuid: {flow, created_on, steps}}``."""
        stamp = iso(now)
        records: list[dict[str, Any]] = []
        kept: dict[str, Any] = {}
        open_flows = set()
        for item in after["flows"]:
            run_uuid, flow, node = item["run"], item["flow"], item["state"]
            open_flows.add(flow)
            created = int(item.get("created_ns") or 0)
            run = known.get(run_uuid) or {
                "flow": flow, "created_on": iso(time_of_ns(created)) if created else stamp,
                "steps": [], "touched_ns": None}
            run = dict(run, steps=list(run["steps"]))
            last = run["steps"][-1] if run["steps"] else None
            if last is None or last["node_uuid"] != node or run.get("touched_ns") != item.get(
                    "touched_ns"):
                if last is not None:
                    run["steps"][-1] = dict(last, exit_uuid=node)
                run["steps"].append({"node_uuid": node, "arrived_on": stamp, "exit_uuid": None,
                                     "value": _value(result)})
            run["touched_ns"] = item.get("touched_ns")
            kept[run_uuid] = run
            if run_uuid not in known or run["steps"] != known[run_uuid]["steps"]:
                records.append(self._record(run_uuid, run, "waiting", stamp, None))
        closed = dict(result.closed)  # flow -> how (the last closing of each flow)
        for run_uuid, run in known.items():
            if run_uuid in kept:
                continue
            how = closed.pop(run["flow"], "completed")
            records.append(self._record(run_uuid, run, how, stamp, stamp))
        for flow in result.opened:  # opened and closed within the turn
            if flow in closed and flow not in open_flows:
                run = {"flow": flow, "created_on": stamp, "steps": []}
                if after.get("last_flow") == flow and after.get("last_state"):
                    run["steps"] = [{"node_uuid": after["last_state"], "arrived_on": stamp,
                                     "exit_uuid": None, "value": _value(result)}]
                records.append(self._record(str(uuid.uuid4()), run, closed.pop(flow), stamp,
                                            stamp))
        return records, kept

    @staticmethod
    def _record(run_uuid: str, run: dict[str, Any], status: str, now: str,
                exited: str | None) -> dict[str, Any]:
        return {"uuid": run_uuid, "flow": {"uuid": run["flow"], "name": run["flow"]},
                "status": status, "parent_uuid": None, "created_on": run["created_on"],
                "modified_on": now, "exited_on": exited, "steps": run["steps"], "results": {}}

    def _timers(self, record: dict[str, Any]) -> list[tuple[str, dt.datetime]]:
        """One timer at the earliest time something falls due: an open flow's expiry (from
        the last message it took) or a schedule."""
        times = [int(s["due_ns"]) for s in record.get("schedules") or []]
        compiled = self.engine.family.compiled
        for item in record.get("flows") or []:
            flow = compiled.get(item["flow"])
            expire_ms = flow.expire_ms if flow is not None else None
            if expire_ms is not None:
                times.append(int(item.get("touched_ns") or 0) + int(expire_ms * 1_000_000))
        return [(KATA_DUE, time_of_ns(min(times)))] if times else []


def _value(result: Any) -> str | None:
    """What moved a flow in a turn: the (first) message's content, or its type."""
    if not result.messages:
        return None
    message = result.messages[0]
    content = message.get("content")
    if isinstance(content, str):
        return content
    return json.dumps(message.get("payload"), ensure_ascii=False)[:1000]


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _check(root: Path) -> None:
    """Read and compile the bot where it is, so that its problems name its own files."""
    from ...generators import SystemClock
    from ...kata import KataBotError, KataEngine, load_bot

    try:
        KataEngine(load_bot(root), clock=SystemClock())
    except (KataBotError, TurnflowError) as exc:
        raise DefinitionError(str(exc)) from None


class KataServiceFamily:
    name = "kata"
    channel = "generic"

    def detect(self, path: Path) -> bool:
        from ...kata import is_kata_bot

        return is_kata_bot(path)

    def read(self, path: Path) -> dict[str, Any]:
        root = path if path.is_dir() else path.parent
        files: dict[str, str] = {}
        total = 0
        for file in sorted(root.rglob("*")):
            relative = file.relative_to(root)
            if not file.is_file() or file.suffix.lower() not in _KEPT:
                continue
            if any(part in _SKIPPED_DIRS or part.startswith(".") for part in relative.parts):
                continue
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise DefinitionError(f"{file}: can't be read as UTF-8 text ({exc})") from None
            total += len(text)
            if total > MAX_BOT_BYTES:
                raise DefinitionError(f"{root}: the bot's files are over {MAX_BOT_BYTES} "
                                      "bytes")
            files[relative.as_posix()] = text
        if path.is_file() and path.name != "bot.yml":  # (a bot.yaml given by name)
            files["bot.yml"] = files.pop(path.name)
        _check(root)
        return {"files": files}

    def build(self, content: dict[str, Any], name: str, clock: Any) -> KataServiceBot:
        return KataServiceBot(content, name, clock)


register(KataServiceFamily())
