"""Running a Rasa project: :class:`RasaEngine` loads it once and talks with it, a message at a
time, each turn's outcome a :class:`Turn` (what the bot said, the slots set, the flows started
and ended, the dialogue stack)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.engine import Engine
from ..core.events import RUN_ENDED, RUN_STARTED, Event
from ..core.runtime import Limits
from ..errors import TurnflowError
from ..generators import Clock, SeededUUIDs, SequentialClock, UUIDSource
from .custom_actions import ActionsError, load_actions
from .events import (
    ACTION_EXECUTED,
    BOT_UTTERED,
    FLOW_CANCELLED,
    FLOW_INTERRUPTED,
    FLOW_RESUMED,
    SLOT_SET,
)
from .family import CustomAction, RasaFamily
from .numpy_random import NumpyLegacyRandom
from .project import RasaProject
from .reading import load_project
from .session import RasaRun, RasaSession
from .understanding import CommandGenerator

# the flow changes a turn lists besides flows starting and ending, as Rasa names them
_FLOW_CHANGES = {
    FLOW_INTERRUPTED: "interrupted", FLOW_RESUMED: "resumed", FLOW_CANCELLED: "cancelled",
}

# a backstop for the core loop; Rasa's own limits (250 steps without an action, 1000 actions
# a turn) are kept by the family (see turnflow.rasa.family.MAX_STEPS_WITHOUT_ACTION)
MAX_STEPS_PER_TURN = 50_000
MAX_TURNS = 10**9
MAX_FRAMES_PER_TURN = 10_000


class ProjectError(TurnflowError):
    """A Rasa project that can't be run (problems found while reading it)."""


@dataclass
class Turn:
    """What one user message did."""

    events: list[Event]
    bot: list[dict[str, Any]] = field(default_factory=list)  # bot_uttered events
    slots: list[tuple[str, Any]] = field(default_factory=list)  # slots set, in order
    flows: list[tuple[str, str]] = field(default_factory=list)  # ("started"|status, flow id)
    actions: list[str] = field(default_factory=list)
    stack: list[str] = field(default_factory=list)  # flow ids, bottom first
    ended_steps: dict[str, str] = field(default_factory=dict)  # ended run -> its last step

    @classmethod
    def of(cls, events: list[Event], session: RasaSession) -> Turn:
        turn = cls(events)
        for event in events:
            kind = event["type"]
            if kind == BOT_UTTERED:
                turn.bot.append(event)
            elif kind == SLOT_SET:
                turn.slots.append((event["name"], event["value"]))
            elif kind == RUN_STARTED:
                turn.flows.append(("started", event["flow"]["uuid"]))
            elif kind == RUN_ENDED:
                turn.flows.append((event["status"], event["flow"]["uuid"]))
                run = session.find_run(event["run_uuid"])
                if run is not None and run.path:
                    turn.ended_steps[run.uuid] = run.path[-1].node_uuid
            elif kind == ACTION_EXECUTED:
                turn.actions.append(event["name"])
            elif kind in _FLOW_CHANGES:
                turn.flows.append((_FLOW_CHANGES[kind], event["flow_id"]))
        turn.stack = [run.flow.uuid for run in session.stack]
        return turn


class RasaEngine:
    """Runs one Rasa project's conversations."""

    def __init__(
        self,
        project: RasaProject,
        *,
        custom_actions: Mapping[str, CustomAction] | None = None,
        clock: Clock | None = None,
        uuids: UUIDSource | None = None,
        seed: int = 0,
        channel: str | None = None,
        limits: Limits | None = None,
        command_generator: CommandGenerator | None = None,
    ) -> None:
        errors = project.problems.errors
        if errors or project.unreadable:
            shown = "; ".join(str(problem) for problem in errors[:3])
            raise ProjectError(f"{project.path}: the project has errors: {shown}")
        clock = clock or SequentialClock()
        self.project = project
        if project.actions is None:
            try:
                found, warnings = load_actions(project.path)
            except ActionsError as error:
                raise ProjectError(str(error)) from error
            project.actions = (found, tuple(warnings))
        registered, self.warnings = project.actions
        # (actions given here, e2e stubs for instance, stand in for the project's own)
        custom_actions = {**registered, **(custom_actions or {})}
        self.family = RasaFamily(
            project, custom_actions=custom_actions, random=NumpyLegacyRandom(seed),
            channel=channel, command_generator=command_generator,
        )  # fmt: skip
        # (a Rasa conversation has no limit on its length; the runs of a turn are let go at
        # the next, so the runs limit is a turn's)
        limits = limits or Limits(max_steps_per_sprint=MAX_STEPS_PER_TURN,
                                  max_sprints_per_session=MAX_TURNS,
                                  max_runs_per_session=MAX_FRAMES_PER_TURN)
        self.core = Engine(
            self.family, clock=clock, uuids=uuids or SeededUUIDs(1, clock), limits=limits
        )

    @classmethod
    def load(cls, path: str | Path, **options: Any) -> RasaEngine:
        return cls(load_project(path), **options)

    def new_session(self, sender: str = "default", slots: Mapping[str, Any] | None = None
                    ) -> RasaSession:
        """A new conversation (``slots``: values it starts with, e.g. an e2e fixture)."""
        session, _ = self.core.start({"sender": sender}, None)
        assert isinstance(session, RasaSession)
        for name, value in (slots or {}).items():
            session.slots[name] = value
            session.slots_set.add(name)  # (Rasa sets fixtures with slot events)
        return session

    def handle(self, session: RasaSession, text: str = "", *,
               commands: list[dict[str, Any]] | None = None,
               metadata: dict[str, Any] | None = None) -> Turn:
        """One user message (its text, or the commands it stands for)."""
        if session.terminated:  # the session ended: Rasa ignores what comes after
            return Turn.of([], session)
        message: dict[str, Any] = {"text": text}
        if commands is not None:
            message["commands"] = commands
        if metadata:
            message["metadata"] = metadata
        sprint = self.core.resume(session, message)
        if session.restarting:  # Rasa shows nothing of a turn that restarted
            self.family.restart(session)
            return Turn.of([], session)
        return Turn.of(sprint.events, session)

    def stack(self, session: RasaSession) -> list[RasaRun]:
        return [run for run in session.stack if isinstance(run, RasaRun)]
