"""KataML method keys: ``"someMethod(x, y)": "code"`` names a method and its parameters."""

from __future__ import annotations

import re

_IDENT = r"[A-Za-z_$][\w$]*"
_KEY = re.compile(rf"\s*({_IDENT})\s*(?:\(([^()]*)\))?\s*\Z")
_PARAM = re.compile(rf"\s*({_IDENT})\s*\Z")


class MethodKeyError(ValueError):
    """A method key that is not ``name`` or ``name(a, b, ...)``."""


def parse_method_key(key: str) -> tuple[str, list[str]]:
    """``"someMethod(x, y)"`` -> ``("someMethod", ["x", "y"])``; ``"name"`` -> no parameters.

    Raises :class:`MethodKeyError` (one line) for anything else.
    """
    m = _KEY.match(key) if isinstance(key, str) else None
    if m is None:
        raise MethodKeyError(f"bad method key {key!r}: expected name(param, ...)")
    name, params_text = m.group(1), m.group(2)
    params: list[str] = []
    if params_text and params_text.strip():
        for part in params_text.split(","):
            p = _PARAM.match(part)
            if p is None:
                raise MethodKeyError(
                    f"bad method key {key!r}: parameter {part.strip()!r} is not a name"
                )
            params.append(p.group(1))
    if len(set(params)) != len(params):
        raise MethodKeyError(f"bad method key {key!r}: a parameter is named twice")
    return name, params
