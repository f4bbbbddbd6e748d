"""Excellent as goflow's evaluator: templates rendered for the current run, each failing
expression an ``error`` event, long texts cut to the template limit as goflow cuts them.

Templates are compiled once and kept (:func:`template_for`); routers prepared at read time
hold their compiled operand.
"""

from __future__ import annotations

import dataclasses

from ..core.runtime import Runtime
from ..expressions import XObject, compile_expression, compile_template
from ..expressions.goregex import budget_scope
from ..expressions.template import Template
from ..expressions.values import XError, to_bool
from ..expressions.work import needs_budgets
from .sprint import sprint_regex_budget


class ExcellentEvaluator:
    """goflow's :class:`~turnflow.core.runtime.Evaluator`: templates are Excellent text
    (``Hi @contact.name``), conditions Excellent expressions (``contact.age > 18``)."""

    def render(
        self, rt: Runtime, template: str, context: XObject | None = None, truncate: bool = True
    ) -> str:
        """See :func:`render`."""
        return render(rt, template, context, truncate)

    def check(self, rt: Runtime, condition: str, context: XObject | None = None) -> bool:
        """Whether an Excellent expression is true for the current run (an error: false,
        with an ``error`` event)."""
        expression = compile_expression(condition)
        with budget_scope(sprint_regex_budget(rt) if needs_budgets(condition) else None):
            value = expression.evaluate(context if context is not None else rt.context(), rt.env)
        if isinstance(value, XError):
            rt.error(
                f"Error evaluating expression: {value.message}", code="expression",
                extra={"expression": condition},
            )
            return False
        truth = to_bool(rt.env, value)
        return truth is True


def render(
    rt: Runtime, template: str, context: XObject | None = None, truncate: bool = True
) -> str:
    """Render a template for the current run; each failing expression becomes an ``error``
    event (the rest of the text still renders, as in goflow).

    Like goflow, a long result is cut to the template limit with an ellipsis, not refused
    (``truncate=False`` keeps it whole, e.g. for webhook bodies)."""
    limit = rt.limits.max_template_length
    if "@" not in template:
        if truncate and len(template) > limit:
            return ellipsis(template, limit)
        return template
    # (template_for's kept template, asked for here without its call: most renders find it)
    compiled = _TEMPLATES.get((template, limit)) or template_for(template, limit)
    if compiled.needs_budgets:  # the sprint's regex budget, shared by all its evaluations
        with budget_scope(sprint_regex_budget(rt)):
            result = compiled.text_or_result(
                context if context is not None else rt.context(), rt.env
            )
    else:  # (what text_or_result does without budgets, without its call)
        result = compiled.render_unbudgeted(
            context if context is not None else rt.context(), rt.env
        )
    if type(result) is str:  # nothing failed
        if truncate and len(result) > limit:
            return ellipsis(result, limit)
        return result
    text = result.text
    output_limit = rt.env.limits.max_output_length
    for source, error in result.failures():
        if source == template and error.message.startswith("template output is longer than"):
            # the whole output hit the evaluator's limit: goflow truncates instead
            if truncate:
                text = text[: output_limit - 3] + "..."
            else:
                text = _render_whole(rt, compiled, context)
            continue
        rt.error(
            f"Error evaluating expression: {error.message}", code="expression",
            extra={"expression": source},
        )
    return ellipsis(text, limit) if truncate else text


def _render_whole(rt: Runtime, compiled: Template, context: XObject | None) -> str:
    limits = dataclasses.replace(rt.env.limits, max_output_length=10**12)
    env = dataclasses.replace(rt.env, limits=limits)
    return compiled.render(context if context is not None else rt.context(), env).text


# compiled templates by (text, length limit): flows evaluate the same few texts all the time,
# and a plain dict is cheaper to ask than compile_template's keyword-argument cache
_TEMPLATES: dict[tuple[str, int], Template] = {}


def template_for(template: str, max_length: int = 10_000) -> Template:
    """The compiled template (as :func:`compile_template` makes it, kept)."""
    key = (template, max_length)
    compiled = _TEMPLATES.get(key)
    if compiled is None:
        compiled = compile_template(template, max_length=max_length)  # may raise LimitExceeded
        if len(_TEMPLATES) >= 4096:
            _TEMPLATES.clear()
        _TEMPLATES[key] = compiled
    return compiled


def ellipsis(text: str, limit: int) -> str:
    """goflow's TruncateEllipsis: at most ``limit`` characters, ending "..." when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 3, 0)] + "..."


__all__ = ["ExcellentEvaluator", "ellipsis", "render", "template_for"]
