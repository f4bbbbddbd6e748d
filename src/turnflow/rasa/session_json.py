"""A Rasa conversation as JSON, to keep it between turns (the store keeps it per sender).

What is kept is the state, not a history to replay (Rasa's tracker replays its events on
every load; this is read in one pass): the slots, the frames still on the dialogue stack with
their context, and the runs of the conversation with their steps.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ..core.graph import Flow
from ..core.session import Step, time_text
from ..errors import TurnflowError
from ..generators import NanoTime
from .session import RasaRun, RasaSession

FORMAT = 1


class RasaStateError(TurnflowError):
    """Stored conversation state that can't be read back (``where``: the part at fault)."""


def session_to_json(session: RasaSession) -> dict[str, Any]:
    """The conversation as plain JSON values (raises RasaStateError for a value that isn't
    JSON, e.g. a custom action's object put in a slot)."""
    data = {
        "format": FORMAT,
        "uuid": session.uuid,
        "created_on": time_text(session.created_on),
        "contact": session.contact,
        "status": session.status,
        "sprints": session.sprints,
        "turns": session.turns,
        "slots": session.slots,
        "slots_set": sorted(session.slots_set),
        "runs": [_run_to_json(run) for run in session.runs if isinstance(run, RasaRun)],
        "stack": [run.uuid for run in session.stack],
    }
    try:
        return json.loads(json.dumps(data))
    except (TypeError, ValueError) as exc:
        raise RasaStateError(f"conversation state is not JSON: {exc}") from None


def _run_to_json(run: RasaRun) -> dict[str, Any]:
    return {
        "uuid": run.uuid,
        "flow": run.flow.uuid,
        "status": run.status,
        "frame_type": run.frame_type,
        "context": run.context,
        "path": [[s.node_uuid, time_text(s.arrived_on), s.exit_uuid, s.value] for s in run.path],
        "results": run.results,
        "locals": run.locals,
        "parent_uuid": run.parent.uuid if run.parent is not None else None,
        "created_on": time_text(run.created_on),
        "modified_on": time_text(run.modified_on),
        "exited_on": time_text(run.exited_on),
        "expires_on": time_text(run.expires_on),
        "had_input": run.had_input,
    }


def read_session(data: Mapping[str, Any], flows: Callable[[str], Flow | None]) -> RasaSession:
    """Read back what :func:`session_to_json` wrote; ``flows`` finds a flow by id."""
    try:
        if data.get("format") != FORMAT:
            raise RasaStateError(f"unknown state format {data.get('format')!r}")
        runs: list[RasaRun] = []
        by_uuid: dict[str, RasaRun] = {}
        parents: list[tuple[RasaRun, str]] = []
        for item in data["runs"]:
            flow = flows(item["flow"])
            if flow is None:
                raise RasaStateError(f"flow {item['flow']!r} is no longer in the project")
            run = RasaRun(
                uuid=item["uuid"], flow=flow, created_on=NanoTime.parse(item["created_on"]),
                status=item["status"], frame_type=item["frame_type"],
                context=dict(item["context"]),
                path=[Step(node, NanoTime.parse(at), exit_uuid, value)
                      for node, at, exit_uuid, value in item["path"]],
                results=dict(item["results"]), locals=dict(item["locals"]),
                modified_on=_time(item["modified_on"]), exited_on=_time(item["exited_on"]),
                expires_on=_time(item["expires_on"]), had_input=bool(item["had_input"]),
            )  # fmt: skip
            runs.append(run)
            by_uuid[run.uuid] = run
            if item.get("parent_uuid"):
                parents.append((run, item["parent_uuid"]))
        for run, parent_uuid in parents:
            run.parent = by_uuid.get(parent_uuid)
        stack = [by_uuid[uuid] for uuid in data["stack"]]
        return RasaSession(
            uuid=data["uuid"], type="messaging", created_on=NanoTime.parse(data["created_on"]),
            trigger={}, contact=data["contact"], status=data["status"], runs=list(runs),
            stack=stack, sprints=int(data["sprints"]), slots=dict(data["slots"]),
            slots_set=set(data.get("slots_set", ())), turns=int(data["turns"]),
        )  # fmt: skip
    except RasaStateError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise RasaStateError(f"conversation state can't be read: {type(exc).__name__} {exc}"
                             ) from None


def _time(text: str | None) -> NanoTime | None:
    return NanoTime.parse(text) if text else None
