"""``turnflow chat PROJECT_DIR``: talk to a Rasa project in the terminal.

Each bot message is printed (``bot: text``) with its buttons numbered under it; typing a
button's number sends its payload, anything else goes to the bot as typed (``/intent``,
``/SetSlots(a=1)``, words). The chat's own commands are only these exact words: ``/flows``
(the user flows, what they do, the intents that start them), ``/stack`` (the dialogue stack,
top last), ``/slots`` (the slots that have a value), ``/events`` (turns printing the flows
started and ended and the slots set on or off), ``/restart`` (a new conversation) and
``/quit``. A project intent spelled like one of them is sent with a doubled slash
(``//flows`` sends ``/flows``). Reading from a pipe works too, one message per line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from ..core.events import RUN_ENDED, RUN_STARTED
from ..errors import TurnflowError
from .builtin_names import BUILTIN_SLOTS, LANGUAGE_SLOT
from .engine import ProjectError, RasaEngine, Turn
from .events import BOT_UTTERED, FLOW_CANCELLED, FLOW_INTERRUPTED, FLOW_RESUMED, SLOT_SET
from .problems import Problem
from .project import RasaProject
from .reading import load_project
from .session import RasaSession
from .validation import validate_project

COMMANDS = ("/flows", "/stack", "/slots", "/events", "/restart", "/quit")
_FLOW_CHANGES = {
    FLOW_INTERRUPTED: "interrupted", FLOW_RESUMED: "resumed", FLOW_CANCELLED: "cancelled",
}


def load_engine(path: str | Path) -> RasaEngine:
    """The project's engine; a project with errors (reading or validation: Rasa would not
    train it) raises ProjectError naming the first one, so the CLI says it on one line.
    Errors Rasa reports but runs the project anyway (a flow collecting a list slot...) do
    not stop it: :func:`tolerated_errors` lists them."""
    project = load_project(path)
    errors = validate_project(project).blocking
    if errors:
        more = len(errors) - 1
        rest = f" (and {more} more: turnflow validate {path})" if more else ""
        count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
        raise ProjectError(f"{path}: the project has {count}: {errors[0]}{rest}")
    return RasaEngine(project)  # raises ProjectError itself for unreadable files


def tolerated_errors(project: RasaProject) -> list[Problem]:
    """The project's errors that Rasa's validator reports but Rasa runs the project anyway."""
    return [p for p in validate_project(project).errors if p.rasa_runs_it]


def _value(value: Any) -> str:
    # repr tells "50" (text) from 50.0 (a float slot's value), which Rasa's checks care about
    return "null" if value is None else repr(value)


class RasaChat:
    """One terminal conversation with a project (``/restart`` starts a new session)."""

    def __init__(self, engine: RasaEngine, out: TextIO, show_events: bool = False) -> None:
        self.engine = engine
        self.out = out
        self.show_events = show_events
        self.buttons: list[dict[str, Any]] = []  # the buttons listed last, numbered from 1
        self.session, self.initial_slots = self._new_session()

    def _new_session(self) -> tuple[RasaSession, dict[str, Any]]:
        session = self.engine.new_session()
        return session, dict(session.slots)

    def say(self, text: str) -> None:
        print(text, file=self.out)

    # -- what the chat prints --

    def print_turn(self, turn: Turn) -> None:
        """The turn's bot messages in order, with what happened between them (--events)."""
        if turn.bot:
            self.buttons = []
        for event in turn.events:
            kind = event["type"]
            if kind == BOT_UTTERED:
                self.print_bot(event)
            elif not self.show_events:
                continue
            elif kind == SLOT_SET:
                self.say(f"  [slot] {event['name']} = {_value(event['value'])}")
            elif kind == RUN_STARTED:
                self.say(f"  [flow started] {event['flow']['uuid']}")
            elif kind == RUN_ENDED:
                self.say(f"  [flow {event['status']}] {event['flow']['uuid']}")
            elif kind in _FLOW_CHANGES:
                self.say(f"  [flow {_FLOW_CHANGES[kind]}] {event['flow_id']}")

    def print_bot(self, event: dict[str, Any]) -> None:
        data = event.get("data") or {}
        if event.get("text") is not None:
            self.say(f"bot: {event['text']}")
        for key in ("image", "attachment", "custom"):
            if data.get(key):
                self.say(f"bot: [{key}] {data[key]}")
        for button in data.get("buttons") or []:
            self.buttons.append(button)
            self.say(f"  [{len(self.buttons)}] {button.get('title', '')}"
                     f" ({button.get('payload', '')})")

    def print_flows(self) -> None:
        project = self.engine.project
        for flow in project.user_flows:
            starts = [f"/{trigger.intent}" for trigger in flow.nlu_trigger]
            if flow.guard is not None:
                starts.append(f"if: {flow.guard}")  # `if: False`: only called or linked
            line = f"  {flow.id}: {flow.description}"
            self.say(line + (f" [{', '.join(starts)}]" if starts else ""))

    def print_stack(self) -> None:
        frames = self.engine.stack(self.session)
        if not frames:
            self.say("  (the stack is empty)")
        for number, run in enumerate(frames, start=1):
            step = run.path[-1].node_uuid if run.path else "START"
            collecting = run.context.get("collect")
            what = f", collecting {collecting}" if collecting else ""
            self.say(f"  {number}. {run.flow.uuid} ({run.frame_type}{what}) at {step}")

    def print_slots(self) -> None:
        shown = 0
        for name, value in self.session.slots.items():
            # Rasa's own slots only once they differ from how the session began
            if value is None or (name in (*BUILTIN_SLOTS, LANGUAGE_SLOT)
                                  and value == self.initial_slots.get(name)):
                continue
            self.say(f"  {name} = {_value(value)}")
            shown += 1
        if not shown:
            self.say("  (no slot has a value)")

    # -- the conversation --

    def command(self, word: str) -> bool:
        """Run one of the chat's own commands; False means quit."""
        if word == "/quit":
            return False
        if word == "/flows":
            self.print_flows()
        elif word == "/stack":
            self.print_stack()
        elif word == "/slots":
            self.print_slots()
        elif word == "/events":
            self.show_events = not self.show_events
            self.say(f"(events {'on' if self.show_events else 'off'})")
        elif word == "/restart":
            self.session, self.initial_slots = self._new_session()
            self.buttons = []
            self.say("(new conversation)")
        return True

    def message_for(self, line: str) -> tuple[str, dict[str, Any] | None]:
        """What a typed line sends: a listed button's payload for its number, one slash less
        for an escaped ``//word``, else the text itself."""
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= len(self.buttons):
            button = self.buttons[int(text) - 1]
            return str(button.get("payload", "")), button
        if text.startswith("//"):
            return text[1:], None
        return line, None

    def send(self, line: str, echo: bool) -> None:
        text, button = self.message_for(line)
        if echo:
            self.say(f"you: {line}")
        if button is not None:
            self.say(f"  -> {button.get('title', '')} ({text})")
        try:
            turn = self.engine.handle(self.session, text)
        except TurnflowError as exc:  # the session may be half-way: say so, keep chatting
            self.say(f"  (error: {exc}; /restart starts afresh)")
            return
        self.print_turn(turn)


def shadowed_intents(project: RasaProject) -> list[str]:
    """The project's own intents that the chat's commands hide (sent as ``//word``)."""
    return [f"/{intent}" for intent in project.domain.intents if f"/{intent}" in COMMANDS]


def run_rasa_chat(
    project_dir: str | Path,
    read_line: Callable[[], str | None],
    out: TextIO,
    show_events: bool = False,
    echo: bool = True,
) -> int:
    """Chat until ``/quit`` or the end of input; returns the CLI exit code. ``echo`` prints
    each line read (for piped input, where the terminal doesn't show it)."""
    engine = load_engine(project_dir)
    chat = RasaChat(engine, out, show_events)
    flows = len(engine.project.user_flows)
    chat.say(f"Chatting with the Rasa project {project_dir} ({flows} flow"
             f"{'s' if flows != 1 else ''}).")
    chat.say(f"Commands: {' '.join(COMMANDS)}; a button's number sends its payload.")
    tolerated = tolerated_errors(engine.project)
    if tolerated:
        chat.say(f"warning: {len(tolerated)} error{'s' if len(tolerated) != 1 else ''} Rasa "
                 f"reports but runs anyway (turnflow validate {project_dir}), the first: "
                 f"{tolerated[0]}")
    for word in shadowed_intents(engine.project):
        chat.say(f"(the project's intent {word} is sent as /{word})")
    while True:
        line = read_line()
        if line is None:
            break
        line = line.rstrip("\n")
        if line.strip() in COMMANDS:
            if echo:
                chat.say(f"you: {line}")
            if not chat.command(line.strip()):
                break
            continue
        if not line.strip():
            continue  # an empty line sends nothing
        chat.send(line, echo)
    chat.say("(left the conversation)")
    return 0
