"""A toy flow family on the engine core, with no code of goflow's: the proof that the core
serves any family (see docs/architecture.md).

- Flows are plain dicts: steps that say a text, may ask for a slot, and go on to the step
  whose condition (a Python predicate over the slots) holds first.
- Its policy acts on a session whether or not a run waits: a keyword interrupts the flow in
  progress with another flow, and the held flow takes up its question again when that one
  ends; a keyword starts a new flow in a session whose flows have all ended; any other text
  answers the question the top run waits at.
- It has its own events (``bot_said``, ``slot_set``, ``nothing_to_do``) besides the core's.

    flows = {"pizza": {"keyword": "pizza", "steps": [
        {"id": "size", "say": "Small or large?", "ask": "size",
         "next": [[lambda slots: slots["size"] in ("small", "large"), "done"], [None, "size"]]},
        {"id": "done", "say": "One {size} pizza coming up."}]}}
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from turnflow.core import (
    ACTIVE,
    COMPLETED,
    WAIT,
    BaseFamily,
    Category,
    Engine,
    EngineError,
    Exit,
    Flow,
    Node,
    Run,
    Runtime,
    Session,
    Waiting,
)
from turnflow.generators import SeededUUIDs, SequentialClock

Predicate = Callable[[dict[str, Any]], bool]


# -- the graph: actions, a router and a wait of the toy family's own --------------------------


@dataclass(frozen=True)
class Say:
    """Says a text, with ``{slot}`` placeholders filled in by the toy evaluator."""

    uuid: str
    text: str
    type: str = "say"

    def execute(self, rt: Runtime) -> None:
        event = rt.stamp_event("bot_said")
        event["text"] = rt.evaluate(self.text)

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "text": self.text}


class AskWait:
    """The run waits for the user's next message."""

    def begin(self, rt: Runtime, run: Run, node: Node) -> None:
        rt.stamp_event("waiting_for")["slot"] = run.locals["asking"]


@dataclass(eq=False)
class NextRouter:
    """Picks the first transition whose predicate holds (None always holds); with a slot
    to ask for, it waits for the answer first."""

    categories: Sequence[Category]
    predicates: Sequence[Predicate | None]
    ask: str | None = None
    wait: AskWait | None = field(default=None)

    def route(self, rt: Runtime, run: Run, node: Node, arriving: bool) -> Category | Waiting | None:
        if self.ask is not None and arriving:
            run.locals["asking"] = self.ask
            return WAIT
        for category, predicate in zip(self.categories, self.predicates, strict=True):
            if predicate is None or rt.check(predicate):
                return category
        return None  # the first exit


def compile_flow(flow_id: str, data: dict[str, Any]) -> Flow:
    """A flow dict compiled into the core's graph (once, when the family is made)."""
    steps = data["steps"]
    nodes = []
    for index, step in enumerate(steps):
        following = steps[index + 1]["id"] if index + 1 < len(steps) else None
        transitions = step.get("next") or [[None, following]]
        exits, categories, predicates = [], [], []
        for number, (predicate, target) in enumerate(transitions):
            exit_uuid = f"{step['id']}-exit-{number}"
            exits.append(Exit(exit_uuid, target))
            categories.append(Category(f"{step['id']}-cat-{number}", target or "end", exit_uuid))
            predicates.append(predicate)
        ask = step.get("ask")
        router = NextRouter(categories, predicates, ask, AskWait() if ask else None)
        actions = (Say(f"{step['id']}-say", step["say"]),) if step.get("say") else ()
        nodes.append(Node(step["id"], actions, tuple(exits), router))
    return Flow(flow_id, data.get("name", flow_id), tuple(nodes))


# -- the evaluator, the session and the policy ------------------------------------------------


class SlotEvaluator:
    """Templates are ``str.format`` texts over the slots; conditions Python predicates."""

    def render(self, rt: Runtime, template: str, context: Any = None) -> str:
        return template.format_map(_Slots(rt.session.slots))

    def check(self, rt: Runtime, condition: Predicate, context: Any = None) -> bool:
        try:
            return bool(condition(rt.session.slots))
        except (KeyError, TypeError, ValueError) as exc:
            rt.error(f"condition failed: {exc}")
            return False


class _Slots(dict):
    def __missing__(self, key: str) -> str:
        return ""


@dataclass(slots=True)
class ToySession(Session):
    slots: dict[str, Any] = field(default_factory=dict)


class KeywordPolicy:
    """Keywords start or interrupt flows; other text answers the top run's question."""

    def __init__(self, family: ToyFamily) -> None:
        self.family = family

    def check(self, session: Session, input: Any) -> None:
        if not isinstance(input, dict) or not isinstance(input.get("text"), str):
            raise EngineError(f"a toy input is {{'text': ...}}, not {input!r}")

    def start(self, rt: Runtime, flow: Flow, start: Any) -> None:
        rt.engine.loop.start_run(rt, flow)
        rt.engine.loop.run_until_wait(rt)

    def apply(self, rt: Runtime, input: dict[str, Any]) -> None:
        session, loop = rt.session, rt.engine.loop
        text = input["text"].strip()
        flow = self.family.by_keyword.get(text.lower())
        top = session.top
        if flow is not None and (top is None or top.flow is not flow):
            held = top
            if held is not None:
                held.status = ACTIVE  # on hold: no longer waiting, still on the stack
            loop.start_run(rt, flow)
            loop.run_until_wait(rt)
            self._take_up_held(rt)
            return
        if top is None:  # the session is over and this starts nothing
            rt.stamp_event("nothing_to_do")["text"] = text
            session.status = COMPLETED
            return
        slot = top.locals.pop("asking", None)
        if slot is not None:
            session.slots[slot] = text
            event = rt.stamp_event("slot_set")
            event["slot"], event["value"] = slot, text
        loop.record_input(rt, top)
        loop.resume(rt, top)
        self._take_up_held(rt)

    @staticmethod
    def _take_up_held(rt: Runtime) -> None:
        """When the interrupting flow has ended, the held one asks its question again."""
        session, loop = rt.session, rt.engine.loop
        while session.status != "waiting" and session.top is not None:
            held = session.top
            node = loop.current_node(held)
            if node is None:
                return
            session.status = ACTIVE
            loop.visit(rt, held, node)


class ToyFamily(BaseFamily):
    name = "toy"

    def __init__(self, flows: dict[str, dict[str, Any]]) -> None:
        compiled = {flow_id: compile_flow(flow_id, data) for flow_id, data in flows.items()}
        super().__init__(compiled)
        self.by_keyword = {
            data["keyword"]: compiled[flow_id]
            for flow_id, data in flows.items()
            if "keyword" in data
        }
        self.evaluator = SlotEvaluator()
        self.policy = KeywordPolicy(self)

    def new_session(self, engine: Engine, contact: Any, flow: Flow, start: Any) -> ToySession:
        uuid = engine.uuids.new_v7()
        created_on = engine.clock.now_time()
        return ToySession(
            uuid=uuid, type=flow.type, created_on=created_on, trigger={}, contact=contact
        )


def toy_engine(flows: dict[str, dict[str, Any]], **options: Any) -> Engine:
    """An engine for the toy family with a deterministic clock and UUIDs."""
    clock = SequentialClock()
    return Engine(ToyFamily(flows), clock=clock, uuids=SeededUUIDs(7, clock), **options)
