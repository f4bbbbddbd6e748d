"""Jinja2 templates as Rasa renders them inside flows: conditions (``slots.{{context.collect}}
is not null``), action names and jinja responses.

Rasa builds a fresh ``jinja2.Template(text)`` at every use: default settings (no autoescape,
missing names render as "", line ends become ``\n`` and one final ``\n`` is dropped). We render
with the same settings, but compile each text once (bounded cache), skip Jinja for text without
``{{``, ``{%`` or ``{#`` (doing the same line-end clean-up by hand), and use the sandboxed
environment, which only differs on unsafe attribute access (``__class__`` …).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ..errors import TurnflowError

_ENV = SandboxedEnvironment()
_CACHE_SIZE = 2048
_compiled: dict[str, jinja2.Template] = {}


class TemplateError(TurnflowError):
    """A Jinja template that does not compile (``syntax`` True) or fails while rendering."""

    def __init__(self, message: str, text: str, *, syntax: bool) -> None:
        self.message = message
        self.text = text
        self.syntax = syntax
        super().__init__(f"{message} in template {text!r}")


def has_jinja(text: str) -> bool:
    """Whether Jinja would change ``text`` at all (the fast path skips it otherwise)."""
    return "{{" in text or "{%" in text or "{#" in text


def _plain(text: str) -> str:
    """What Jinja makes of text without tags: line ends as \n, one final \n dropped."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[:-1] if text.endswith("\n") else text


def compile_template(text: str) -> Callable[[Mapping[str, Any]], str]:
    """The render function of ``text``, compiled once; raises TemplateError (syntax)."""
    template = _compiled.get(text)
    if template is None:
        try:
            template = _ENV.from_string(text)
        except jinja2.TemplateSyntaxError as e:
            raise TemplateError(f"Jinja syntax error: {e.message}", text, syntax=True) from e
        if len(_compiled) >= _CACHE_SIZE:
            _compiled.pop(next(iter(_compiled), ""), None)  # drop the oldest entry
        _compiled[text] = template
    return template.render


def render_template(text: str, variables: Mapping[str, Any]) -> str:
    """``text`` rendered with ``variables``, as Rasa's ``Template(text).render(variables)``."""
    if not has_jinja(text):
        return _plain(text)
    render = compile_template(text)
    try:
        return render(variables)
    except Exception as e:  # undefined attributes of undefined, filters failing...
        raise TemplateError(f"Jinja error: {e}", text, syntax=False) from e
