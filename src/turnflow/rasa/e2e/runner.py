"""Running Rasa e2e test cases on turnflow, as ``rasa test e2e`` runs them on Rasa.

Each test case is a new conversation (its fixtures' slots set first). A user step with
``assertions`` is checked against what that turn did: flows started, completed or cancelled,
actions run, slots set or not, what the bot said or did not say (in order with
``assertion_order_enabled``). Steps without assertions use the older form: each ``bot`` /
``utter`` step after a user step names a message of that turn, and each ``slot_was_set``
step a slot that turn set (Rasa looks each one up among the turn's events: order and
messages no step names do not matter). Assertions that need an LLM judge are
skipped with a note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..engine import RasaEngine, Turn
from ..events import SLOT_SET
from ..payloads import PlainText, read_user_text
from ..project import RasaProject
from .model import (
    ANY_VALUE,
    ActionExecuted,
    AssertedButton,
    AssertedSlot,
    Assertion,
    BotDidNotUtter,
    BotStep,
    BotUttered,
    FlowCancelled,
    FlowCompleted,
    FlowStarted,
    SlotStep,
    SlotWasNotSet,
    SlotWasSet,
    TestCase,
    TestSuite,
    UserStep,
    UtterStep,
)


@dataclass
class CaseResult:
    name: str
    passed: bool
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # skipped assertions and the like


def run_suite(project: RasaProject, suite: TestSuite) -> list[CaseResult]:
    """Every test case of the suite, each in a new conversation."""
    stubs = suite.stub_custom_actions
    metadata = suite.metadata
    results = []
    for case in suite.test_cases:
        actions = stubs_for(case, stubs)
        engine = RasaEngine(project, custom_actions=actions)
        slots: dict[str, Any] = {}
        for fixture in suite.fixtures_of(case):
            slots.update(fixture.slots)
        results.append(run_case(engine, case, slots, metadata))
    return results


def run_case(
    engine: RasaEngine, case: TestCase, slots: Mapping[str, Any], metadata: Mapping[str, Any]
) -> CaseResult:
    result = CaseResult(case.name, True)
    session = engine.new_session(slots=slots)
    case_meta = _metadata(metadata, case.metadata)
    turn: Turn | None = None
    turn_number = 0
    sent: list[tuple[str, dict[str, Any], Turn, int]] = []  # text, metadata, turn, number
    for step in case.steps:
        if isinstance(step, UserStep):
            turn_number += 1
            meta = {**case_meta, **_metadata(metadata, step.metadata)}
            turn = engine.handle(session, step.text, metadata=meta or None)
            sent.append((step.text, meta, turn, turn_number))
            if step.assertions is not None:
                where = f"turn {turn_number} ({step.text!r})"
                if _voided(engine, step.text):
                    _fail(result, f"{where}: Rasa voids this payload (the domain has no such "
                                  f"intent or slot) and logs the message without its slash, "
                                  f"so its e2e runner finds no such user message and fails "
                                  f"the step")
                    continue
                checked, number = _asserted_turn(sent, step.text, meta if step.metadata else None)
                if number != turn_number:
                    where += f", checked against turn {number} (the first with this text)"
                if step is case.steps[0] and slots:
                    # (for the first step, Rasa's runner also looks at the events before the
                    # message: the fixtures' slots, set as written)
                    fixtures = [{"type": SLOT_SET, "name": name, "value": value}
                                for name, value in slots.items()]
                    checked = replace(checked, events=[*fixtures, *checked.events])
                _check_assertions(result, step.assertions, checked,
                                  step.assertion_order_enabled, where)
            continue
        # a case written with assertions checks nothing else (Rasa ignores its other steps)
        if turn is None or case.uses_assertions:
            continue
        _check_legacy_step(result, step, turn, f"turn {turn_number}")
    return result


def _asserted_turn(
    sent: list[tuple[str, dict[str, Any], Turn, int]], text: str,
    meta: dict[str, Any] | None,
) -> tuple[Turn, int]:
    """The turn Rasa checks a step's assertions against: its e2e runner looks the user
    message up by its text (and by the step's own metadata, when it has some) and takes the
    first message that matches — an earlier message with the same text, if there is one."""
    for said, said_meta, turn, number in sent:
        if said == text and (meta is None or all(
                key in said_meta and said_meta[key] == value for key, value in meta.items())):
            return turn, number
    _, _, turn, number = sent[-1]
    return turn, number


def _voided(engine: RasaEngine, text: str) -> bool:
    return text.strip().startswith("/") and isinstance(
        read_user_text(text, engine.family.domain), PlainText)


def _check_legacy_step(
    result: CaseResult, step: BotStep | UtterStep | SlotStep, turn: Turn, where: str
) -> None:
    """An older-form step holds when some event of the last user turn matches it, as Rasa
    checks it: in any order, the same message may match twice, and messages no step names
    are not a failure."""
    said = [event for event in turn.events if event["type"] == "bot_uttered"]
    if isinstance(step, BotStep):
        if not any(event.get("text") == step.text for event in said):
            _fail(result, f"{where}: - bot: {step.text!r}\n+ bot said: {_said(said)}")
    elif isinstance(step, UtterStep):
        if not any(event.get("utter_action") == step.utter_name for event in said):
            _fail(result, f"{where}: - utter: {step.utter_name}\n+ bot said: {_said(said)}")
    else:
        for slot in step.slots:
            found = _slot_set(turn, slot)
            if found == step.negated:
                verb = "was set" if step.negated else "was not set"
                _fail(result, f"{where}: slot {_slot_text(slot)} {verb}")


def _said(said: list[dict[str, Any]]) -> str:
    return ", ".join(
        f"{event.get('utter_action')}: {event.get('text')!r}" for event in said
    ) or "nothing"


def _fail(result: CaseResult, problem: str) -> None:
    result.passed = False
    result.problems.append(problem)


# -- assertions -------------------------------------------------------------------------------


def _check_assertions(
    result: CaseResult, assertions: tuple[Assertion, ...], turn: Turn, ordered: bool, where: str
) -> None:
    position = 0  # with ordering: where in the turn's events the next assertion may match
    for assertion in assertions:
        if assertion.needs_llm:
            result.notes.append(f"{where}: {assertion.kind} needs an LLM judge: skipped")
            continue
        check = _CHECKS.get(type(assertion))
        if check is None:
            _fail(result, f"{where}: {assertion.kind} is not supported yet")
            continue
        found = check(assertion, turn, position if ordered else 0)
        if found is None:
            hint = _step_hint(assertion, turn)
            _fail(result, f"{where}: {_describe(assertion)}{hint}\n    this turn: {_summary(turn)}")
        elif ordered and found != NO_EVENT and found + 1 < len(turn.events):
            # (Rasa goes on after the event that matched, unless it was the turn's last one
            # or nothing matched, as for bot_did_not_utter)
            position = found + 1


NO_EVENT = -1  # an assertion held without matching an event (nothing to go on from)


def _index_of(turn: Turn, start: int, matches: Callable[[dict[str, Any]], bool]) -> int | None:
    for index in range(start, len(turn.events)):
        if matches(turn.events[index]):
            return index
    return None


def _flow_started(assertion: FlowStarted, turn: Turn, start: int) -> int | None:
    indexes = [
        _index_of(turn, start, lambda e, f=flow_id: e["type"] == "run_started"
                  and e["flow"]["uuid"] == f)
        for flow_id in assertion.flow_ids
    ]
    if assertion.operator == "all":
        return None if None in indexes else max(i for i in indexes if i is not None)
    found = [i for i in indexes if i is not None]
    return min(found) if found else None


def _flow_completed(assertion: FlowCompleted, turn: Turn, start: int) -> int | None:
    def matches(event: dict[str, Any]) -> bool:
        if event["type"] != "run_ended" or event["flow"]["uuid"] != assertion.flow_id:
            return False
        if event["status"] != "completed":
            return False
        if assertion.flow_step_id is not None:
            return turn.ended_steps.get(event["run_uuid"]) == assertion.flow_step_id
        return True

    return _index_of(turn, start, matches)


def _flow_cancelled(assertion: FlowCancelled, turn: Turn, start: int) -> int | None:
    def matches(event: dict[str, Any]) -> bool:
        if event["type"] != "flow_cancelled" or event["flow_id"] != assertion.flow_id:
            return False
        step = assertion.flow_step_id
        return step is None or event.get("step_id") == step

    return _index_of(turn, start, matches)


def _action_executed(assertion: ActionExecuted, turn: Turn, start: int) -> int | None:
    name = assertion.action_name
    return _index_of(turn, start, lambda e: (e["type"] == "action_executed" and e["name"] == name)
                     or (e["type"] == "bot_uttered" and e.get("utter_action") == name))


def _slot_was_set(assertion: SlotWasSet, turn: Turn, start: int) -> int | None:
    last = NO_EVENT
    for slot in assertion.slots:
        index = _index_of(turn, start, lambda e, s=slot: _is_slot_event(e, s))
        if index is None:
            return None
        last = index  # (Rasa goes on after the last listed slot's event)
    return last


def _slot_was_not_set(assertion: SlotWasNotSet, turn: Turn, start: int) -> int | None:
    """Rasa looks at the slot's last value in the turn only: a value that was set and then
    turned down (a rejection resets it) was not set."""
    matched = NO_EVENT  # (Rasa goes on after the last slot event it looked at)
    for slot in assertion.slots:
        found = [
            index for index in range(start, len(turn.events))
            if turn.events[index]["type"] == "slot_set"
            and turn.events[index]["name"] == slot.name
        ]
        if not found:
            continue
        matched = found[-1]
        last = turn.events[matched]["value"]
        if (last is not None) if slot.value is ANY_VALUE else last == slot.value:
            return None
    return matched


def _is_slot_event(event: dict[str, Any], slot: AssertedSlot) -> bool:
    if event["type"] != "slot_set" or event["name"] != slot.name:
        return False
    return slot.value is ANY_VALUE or event["value"] == slot.value


def _slot_set(turn: Turn, slot: AssertedSlot) -> bool:
    return any(_is_slot_event(event, slot) for event in turn.events)


def _is_bot(event: dict[str, Any]) -> bool:
    return event["type"] == "bot_uttered"


def _utter_is(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda event: _is_bot(event) and event.get("utter_action") == name


def _text_is(pattern: str) -> Callable[[dict[str, Any]], bool]:
    return lambda event: _is_bot(event) and re.search(pattern, event.get("text") or "") is not None


def _buttons_of(event: dict[str, Any]) -> list[dict[str, Any]]:
    return list((event.get("data") or {}).get("buttons") or [])


def _same_button(wanted: AssertedButton, button: dict[str, Any]) -> bool:
    # (title and payload both, as written: a button asserted without a payload matches only
    # a button without one)
    return button.get("title") == wanted.title and button.get("payload") == wanted.payload


def _bot_uttered(assertion: BotUttered, turn: Turn, start: int) -> int | None:
    """As Rasa checks it: each criterion on its own (some message came from the response,
    some message's text matches, some message's buttons start with the ones listed — not
    necessarily the same message); the message Rasa goes on from (with
    ``assertion_order_enabled``) is the last criterion's."""
    found: int | None = start
    if assertion.utter_name is not None:
        found = _index_of(turn, start, _utter_is(assertion.utter_name))
        if found is None:
            return None
    if assertion.text_matches is not None:
        found = _index_of(turn, start, _text_is(assertion.text_matches))
        if found is None:
            return None
    if assertion.buttons:
        wanted = assertion.buttons

        def has_buttons(event: dict[str, Any]) -> bool:
            buttons = _buttons_of(event) if _is_bot(event) else []
            # (Rasa compares the listed buttons with the message's first ones, pairwise)
            return bool(buttons) and all(
                _same_button(w, b) for w, b in zip(wanted, buttons, strict=False))

        found = _index_of(turn, start, has_buttons)
    return found


def _bot_did_not_utter(assertion: BotDidNotUtter, turn: Turn, start: int) -> int | None:
    """As Rasa checks it: no message may come from the response, nor have a text matching,
    nor carry any of the buttons listed (each criterion alone is forbidden)."""
    def forbidden(event: dict[str, Any]) -> bool:
        if not _is_bot(event):
            return False
        if assertion.utter_name is not None and _utter_is(assertion.utter_name)(event):
            return True
        if assertion.text_matches is not None and _text_is(assertion.text_matches)(event):
            return True
        return any(_same_button(w, b) for b in _buttons_of(event)
                   for w in assertion.buttons or ())

    return None if _index_of(turn, start, forbidden) is not None else NO_EVENT


_CHECKS: dict[type, Callable[[Any, Turn, int], int | None]] = {
    FlowStarted: _flow_started,
    FlowCompleted: _flow_completed,
    FlowCancelled: _flow_cancelled,
    ActionExecuted: _action_executed,
    SlotWasSet: _slot_was_set,
    SlotWasNotSet: _slot_was_not_set,
    BotUttered: _bot_uttered,
    BotDidNotUtter: _bot_did_not_utter,
}


def _step_hint(assertion: Assertion, turn: Turn) -> str:
    """For a flow_completed at a step that did not match: the step the flow did end at (as
    Rasa says: ids are the flow's own, like ``greet_0_utter_greet``)."""
    if not isinstance(assertion, FlowCompleted) or assertion.flow_step_id is None:
        return ""
    actual = [
        turn.ended_steps.get(event["run_uuid"]) for event in turn.events
        if event["type"] == "run_ended" and event["flow"]["uuid"] == assertion.flow_id
        and event["status"] == "completed"
    ]
    steps = [step for step in actual if step]
    return f" (the flow completed at step {', '.join(map(repr, steps))})" if steps else ""


_NOT_SHOWN = ("location", "needs_llm", "kind")  # (not what the test file said)


def _describe(assertion: Assertion) -> str:
    fields = {
        key: getattr(assertion, key) for key in getattr(assertion, "__dataclass_fields__", {})
        if key not in _NOT_SHOWN and getattr(assertion, key) not in (None, ())
    }
    shown = ", ".join(f"{key}={_shown(value)}" for key, value in fields.items())
    return f"expected {assertion.kind}: {shown}"


def _shown(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    if isinstance(value, AssertedSlot):
        return _slot_text(value)
    if isinstance(value, AssertedButton):
        return f"{value.title!r} -> {value.payload!r}"
    return repr(value)


def _slot_text(slot: AssertedSlot) -> str:
    return slot.name if slot.value is ANY_VALUE else f"{slot.name}={slot.value!r}"


def _summary(turn: Turn) -> str:
    said = ", ".join(str(b.get("utter_action")) for b in turn.bot) or "nothing"
    slots = ", ".join(f"{name}={value!r}" for name, value in turn.slots) or "none"
    flows = ", ".join(f"{kind} {flow}" for kind, flow in turn.flows) or "none"
    return f"bot said {said}; slots set {slots}; flows {flows}"


def _metadata(metadata: Mapping[str, Any], name: str | None) -> dict[str, Any]:
    if not name:
        return {}
    found = metadata.get(name)
    return dict(found.values) if found is not None else {}


def stubs_for(case: TestCase, stubs: Mapping[str, Any]) -> dict[str, Any]:
    """The stubbed custom actions a test case sees, as Rasa picks them: a stub named
    ``<test case>::<action>`` first, then the one of the case's own file
    (``<file name>::<action>``, which is how a plain name in that file is filed)."""
    file_name = case.file.rsplit("/", 1)[-1]
    own: dict[str, Any] = {}
    of_file: dict[str, Any] = {}
    for key, stub in stubs.items():
        scope, _, name = key.rpartition("::")
        if not scope:
            of_file.setdefault(name, stub)
        elif scope == case.name:
            own.setdefault(name, stub)
        elif scope == file_name:
            of_file.setdefault(name, stub)
    return {name: _stub_action(stub) for name, stub in {**of_file, **own}.items()}


def _stub_action(stub: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def run(view: dict[str, Any]) -> dict[str, Any]:
        return {"events": list(stub.events), "responses": list(stub.responses)}

    return run
