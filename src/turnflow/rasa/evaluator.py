"""Rasa's evaluator: conditions are pypred predicates over ``slots.`` and ``context.`` (the
top frame), rendered with Jinja first; templates are Jinja over ``context`` (action names
such as ``validate_{{context.collect}}``). Both are compiled once and cached."""

from __future__ import annotations

from typing import Any

from ..core.runtime import Runtime
from .predicates import PredicateError, compile_condition
from .templates import TemplateError, has_jinja, render_template


def frame_context(rt: Runtime) -> dict[str, Any]:
    """``context`` as Rasa shows it: the current frame's fields (a collect pattern also sees
    the fields of the frame below it)."""
    run = rt.run
    if run is None:
        return {}
    return rt.family.frame_context(run)


class RasaEvaluator:
    def render(self, rt: Runtime, template: str, context: Any = None) -> str:
        if not has_jinja(template):
            return template
        frame = context if context is not None else frame_context(rt)
        try:
            return render_template(template, {"context": frame})
        except TemplateError as exc:
            rt.error(str(exc), code="template")
            return ""

    def check(self, rt: Runtime, condition: str | bool, context: Any = None) -> bool:
        """A ``next`` condition: an error in it counts as false (Rasa logs it)."""
        frame = context if context is not None else frame_context(rt)
        try:
            predicate = compile_condition(condition, {"context": frame})
            return predicate.evaluate({"context": frame, "slots": rt.session.slots})
        except PredicateError as exc:
            rt.warning(f"condition {condition!r} failed: {exc}", code="condition")
            return False
