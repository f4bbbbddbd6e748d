"""``turnflow chat``: talk to a flow in the terminal.

Bot messages are printed with their quick replies; what you type is the contact's reply.
Commands: ``/timeout`` fires the wait's timeout, ``/expire`` expires the wait, ``/events``
turns event printing on or off, ``/results`` shows the run's results, ``/steps`` shows every
run's steps (node, arrival, exit taken, what moved it on), ``/quit`` leaves. With
``show_steps`` the steps are printed when the conversation ends as well.
Reading from a pipe works too, one reply per line, which is how the tests drive it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

from .errors import TurnflowError
from .goflow.assets import Assets
from .goflow.engine import GoflowEngine
from .goflow.export import message_trigger
from .goflow.resumes import ResumeError, msg_resume
from .testing.goflow_runner import read_contact  # the same contact reading as the tests

DEFAULT_CONTACT = {
    "uuid": "6f5c3d1e-0000-4000-8000-00000000c0de",
    "name": "Ryan Lewis",
    "language": "eng",
    "status": "active",
    "timezone": "UTC",
    "created_on": "2025-01-01T00:00:00Z",
    "urns": ["tel:+12065551212"],
    "fields": {},
}


def _print_events(events: Iterable[dict[str, Any]], out: TextIO, show_events: bool) -> None:
    for event in events:
        if show_events:
            shown = {k: v for k, v in event.items() if k not in ("uuid", "type", "created_on")}
            print(f"  [{event['type']}] {json.dumps(shown, ensure_ascii=False)}", file=out)
        if event["type"] in ("msg_created", "ivr_created"):
            msg = event["msg"]
            print(f"bot> {msg.get('text', '')}", file=out)
            for attachment in msg.get("attachments", []):
                print(f"     [{attachment}]", file=out)
            replies = [
                q["text"] if isinstance(q, dict) else q for q in msg.get("quick_replies", [])
            ]
            if replies:
                print("     " + " | ".join(f"[{r}]" for r in replies), file=out)
        elif event["type"] == "error" and not show_events:
            print(f"  (error: {event.get('text')})", file=out)


def _node_label(flow: Any, node_uuid: str) -> str:
    """A short name for a node: its actions' types, or what its router saves or waits for."""
    node = flow.node(node_uuid)
    if node is None:
        return "?"
    parts = [getattr(action, "type", type(action).__name__) for action in node.actions]
    router = node.router
    if router is not None:
        kind = "wait" if router.wait is not None else router.type
        parts.append(f"{kind} {router.result_name!r}" if router.result_name else kind)
    return ", ".join(parts) or "empty"


def print_steps(session: Any, out: TextIO) -> None:
    """Every run of the session with its steps (the seed's FlowRun and FlowStep)."""
    for number, run in enumerate(session.runs, start=1):
        print(f"  run {number}: {run.flow.name} ({run.status})", file=out)
        for index, step in enumerate(run.path, start=1):
            record = step.record()
            line = (f"    {index}. node {step.node_uuid[:8]}"
                    f" [{_node_label(run.flow, step.node_uuid)}] at {record['arrived_on']}")
            if step.exit_uuid:
                line += f" -> exit {step.exit_uuid[:8]}"
            if step.value is not None:
                line += f" on {step.value!r}"
            print(line, file=out)


def _message_trigger(flow_file: Path, flows: list[dict[str, Any]], triggers: list[Any], text: str,
                     urn: str, contact: Any) -> dict[str, Any]:
    """The msg trigger an export's triggers make of an incoming message (see run_chat)."""
    groups = [g.get("name") for g in getattr(contact, "groups", [])]
    trigger = message_trigger(triggers, msg_resume(text, urn)["event"], contact_groups=groups)
    if trigger is None:
        raise TurnflowError(f"{flow_file}: no trigger starts a flow for {text!r}")
    wanted = trigger["flow"]
    known = [f for f in flows if f["uuid"] == wanted.get("uuid") or f["name"] == wanted.get("name")]
    if not known:
        raise TurnflowError(f"{flow_file}: the trigger for {text!r} starts flow "
                            f"{wanted.get('name')!r}, which is not in the file")
    trigger["flow"] = {"uuid": known[0]["uuid"], "name": known[0]["name"]}
    return trigger


def run_chat(
    flow_file: Path,
    read_line: Callable[[], str | None],
    out: TextIO,
    flow_name: str | None = None,
    contact: dict[str, Any] | None = None,
    show_events: bool = False,
    show_steps: bool = False,
    legacy_dates: bool = False,
    first_message: str | None = None,
    triggers: list[Any] | None = None,
) -> int:
    """Run a chat until the flow ends or input runs out; returns the CLI exit code.

    With ``first_message`` and ``triggers`` (an export's), the session starts as that incoming
    message starts one: the flow of the keyword (or catch-all) trigger it matches, with the
    message as the first input."""
    assets = Assets.from_file(flow_file)
    if hasattr(assets, "flow_refs"):
        flows = assets.flow_refs()
    else:
        flows = [{"uuid": f["uuid"], "name": f["name"]} for f in assets.data["flows"]]
    if not flows:
        raise TurnflowError(f"{flow_file}: no flows in this file")
    ref = flows[0]
    if flow_name:
        matches = [
            f for f in flows if f["name"].lower() == flow_name.lower() or f["uuid"] == flow_name
        ]
        if not matches:
            names = ", ".join(f["name"] for f in flows)
            raise TurnflowError(f"{flow_file}: no flow named {flow_name!r} (flows: {names})")
        ref = matches[0]
    engine = GoflowEngine(assets)
    engine.env.default_country = engine.env.default_country or "US"
    engine.env.legacy_dates = legacy_dates
    contact_data = contact or DEFAULT_CONTACT
    contact_obj = read_contact(contact_data, assets)
    urn = (contact_data.get("urns") or ["tel:+12065551212"])[0]
    trigger: dict[str, Any] = {"type": "manual", "flow": {"uuid": ref["uuid"], "name": ref["name"]},
                               "triggered_on": "2025-01-01T00:00:00Z"}
    if first_message is not None:
        trigger = _message_trigger(
            flow_file, flows, triggers or [], first_message, urn, contact_obj
        )
        ref = trigger["flow"]
    print(
        f"Chatting with flow '{ref['name']}' as {contact_data.get('name')} ({urn})."
        " /quit to leave.",
        file=out,
    )
    if first_message is not None:
        print(f"you> {first_message}", file=out)
    session, sprint = engine.start(contact_obj, trigger)
    _print_events(sprint.events, out, show_events)
    while session.status == "waiting":
        line = read_line()
        if line is None or line.strip() == "/quit":
            print("(left the conversation)", file=out)
            return 0
        line = line.rstrip("\n")
        if line.strip() == "/events":
            show_events = not show_events
            print(f"(events {'on' if show_events else 'off'})", file=out)
            continue
        if line.strip() == "/results":
            run = session.top
            for key, result in (run.results.items() if run else []):
                print(f"  {key}: {result.get('value')} ({result.get('category')})", file=out)
            continue
        if line.strip() == "/steps":
            print_steps(session, out)
            continue
        if line.strip() == "/timeout":
            resume: dict[str, Any] = {"type": "wait_timeout", "event": {"type": "wait_timed_out"}}
        elif line.strip() == "/expire":
            resume = {"type": "wait_expiration", "event": {"type": "wait_expired"}}
        else:
            print(f"you> {line}", file=out)
            resume = msg_resume(line, urn)
        try:
            sprint = engine.resume(session, resume)
        except ResumeError as exc:  # e.g. /timeout at a wait without one: say so, go on
            print(f"(not accepted: {exc})", file=out)
            continue
        _print_events(sprint.events, out, show_events)
    print(f"(conversation {session.status})", file=out)
    if show_steps:
        print_steps(session, out)
    return 0 if session.status == "completed" else 1
