"""Custom actions written in Python by the project, run in process instead of by Rasa's action
server.

A project registers them in ``actions.py`` or an ``actions/`` package next to its
``domain.yml``: a function decorated with ``@action("action_name")``, or any top-level
function whose own name starts with ``action_`` or ``validate_``. The function is given the
conversation as Rasa's action server would see it (``tracker["slots"]``,
``tracker["latest_message"]``, ``tracker["sender_id"]``, ``tracker["active_flow"]``) and
returns what happened::

    from turnflow.rasa.custom_actions import action, response, slot_set

    @action("action_check_card")
    def check_card(tracker):
        member = tracker["slots"].get("title") is not None
        return [slot_set("member", member), response("utter_card_ok")]

It may return a list of events and responses (as above), Rasa's action-server shape
``{"events": [...], "responses": [...]}``, or None. An event is ``{"event": "slot", "name":
..., "value": ...}``; a response names a domain response (``{"response": "utter_x"}``) or
carries its own ``text`` (and ``buttons``).

Projects written for Rasa's action server (``rasa_sdk`` classes) can't run here: their module
is not loaded (a warning says why) and their actions are skipped, as Rasa skips an action it
can't reach.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

CustomAction = Callable[[dict[str, Any]], Any]
_NAME_ATTRIBUTE = "_turnflow_rasa_action"


class ActionsError(Exception):
    """The project's actions module can't be loaded; the text starts with file:line."""


def action(name: str) -> Callable[[CustomAction], CustomAction]:
    """Register a function as the custom action ``name``."""

    def register(function: CustomAction) -> CustomAction:
        setattr(function, _NAME_ATTRIBUTE, name)
        return function

    return register


def slot_set(name: str, value: Any) -> dict[str, Any]:
    """An event setting a slot."""
    return {"event": "slot", "name": name, "value": value}


def response(name: str | None = None, *, text: str | None = None,
             buttons: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A message: a domain response by name, or a text of its own."""
    message: dict[str, Any] = {}
    if name is not None:
        message["response"] = name
    if text is not None:
        message["text"] = text
    if buttons:
        message["buttons"] = buttons
    return message


def actions_source(project: Path) -> Path | None:
    """The project's actions module (``actions.py``) or package (``actions/__init__.py``)."""
    package = project / "actions" / "__init__.py"
    if package.is_file():
        return package
    module = project / "actions.py"
    return module if module.is_file() else None


def load_actions(project: Path) -> tuple[dict[str, CustomAction], list[str]]:
    """The custom actions a project registers, and warnings (a module written for Rasa's
    action server). Raises :class:`ActionsError` for a module that fails otherwise."""
    source = actions_source(project)
    if source is None:
        return {}, []
    digest = hashlib.sha1(str(source.resolve()).encode()).hexdigest()[:12]
    name = f"turnflow_rasa_actions_{digest}"
    for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[loaded]  # (loaded afresh: the file may have changed)
    package = source.name == "__init__.py"
    spec = importlib.util.spec_from_file_location(
        name, source, submodule_search_locations=[str(source.parent)] if package else None
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except ImportError as error:
        del sys.modules[name]
        where = _where(error, source)
        return {}, [f"{where}: cannot import {error.name or error}: the project's custom "
                    "actions are not loaded (written for Rasa's action server?); they are "
                    "skipped"]
    except SyntaxError as error:
        del sys.modules[name]
        raise ActionsError(f"{error.filename or source}:{error.lineno}: {error.msg}") from error
    except Exception as error:  # the module's own code failed while loading
        del sys.modules[name]
        raise ActionsError(f"{_where(error, source)}: {type(error).__name__}: {error}") from error
    modules = [module, *(m for n, m in list(sys.modules.items()) if n.startswith(name + "."))]
    return _registered(modules), []


def _registered(modules: list[ModuleType]) -> dict[str, CustomAction]:
    found: dict[str, CustomAction] = {}
    for module in modules:
        for attribute, value in vars(module).items():
            if not callable(value):
                continue
            registered = getattr(value, _NAME_ATTRIBUTE, None)
            if isinstance(registered, str):
                found[registered] = value
            elif (attribute.startswith(("action_", "validate_"))
                  and getattr(value, "__module__", None) == module.__name__):
                found.setdefault(attribute, value)
    return found


def _where(error: BaseException, source: Path) -> str:
    """file:line of the deepest frame of the error inside the project's actions."""
    folder = str(source.parent.resolve())
    where = str(source)
    for frame in traceback.extract_tb(error.__traceback__):
        if str(Path(frame.filename).resolve()).startswith(folder):
            where = f"{frame.filename}:{frame.lineno}"
    return where


def normalise(result: Any) -> dict[str, list[dict[str, Any]]]:
    """A custom action's result as ``{"events": [...], "responses": [...]}``."""
    if result is None:
        return {"events": [], "responses": []}
    if isinstance(result, dict) and ("events" in result or "responses" in result):
        return {"events": list(result.get("events") or []),
                "responses": list(result.get("responses") or [])}
    items = [result] if isinstance(result, dict) else list(result)
    events = [item for item in items if isinstance(item, dict) and "event" in item]
    responses = [item for item in items if isinstance(item, dict) and "event" not in item]
    return {"events": events, "responses": responses}


__all__ = [
    "ActionsError", "CustomAction", "action", "actions_source", "load_actions", "normalise",
    "response", "slot_set",
]
