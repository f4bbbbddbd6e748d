"""Parsing and formatting of numbers (placeholder, completed by the functions work)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .environment import Environment


def parse_decimal(env: Environment, text: str) -> Decimal | None:
    """Parse text as a number the way goflow does, or None if it isn't one."""
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
