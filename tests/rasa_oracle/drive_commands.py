"""Drive real Rasa with messages that carry commands (Rasa's ``parse_data.commands``), to
record what it does turn by turn in the oracle's transcript shape.

Run with the oracle's Python (it imports rasa), from a copy of the project:

    python drive_commands.py PROJECT_DIR CONVERSATIONS.yml > transcript.jsonl

CONVERSATIONS.yml (our own format)::

    stub_custom_actions: {action_x: {events: [...], responses: [...]}}   # optional
    conversations:
      - name: cancel_while_asking
        turns:
          - "/borrow"                                   # text, read as Rasa reads it
          - commands: [{command: cancel flow}]          # commands given with the message
            text: "stop"                                # optional

Only the oracle's venv has rasa; turnflow never imports this file.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

ORACLE = Path(os.environ.get("RASA_ORACLE_DIR", Path(__file__).resolve().parents[3]
                             / "shared" / "tools" / "rasa-oracle"))
sys.path.insert(0, str(ORACLE))

import oracle  # noqa: E402  (sets Rasa's environment up before rasa is imported)
import yaml  # noqa: E402


async def drive(project: Path, spec: dict[str, Any], file_name: str) -> None:
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.e2e_test.constants import KEY_STUB_CUSTOM_ACTIONS, TEST_FILE_NAME
    from rasa.e2e_test.stub_custom_action import StubCustomAction
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet
    from rasa.utils.endpoints import EndpointConfig

    oracle.initialise()
    stubs = {
        f"{file_name}::{name}": StubCustomAction.from_dict(name, data)
        for name, data in (spec.get("stub_custom_actions") or {}).items()
    }
    endpoint = None
    if stubs:
        endpoint = EndpointConfig(**{KEY_STUB_CUSTOM_ACTIONS: stubs})
        endpoint.kwargs[TEST_FILE_NAME] = file_name
    agent = Agent.load(str(oracle.model_path(project)), action_endpoint=endpoint)
    for number, conversation in enumerate(spec["conversations"]):
        sender = f"commands-{number}"
        turns = []
        for given in conversation["turns"]:
            if isinstance(given, str):
                text, message = given, UserMessage(given, sender_id=sender)
            else:
                text = given.get("text", "")
                parse_data = {"text": text, "intent": {}, "entities": [],
                              "commands": given["commands"]}
                message = UserMessage(text, sender_id=sender, parse_data=parse_data)
            tracker = await agent.tracker_store.retrieve(sender)
            before = len(tracker.events) if tracker is not None else 0
            await agent.handle_message(message)
            tracker = await agent.tracker_store.retrieve(sender)
            turn: dict[str, Any] = {"user": given, "bot": [], "slots": {}, "flows": [],
                                    "actions": []}
            for event in list(tracker.events)[before:]:
                kind = type(event).__name__
                if isinstance(event, BotUttered):
                    turn["bot"].append({
                        "utter": (event.metadata or {}).get("utter_action"),
                        "text": event.text,
                        "buttons": (event.data or {}).get("buttons") or [],
                    })
                elif isinstance(event, SlotSet):
                    if not str(event.key).startswith(("flow_hashes", "dialogue_stack")):
                        turn["slots"][event.key] = event.value
                elif isinstance(event, ActionExecuted):
                    name = event.action_name or ""
                    if not name.startswith("utter_") and name != "action_listen":
                        turn["actions"].append(name)
                elif kind.startswith("Flow"):
                    turn["flows"].append([kind[len("Flow"):].lower(),
                                          getattr(event, "flow_id", None)])
            turn["stack"] = [f"{f.get('flow_id')}:{f.get('type')}"
                             for f in tracker.stack.as_dict()]
            turns.append(turn)
        print(json.dumps({"test_case": conversation["name"], "turns": turns}, default=str))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    project, conversations = Path(argv[0]).resolve(), Path(argv[1]).resolve()
    oracle.ensure_model(project)
    spec = yaml.safe_load(conversations.read_text())
    asyncio.run(drive(project, spec, conversations.name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
