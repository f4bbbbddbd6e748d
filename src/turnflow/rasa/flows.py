"""Rasa flows as turnflow holds them once read (the reader is :mod:`turnflow.rasa.reading`):
a flow's keys, and its steps — ``action``, ``collect``, ``link``, ``call``, ``set_slots``,
``noop`` — each with its id and where it goes next.

Step ids are Rasa's: the one written (``id:``), else the default
``<flow id>_<index>_<kind part>`` (``transfer_money_0_collect_recipient``), which
corrections and e2e tests refer to. ``next`` is either one target (a step id or ``END``) or
``if``/``else`` branches whose targets are step ids or inline step lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .domain import Location, Rejection

END = "END"  # the step id that ends a flow
START = "START"  # reserved too


@dataclass(frozen=True, slots=True)
class Branch:
    """One ``next`` branch: ``condition`` is the ``if`` predicate (a string, or a bool as
    written), None for the ``else``; ``target`` a step id or the steps written inline."""

    condition: str | bool | None
    target: str | tuple[Step, ...]
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Next:
    """Where a step goes: ``target`` (a step id or END), or the first branch that holds.
    A step without ``next`` goes to the following step of its list (END after the last)."""

    target: str | None = None
    branches: tuple[Branch, ...] = ()


@dataclass(frozen=True, slots=True)
class Step:
    """What every step has. ``kind`` is the step's kind key (``action``, ``collect``...)."""

    id: str
    next: Next | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    description: str | None = None
    location: Location | None = None
    # keys the schema lets through on link/set_slots/noop steps, kept as read
    extra: dict[str, Any] = field(default_factory=dict)
    # the ``id`` as written (None: the default id was made)
    custom_id: str | None = None

    kind = ""


@dataclass(frozen=True, slots=True)
class ActionStep(Step):
    action: str = ""  # may hold Jinja ({{context.x}})
    kind = "action"


@dataclass(frozen=True, slots=True)
class CollectStep(Step):
    collect: str = ""  # the slot
    utter: str = ""  # the ask response; "" means utter_ask_<slot>
    ask_before_filling: bool = False
    reset_after_flow_ends: bool = True
    force_slot_filling: bool = False
    rejections: tuple[Rejection, ...] = ()
    silence_timeout: Any = None  # voice: seconds, or per channel
    dtmf: dict[str, Any] | None = None  # voice: keypad input
    tool_binding: Any = None  # `collect-tool-binding`
    kind = "collect"

    @property
    def ask_utter(self) -> str:
        return self.utter or f"utter_ask_{self.collect}"

    @property
    def ask_action(self) -> str:
        return f"action_ask_{self.collect}"


@dataclass(frozen=True, slots=True)
class LinkStep(Step):
    link: str = ""  # the flow to go on with once this one ends
    kind = "link"


@dataclass(frozen=True, slots=True)
class CallStep(Step):
    call: str = ""  # the flow run as a subroutine (or an MCP tool / sub-agent)
    mcp_server: str | None = None
    mapping: dict[str, Any] | None = None  # MCP tool input/output
    exit_if: tuple[str, ...] = ()  # sub-agent exit conditions
    kind = "call"


@dataclass(frozen=True, slots=True)
class SetSlotsStep(Step):
    slots: tuple[tuple[str, Any], ...] = ()  # in order
    kind = "set_slots"


@dataclass(frozen=True, slots=True)
class NoopStep(Step):
    kind = "noop"


def all_steps(steps: tuple[Step, ...]) -> list[Step]:
    """Every step of a step list, depth first: a step, then the steps written inline in its
    ``next`` branches, then the following step (the order of Rasa's default ids)."""
    found: list[Step] = []
    for step in steps:
        found.append(step)
        if step.next is not None:
            for branch in step.next.branches:
                if isinstance(branch.target, tuple):
                    found.extend(all_steps(branch.target))
    return found


@dataclass(frozen=True, slots=True)
class NluTrigger:
    intent: str
    confidence_threshold: float | None = None


@dataclass(frozen=True, slots=True)
class RasaFlow:
    id: str
    description: str
    steps: tuple[Step, ...]
    name: str = ""  # "" means the id with _ and - as spaces
    guard: str | bool | None = None  # ``if:``
    always_include_in_prompt: bool = False
    nlu_trigger: tuple[NluTrigger, ...] = ()
    persisted_slots: tuple[str, ...] = ()
    run_pattern_completed: bool = True
    translation: dict[str, Any] = field(default_factory=dict)
    on_activate: Any = None
    metadata: dict[str, Any] = field(default_factory=dict)
    location: Location | None = None
    guard_location: Location | None = None  # where ``if:`` is

    @property
    def readable_name(self) -> str:
        return self.name or self.id.replace("_", " ").replace("-", " ")

    @property
    def is_pattern(self) -> bool:
        return self.id.startswith("pattern_")
