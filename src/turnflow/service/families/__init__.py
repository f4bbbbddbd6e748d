"""The flow families the service runs, behind one interface (see base.py)."""

from .base import FAMILIES, Bot, ContactData, DefinitionError, Family, Input, Outcome, register

__all__ = ["FAMILIES", "Bot", "ContactData", "DefinitionError", "Family", "Input", "Outcome",
           "register"]
