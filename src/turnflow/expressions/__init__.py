"""The Excellent expression language: templates like ``Hi @contact.name`` and expressions
like ``@(if(x > 3, "big", "small"))``, compiled once and evaluated many times.

>>> from turnflow.expressions import Environment, evaluate_template, from_python
>>> evaluate_template("Hi @(upper(contact.name))!", from_python({"contact": {"name": "Bob"}})).text
'Hi BOB!'
"""

from __future__ import annotations

from .compiler import Scope, compile_node
from .environment import Environment, ExpressionLimits
from .goregex import budget_scope
from .parser import parse_expression
from .template import Template, TemplateResult, compile_template
from .values import (
    Lazy,
    XError,
    XFunction,
    XObject,
    XValue,
    from_python,
    render_text,
    to_json,
    to_text,
    type_name,
)
from .work import needs_budgets, work_scope

__all__ = [
    "Environment",
    "Lazy",
    "ExpressionLimits",
    "Scope",
    "Template",
    "TemplateResult",
    "XError",
    "XFunction",
    "XObject",
    "XValue",
    "compile_expression",
    "compile_template",
    "evaluate_expression",
    "evaluate_template",
    "from_python",
    "parse_expression",
    "render_text",
    "to_json",
    "to_text",
    "type_name",
]

_default_env: Environment | None = None


def _env(env: Environment | None) -> Environment:
    global _default_env
    if env is not None:
        return env
    if _default_env is None:
        _default_env = Environment()
    return _default_env


class Expression:
    """A compiled expression (the inside of ``@( ... )``)."""

    __slots__ = ("source", "_fn", "_budgets")

    def __init__(self, source: str) -> None:
        self.source = source
        self._fn = compile_node(parse_expression(source))
        self._budgets = needs_budgets(source)

    def evaluate(self, context: XObject, env: Environment | None = None) -> XValue:
        env = _env(env)
        if not self._budgets:
            return self._fn(Scope(env, context))
        with budget_scope(None, env.limits.regex_budget), work_scope(env):
            return self._fn(Scope(env, context))


def compile_expression(source: str) -> Expression:
    """Compile an expression; raises ExpressionSyntaxError with the column of a problem."""
    return Expression(source)


def evaluate_template(
    template: str, context: XObject | None = None, env: Environment | None = None
) -> TemplateResult:
    """Compile (cached) and render a template against a context."""
    return compile_template(template).render(
        context if context is not None else XObject(), _env(env)
    )


def evaluate_expression(
    source: str, context: XObject | None = None, env: Environment | None = None
) -> XValue:
    """Evaluate one expression to a typed value (an XError if it fails)."""
    return compile_expression(source).evaluate(context if context is not None else XObject(), env)
