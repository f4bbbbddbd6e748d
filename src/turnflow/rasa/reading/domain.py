"""Reading a Rasa domain (``domain.yml``, or every YAML file under ``domain/``) into
:class:`~turnflow.rasa.domain.Domain`, merged as Rasa merges the files: a slot or response
defined twice is an error, intents, entities and actions are united, and the first
``session_config`` that differs from the default is the one kept."""

from __future__ import annotations

from typing import Any

from ..domain import (
    SLOT_TYPES,
    Domain,
    Rejection,
    Response,
    ResponseVariant,
    SessionConfig,
    Slot,
    SlotMapping,
    SlotValidation,
)
from ..problems import Problems
from .shape import FileReader, is_number, line_in, line_of_node, shown

# the keys that make a YAML file a domain file
DOMAIN_KEYS = ("slots", "forms", "actions", "entities", "intents", "responses", "e2e_actions",
               "session_config")
SLOT_KEYS = frozenset((
    "type", "influence_conversation", "values", "min_value", "max_value", "initial_value",
    "mappings", "validation", "allow_llm_set", "shared_for_coexistence", "is_builtin",
    "value_reset_delay", "filled_by",
))  # fmt: skip
VARIANT_KEYS = frozenset((
    "id", "text", "translation", "image", "custom", "buttons", "button_type",
    "quick_replies", "attachment", "elements", "channel", "allow_interruptions", "metadata",
    "condition",
))  # fmt: skip
# what a response variant needs at least one of
VARIANT_CONTENT = ("text", "image", "custom", "buttons", "attachment", "quick_replies",
                   "elements")
_SESSION_DEFAULT = SessionConfig()


class _DomainReader(FileReader):
    def __init__(self, file: str, problems: Problems, domain: Domain,
                 seen: dict[str, str]) -> None:
        super().__init__(file, problems)
        self.domain = domain
        self.seen = seen  # "slot x" / "response y" -> where first defined

    def read(self, data: dict[str, Any]) -> None:
        if "version" in data and self.check_type(data, "version", (str,), "domain"):
            self.domain.version = self.domain.version or data["version"]
        if "intents" in data:
            self.domain.intents = self.names(data, "intents", self.domain.intents,
                                             self.domain.intent_options)
        if "entities" in data:
            self.domain.entities = self.names(data, "entities", self.domain.entities,
                                              self.domain.entity_options)
        if "actions" in data:
            self.domain.actions = self.names(data, "actions", self.domain.actions,
                                             self.domain.action_options)
        for key, read in (("slots", self.slot), ("responses", self.response)):
            items = data.get(key)
            if items is None:
                continue
            if not self.check_type(data, key, (dict,), "domain"):
                continue
            for name, item in items.items():
                self.define(key, str(name), item, items, read)
        if "forms" in data and self.check_type(data, "forms", (dict,), "domain"):
            self.domain.forms.update(data["forms"] or {})
        if "config" in data and self.check_type(data, "config", (dict,), "domain"):
            self.domain.config.update(data["config"] or {})
        if data.get("session_config") is not None:
            self.session_config(data)

    def define(self, key: str, name: str, item: Any, items: dict[str, Any],
               read: Any) -> None:
        line = line_in(items, name)
        kind = key[:-1]
        first = self.seen.get(f"{kind} {name}")
        if first is not None:
            self.error(line, f"{kind} '{name}' is defined twice (first at {first}); "
                       f"Rasa refuses to merge such domain files")
            return
        self.seen[f"{kind} {name}"] = f"{self.file}:{line}"
        read(name, item, line)

    def names(self, data: dict[str, Any], key: str, known: tuple[str, ...],
              options: dict[str, dict[str, Any]]) -> tuple[str, ...]:
        items = data[key]
        if items is None:
            return known
        if not self.check_type(data, key, (list,), "domain"):
            return known
        names = dict.fromkeys(known)
        for position, item in enumerate(items):
            if isinstance(item, str):
                names[item] = None
            elif isinstance(item, dict) and len(item) == 1:
                name, value = next(iter(item.items()))
                names[str(name)] = None
                options[str(name)] = value if isinstance(value, dict) else {}
            else:
                self.error(line_in(items, position),
                           f"`{key}` items are names (or `name: {{options}}`), "
                           f"not {shown(item)}")
        return tuple(names)

    def slot(self, name: str, data: Any, line: int) -> None:
        where = f"slot '{name}'"
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.error(line, f"{where}: must be a mapping with a `type`, not {shown(data)}")
            return
        self.check_keys(data, SLOT_KEYS, where)
        slot_type = "any"
        if self.check_required(data, "type", where) and self.check_type(
                data, "type", (str,), where):
            slot_type = data["type"]
            if slot_type == "strict_categorical":
                slot_type = "categorical"
            elif slot_type not in SLOT_TYPES:
                if "." in slot_type:  # a custom slot class, as a Python path
                    self.warning(line_in(data, "type"), f"{where}: custom slot type "
                                 f"'{slot_type}' is read as `any`")
                else:
                    self.error(line_in(data, "type"), f"{where}: unknown slot type "
                               f"'{slot_type}' (one of {', '.join(SLOT_TYPES)})")
                slot_type = "any"
        values = self.optional(data, "values", (list,), where, [])
        bounds = [self.optional(data, key, (int, float), where) for key in
                  ("min_value", "max_value")]
        mappings = self.mappings(data, where, line)
        validation = self.validation(data, where) if data.get("validation") else None
        extra = {k: data[k] for k in data if k in
                 ("allow_llm_set", "shared_for_coexistence", "is_builtin",
                  "value_reset_delay", "filled_by")}
        self.domain.slots[name] = Slot(
            name=name, type=slot_type, initial_value=data.get("initial_value"),
            values=tuple(values), min_value=bounds[0], max_value=bounds[1],
            mappings=mappings, validation=validation,
            influence_conversation=self.optional(data, "influence_conversation", (bool,),
                                                 where, True),
            location=self.location(line), extra=extra,
        )

    def mappings(self, data: dict[str, Any], where: str, line: int) -> tuple[SlotMapping, ...]:
        if "mappings" not in data:
            # (Rasa gives a slot without `mappings` the from_llm mapping)
            return (SlotMapping("from_llm", location=self.location(line)),)
        items = self.optional(data, "mappings", (list,), where, [])
        result = []
        for position, item in enumerate(items or ()):
            item_line = line_in(items, position)
            if not isinstance(item, dict):
                self.error(item_line, f"{where}: a mapping is a mapping with a `type`, "
                           f"not {shown(item)}")
                continue
            kind = item.get("type")
            if not isinstance(kind, str):
                self.error(item_line, f"{where}: a slot mapping needs a `type`")
                continue
            options = {k: v for k, v in item.items() if k != "type"}
            result.append(SlotMapping(kind, options, self.location(item_line)))
        return tuple(result)

    def validation(self, data: dict[str, Any], where: str) -> SlotValidation | None:
        value = data["validation"]
        if not self.check_type(data, "validation", (dict,), where):
            return None
        what = f"{where}, validation"
        self.check_keys(value, frozenset(("rejections", "refill_utter")), what)
        rejections = []
        if self.check_required(value, "rejections", what) and self.check_type(
                value, "rejections", (list,), what):
            items = value["rejections"]
            for position, item in enumerate(items):
                item_line = line_in(items, position)
                if not isinstance(item, dict):
                    self.error(item_line, f"{what}: a rejection has `if` and `utter`")
                    continue
                ok = self.check_required(item, "if", what)
                ok = self.check_required(item, "utter", what) and ok
                if ok and self.check_type(item, "if", (str,), what) and self.check_type(
                        item, "utter", (str,), what):
                    rejections.append(Rejection(item["if"], item["utter"],
                                                self.location(item_line)))
        return SlotValidation(tuple(rejections),
                              self.optional(value, "refill_utter", (str,), what))

    def response(self, name: str, data: Any, line: int) -> None:
        where = f"response '{name}'"
        if not isinstance(data, list) or not data:
            self.error(line, f"{where}: must be a list of variants (`- text: ...`), "
                       f"not {shown(data)}")
            return
        variants = []
        for position, item in enumerate(data):
            item_line = line_in(data, position)
            if not isinstance(item, dict) or not item:
                self.error(item_line, f"{where}: a variant is a mapping (`text:`...), "
                           f"not {shown(item)}")
                continue
            self.check_keys(item, VARIANT_KEYS, where)
            if not any(item.get(key) is not None for key in VARIANT_CONTENT):
                self.error(item_line, f"{where}: a variant needs one of "
                           f"{', '.join(VARIANT_CONTENT)}")
            for key in ("text", "image", "channel", "button_type"):
                if item.get(key) is not None:
                    self.check_type(item, key, (str,), where)
            buttons = self.optional(item, "buttons", (list,), where, [])
            for index, button in enumerate(buttons):
                if not isinstance(button, dict):
                    self.error(line_in(buttons, index), f"{where}: a button is a mapping "
                               f"with `title` and `payload`, not {shown(button)}")
            condition = item.get("condition")
            metadata = self.optional(item, "metadata", (dict,), where, {})
            text = item.get("text")
            variants.append(ResponseVariant(
                text=text if isinstance(text, str) else None,
                buttons=tuple(b for b in buttons if isinstance(b, dict)),
                condition=condition if isinstance(condition, str) or condition is None
                else condition,
                channel=item.get("channel") if isinstance(item.get("channel"), str) else None,
                metadata=metadata or {},
                data=dict(item),
                location=self.location(item_line),
            ))
        self.domain.responses[name] = Response(name, tuple(variants), self.location(line))

    def session_config(self, data: dict[str, Any]) -> None:
        value = data["session_config"]
        where = "session_config"
        if not self.check_type(data, "session_config", (dict,), "domain"):
            return
        self.check_keys(value, frozenset(("session_expiration_time",
                                          "carry_over_slots_to_new_session",
                                          "start_session_after_expiry")), where)
        expiry = self.optional(value, "session_expiration_time", (int, float), where,
                               _SESSION_DEFAULT.session_expiration_time)
        if is_number(expiry) and expiry < 0:
            self.error(line_in(value, "session_expiration_time"),
                       f"{where}: `session_expiration_time` cannot be negative")
            expiry = 0
        config = SessionConfig(
            expiry,
            self.optional(value, "carry_over_slots_to_new_session", (bool,), where, True),
            self.optional(value, "start_session_after_expiry", (bool,), where, True),
        )
        # (as Rasa: the first file whose session_config is not the default one wins)
        if self.domain.session_config == _SESSION_DEFAULT:
            self.domain.session_config = config


def is_domain_data(data: Any) -> bool:
    """Whether a YAML file's content is a domain file's (Rasa: one of the domain keys)."""
    return isinstance(data, dict) and any(key in data for key in DOMAIN_KEYS)


def read_domain(files: list[tuple[str, Any]], problems: Problems) -> Domain:
    """The domain merged from ``(file, content)`` pairs, in order."""
    domain = Domain()
    seen: dict[str, str] = {}
    for file, data in files:
        if data is None:
            continue
        if not isinstance(data, dict):
            problems.error(file, line_of_node(data), "a domain file must be a mapping "
                           "(slots:, responses:, ...)")
            continue
        _DomainReader(file, problems, domain, seen).read(data)
    domain.files = tuple(file for file, _ in files)
    return domain
