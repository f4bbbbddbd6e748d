"""Reading Rasa flow files (a YAML file with a top-level ``flows`` key) into
:class:`~turnflow.rasa.flows.RasaFlow`, checking what Rasa's flow schema checks.

Rasa checks flows whose id has a ``-`` against no schema at all (the id escapes the schema's
pattern); here every flow gets the same checks. Default step ids are made as Rasa makes
them: the steps are numbered in the order a depth-first walk meets them (a step, then the
steps inline in its ``next`` branches, then the following step), and the id is
``<flow id>_<number>_<kind part>``.
"""

from __future__ import annotations

import re
from typing import Any

from ..domain import Rejection
from ..flows import (
    ActionStep,
    Branch,
    CallStep,
    CollectStep,
    LinkStep,
    Next,
    NluTrigger,
    NoopStep,
    RasaFlow,
    SetSlotsStep,
    Step,
)
from ..problems import Problems
from ..yaml_io import YamlMap
from .shape import FileReader, line_in, line_of_node, shown

# the step kinds, in the order Rasa picks one when a step has several
STEP_KINDS = ("action", "collect", "link", "call", "set_slots", "noop")
SCHEMA_FLOW_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")  # what the schema checks

FLOW_KEYS = frozenset((
    "name", "description", "translation", "if", "always_include_in_prompt", "nlu_trigger",
    "file_path", "steps", "persisted_slots", "run_pattern_completed", "on_activate",
    "metadata",
))  # fmt: skip
_COMMON = ("id", "next", "metadata")
ACTION_KEYS = frozenset((*_COMMON, "action"))
CALL_KEYS = frozenset((*_COMMON, "call", "description", "mcp_server", "mapping", "exit_if"))
COLLECT_KEYS = frozenset((
    *_COMMON, "collect", "description", "ask_before_filling", "reset_after_flow_ends",
    "utter", "force_slot_filling", "rejections", "silence_timeout", "collect-tool-binding",
    "dtmf",
))  # fmt: skip
_MODELLED = frozenset((*_COMMON, "description", *STEP_KINDS))


class _FlowReader(FileReader):
    """Reads the flows of one file."""

    def __init__(self, file: str, problems: Problems, flow_id: str) -> None:
        super().__init__(file, problems)
        self.flow_id = flow_id
        self.index = 0  # the number of the next step in the depth-first walk

    def steps(self, items: Any, container: Any, key: Any, what: str) -> tuple[Step, ...]:
        if not isinstance(items, list):
            self.error(line_in(container, key), f"{what}: must be a list of steps, "
                       f"not {shown(items)}")
            return ()
        steps = []
        for position, item in enumerate(items):
            step = self.step(item, items, position)
            if step is not None:
                steps.append(step)
        return tuple(steps)

    def step(self, data: Any, items: list[Any], position: int) -> Step | None:
        line = line_in(items, position)
        where = f"flow '{self.flow_id}', step {self.index + 1}"
        if not isinstance(data, dict):
            self.error(line, f"{where}: a step must be a mapping, not {shown(data)}")
            return None
        kinds = [kind for kind in STEP_KINDS if kind in data]
        if not kinds:
            self.error(line, f"{where}: a step needs one of {', '.join(STEP_KINDS)}")
        elif len(kinds) > 1:
            self.error(line, f"{where}: a step has one kind, this one has "
                       f"{' and '.join(kinds)}")
        kind = kinds[0] if kinds else "noop"
        index = self.index
        self.index += 1
        value = data.get(kind)
        if kind in ("action", "collect", "link", "call") and kinds:
            if not self.check_type(data, kind, (str,), where):
                value = str(value)
        name = value if isinstance(value, str) else ""
        postfix = {"action": name, "collect": f"collect_{name}", "link": f"link_{name}",
                   "call": f"call_{name}", "set_slots": "set_slots", "noop": "noop"}[kind]
        custom_id = self.optional(data, "id", (str,), where)
        step_id = custom_id if custom_id is not None else f"{self.flow_id}_{index}_{postfix}"
        where = f"flow '{self.flow_id}', step '{step_id}'"
        common: dict[str, Any] = {
            "id": step_id,
            "custom_id": custom_id,
            "metadata": data.get("metadata") or {},
            "description": self.optional(data, "description", (str,), where),
            "location": self.location(line),
        }
        if kind == "noop" and kinds and "next" not in data:
            self.error(line, f"{where}: a noop step needs `next`")
        # (the steps inline in `next` are numbered after this one, as Rasa numbers them)
        common["next"] = self.next(data, where)
        if kind == "action":
            self.check_keys(data, ACTION_KEYS, f"{where} (action)")
            return ActionStep(action=name, **common)
        if kind == "collect":
            self.check_keys(data, COLLECT_KEYS, f"{where} (collect)")
            return self.collect(data, name, where, common)
        if kind == "call":
            self.check_keys(data, CALL_KEYS, f"{where} (call)")
            return self.call(data, name, where, common)
        extra = {k: v for k, v in data.items() if k not in _MODELLED}
        if kind == "link":
            return LinkStep(link=name, extra=extra, **common)
        if kind == "set_slots":
            return SetSlotsStep(slots=self.set_slots(data, where), extra=extra, **common)
        return NoopStep(extra=extra, **common)

    def collect(self, data: dict[str, Any], slot: str, where: str,
                common: dict[str, Any]) -> CollectStep:
        flags = {key: self.optional(data, key, (bool,), where, default)
                 for key, default in (("ask_before_filling", False),
                                      ("reset_after_flow_ends", True),
                                      ("force_slot_filling", False))}
        rejections = self.rejections(data, where) if "rejections" in data else ()
        silence = self.optional(data, "silence_timeout", (int, float, dict), where)
        dtmf = self.optional(data, "dtmf", (dict,), where)
        return CollectStep(
            collect=slot, utter=self.optional(data, "utter", (str,), where, ""),
            rejections=rejections, silence_timeout=silence, dtmf=dtmf,
            tool_binding=self.optional(data, "collect-tool-binding", (str, dict), where),
            **flags, **common,
        )

    def rejections(self, data: dict[str, Any], where: str) -> tuple[Rejection, ...]:
        items = data["rejections"]
        if not self.check_type(data, "rejections", (list,), where):
            return ()
        result = []
        for position, item in enumerate(items):
            line = line_in(items, position)
            if not isinstance(item, dict):
                self.error(line, f"{where}: a rejection must be a mapping with `if` and "
                           f"`utter`, not {shown(item)}")
                continue
            ok = self.check_required(item, "if", f"{where}, rejection")
            ok = self.check_required(item, "utter", f"{where}, rejection") and ok
            if not ok:
                continue
            if self.check_type(item, "if", (str, bool), f"{where}, rejection") and (
                    self.check_type(item, "utter", (str,), f"{where}, rejection")):
                condition = item["if"]
                # (a bool is read as its text, as Rasa reads `if: False`)
                result.append(Rejection(str(condition), item["utter"], self.location(line)))
        return tuple(result)

    def call(self, data: dict[str, Any], flow: str, where: str,
             common: dict[str, Any]) -> CallStep:
        server = self.optional(data, "mcp_server", (str,), where)
        mapping = self.optional(data, "mapping", (dict,), where)
        if ("mcp_server" in data) != ("mapping" in data):
            self.error(line_of_node(data), f"{where}: `mcp_server` and `mapping` go "
                       f"together")
        exit_if = self.optional(data, "exit_if", (list,), where, [])
        conditions = []
        for position, condition in enumerate(exit_if):
            if isinstance(condition, str):
                conditions.append(condition)
            else:
                self.error(line_in(exit_if, position),
                           f"{where}: `exit_if` conditions must be strings")
        return CallStep(call=flow, mcp_server=server, mapping=mapping,
                        exit_if=tuple(conditions), **common)

    def set_slots(self, data: dict[str, Any], where: str) -> tuple[tuple[str, Any], ...]:
        items = data["set_slots"]
        if not self.check_type(data, "set_slots", (list,), where):
            return ()
        pairs = []
        for position, item in enumerate(items):
            if not isinstance(item, dict) or not item:
                self.error(line_in(items, position), f"{where}: each `set_slots` item is "
                           f"one `slot: value`, not {shown(item)}")
                continue
            # (Rasa reads every key of an item, though one per item is the form)
            pairs.extend((str(key), value) for key, value in item.items())
        return tuple(pairs)

    def next(self, data: dict[str, Any], where: str) -> Next | None:
        value = data.get("next")
        if not value:  # Rasa takes an empty `next` as none written
            return None
        if isinstance(value, str):
            return Next(target=value)
        if not isinstance(value, list):
            self.error(line_in(data, "next"), f"{where}: `next` must be a step id or a list "
                       f"of if/then and else, not {shown(value)}")
            return None
        branches = []
        for position, item in enumerate(value):
            if not item:
                continue
            branch = self.branch(item, value, position, where)
            if branch is not None:
                branches.append(branch)
        return Next(branches=tuple(branches))

    def branch(self, item: Any, items: list[Any], position: int,
               where: str) -> Branch | None:
        line = line_in(items, position)
        if not isinstance(item, dict):
            self.error(line, f"{where}: a `next` branch must be a mapping, not {shown(item)}")
            return None
        if "else" in item:
            if "if" in item or "then" in item:
                self.error(line, f"{where}: a `next` branch has either if/then or else")
            key, condition = "else", None
        elif "if" in item or "then" in item:
            if "if" not in item or "then" not in item:
                self.error(line, f"{where}: an `if` branch needs both `if` and `then`")
                return None
            key = "then"
            condition = item["if"]
            if not self.check_type(item, "if", (str, bool), f"{where}, `if`"):
                condition = str(condition)
        else:
            self.error(line, f"{where}: a `next` branch needs `if` and `then`, or `else`")
            return None
        extra = [k for k in item if k not in ("if", "then", "else")]
        for k in extra:
            self.error(line_in(item, k), f"{where}: unknown key `{k}` in a `next` branch")
        target = item[key]
        if isinstance(target, str):
            return Branch(condition, target, self.location(line))
        if not isinstance(target, list):
            self.error(line_in(item, key), f"{where}: `{key}` must be a step id or a list of "
                       f"steps, not {shown(target)}")
            return Branch(condition, (), self.location(line))
        steps = self.steps(target, item, key, where)
        return Branch(condition, steps, self.location(line))

    def nlu_triggers(self, data: dict[str, Any], where: str) -> tuple[NluTrigger, ...]:
        items = data["nlu_trigger"]
        if not self.check_type(data, "nlu_trigger", (list,), where):
            return ()
        if not items:
            self.error(line_in(data, "nlu_trigger"), f"{where}: `nlu_trigger` needs at "
                       f"least one intent")
        triggers = []
        for position, item in enumerate(items):
            line = line_in(items, position)
            intent = item.get("intent") if isinstance(item, dict) else None
            if isinstance(intent, str) and len(item) == 1:
                triggers.append(NluTrigger(intent))
            elif isinstance(intent, dict) and isinstance(intent.get("name"), str) and (
                    len(item) == 1):
                threshold = intent.get("confidence_threshold")
                if threshold is not None and (isinstance(threshold, bool) or
                                              not isinstance(threshold, (int, float))):
                    self.error(line, f"{where}: `confidence_threshold` must be a number")
                    threshold = None
                triggers.append(NluTrigger(intent["name"], threshold))
            else:
                self.error(line, f"{where}: an `nlu_trigger` item is `intent: NAME` or "
                           f"`intent: {{name: NAME, confidence_threshold: N}}`")
        return tuple(triggers)

    def translation(self, data: dict[str, Any], where: str) -> dict[str, Any]:
        value = self.optional(data, "translation", (dict,), where, {})
        for language, entry in value.items():
            line = line_in(value, language)
            if language == "metadata":
                if not isinstance(entry, dict):
                    self.error(line, f"{where}: translation `metadata` must be a mapping")
                continue
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                self.error(line, f"{where}: translation `{language}` needs a `name`")
            elif extra := [k for k in entry if k not in ("name", "metadata")]:
                self.error(line, f"{where}: translation `{language}`: unknown key "
                           f"`{extra[0]}`")
        return value


def read_flow(flow_id: str, data: Any, container: Any, file: str,
              problems: Problems) -> RasaFlow | None:
    """One flow (``data`` is the value under its id); None when it cannot be made."""
    reader = _FlowReader(file, problems, flow_id)
    line = line_in(container, flow_id)
    where = f"flow '{flow_id}'"
    if not isinstance(data, dict):
        reader.error(line, f"{where}: must be a mapping with `description` and `steps`, "
                     f"not {shown(data)}")
        return None
    if not SCHEMA_FLOW_ID.match(flow_id):
        reader.warning(line, f"{where}: Rasa checks a flow whose id is not letters, digits "
                       f"and _ against no schema (turnflow does)")
    reader.check_keys(data, FLOW_KEYS, where)
    reader.check_required(data, "description", where, line)
    description = reader.optional(data, "description", (str,), where, "")
    steps: tuple[Step, ...] = ()
    if reader.check_required(data, "steps", where, line):
        steps = reader.steps(data["steps"], data, "steps", where)
    guard = reader.optional(data, "if", (str, bool), where)
    persisted = reader.optional(data, "persisted_slots", (list,), where, [])
    for position, slot in enumerate(persisted):
        if not isinstance(slot, str):
            reader.error(line_in(persisted, position),
                         f"{where}: `persisted_slots` holds slot names, not {shown(slot)}")
    on_activate = reader.optional(data, "on_activate", (str, dict), where)
    return RasaFlow(
        id=flow_id,
        description=description,
        steps=steps,
        name=reader.optional(data, "name", (str,), where, ""),
        guard=guard,
        always_include_in_prompt=reader.optional(
            data, "always_include_in_prompt", (bool,), where, False),
        nlu_trigger=reader.nlu_triggers(data, where) if "nlu_trigger" in data else (),
        persisted_slots=tuple(s for s in persisted if isinstance(s, str)),
        run_pattern_completed=reader.optional(data, "run_pattern_completed", (bool,),
                                              where, True),
        translation=reader.translation(data, where),
        on_activate=on_activate,
        metadata=reader.optional(data, "metadata", (dict,), where, {}),
        location=reader.location(line),
        guard_location=reader.location(line_in(data, "if")) if "if" in data else None,
    )


def read_flows_data(data: Any, file: str, problems: Problems) -> list[RasaFlow]:
    """The flows of a flows file's content (as :func:`~turnflow.rasa.yaml_io.load_yaml`
    returns it)."""
    reader = FileReader(file, problems)
    if not isinstance(data, dict) or "flows" not in data:
        reader.error(line_of_node(data) or 1, "a flows file needs a top-level `flows` key")
        return []
    if "version" in data:
        reader.check_type(data, "version", (str,), "flows file")
    flows = data["flows"]
    if flows is None:
        return []
    if not isinstance(flows, dict):
        reader.error(line_in(data, "flows"), f"`flows` must be a mapping from flow ids to "
                     f"flows, not {shown(flows)}")
        return []
    result = []
    for flow_id, flow_data in flows.items():
        flow = read_flow(str(flow_id), flow_data, flows, file, problems)
        if flow is not None:
            result.append(flow)
    return result


def has_flows_key(text: str) -> bool:
    """Rasa's test for a flows file: a line that starts (after spaces) with ``flows:``."""
    if "flows:" not in text:
        return False
    return any(line.lstrip().startswith("flows:") for line in text.splitlines())


def is_flows_mapping(data: Any) -> bool:
    return isinstance(data, YamlMap) and "flows" in data
