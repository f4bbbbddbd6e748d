"""goflow's action types. Importing this package registers them all in ``ACTIONS``."""

from __future__ import annotations

import importlib

from .base import ACTIONS, ActionReadError, BaseAction

for _module in ("messages", "results", "flows", "contact", "services", "sessions"):
    try:
        importlib.import_module(f"{__name__}.{_module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{_module}":
            raise

__all__ = ["ACTIONS", "ActionReadError", "BaseAction"]
