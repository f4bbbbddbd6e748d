"""The table of built-in functions and the decorator that fills it."""

from __future__ import annotations

from collections.abc import Callable

from ..values import XFunction, XValue

FUNCTIONS: dict[str, XFunction] = {}


def register(
    name: str, min_args: int, max_args: int | None = -1
) -> Callable[[Callable[..., XValue]], Callable[..., XValue]]:
    """Register ``impl(env, *args)`` as an Excellent function.

    ``max_args`` defaults to ``min_args`` (a fixed arity); pass ``None`` for variadic.
    """

    def decorate(impl: Callable[..., XValue]) -> Callable[..., XValue]:
        upper = min_args if max_args == -1 else max_args
        if name in FUNCTIONS:
            raise ValueError(f"function {name} registered twice")
        FUNCTIONS[name] = XFunction(name, impl, min_args, upper)
        return impl

    return decorate
