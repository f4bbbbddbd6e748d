"""Templates as Rasa renders them: Jinja inside flows (conditions such as
``slots.{{context.collect}} is not null``, action names) and the two modes of response texts.

Jinja: Rasa builds a fresh ``jinja2.Template(text)`` at every use, with Jinja's defaults (no
autoescape, missing names render as "", line ends become ``\\n`` and one final ``\\n`` is
dropped). We render with the same settings, but compile each text once (bounded cache), skip
Jinja for text without ``{{``, ``{%`` or ``{#`` (doing the same line-end clean-up by hand),
and use the sandboxed environment, which only differs on unsafe attribute access
(``__class__`` …), bounded in time and memory (``bounded_jinja``: a render that takes over a
second or builds a megabyte fails as a broken template does).

Response texts, ``format`` (the default): each ``{name}`` (no spaces trimmed, no newline or
brace inside) is replaced by the value of that name, printed as Python prints it — ``50.0``,
``1e+16``, ``True``, ``None``, ``['a', 'b']``. Names may hold dots or spaces (``{a.b}`` is the
value named ``a.b``); a format spec or index (``{x:.2f}``, ``{x[0]}``) names nothing. If any
name is missing the text comes back exactly as written. Doubled braces escape: ``{{x}}``
gives ``{x}``. ``jinja`` (``metadata: {template: jinja}``): an undefined name prints as
nothing, an attribute of an undefined name leaves the text as written. Where Rasa's own call
fails (unbalanced braces, ``{}`` beside a name, a Jinja syntax error) the text comes back as
written instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import jinja2

from ..errors import TurnflowError
from .bounded_jinja import BoundedEnvironment

FORMAT = "format"
JINJA = "jinja"
ENGINES = (FORMAT, JINJA)

_ENV = BoundedEnvironment()  # the sandbox, bounded in time and memory
_CACHE_SIZE = 2048
_compiled: dict[str, jinja2.Template] = {}
_PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")


class TemplateError(TurnflowError):
    """A Jinja template that does not compile (``syntax`` True) or fails while rendering."""

    def __init__(self, message: str, text: str, *, syntax: bool) -> None:
        self.message = message
        self.text = text
        self.syntax = syntax
        super().__init__(f"{message} in template {text!r}")


# -- Jinja ------------------------------------------------------------------------------------


def has_jinja(text: str) -> bool:
    """Whether Jinja would change ``text`` at all (the fast path skips it otherwise)."""
    return "{{" in text or "{%" in text or "{#" in text


def _plain(text: str) -> str:
    """What Jinja makes of text without tags: line ends as \\n, one final \\n dropped."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[:-1] if text.endswith("\n") else text


def compile_jinja(text: str) -> jinja2.Template:
    """The compiled Jinja template of ``text`` (compiled once; raises jinja2's syntax
    error)."""
    template = _compiled.get(text)
    if template is None:
        template = _ENV.from_string(text)
        if len(_compiled) >= _CACHE_SIZE:
            _compiled.pop(next(iter(_compiled), ""), None)  # drop the oldest entry
        _compiled[text] = template
    return template


def compile_template(text: str) -> Callable[[Mapping[str, Any]], str]:
    """The render function of ``text``, compiled once; raises TemplateError (syntax)."""
    try:
        return compile_jinja(text).render
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError(f"Jinja syntax error: {e.message}", text, syntax=True) from e


def render_template(text: str, variables: Mapping[str, Any]) -> str:
    """``text`` rendered with ``variables``, as Rasa's ``Template(text).render(variables)``."""
    if not has_jinja(text):
        return _plain(text)
    render_ = compile_template(text)
    try:
        return render_(variables)
    except Exception as e:  # undefined attributes of undefined, filters failing...
        raise TemplateError(f"Jinja error: {e}", text, syntax=False) from e


# -- response texts ---------------------------------------------------------------------------


def render(text: str, values: Mapping[str, Any], engine: str = FORMAT) -> str:
    """``text`` filled with ``values`` by ``engine`` (``format`` or ``jinja``)."""
    if engine == FORMAT:
        return render_format(text, values)
    if engine == JINJA:
        return render_jinja(text, values)
    raise ValueError(f"unknown template engine {engine!r} (known: {', '.join(ENGINES)})")


def render_format(text: str, values: Mapping[str, Any]) -> str:
    """``{name}`` placeholders filled the way Rasa's default engine does."""
    if "{" not in text and "}" not in text:
        return text
    wanted = {name: values[name] for name in _PLACEHOLDER.findall(text) if name in values}
    # every placeholder becomes a lookup in one mapping, so any name (dots, spaces) works
    indexed = _PLACEHOLDER.sub(r"{0[\1]}", text)
    try:
        filled = indexed.format(wanted)
        if "0[" in filled:
            # a lookup survived: it sat inside doubled braces, which only unescape
            return text.format({})
        return filled
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        # a missing name (Rasa keeps the text) or a malformed one (Rasa fails; we keep it)
        return text


def render_jinja(text: str, values: Mapping[str, Any]) -> str:
    """A Jinja response text rendered with ``values``; the text as written if it fails."""
    try:
        return compile_jinja(text).render(values)
    except jinja2.UndefinedError:  # an attribute of an undefined name: Rasa keeps the text
        return text
    except Exception:  # any other failure makes Rasa's action fail; we keep the text
        return text
