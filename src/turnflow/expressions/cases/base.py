"""What a router case test returns, and the table of case tests."""

from __future__ import annotations

from collections.abc import Callable

from ..values import XFunction, XObject, XValue

CASE_TESTS: dict[str, XFunction] = {}


def case_test(
    name: str, min_args: int, max_args: int | None = -1
) -> Callable[[Callable[..., XValue]], Callable[..., XValue]]:
    """Register ``impl(env, *args)`` as a case test (``max_args`` as in functions.register)."""

    def decorate(impl: Callable[..., XValue]) -> Callable[..., XValue]:
        upper = min_args if max_args == -1 else max_args
        if name in CASE_TESTS:
            raise ValueError(f"case test {name} registered twice")
        CASE_TESTS[name] = XFunction(name, impl, min_args, upper)
        return impl

    return decorate


def true_result(match: XValue, extra: XValue = None) -> XObject:
    """A matching test: true as a boolean, with ``match`` (and ``extra``) as properties."""
    values = {"match": match}
    if extra is not None:
        values["extra"] = extra
    return XObject.of_lowercase(values, default=True)


def false_result() -> XObject:
    """A test that did not match: false as a boolean, with an empty ``match`` (goflow's
    FalseResult), so ``@(has_text(x).match)`` is empty text rather than an error."""
    return XObject.of_lowercase({"match": ""}, default=False)
