"""Filling a response's text with values, in Rasa's two template modes.

``format`` (the default): each ``{name}`` (no spaces trimmed, no newline or brace inside) is
replaced by the value of that name, printed as Python prints it — ``50.0``, ``1e+16``,
``True``, ``None``, ``['a', 'b']``. Names may hold dots or spaces (``{a.b}`` is the value
named ``a.b``); a format spec or index (``{x:.2f}``, ``{x[0]}``) names nothing. If any name
is missing the text comes back exactly as written. Doubled braces escape: ``{{x}}`` gives
``{x}``.

``jinja`` (``metadata: {template: jinja}``): a Jinja template with Jinja's defaults (no
autoescape, the final newline dropped); an undefined name prints as nothing, an attribute of
an undefined name leaves the text as written. Each template is compiled once.

Where Rasa's own call fails (unbalanced braces, ``{}`` beside a name, a Jinja syntax error)
the text comes back as written instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import jinja2

FORMAT = "format"
JINJA = "jinja"
ENGINES = (FORMAT, JINJA)

_PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")
_ENVIRONMENT = jinja2.Environment()  # Jinja's defaults, as a bare ``jinja2.Template`` has


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
    """A Jinja template rendered with ``values``; the text as written if it fails."""
    try:
        return compile_jinja(text).render(values)
    except jinja2.UndefinedError:  # an attribute of an undefined name: Rasa keeps the text
        return text
    except Exception:  # any other failure makes Rasa's action fail; we keep the text
        return text


@lru_cache(maxsize=4096)
def compile_jinja(text: str) -> jinja2.Template:
    """The compiled Jinja template of ``text`` (compiled once; raises on a syntax error)."""
    return _ENVIRONMENT.from_string(text)
