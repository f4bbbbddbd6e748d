"""What each kind of Rasa step does, as actions of the core graph.

* ``action``: run the named action — a response (``utter_...``), one of Rasa's default
  actions, or a custom action the project registered; an action that is none of these is
  skipped with a warning, as Rasa skips it.
* ``collect``: (``ask_before_filling``: reset the slot, then) ask through
  ``pattern_collect_information``, a frame on top whose context names the slot, the ask
  response and action and the step's rejections; the flow goes on when that frame ends.
* ``set_slots``: set each slot as written.
* ``call``: run the called flow on top as a ``call`` frame; the flow goes on after it.
* ``link``: once this flow ends, the linked flow takes its place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.runtime import Runtime
from .flows import CallStep, CollectStep, LinkStep, SetSlotsStep
from .session import CALL, PATTERN, RasaRun

COLLECT_PATTERN = "pattern_collect_information"


@dataclass(frozen=True, slots=True)
class RunAction:
    uuid: str
    name: str  # may hold Jinja over context
    type: str = "action"

    def execute(self, rt: Runtime) -> None:
        name = rt.evaluate(self.name) if "{" in self.name else self.name
        if name:
            rt.family.run_action(rt, name)

    def to_json(self) -> dict[str, Any]:
        return {"action": self.name}


@dataclass(frozen=True, slots=True)
class CollectAction:
    uuid: str
    step: CollectStep
    type: str = "collect"

    def execute(self, rt: Runtime) -> None:
        step, family = self.step, rt.family
        if step.ask_before_filling:  # (Rasa sets it even when it is already null)
            family.set_slot(rt, step.collect, None)
        run = rt.run
        assert run is not None
        caller = run.parent
        if isinstance(run, RasaRun) and run.frame_type == CALL and isinstance(
                caller, RasaRun) and caller.frame_type != CALL and caller.path:
            # the caller remembers the questions of the flow it called (Rasa looks back
            # over them when a slot is corrected, after the called flow has ended too)
            caller.context.setdefault("_called_collects", []).append(
                [caller.path[-1].node_uuid, run.flow.uuid, step.id, step.collect])
        context = {
            "collect": step.collect,
            "utter": step.ask_utter,
            "collect_action": step.ask_action,
            "rejections": [
                {"if": rejection.condition, "utter": rejection.utter}
                for rejection in step.rejections
            ],
        }
        family.start_frame(rt, COLLECT_PATTERN, PATTERN, context, parent=run)

    def to_json(self) -> dict[str, Any]:
        return {"collect": self.step.collect}


@dataclass(frozen=True, slots=True)
class SetSlotsAction:
    uuid: str
    step: SetSlotsStep
    type: str = "set_slots"

    def execute(self, rt: Runtime) -> None:
        for name, value in self.step.slots:
            rt.family.set_slot(rt, name, value)

    def to_json(self) -> dict[str, Any]:
        return {"set_slots": [{name: value} for name, value in self.step.slots]}


@dataclass(frozen=True, slots=True)
class CallAction:
    uuid: str
    step: CallStep
    type: str = "call"

    def execute(self, rt: Runtime) -> None:
        rt.family.start_frame(rt, self.step.call, CALL, {}, parent=rt.run)

    def to_json(self) -> dict[str, Any]:
        return {"call": self.step.call}


@dataclass(frozen=True, slots=True)
class LinkAction:
    uuid: str
    step: LinkStep
    type: str = "link"

    def execute(self, rt: Runtime) -> None:
        run = rt.run
        assert isinstance(run, RasaRun)
        rt.state.links.append((run, self.step.link))  # started once this flow has ended

    def to_json(self) -> dict[str, Any]:
        return {"link": self.step.link}


__all__ = ["CallAction", "CollectAction", "LinkAction", "RunAction", "SetSlotsAction"]
