"""Legacy rule tests (``contains_any``, ``between``, ``date_after``...) as router cases."""

from __future__ import annotations

import re
from typing import Any

from .common import (
    Json,
    LegacyFlowError,
    MigrationState,
    base_translation,
    migrate_template,
    read_translations,
    string_or_number,
    text,
)

# legacy test type -> case type
TEST_TYPES = {
    "between": "has_number_between",
    "contains": "has_all_words",
    "contains_any": "has_any_word",
    "contains_only_phrase": "has_only_phrase",
    "contains_phrase": "has_phrase",
    "date": "has_date",
    "date_after": "has_date_gt",
    "date_before": "has_date_lt",
    "date_equal": "has_date_eq",
    "district": "has_district",
    "has_email": "has_email",
    "eq": "has_number_eq",
    "gt": "has_number_gt",
    "gte": "has_number_gte",
    "in_group": "has_group",
    "lt": "has_number_lt",
    "lte": "has_number_lte",
    "not_empty": "has_text",
    "number": "has_number",
    "phone": "has_phone",
    "regex": "has_pattern",
    "starts": "has_beginning",
    "state": "has_state",
    "ward": "has_ward",
}

_NO_ARGUMENTS = ("date", "has_email", "not_empty", "number", "phone", "state")
_NUMERIC = ("eq", "gt", "gte", "lt", "lte")
_LOCALIZED = ("contains", "contains_any", "contains_phrase", "contains_only_phrase", "regex",
              "starts")
_DATES = ("date_equal", "date_after", "date_before")
_RELATIVE_DATE = re.compile(r"@\(date\.today\s+(\+|\-)\s+(\-?\d+)\)")


def migrate_test(test: Json, category_uuid: str,
                 state: MigrationState) -> tuple[Json | None, Json | None]:
    """A case for a legacy rule test, and the case's editor (_ui) config if it has one.

    The case UUID is taken first (even when no case results: a failed airtime test just
    falls to the default category), as goflow does.
    """
    kind = test.get("type")
    case_type = TEST_TYPES.get(kind, "") if isinstance(kind, str) else ""
    case_uuid = state.new_uuid()
    case_ui: Json | None = None

    if kind in _NO_ARGUMENTS:
        arguments: list[str] = []
    elif kind in _NUMERIC:
        arguments = [migrate_template(string_or_number(test.get("test"), "test"))]
    elif kind == "between":
        arguments = [migrate_template(text(test.get("min"), "min")),
                     migrate_template(text(test.get("max"), "max"))]
    elif kind in _LOCALIZED:
        translations = read_translations(test.get("test"), "test")
        argument = base_translation(translations, state.base_language)
        if kind != "regex":  # every test argument is a template, except a regex
            argument = migrate_template(argument)
        arguments = [argument]
        state.localization.add_map(state.base_language, translations, case_uuid, "arguments")
    elif kind in _DATES:
        source = text(test.get("test"), "test")
        arguments = [migrate_template(source, raw_dates=True)]
        case_ui = {"arguments": [str(_relative_days(source))]}
    elif kind == "in_group":
        group = test.get("test")
        if isinstance(group, dict):
            arguments = [_str(group.get("uuid")), _str(group.get("name"))]
        elif isinstance(group, str):
            name = migrate_template(group) if group.startswith("@") else group
            arguments = ["", name]
        else:
            arguments = ["", ""]
    elif kind == "subflow":
        case_type = "has_only_text"
        arguments = [_str(test.get("exit_type"))]
    elif kind == "webhook_status":
        case_type = "has_only_text"
        arguments = ["Success" if test.get("status") == "success" else "Failure"]
    elif kind == "airtime_status":
        if test.get("exit_status") != "success":
            return None, None
        case_type = "has_category"
        arguments = ["Success"]
    elif kind == "district":
        arguments = [migrate_template(text(test.get("test"), "test"))]
    elif kind == "ward":
        arguments = [migrate_template(text(test.get("district"), "district")),
                     migrate_template(text(test.get("state"), "state"))]
    else:
        raise LegacyFlowError(f"migration of '{kind}' tests not supported")

    case: Json = {"uuid": case_uuid, "type": case_type, "category_uuid": category_uuid}
    if arguments:
        case["arguments"] = arguments
    return case, case_ui


def _relative_days(source: str) -> int:
    """The N of ``@(date.today + N)`` (the editor shows relative dates as a day offset)."""
    match = _RELATIVE_DATE.search(source)
    if not match:
        return 0
    days = int(match.group(2))
    return -days if match.group(1) == "-" else days


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
