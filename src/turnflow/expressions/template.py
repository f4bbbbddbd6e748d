"""Templates: text with ``@path.to.value`` and ``@(expression)`` pieces, compiled once.

Scanning follows goflow:

* ``@@`` is a literal ``@``;
* ``@(`` starts an expression that runs to its matching ``)`` (parentheses inside text
  literals don't count); an unclosed ``@(`` is plain text;
* ``@name`` starts an identifier made of letters, digits and ``_``, with ``.`` allowed only
  when a name character follows it, so ``@contact.name.`` ends before the last period. An
  identifier whose first part is not a property of the context (``bob@nyaruka.com``,
  ``@twitter_handle``) is left as plain text;
* anything else is text, untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import ExpressionSyntaxError, LimitExceeded
from .compiler import (
    Compiled,
    RootLookup,
    Scope,
    compile_node,
    path_names,
    root_path_lookup,
)
from .environment import Environment
from .goregex import budget_scope
from .parser import DEFAULT_MAX_DEPTH, parse_expression
from .values import XError, XObject, XValue, to_text
from .work import needs_budgets, work_scope


def _is_name_char(ch: str) -> bool:
    return ch == "_" or ch.isalnum()


@dataclass(frozen=True, slots=True)
class _Expr:
    """A compiled ``@(...)`` or ``@identifier`` piece of a template."""

    fn: Compiled
    source: str  # the template text of the piece, e.g. "@(1 + 2)" or "@contact.name"
    top_level: str | None  # for identifiers: the context property it must start with
    # for a context path (@input, @results.x.value): fn without a scope (see root_path_lookup)
    root_fn: RootLookup | None = None
    path: tuple[str, ...] | None = None  # that path's names, lower-cased


@dataclass(frozen=True, slots=True)
class _Broken:
    """An expression piece that failed to parse: it renders as an error."""

    error: XError
    source: str
    top_level: str | None


@dataclass
class TemplateResult:
    """The text of an evaluated template and the errors met on the way (parts that failed
    render as empty text, as in goflow)."""

    text: str
    errors: list[XError] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # the piece each error came from

    def failures(self) -> list[tuple[str, XError]]:
        """``(piece source, error)`` pairs, e.g. ``("@(1 / 0)", XError("division by zero"))``."""
        return list(zip(self.sources, self.errors, strict=True))

    @property
    def ok(self) -> bool:
        return not self.errors


def scan(template: str) -> list[tuple[str, str, int]]:
    """Split a template into ``(kind, text, position)`` pieces.

    ``kind`` is ``"text"``, ``"identifier"`` (text without the ``@``) or ``"expression"``
    (the text between the parentheses); position is where the piece's source starts.
    """
    pieces: list[tuple[str, str, int]] = []
    buf: list[str] = []
    buf_start = 0
    i = 0
    n = len(template)

    def flush(upto: int) -> None:
        nonlocal buf_start
        if buf:
            pieces.append(("text", "".join(buf), buf_start))
            buf.clear()
        buf_start = upto

    while i < n:
        ch = template[i]
        if ch != "@" or i + 1 >= n:
            buf.append(ch)
            i += 1
            continue
        nxt = template[i + 1]
        if nxt == "@":
            buf.append("@")
            i += 2
        elif nxt == "(":
            end = _expression_end(template, i + 2)
            if end < 0:  # unclosed: the rest is text
                buf.append(template[i:])
                i = n
            else:
                flush(i)
                pieces.append(("expression", template[i + 2 : end], i + 2))
                i = end + 1
                buf_start = i
        elif _is_name_char(nxt):
            j = i + 1
            while j < n:
                c = template[j]
                if _is_name_char(c):
                    j += 1
                elif c == "." and j + 1 < n and _is_name_char(template[j + 1]):
                    j += 2
                else:
                    break
            flush(i)
            pieces.append(("identifier", template[i + 1 : j], i + 1))
            i = j
            buf_start = i
        else:
            buf.append("@")
            i += 1
    flush(n)
    return pieces


def _expression_end(template: str, start: int) -> int:
    """Index of the ``)`` closing an expression whose body starts at ``start``, or -1."""
    depth = 1
    i = start
    n = len(template)
    while i < n:
        ch = template[i]
        if ch == '"':
            i += 1
            escaped = False
            while i < n:
                c = template[i]
                if c == '"' and not escaped:
                    break
                escaped = c == "\\"
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


class Template:
    """A compiled template. Build with :func:`compile_template` (cached) and render many times."""

    __slots__ = ("source", "_parts", "_single", "needs_budgets", "path")

    def __init__(self, source: str, parts: list[str | _Expr | _Broken]) -> None:
        self.source = source
        self._parts = tuple(parts)
        # a template that is exactly one expression can also give its typed value
        self._single = parts[0] if len(parts) == 1 and not isinstance(parts[0], str) else None
        # a template that is exactly one context path (@input, @(results.x)): its names,
        # lower-cased (its value is then what the context gives at that path)
        self.path = self._single.path if type(self._single) is _Expr else None
        # whether evaluating may loop or match a regex: then it runs under its own budgets
        # (see turnflow.expressions.work)
        self.needs_budgets: bool = needs_budgets(source) and any(
            type(p) is _Expr and p.root_fn is None for p in parts
        )

    def render(self, context: XObject, env: Environment) -> TemplateResult:
        """Evaluate against a context; text of failed parts is empty and their errors listed."""
        out = self.text_or_result(context, env)
        return TemplateResult(out) if type(out) is str else out

    def text_or_result(self, context: XObject, env: Environment) -> str | TemplateResult:
        """What :meth:`render` gives, as the text alone when nothing failed (the usual case,
        which needs no TemplateResult)."""
        if not self.needs_budgets:
            return self.render_unbudgeted(context, env)
        # (the regex budget: unless a sprint's is in force)
        with budget_scope(None, env.limits.regex_budget), work_scope(env):
            return self.render_unbudgeted(context, env)

    @property
    def syntax_errors(self) -> list[XError]:
        return [p.error for p in self._parts if isinstance(p, _Broken)]

    def render_unbudgeted(self, context: XObject, env: Environment) -> str | TemplateResult:
        """What :meth:`text_or_result` gives for a template that needs no budgets (see
        ``needs_budgets``), or under budgets the caller has put in force."""
        scope: Scope | None = None  # (made if a part needs one)
        out: list[str] = []
        errors: list[XError] | None = None  # (made at the first error)
        sources: list[str] = []
        names = context._values  # top-level names are lower-cased when compiled
        for part in self._parts:
            if type(part) is str:
                out.append(part)
                continue
            if part.top_level is not None and part.top_level not in names:
                out.append(part.source)  # not a context variable, e.g. an email address
                continue
            if type(part) is _Broken:
                if errors is None:
                    errors = []
                errors.append(part.error)
                sources.append(part.source)
                continue
            root_fn = part.root_fn
            if root_fn is not None:
                value = root_fn(context, env)
            else:
                if scope is None:
                    scope = Scope(env, context)
                value = part.fn(scope)
            if type(value) is str:
                out.append(value)
                continue
            text = to_text(env, value)
            if type(text) is XError:
                if errors is None:
                    errors = []
                errors.append(text)
                sources.append(part.source)
            else:
                out.append(text)
        text = "".join(out)
        limit = env.limits.max_output_length
        if len(text) > limit:
            if errors is None:
                errors = []
            errors.append(XError(f"template output is longer than the limit of {limit} characters"))
            sources.append(self.source)
            text = text[:limit]
        if errors is None:
            return text
        return TemplateResult(text, errors, sources)

    def value(self, context: XObject, env: Environment) -> XValue:
        """The typed value of a single-expression template, else its rendered text.

        Like goflow, a template that is just ``@contact`` or ``@(array(1, 2))`` keeps its type.
        """
        part = self._single
        names = context._values  # (as in render: top-level names are lower-cased when compiled)
        if type(part) is _Expr and (part.top_level is None or part.top_level in names):
            root_fn = part.root_fn
            if root_fn is not None:  # a context path, e.g. @input
                return root_fn(context, env)
            if not self.needs_budgets:
                return part.fn(Scope(env, context))
            with budget_scope(None, env.limits.regex_budget), work_scope(env):
                return part.fn(Scope(env, context))
        if type(part) is _Broken and (part.top_level is None or part.top_level in names):
            return part.error
        result = self.render(context, env)
        return result.errors[0] if result.errors else result.text

    def __repr__(self) -> str:
        return f"Template({self.source!r})"


def _compile(template: str, strict: bool, max_length: int, max_depth: int) -> Template:
    if len(template) > max_length:
        raise LimitExceeded(
            f"template is {len(template)} characters long, the limit is {max_length}"
        )
    parts: list[str | _Expr | _Broken] = []
    for kind, text, pos in scan(template):
        if kind == "text":
            parts.append(text)
            continue
        if kind == "expression":
            source, top = f"@({text})", None
        else:
            source, top = f"@{text}", text.split(".", 1)[0].lower()
        try:
            node = parse_expression(text, pos, max_depth)
        except ExpressionSyntaxError as exc:
            if strict and kind == "expression":
                raise ExpressionSyntaxError(exc.message, template, exc.position) from None
            parts.append(_Broken(XError(_goflow_syntax_error(text, exc.position - pos)), source,
                                 top))
            continue
        names = path_names(node)
        parts.append(_Expr(
            compile_node(node), source, top, root_path_lookup(node),
            tuple(name.lower() for name in names) if names is not None else None,
        ))
    return Template(template, parts)


def _goflow_syntax_error(expression: str, offset: int) -> str:
    """goflow's message for an expression it can't parse: "syntax error at " and the next ten
    bytes of the expression's line from where the problem is (a strict compile, as ``turnflow
    validate`` does, says the column instead)."""
    before = expression[:max(offset, 0)]
    line_start = before.rfind("\n") + 1
    column = len(before) - line_start
    line = expression[line_start:].split("\n", 1)[0]
    context = line.encode()[column:column + 10].decode(errors="replace")
    return f"syntax error at {context}"


@lru_cache(maxsize=4096)
def _compile_cached(template: str, strict: bool, max_length: int, max_depth: int) -> Template:
    return _compile(template, strict, max_length, max_depth)


def compile_template(
    template: str,
    *,
    strict: bool = False,
    max_length: int = 10_000,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Template:
    """Compile a template (cached by its text).

    With ``strict`` a syntax error raises :class:`ExpressionSyntaxError` naming its column;
    otherwise the broken piece renders as an error value, so a flow keeps running.
    """
    return _compile_cached(template, strict, max_length, max_depth)
