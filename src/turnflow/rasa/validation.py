"""Validating a read Rasa project: what Rasa's flow checks (``FlowsList.validate``) and
``rasa data validate`` report, and what Rasa lets through silently (unknown slots in flow
guards and response conditions, rejection responses missing, button payloads setting
unknown slots, calls to flows that do not exist). Every problem is reported, not the first.

Conditions are parsed as Rasa parses them (a syntax error is reported with its column), and
the names they read are checked (``slots.x`` must be a slot).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

from .builtin_names import (
    BUILTIN_SLOTS,
    DEFAULT_ACTIONS,
    LANGUAGE_SLOT,
    LINKABLE_PATTERNS,
    PATTERN_PREFIX,
    PATTERN_RESPONSES,
)
from .domain import Domain, Location
from .flows import (
    END,
    START,
    ActionStep,
    CallStep,
    CollectStep,
    LinkStep,
    RasaFlow,
    SetSlotsStep,
    Step,
    all_steps,
)
from .predicates import PredicateError, compile_predicate
from .problems import ERROR, WARNING, Problems
from .project import RasaProject
from .templates import has_jinja

SLOT_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]*\Z")
FLOW_ID = re.compile(r"[a-zA-Z0-9_][a-zA-Z0-9_-]*\Z")
CONTINUE_PREFIX = "NEXT:"  # Rasa's internal continuation steps
_SLOT_REF = re.compile(r"\bslots\.(\w+)")
_CONTEXT_REF = re.compile(r"\bcontext\.\w+")
_SET_SLOTS_PAYLOAD = re.compile(r"/SetSlots\((.*)\)\s*\Z", re.S)
MAX_PAYLOAD_SLOTS = 10
_NO_PUNCTUATION = str.maketrans("", "", string.punctuation)


def _walk(steps: tuple[Step, ...], root: bool = True
          ) -> Iterator[tuple[Step, tuple[Step, ...], int, bool]]:
    """Every step in Rasa's order, with its list, its position there and whether that list
    is the flow's own ``steps``."""
    for position, step in enumerate(steps):
        yield step, steps, position, root
        if step.next is not None:
            for branch in step.next.branches:
                if isinstance(branch.target, tuple):
                    yield from _walk(branch.target, False)


class _Validator:
    def __init__(self, flows: dict[str, RasaFlow], domain: Domain | None,
                 problems: Problems) -> None:
        self.flows = flows
        self.domain = domain
        self.problems = problems
        self.steps = {flow_id: all_steps(flow.steps) for flow_id, flow in flows.items()}

    def report(self, location: Location | None, message: str, severity: str = ERROR
               ) -> None:
        self.problems.at(location, message, severity)

    def lenient(self, location: Location | None, message: str) -> None:
        """An error ``rasa data validate`` reports (or Rasa lets through silently) that does
        not stop Rasa from training and running the project."""
        self.problems.at(location, message, rasa_runs_it=True)

    def at_step(self, flow: RasaFlow, step: Step, message: str,
                severity: str = ERROR) -> None:
        self.report(step.location or flow.location,
                    f"flow '{flow.id}', step '{step.id}': {message}", severity)

    def lenient_at_step(self, flow: RasaFlow, step: Step, message: str) -> None:
        self.lenient(step.location or flow.location,
                     f"flow '{flow.id}', step '{step.id}': {message}")

    # -- one flow's structure (Rasa's FlowsList.validate) --

    def structure(self, flow: RasaFlow) -> None:
        if not FLOW_ID.match(flow.id):
            self.report(flow.location, f"flow id '{flow.id}' must be letters, digits, _ and "
                        f"- (not starting with -)")
        if not flow.steps:
            self.report(flow.location, f"flow '{flow.id}' has no steps")
            return
        steps = self.steps[flow.id]
        ids = {step.id for step in steps}
        successors: dict[str, list[str]] = {}
        seen: set[str] = set()
        for step, siblings, position, root in _walk(flow.steps):
            if step.id in seen:
                self.at_step(flow, step, "this step id is used twice in the flow")
            seen.add(step.id)
            if step.id in (START, END) or step.id.startswith(CONTINUE_PREFIX):
                self.at_step(flow, step, f"'{step.id}' is reserved; choose another step id")
            successors.setdefault(step.id, []).extend(
                self.successors(flow, step, siblings, position, root, ids))
            if isinstance(step, CollectStep) and not SLOT_NAME.match(step.collect):
                self.at_step(flow, step, f"'{step.collect}' is not a valid slot name "
                             f"(letters, digits, _ and -, not starting with a digit or -)")
        reached: set[str] = set()
        pending = [flow.steps[0].id]
        while pending:
            step_id = pending.pop()
            if step_id in reached or step_id not in ids:
                continue
            reached.add(step_id)
            pending.extend(successors.get(step_id, ()))
        for step in steps:
            if step.id not in reached:
                self.at_step(flow, step, "can never be reached from the first step "
                             "(a step before it ends the flow or jumps past it)")

    def successors(self, flow: RasaFlow, step: Step, siblings: tuple[Step, ...],
                   position: int, root: bool, ids: set[str]) -> list[str]:
        written = step.next
        has_links = written is not None and (written.target or written.branches)
        if isinstance(step, LinkStep):
            if has_links:
                self.at_step(flow, step, "a link step ends its flow: it cannot have `next`")
            return []
        if not has_links or written is None:
            if position + 1 < len(siblings):
                return [siblings[position + 1].id]
            if not root:
                self.at_step(flow, step, "the last step of an if/else branch needs `next` "
                             "(a step id or END)")
            return []
        targets: list[str] = []
        if written.target:
            targets.append(written.target)
        has_if = has_else = False
        for branch in written.branches:
            if branch.condition is None:
                has_else = True
            else:
                has_if = True
            if isinstance(branch.target, str):
                targets.append(branch.target)
            elif branch.target:
                targets.append(branch.target[0].id)
            else:
                self.report(branch.location, f"flow '{flow.id}', step '{step.id}': a branch "
                            f"needs at least one step")
        if has_if and not has_else:
            self.at_step(flow, step, "`next` has `if` branches but no `else`")
        for target in targets:
            if target not in ids and target not in (START, END):
                self.at_step(flow, step, f"`next` goes to step '{target}', which is not a "
                             f"step of this flow")
        return targets

    # -- across flows (Rasa's FlowsList.validate) --

    def references(self, flow: RasaFlow) -> None:
        for step in self.steps[flow.id]:
            if isinstance(step, LinkStep):
                self.link(flow, step)
            elif isinstance(step, CallStep):
                self.call(flow, step)

    def link(self, flow: RasaFlow, step: LinkStep) -> None:
        target = step.link
        allowed_pattern = target in LINKABLE_PATTERNS or (
            flow.is_pattern and target == "pattern_chitchat")
        if target.startswith(PATTERN_PREFIX) and not allowed_pattern:
            who = "a pattern" if flow.is_pattern else "a user flow"
            self.at_step(flow, step, f"{who} cannot link to pattern '{target}'")
        elif target not in self.flows and not allowed_pattern:
            self.at_step(flow, step, f"links to flow '{target}', which does not exist")
        if flow.id == "pattern_internal_error":
            self.at_step(flow, step, "pattern_internal_error cannot link to other flows")

    def call(self, flow: RasaFlow, step: CallStep) -> None:
        target = step.call
        if flow.is_pattern:
            self.at_step(flow, step, "a pattern cannot call other flows")
        elif target.startswith(PATTERN_PREFIX):
            self.at_step(flow, step, f"a user flow cannot call pattern '{target}'")
        elif target not in self.flows and step.mcp_server is None:
            # (Rasa only warns: the name could be a sub-agent, which turnflow cannot run)
            self.at_step(flow, step, f"calls flow '{target}', which does not exist")
        called = self.flows.get(target)
        if called is not None and any(isinstance(s, LinkStep) for s in self.steps[called.id]):
            self.at_step(flow, step, f"calls flow '{target}', which has a link step: a called "
                         f"flow cannot link")

    def nlu_triggers(self) -> None:
        by_intent: dict[str, list[RasaFlow]] = {}
        for flow in self.flows.values():
            for intent in dict.fromkeys(t.intent for t in flow.nlu_trigger):
                by_intent.setdefault(intent, []).append(flow)
        for intent, flows in by_intent.items():
            for flow in flows[1:]:
                self.report(flow.location, f"flow '{flow.id}': intent '{intent}' already "
                            f"starts flow '{flows[0].id}'; an intent can start one flow")

    def unique_names(self) -> None:
        names: dict[str, str] = {}
        descriptions: dict[str, str] = {}
        for flow in self.flows.values():
            name = flow.readable_name
            if name in names:
                self.lenient(flow.location, f"flow '{flow.id}' has the name '{name}' of flow "
                            f"'{names[name]}'; flow names are unique")
            names.setdefault(name, flow.id)
            # (as Rasa compares them: punctuation ignored)
            description = (flow.description or "").translate(_NO_PUNCTUATION)
            if description in descriptions:
                self.lenient(flow.location, f"flow '{flow.id}' has the description of flow "
                            f"'{descriptions[description]}'; descriptions are unique")
            descriptions.setdefault(description, flow.id)

    def persistence(self, flow: RasaFlow) -> None:
        written: set[str] = set()
        resets_off: list[tuple[Step, str]] = []
        for step in self.steps_with_calls(flow.id, set()):
            if isinstance(step, SetSlotsStep):
                written.update(name for name, _ in step.slots)
            elif isinstance(step, CollectStep):
                written.add(step.collect)
                if not step.reset_after_flow_ends:
                    resets_off.append((step, step.collect))
        if flow.persisted_slots:
            for step, slot in resets_off:
                self.lenient_at_step(flow, step, f"slot '{slot}': `reset_after_flow_ends` and the "
                             f"flow's `persisted_slots` cannot both be used")
            unknown = [slot for slot in flow.persisted_slots if slot not in written]
            if unknown:
                self.lenient(flow.location, f"flow '{flow.id}': `persisted_slots` names "
                            f"{', '.join(repr(s) for s in unknown)}, which the flow never "
                            f"collects or sets")

    def steps_with_calls(self, flow_id: str, visiting: set[str]) -> Iterator[Step]:
        if flow_id in visiting or flow_id not in self.steps:
            return
        visiting.add(flow_id)
        for step in self.steps[flow_id]:
            yield step
            if isinstance(step, CallStep):
                yield from self.steps_with_calls(step.call, visiting)

    # -- flows against the domain (rasa data validate, and what it lets through) --

    def slots(self) -> dict[str, str]:
        """Slot name -> type, the domain's and Rasa's built-in ones."""
        types = dict.fromkeys((*BUILTIN_SLOTS, LANGUAGE_SLOT), "any")
        if self.domain is not None:
            types.update((name, slot.type) for name, slot in self.domain.slots.items())
        return types

    def has_response(self, name: str) -> bool:
        return self.domain is not None and name in self.domain.responses or (
            name in PATTERN_RESPONSES)

    def has_action(self, name: str) -> bool:
        return self.has_response(name) or name in DEFAULT_ACTIONS or (
            self.domain is not None and name in self.domain.actions)

    def against_domain(self, flow: RasaFlow) -> None:
        slots = self.slots()
        for step in self.steps[flow.id]:
            if isinstance(step, ActionStep):
                if "{" not in step.action and not self.has_action(step.action):
                    self.at_step(flow, step, f"action '{step.action}' is neither a response "
                                 f"nor an action of the domain")
            elif isinstance(step, CollectStep):
                self.collect(flow, step, slots)
            elif isinstance(step, SetSlotsStep):
                for name, _ in step.slots:
                    self.slot_used(flow, step, name, slots)
            self.step_conditions(flow, step, slots)
        intents = self.domain.intents if self.domain is not None else ()
        for trigger in flow.nlu_trigger:
            if trigger.intent not in intents:
                self.report(flow.location, f"flow '{flow.id}': `nlu_trigger` intent "
                            f"'{trigger.intent}' is not in the domain's intents", WARNING)

    def slot_used(self, flow: RasaFlow, step: Step, name: str, slots: dict[str, str]) -> bool:
        if name not in slots:
            self.at_step(flow, step, f"slot '{name}' is not in the domain")
            return False
        if slots[name] == "list":
            self.lenient_at_step(flow, step, f"slot '{name}' is a list slot, which flows cannot "
                         f"collect or set")
        return True

    def collect(self, flow: RasaFlow, step: CollectStep, slots: dict[str, str]) -> None:
        if not self.slot_used(flow, step, step.collect, slots):
            return
        has_utter = self.has_response(step.ask_utter)
        has_action = self.domain is not None and step.ask_action in self.domain.actions
        if has_utter and has_action:
            self.lenient_at_step(flow, step, f"slot '{step.collect}' has both the response "
                         f"'{step.ask_utter}' and the action '{step.ask_action}' to ask; "
                         f"keep one")
        slot = self.domain.slots.get(step.collect) if self.domain else None
        initial = slot is not None and slot.initial_value is not None
        if not has_utter and not has_action and (not initial or step.ask_before_filling):
            self.lenient_at_step(flow, step, f"nothing asks for slot '{step.collect}': add the "
                         f"response '{step.ask_utter}' (or the action '{step.ask_action}')")
        for rejection in step.rejections:
            if not self.has_response(rejection.utter):
                self.lenient(rejection.location, f"flow '{flow.id}', step '{step.id}': the "
                            f"rejection response '{rejection.utter}' is not in the domain")

    def step_conditions(self, flow: RasaFlow, step: Step, slots: dict[str, str]) -> None:
        where = f"flow '{flow.id}', step '{step.id}'"
        if step.next is not None:
            for branch in step.next.branches:
                if isinstance(branch.condition, str):
                    self.condition(branch.condition, branch.location or step.location,
                                   where, slots)
        if isinstance(step, CollectStep):
            for rejection in step.rejections:
                self.condition(rejection.condition, rejection.location, where, slots)

    def condition(self, text: str, location: Location | None, where: str,
                  slots: dict[str, str], namespaces: bool = True) -> None:
        if not has_jinja(text):  # (a Jinja condition is only known once rendered)
            try:
                compile_predicate(text)
            except PredicateError as exc:
                self.lenient(location, f"{where}: condition '{text}' is not valid: {exc}")
                return
        names = _SLOT_REF.findall(text)
        for name in dict.fromkeys(names):
            if name not in slots:
                self.lenient(location, f"{where}: condition '{text}' reads slot '{name}', "
                            f"which is not in the domain")
        if namespaces and not names and not _CONTEXT_REF.search(text) and "{" not in text:
            if text.strip().lower() not in ("true", "false"):
                self.lenient(location, f"{where}: condition '{text}' names no `slots.` or "
                            f"`context.` value (a bare word is never a slot)")

    def guard(self, flow: RasaFlow) -> None:
        if isinstance(flow.guard, str):
            # (Rasa does not check the slots a guard reads)
            self.condition(flow.guard, flow.guard_location or flow.location,
                           f"flow '{flow.id}', `if`", self.slots(), namespaces=False)

    # -- the domain itself --

    def domain_checks(self, domain: Domain) -> None:
        slots = self.slots()
        for slot in domain.slots.values():
            where = f"slot '{slot.name}'"
            if slot.name == LANGUAGE_SLOT:
                self.report(slot.location, f"{where} is one of Rasa's own (the conversation's "
                            f"language, from config.yml): a project cannot define it")
            if slot.validation is not None:
                for rejection in slot.validation.rejections:
                    if not self.has_response(rejection.utter):
                        self.lenient(rejection.location, f"{where}: the rejection response "
                                    f"'{rejection.utter}' is not in the domain")
                    self.condition(rejection.condition, rejection.location, where, slots)
                refill = slot.validation.refill_utter
                if refill and not self.has_response(refill):
                    self.lenient(slot.location, f"{where}: `refill_utter` '{refill}' is not in "
                                f"the domain")
            if slot.type == "categorical" and slot.initial_value is not None and (
                    slot.values and slot.initial_value not in slot.values):
                self.report(slot.location, f"{where}: `initial_value` "
                            f"{slot.initial_value!r} is not one of its `values`")
            if slot.min_value is not None and slot.max_value is not None and (
                    slot.min_value > slot.max_value):
                self.report(slot.location, f"{where}: `min_value` is above `max_value`")
        for response in domain.responses.values():
            where = f"response '{response.name}'"
            for variant in response.variants:
                if isinstance(variant.condition, str):
                    self.condition(variant.condition, variant.location, where, slots,
                                   namespaces=False)
                for button in variant.buttons:
                    self.button(button, variant.location, where, slots, domain)

    def button(self, button: dict[str, object], location: Location | None, where: str,
               slots: dict[str, str], domain: Domain) -> None:
        line = getattr(button, "line", 0)  # (buttons keep their line as read)
        if location is not None and line:
            location = Location(location.file, line)
        title = button.get("title")
        payload = button.get("payload")
        label = f"{where}, button {title!r}"
        if not isinstance(payload, str) or not payload.strip():
            self.lenient(location, f"{label}: the button has no payload")
            return
        match = _SET_SLOTS_PAYLOAD.match(payload.strip())
        if match:
            pairs = [p for p in match.group(1).split(",") if p.strip()]
            if len(pairs) > MAX_PAYLOAD_SLOTS:
                self.lenient(location, f"{label}: a payload sets at most {MAX_PAYLOAD_SLOTS} "
                            f"slots")
            seen: set[str] = set()
            for pair in pairs:
                name = pair.split("=", 1)[0].strip()
                if "=" not in pair or not name:
                    self.lenient(location, f"{label}: `{pair.strip()}` is not `slot=value`")
                    continue
                if name in seen:
                    self.lenient(location, f"{label}: the payload sets slot '{name}' twice")
                seen.add(name)
                if name not in slots:
                    # (Rasa drops it silently when the button is pressed)
                    self.lenient(location, f"{label}: the payload sets slot '{name}', which "
                                f"is not in the domain")
        elif payload.startswith("/"):
            intent = re.split(r"[{@(\s]", payload[1:], maxsplit=1)[0]
            if intent and intent not in domain.intents:
                self.report(location, f"{label}: the payload's intent '{intent}' is not in "
                            f"the domain", WARNING)


def validate_flows(flows: dict[str, RasaFlow], domain: Domain | None = None,
                   problems: Problems | None = None) -> Problems:
    """The problems of a set of flows (and of their use of ``domain`` when given)."""
    found = Problems() if problems is None else problems
    validator = _Validator(flows, domain, found)
    for flow in flows.values():
        validator.structure(flow)
        validator.references(flow)
        validator.persistence(flow)
        if domain is not None:
            validator.against_domain(flow)
            validator.guard(flow)
    validator.nlu_triggers()
    validator.unique_names()
    return found


def validate_project(project: RasaProject) -> Problems:
    """Every problem of a read project: those met while reading it, then the checks above;
    errors and warnings (``Problem.severity``) together, in the order found."""
    found = Problems(project.problems)
    validator = _Validator(project.flows, project.domain, found)
    validator.domain_checks(project.domain)
    validate_flows(project.flows, project.domain, found)
    return found
