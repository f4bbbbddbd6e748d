"""URN, attachment, location and LLM prompt functions."""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING

import phonenumbers
import regex

from ..values import XError, XObject, XValue, to_text
from ..words import go_trim_space
from .args import convert_all
from .registry import register

if TYPE_CHECKING:
    from ..environment import Environment

REDACTION_MASK = "********"

# prompts available to prompt() when the environment doesn't define one of the same name;
# the text is what goflow's test engine configures (flow fixtures depend on it)
DEFAULT_LLM_PROMPTS = {
    "categorize": (
        "Categorize the following text into one of the following categories and only return "
        "that category or <CANT> if you can't: {{ .arg1 }}"
    ),
}

_SCHEME = regex.compile(r"[a-zA-Z][a-zA-Z0-9]*")


class URNParts:
    __slots__ = ("scheme", "path", "query", "display")

    def __init__(self, scheme: str, path: str, query: str, display: str) -> None:
        self.scheme = scheme
        self.path = path
        self.query = query
        self.display = display


def parse_urn(urn: str) -> URNParts | XError:
    """Split ``scheme:path?query#display`` into its parts (structural checks only)."""
    scheme, sep, rest = urn.partition(":")
    if not sep:
        return XError(f"{urn} is not a valid URN: scheme or path cannot be empty")
    if not _SCHEME.fullmatch(scheme):
        return XError(f"{urn} is not a valid URN: invalid scheme component")
    rest, _, display = rest.partition("#")
    path, _, query = rest.partition("?")
    if not path:
        return XError(f"{urn} is not a valid URN: path cannot be empty")
    unquote = urllib.parse.unquote
    return URNParts(scheme, unquote(path), unquote(query), unquote(display))


def format_urn_text(scheme: str, path: str, display: str) -> str:
    """A URN as people read it: its display name, a phone number in national format, or its path."""
    if display:
        return display
    if scheme == "tel":
        try:
            number = phonenumbers.parse(path, None)
        except phonenumbers.NumberParseException:
            return path
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return path


def _urn_arg(env: Environment, value: XValue) -> URNParts | XError:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    return parse_urn(text)


def _redacting(env: Environment) -> bool:
    return env.redaction_policy == "urns"


@register("urn_parts", 1)
def urn_parts(env: Environment, value: XValue) -> XValue:
    parts = _urn_arg(env, value)
    if type(parts) is XError:
        return parts
    path, display = parts.path, parts.display
    if _redacting(env):
        path, display = REDACTION_MASK, ""
    return XObject({"scheme": parts.scheme, "path": path, "display": display})


@register("attachment_parts", 1)
def attachment_parts(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    content_type, sep, url = text.partition(":")
    if not sep:
        content_type, url = "", text
    return XObject({"content_type": content_type, "url": url})


@register("format_urn", 1)
def format_urn(env: Environment, value: XValue) -> XValue:
    parts = _urn_arg(env, value)
    if type(parts) is XError:
        return parts
    if _redacting(env):
        return REDACTION_MASK
    return format_urn_text(parts.scheme, parts.path, parts.display)


@register("format_location", 1)
def format_location(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    return go_trim_space(text.rsplit(">", 1)[-1])


# {{ .arg1 }} placeholders, the only part of Go's text/template syntax prompts use
_PLACEHOLDER = regex.compile(r"\{\{-?\s*\.(\w+)\s*-?\}\}")


def render_prompt(template: str, values: dict[str, str]) -> str:
    # Go's text/template shows a key missing from the map as "<no value>"
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), "<no value>"), template)


@register("prompt", 1, 11)
def prompt(env: Environment, name: XValue, *args: XValue) -> XValue:
    prompt_name = to_text(env, name)
    if type(prompt_name) is XError:
        return prompt_name
    prompts = env.llm_prompts or {}
    template = prompts.get(prompt_name)
    if template is None:
        template = DEFAULT_LLM_PROMPTS.get(prompt_name)
    if template is None:
        return XError(f"no prompt with name '{prompt_name}'")
    texts = convert_all(env, to_text, args)
    if type(texts) is XError:
        return texts
    return render_prompt(template, {f"arg{i}": text for i, text in enumerate(texts, start=1)})
