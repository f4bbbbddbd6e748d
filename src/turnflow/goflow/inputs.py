"""The shape of what callers hand the engine: a trigger to start a session, a resume to go
on with one. goflow's readers (triggers.read_trigger, resumes.read_resume) check these in
full, UUIDs and timestamps included; the engine checks only the types of the parts it reads,
so that a trigger or resume of the wrong shape is turnflow's error, not a Python one, while
callers may leave out what the engine stamps itself (UUIDs, times).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import TurnflowError
from .validation import F, FlowReadError, validate_fields


class InputShapeError(TurnflowError):
    """A trigger or resume whose parts have the wrong type."""


class Shape:
    """The fields of an input, and the fast check compiled from them (see :func:`_compile`)."""

    __slots__ = ("specs", "fits")

    def __init__(self, *specs: F) -> None:
        self.specs = specs
        self.fits = _compile(specs)


# The fast path: whether a dict passes validate_fields(specs) for the kinds used above (no
# tags or sizes); False sends it down the slow path, which says what is wrong. Each shape's
# specs are compiled once into a checker that walks the input's few keys (not every spec).
Check = Callable[[Any], bool]


def _compile(specs: tuple[F, ...]) -> Check:
    # text fields and object fields are checked inline (most of what an input has), the
    # others by their own check, "any" fields not at all
    texts = frozenset(spec.name for spec in specs if spec.kind == "str")
    objects = frozenset(spec.name for spec in specs if spec.kind == "obj" and not spec.fields)
    nested = {spec.name: _compile(spec.fields) for spec in specs
              if spec.kind == "obj" and spec.fields}
    others = {spec.name: _value_check(spec) for spec in specs
              if spec.kind not in ("str", "obj", "any")}
    required = tuple(spec.name for spec in specs if spec.required)
    nonempty = tuple(spec.name for spec in specs if spec.required and spec.kind == "str")

    def fits(data: dict[str, Any]) -> bool:
        if required:
            for name in required:
                if data.get(name) is None:
                    return False
            for name in nonempty:
                if data[name] == "":
                    return False
        for key, value in data.items():
            if value is None:
                continue
            if key in texts:
                if type(value) is not str:
                    return False
            elif key in objects:
                if type(value) is not dict:
                    return False
            elif key in nested:
                if type(value) is not dict or not nested[key](value):
                    return False
            else:
                check = others.get(key)
                if check is not None and not check(value):
                    return False
        return True

    return fits


def _value_check(spec: F) -> Check:
    """Whether a value (not None) of the field fits its spec (not for text, objects, "any")."""
    kind = spec.kind
    if kind == "list":
        item_fits = _item_check(spec)
        return lambda value: type(value) is list and all(map(item_fits, value))
    if kind == "dict":
        item_fits = _item_check(spec)
        return lambda value: type(value) is dict and all(map(item_fits, value.values()))
    if kind == "int":
        return lambda value: type(value) is int and -(2**63) <= value < 2**63
    if kind == "bool":
        return lambda value: type(value) is bool
    return lambda value: False


def _item_check(spec: F) -> Check:
    """Whether an item of a list (or a value of a dict) field fits its spec."""
    if spec.fields is not None:
        fields = _compile(spec.fields)
        return lambda item: type(item) is dict and fields(item)
    if spec.item is None:
        return lambda item: True
    kind = spec.item.kind
    if kind == "str":
        return lambda item: type(item) is str
    if kind == "obj":
        return lambda item: type(item) is dict
    if kind == "any":
        return lambda item: item is not None
    return lambda item: False


_MSG = (F("uuid"), F("text"), F("urn"), F("channel", "obj", fields=(F("uuid"), F("name"))),
        F("attachments", "list", item=F("")), F("external_id"),
        F("quick_replies", "list", item=F("")))  # fmt: skip
_DIAL = (F("status"), F("duration", "int"))
_EVENT = (F("type"), F("uuid"), F("created_on"), F("msg", "obj", fields=_MSG),
          F("dial", "obj", fields=_DIAL))  # fmt: skip
_REF = (F("uuid"), F("name"))
_CONTACT = (F("uuid"), F("name"), F("language"), F("status"), F("timezone"), F("created_on"),
            F("urns", "list", item=F("")), F("groups", "list", fields=_REF),
            F("fields", "dict", item=F("", "obj")))  # fmt: skip
TRIGGER = Shape(
    F("type", required=True), F("flow", "obj", required=True, fields=(F("uuid", required=True),
                                                                      F("name"))),
    F("event", "obj", fields=_EVENT), F("triggered_on"), F("params", "any"),
    F("user", "obj"), F("ticket", "obj", fields=(F("uuid"), F("topic", "obj", fields=_REF))),
    F("history", "obj"), F("batch", "bool"), F("campaign", "obj", fields=_REF),
    F("keyword_match", "obj", fields=(F("type"), F("keyword"))),
    F("run_summary", "obj", fields=(F("uuid"), F("flow", "obj", fields=_REF), F("status"),
                                     F("contact", "obj", fields=_CONTACT),
                                     F("results", "dict", item=F("", "obj")))),
    F("msg", "obj", fields=_MSG), F("channel", "obj", fields=_REF),
)  # fmt: skip
CALL = Shape(F("uuid"), F("urn"), F("channel", "obj", fields=_REF))
RESUME = Shape(F("type", required=True), F("event", "obj", fields=_EVENT), F("resumed_on"),
               F("msg", "obj", fields=_MSG), F("dial", "obj", fields=_DIAL))  # fmt: skip


def check_shape(shape: Shape, data: Any, what: str) -> None:
    """Raise InputShapeError naming the part of ``data`` (a trigger or resume) that has the
    wrong type."""
    if type(data) is dict and shape.fits(data):
        return  # (the usual case, checked without building messages: every resume does this)
    try:
        validate_fields(shape.specs, data, what)
    except FlowReadError as exc:
        raise InputShapeError(f"{exc.path or what}: {exc.message}") from None
