"""Shared pieces of the legacy (v11.x) -> 13.0.0 migration.

Legacy translations (``{"eng": "Hi", "fra": "Salut"}`` or a bare string), the localization
section being built, expression migration (legacy ``@contact.name`` -> Excellent
``@contact.name`` / ``@fields.x``) and the error type. Each migration step reads plain JSON
(dicts from ``json.loads``), being as lenient as goflow's Go decoding is about nulls.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ...errors import TurnflowError
from ...generators import UUIDSource
from .expressions import migrate_template as migrate_expressions

Json = dict[str, Any]
Translations = dict[str, str]


class LegacyFlowError(TurnflowError):
    """A legacy flow definition that can't be migrated to the 13.0.0 spec."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def wrapped(self, prefix: str) -> LegacyFlowError:
        return LegacyFlowError(f"{prefix}: {self.message}", self.path)


# --------------------------------------------------------------------------------------------
# expressions
# --------------------------------------------------------------------------------------------


def migrate_template(text: Any, *, default_to_self: bool = False, url_encode: bool = False,
                     raw_dates: bool = False) -> str:
    """A legacy template in Excellent syntax (errors leave the bad part as it was)."""
    if not isinstance(text, str):
        return ""
    if not text:
        return text
    return migrate_expressions(text, default_to_self=default_to_self, url_encode=url_encode,
                               raw_dates=raw_dates)


# --------------------------------------------------------------------------------------------
# JSON reading helpers (Go zero values for nulls and missing keys)
# --------------------------------------------------------------------------------------------


def text(value: Any, what: str = "") -> str:
    """A JSON string field: null or missing is ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    raise LegacyFlowError(f"{what or 'value'} must be a string, not {_json_kind(value)}")


def integer(value: Any, what: str = "") -> int:
    """A JSON int field: null or missing is 0."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise LegacyFlowError(f"{what or 'value'} must be an integer, not {value!r}")
    return int(value)


def obj(value: Any, what: str = "") -> Json:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise LegacyFlowError(f"{what or 'value'} must be an object, not {_json_kind(value)}")
    return value


def array(value: Any, what: str = "") -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise LegacyFlowError(f"{what or 'value'} must be an array, not {_json_kind(value)}")
    return value


def string_or_number(value: Any, what: str = "") -> str:
    """A test value that may be a JSON string or number (kept as the number's JSON text)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        raise LegacyFlowError(f"{what or 'value'}: expected string or number")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, Decimal)):
        return number_text(value)
    raise LegacyFlowError(f"{what or 'value'}: expected string or number")


def number_text(value: float | Decimal | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def decimal(value: Any, what: str = "") -> Decimal:
    if isinstance(value, bool) or value is None:
        raise LegacyFlowError(f"{what or 'value'} must be a number")
    try:
        return Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise LegacyFlowError(f"{what or 'value'} must be a number, not {value!r}") from None


def json_number(value: Decimal) -> int | float:
    """A decimal as a plain JSON number (goflow writes decimals unquoted)."""
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return int(normalized)
    return float(normalized)


def _json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a string" if isinstance(value, str) else "null"


# --------------------------------------------------------------------------------------------
# translations and localization
# --------------------------------------------------------------------------------------------


def read_translations(value: Any, what: str = "translations") -> Translations:
    """A legacy translation map; a bare string means the "base" language."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {"base": value}
    if not isinstance(value, dict):
        raise LegacyFlowError(f"{what} must be an object or a string")
    result: Translations = {}
    for language, item in value.items():
        result[language] = text(item, f"{what}.{language}")
    return result


def base_translation(translations: Translations, base_language: str) -> str:
    """The text in the flow's base language, else the "base" pseudo-language."""
    if base_language in translations:
        return translations[base_language]
    return translations.get("base", "")


def transform_translations(items: list[Translations]) -> dict[str, list[str]]:
    """[{eng: yes, fra: oui}, {eng: no}] -> {eng: [yes, no], fra: [oui, ""]}."""
    transformed: dict[str, list[str]] = {}
    for index, item in enumerate(items):
        for language, translation in item.items():
            per_language = transformed.setdefault(language, [""] * len(items))
            per_language[index] = translation
    return transformed


class Localization:
    """The ``localization`` section of the migrated flow: language -> item UUID -> property."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, dict[str, list[str]]]] = {}

    def add(self, language: str, item_uuid: str, prop: str, translated: list[str]) -> None:
        self.data.setdefault(language, {}).setdefault(item_uuid, {})[prop] = translated

    def add_map(self, base_language: str, mapped: Translations, item_uuid: str,
                prop: str) -> str:
        """Record every translation but the base one (migrated); returns the base one."""
        in_base = ""
        for language, item in mapped.items():
            expression = migrate_template(item)
            if language == base_language:
                in_base = expression
            elif language != "base":
                self.add(language, item_uuid, prop, [expression])
        return in_base

    def add_multi_map(self, base_language: str, mapped: dict[str, list[str]], item_uuid: str,
                      prop: str) -> list[str]:
        in_base: list[str] = []
        for language, items in mapped.items():
            templates = [migrate_template(item) for item in items]
            if language != base_language:
                self.add(language, item_uuid, prop, templates)
            else:
                in_base = templates
        return in_base


# --------------------------------------------------------------------------------------------
# misc
# --------------------------------------------------------------------------------------------


def url_join(base: str, relative: str) -> str:
    """Make an uploaded file's path absolute against the media base URL."""
    if relative.startswith(("http://", "https://")):
        return relative
    return base.removesuffix("/") + "/" + relative.removeprefix("/")


_NON_WORD = re.compile(r"[^\w]+")


def snakify(name: str) -> str:
    """A result name as its key: "Favorite Color" -> "favorite_color"."""
    return _NON_WORD.sub("_", name.strip().lower()).strip("_")


class MigrationState:
    """What every migration step shares: base language, localization, UUIDs, media URL."""

    def __init__(self, base_language: str, uuids: UUIDSource, base_media_url: str) -> None:
        self.base_language = base_language
        self.uuids = uuids
        self.base_media_url = base_media_url
        self.localization = Localization()

    def new_uuid(self) -> str:
        return self.uuids.new_v4()
