"""Legacy rule sets (waits, splits, webhooks, subflows, airtime...) as router nodes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..contactql import URN_SCHEMES
from .common import (
    Json,
    LegacyFlowError,
    MigrationState,
    array,
    base_translation,
    decimal,
    integer,
    json_number,
    migrate_template,
    obj,
    read_translations,
    snakify,
    text,
)
from .tests import migrate_test

# the JSON body legacy webhooks posted, as an Excellent template
LEGACY_WEBHOOK_PAYLOAD = """@(json(object(
  "contact", object("uuid", contact.uuid, "name", contact.name, "urn", contact.urn),
  "flow", run.flow,
  "path", run.path,
  "results", foreach_value(results, extract_object, "category", "category_localized", \
"created_on", "input", "name", "node_uuid", "value"),
  "run", object("uuid", run.uuid, "created_on", run.created_on),
  "input", if(
    input,
    object(
      "attachments", foreach(input.attachments, attachment_parts),
      "channel", input.channel,
      "created_on", input.created_on,
      "text", input.text,
      "type", input.type,
      "urn", if(
        input.urn,
        object(
          "display", default(format_urn(input.urn), ""),
          "path", urn_parts(input.urn).path,
          "scheme", urn_parts(input.urn).scheme
        ),
        null
      ),
      "uuid", input.uuid
    ),
    null
  ),
  "channel", default(input.channel, null)
)))"""

WAIT_TYPES = ("wait_message", "wait_audio", "wait_video", "wait_photo", "wait_gps",
              "wait_recording", "wait_digit", "wait_digits")

# wait ruleset type -> (hint, operand)
_WAIT_HINTS: dict[str, tuple[Json | None, str]] = {
    "wait_audio": ({"type": "audio"}, "@input"),
    "wait_video": ({"type": "video"}, "@input"),
    "wait_photo": ({"type": "image"}, "@input"),
    "wait_gps": ({"type": "location"}, "@input"),
    "wait_recording": ({"type": "audio"}, "@input"),
    "wait_digit": ({"type": "digits", "count": 1}, "@input.text"),
}


def migrate_ruleset(ruleset: Json, valid_destinations: set[str],
                    state: MigrationState) -> tuple[Json, str, Json]:
    """(node, editor node type, editor node config) for one legacy rule set."""
    ui_config: Json = {}
    rules = Rules(ruleset, valid_destinations, state, ui_config)
    result_name = text(ruleset.get("label"), "label")
    operand_source = text(ruleset.get("operand"), "operand")
    config = _config(ruleset.get("config"))
    kind = text(ruleset.get("ruleset_type"), "ruleset_type") or "wait_message"  # old flows
    actions: list[Json] = []

    if kind == "subflow":
        flow = obj(config.get("flow"), "config.flow")
        flow_ref = {"uuid": text(flow.get("uuid")), "name": text(flow.get("name"))}
        actions = [{"uuid": state.new_uuid(), "type": "enter_flow", "flow": flow_ref}]
        router = rules.switch(result_name, "@child.status")  # the child run's status
        ui_type = "split_by_subflow"

    elif kind == "webhook":
        actions = [_webhook_action(config, result_name, state)]
        # the router switches on the webhook's result category (Success / Failure)
        router = rules.switch("", f"@results.{snakify(result_name)}.category")
        ui_type = "split_by_webhook"

    elif kind == "resthook":
        action: Json = {"uuid": state.new_uuid(), "type": "call_resthook",
                        "resthook": text(config.get("resthook"), "config.resthook")}
        if result_name:
            action["result_name"] = result_name
        actions = [action]
        router = rules.switch("", f"@results.{snakify(result_name)}.category")
        ui_type = "split_by_resthook"

    elif kind == "form_field":
        index = integer(config.get("field_index"), "config.field_index")
        delimiter = text(config.get("field_delimiter"), "config.field_delimiter")
        migrated = migrate_template(operand_source)
        operand = f'@(field({migrated[1:]}, {index}, "{delimiter}"))'
        router = rules.switch(result_name, operand)
        if "." in operand_source:
            ui_config["operand"] = {"id": operand_source.rsplit(".", 1)[1]}
            ui_config["delimiter"] = delimiter
            ui_config["index"] = index
        ui_type = "split_by_run_result_delimited"

    elif kind == "group":
        # legacy group splits have an unused operand (@step.value)
        router = rules.switch(result_name, "@contact.groups")
        ui_type = "split_by_groups"

    elif kind in WAIT_TYPES:
        wait: Json = {"type": "msg"}
        timeout_seconds = rules.timeout_minutes() * 60
        if timeout_seconds > 0 and rules.timeout_category:
            wait["timeout"] = {"seconds": timeout_seconds,
                               "category_uuid": rules.timeout_category}
        if kind == "wait_digits":
            hint: Json | None = {"type": "digits",
                                 "terminated_by": text(ruleset.get("finished_key"))}
            operand = "@input.text"
        else:
            hint, operand = _WAIT_HINTS.get(kind, (None, "@input"))
        if hint is not None:
            wait["hint"] = dict(hint)
        router = rules.switch(result_name, operand, wait)
        ui_type = "wait_for_response"

    elif kind in ("flow_field", "contact_field", "expression"):
        ui_type = _field_ui(kind, operand_source, ui_config)
        # an expression split falls back to its own text when it errors
        operand = migrate_template(operand_source, default_to_self=kind == "expression")
        router = rules.switch(result_name, operand or "@input")

    elif kind == "random":
        router = {"type": "random", "categories": rules.categories}
        if result_name:
            router["result_name"] = result_name
        ui_type = "split_by_random"

    elif kind == "airtime":
        amounts = _airtime_amounts(ruleset.get("config"))
        action = {"uuid": state.new_uuid(), "type": "transfer_airtime", "amounts": amounts}
        if result_name:
            action["result_name"] = result_name
        actions = [action]
        router = rules.switch("", f"@results.{snakify(result_name)}")
        ui_type = "split_by_airtime"

    else:
        raise LegacyFlowError(f"unrecognized ruleset type: {kind}")

    node: Json = {"uuid": text(ruleset.get("uuid"), "uuid")}
    if actions:
        node["actions"] = actions
    node["router"] = router
    node["exits"] = rules.exits
    return node, ui_type, ui_config


class Rules:
    """A rule set's rules as categories (merged by name), exits and cases."""

    def __init__(self, ruleset: Json, valid_destinations: set[str], state: MigrationState,
                 ui_config: Json) -> None:
        self.rules = [obj(rule, "rule") for rule in array(ruleset.get("rules"), "rules")]
        self.categories: list[Json] = []
        self.exits: list[Json] = []
        self.cases: list[Json] = []
        self.default_category = ""
        self.timeout_category = ""
        base = state.base_language

        by_rule: list[Json] = []  # each rule's category
        by_name: dict[str, Json] = {}
        for rule in self.rules:
            names = read_translations(rule.get("category"), "category")
            name = base_translation(names, base)
            category = by_name.get(name) if _test_type(rule) != "true" else None
            if category is None:
                destination = text(rule.get("destination"), "destination")
                # rule UUIDs become exit UUIDs: they're what legacy path data refers to
                exit_: Json = {"uuid": text(rule.get("uuid"), "uuid")}
                if destination in valid_destinations:
                    exit_["destination_uuid"] = destination
                self.exits.append(exit_)
                category = {"uuid": state.new_uuid()}
                if name:
                    category["name"] = name
                if exit_["uuid"]:
                    category["exit_uuid"] = exit_["uuid"]
                self.categories.append(category)
            by_rule.append(category)
            by_name[name] = category
            state.localization.add_map(base, names, category["uuid"], "name")

        for rule, category in zip(self.rules, by_rule, strict=True):
            test_type = _test_type(rule)
            if test_type == "true":  # the implicit "Other" becomes the router's default
                self.default_category = category["uuid"]
                continue
            if test_type == "timeout":  # becomes the wait's timeout category
                self.timeout_category = category["uuid"]
                continue
            if test_type in ("webhook_status", "airtime_status"):
                self.default_category = category["uuid"]  # the last (failure) rule
            case, case_ui = migrate_test(obj(rule.get("test"), "test"), category["uuid"], state)
            if case is not None:
                self.cases.append(case)
                if case_ui is not None:
                    ui_config.setdefault("cases", {})[case["uuid"]] = case_ui

    def timeout_minutes(self) -> int:
        for rule in self.rules:
            if _test_type(rule) == "timeout":
                return integer(obj(rule.get("test")).get("minutes"), "minutes")
        return 0

    def switch(self, result_name: str, operand: str, wait: Json | None = None) -> Json:
        router: Json = {"type": "switch"}
        if wait is not None:
            router["wait"] = wait
        if result_name:
            router["result_name"] = result_name
        router["categories"] = self.categories
        router["operand"] = operand
        router["cases"] = self.cases
        router["default_category_uuid"] = self.default_category
        return router


def _test_type(rule: Json) -> str:
    test = rule.get("test")
    kind = test.get("type") if isinstance(test, dict) else None
    if not isinstance(kind, str) or not kind:
        raise LegacyFlowError("field 'type' of a rule test is required")
    return kind


def _config(value: Any) -> Json:
    config = obj(value, "config")
    for key in ("webhook", "webhook_action", "resthook", "field_delimiter"):
        text(config.get(key), f"config.{key}")
    return config


def _webhook_action(config: Json, result_name: str, state: MigrationState) -> Json:
    url = migrate_template(text(config.get("webhook"), "config.webhook"), url_encode=True)
    method = text(config.get("webhook_action"), "config.webhook_action").upper() or "POST"
    headers: dict[str, str] = {}
    body = ""
    if method == "POST":
        headers["Content-Type"] = "application/json"
        body = LEGACY_WEBHOOK_PAYLOAD
    for header in array(config.get("webhook_headers"), "config.webhook_headers"):
        header = obj(header, "header")
        name = text(header.get("name"), "header name")
        if name:  # editors sometimes left empty headers behind
            headers[name] = migrate_template(text(header.get("value"), "header value"))
    action: Json = {"uuid": state.new_uuid(), "type": "call_webhook", "method": method,
                    "url": url}
    if headers:
        action["headers"] = headers
    if body:
        action["body"] = body
    if result_name:
        action["result_name"] = result_name
    return action


def _field_ui(kind: str, operand: str, ui_config: Json) -> str:
    """The editor node type of a field/expression split, filling its operand config."""
    key = operand.rsplit(".", 1)[1] if "." in operand else None
    if kind == "flow_field":
        if key is not None:
            ui_config["operand"] = {"id": key}
        return "split_by_run_result"
    if kind == "contact_field":
        if key is None:
            return "split_by_contact_field"
        if key == "name":
            ui_config["operand"] = {"type": "property", "id": "name", "name": "Name"}
        elif key == "groups":
            return "split_by_expression"
        elif key in URN_SCHEMES:
            ui_config["operand"] = {"type": "scheme", "id": key}
        else:
            ui_config["operand"] = {"type": "field", "id": key}
        return "split_by_contact_field"
    return "split_by_expression"


def _airtime_amounts(value: Any) -> dict[str, int | float]:
    """Airtime config is per country; transfer amounts are per currency."""
    amounts: dict[str, Decimal] = {}
    for country, settings in obj(value, "config").items():
        settings = obj(settings, f"config.{country}")
        currency = text(settings.get("currency_code"), "currency_code")
        raw = settings.get("amount")
        amount = Decimal(0) if raw is None else decimal(raw, "amount")
        if currency in amounts and amounts[currency] != amount:
            raise LegacyFlowError(
                "unable to migrate airtime ruleset with different amounts in same currency")
        amounts[currency] = amount
    return {currency: json_number(amount) for currency, amount in amounts.items()}
