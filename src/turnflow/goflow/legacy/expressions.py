"""Migrating RapidPro's legacy expressions (``@contact.name``, ``@flow.color.category``,
``@(FIRST_WORD(step.value))``, ``@(date.today + 1)``) to Excellent 3 templates, with the
output goflow's legacy migrator gives.

The legacy language (rapidpro/expressions) differs from Excellent 3 in three ways that matter
here: its context has other top levels (``flow``, ``step``, ``extra``, ``date``, ``channel``),
its functions are Excel-like (``PROPER``, ``DATEVALUE``, ``WORD`` counting from 1...) and ``+``
adds days to dates. A template is scanned with the legacy top levels, each ``@identifier`` is
mapped to its new path and each ``@(expression)`` is parsed with the legacy grammar and printed
back in the new syntax. Pieces that don't parse are kept as written and reported.

Options follow goflow's ``MigrateOptions``:

* ``default_to_self``: a piece that fails at run time renders as its original legacy text;
* ``url_encode``: each piece is wrapped in ``url_encode()`` (webhook URLs);
* ``raw_dates``: ``@date.today`` and date arithmetic give dates, not texts formatted with the
  environment's date format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ...errors import TurnflowError
from ..contactql import URN_SCHEMES
from .semantics import legacy_engine_on

# the top levels of the legacy context: ``@foo.bar`` with another first name is plain text
CONTEXT_TOP_LEVELS = ("channel", "child", "contact", "date", "extra", "flow", "parent", "step")

# the top levels of the new run context: a migrated path starting with one of them can be
# written as ``@path``, anything else needs ``@(...)``
RUN_CONTEXT_TOP_LEVELS = (
    "child", "contact", "fields", "globals", "input", "legacy_extra", "locals", "node", "parent",
    "results", "resume", "run", "ticket", "trigger", "urns", "webhook",
)  # fmt: skip


class LegacyExpressionError(TurnflowError):
    """A legacy expression that doesn't parse with the legacy grammar."""

    def __init__(self, message: str, expression: str, position: int) -> None:
        self.message = message
        self.expression = expression
        self.position = position
        super().__init__(f"{message} at column {position + 1} of {expression!r}")


@dataclass(frozen=True)
class MigrateOptions:
    default_to_self: bool = False
    url_encode: bool = False
    raw_dates: bool = False


# -- public API ----------------------------------------------------------------------------------


def migrate_template(
    template: str,
    *,
    default_to_self: bool = False,
    url_encode: bool = False,
    raw_dates: bool = False,
) -> str:
    """The Excellent 3 form of a legacy template. Expressions that don't parse are kept as
    written (use :func:`try_migrate_template` to see them)."""
    text, _ = try_migrate_template(
        template, default_to_self=default_to_self, url_encode=url_encode, raw_dates=raw_dates
    )
    return text


def try_migrate_template(
    template: str,
    *,
    default_to_self: bool = False,
    url_encode: bool = False,
    raw_dates: bool = False,
) -> tuple[str, list[LegacyExpressionError]]:
    """Like :func:`migrate_template`, also returning the errors of the pieces kept as written."""
    options = MigrateOptions(default_to_self, url_encode, raw_dates)
    out: list[str] = []
    errors: list[LegacyExpressionError] = []
    for kind, text in scan_legacy(template):
        if kind == "text":
            out.append(text)
        elif kind == "identifier":
            migrated = migrate_context_reference(text, raw_dates=raw_dates)
            fallback = "@" + text if default_to_self else ""
            out.append(_wrap(migrated, fallback, url_encode))
        elif text == '""':
            # @("") was an old workaround for the editor refusing empty texts: it goes away
            continue
        else:
            try:
                migrated = _migrate(text, options)
            except LegacyExpressionError as err:
                errors.append(err)
                out.append("@(" + text + ")")
                continue
            fallback = "@(" + text + ")" if default_to_self else ""
            out.append(_wrap(migrated, fallback, url_encode))
    return "".join(out), errors


def migrate_expression(
    expression: str,
    *,
    default_to_self: bool = False,
    url_encode: bool = False,
    raw_dates: bool = False,
) -> str:
    """The Excellent 3 form of a legacy expression (the inside of ``@( ... )``), as an
    expression (no ``@``). Raises :class:`LegacyExpressionError` if it doesn't parse.

    ``default_to_self`` and ``url_encode`` wrap the result as they would in a template."""
    migrated = _migrate(expression, MigrateOptions(default_to_self, url_encode, raw_dates))
    if default_to_self:
        migrated = f"if(is_error({migrated}), {go_quote('@(' + expression + ')')}, {migrated})"
    if url_encode:
        migrated = f"url_encode({migrated})"
    return migrated


def migrate_string_literal(literal: str) -> str:
    """A legacy text literal, where a quote inside is doubled, in the new syntax, where it is
    escaped with a backslash; anything else in the body is kept as written."""
    return '"' + literal[1:-1].replace('""', '\\"') + '"'


# -- scanning templates --------------------------------------------------------------------------


def _is_name_char(ch: str) -> bool:
    return ch == "_" or ch.isalpha() or ch.isnumeric()


def scan_legacy(template: str) -> Iterator[tuple[str, str]]:
    """Split a legacy template into ``("text" | "identifier" | "expression", text)`` pieces.

    This is goflow's template scanner with the legacy top levels and ``@@`` left escaped:
    an identifier whose first name isn't a legacy top level is text, and an unclosed ``@(``
    makes the rest of the template text.
    """
    n = len(template)
    i = 0
    buf: list[str] = []
    while i < n:
        ch = template[i]
        nxt = template[i + 1] if i + 1 < n else ""
        if ch != "@":
            buf.append(ch)
            i += 1
        elif nxt == "(":
            end = _expression_end(template, i + 2)
            if end < 0:
                buf.append(template[i:])
                i = n
            else:
                if buf:
                    yield "text", "".join(buf)
                    buf.clear()
                yield "expression", template[i + 2 : end]
                i = end + 1
        elif nxt and _is_name_char(nxt):
            j, top = _identifier_end(template, i + 1)
            identifier = template[i + 1 : j]
            if top.lower() in CONTEXT_TOP_LEVELS:
                if buf:
                    yield "text", "".join(buf)
                    buf.clear()
                yield "identifier", identifier
            else:
                buf.append("@" + identifier)
            i = j
        else:
            # "@@" stays escaped; "@" before anything else is text, and so is what follows it
            buf.append(ch + nxt)
            i += 2
    if buf:
        yield "text", "".join(buf)


def _identifier_end(template: str, start: int) -> tuple[int, str]:
    """Where an identifier starting at ``start`` ends, and its first name. A period belongs to
    the identifier only when a name character follows it."""
    n = len(template)
    j = start
    top = ""
    while j < n:
        ch = template[j]
        if ch == ".":
            if not top:
                top = template[start:j]
            if j + 1 < n and _is_name_char(template[j + 1]):
                j += 2
                continue
            break
        if not _is_name_char(ch):
            break
        j += 1
    return j, top or template[start:j]


def _expression_end(template: str, start: int) -> int:
    """Index of the ``)`` that closes an expression body starting at ``start``, or -1.

    Text literals are skipped the way the scanner of new templates does (a backslash marks
    the next quote as escaped), which is how goflow finds legacy expressions too."""
    depth = 1
    n = len(template)
    i = start
    while i < n:
        ch = template[i]
        i += 1
        if ch == '"':
            escaped = False
            while i < n:
                c = template[i]
                i += 1
                if c == '"' and not escaped:
                    break
                if c == "\\":
                    escaped = True  # stays set until another character, as in goflow
                else:
                    escaped = False
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i - 1
    return -1


# -- wrapping migrated pieces --------------------------------------------------------------------


def _is_plain_path(expression: str) -> bool:
    """Whether a migrated expression can be written as ``@expression`` (a dotted path into
    the new run context) rather than ``@(expression)``."""
    if not expression or not expression[0].isalpha():
        return False
    if not all(c.isalpha() or c.isnumeric() or c in "_." for c in expression):
        return False
    first = expression.split(".", 1)[0]
    return first in RUN_CONTEXT_TOP_LEVELS


def _wrap(expression: str, fallback: str, url_encode: bool) -> str:
    if fallback:
        expression = f"if(is_error({expression}), {go_quote(fallback)}, {expression})"
    if url_encode:
        expression = f"url_encode({expression})"
    if not _is_plain_path(expression):
        expression = "(" + expression + ")"
    return "@" + expression


_QUOTE_ESCAPES = {
    "\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
    "\\": "\\\\", '"': '\\"',
}  # fmt: skip


def go_quote(text: str) -> str:
    """A double-quoted text literal as Go's strconv.Quote writes it (printable characters kept,
    the others escaped), which the new syntax reads back."""
    out = ['"']
    for ch in text:
        if ch in _QUOTE_ESCAPES:
            out.append(_QUOTE_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


# -- context references --------------------------------------------------------------------------


# an optional "flow." or "step." then optionally "parent." or "child.", then "contact"
_CONTACT = r"(?:(?:flow|step)\.)?((?:parent|child)\.)?contact"
# a result reference under a prefix: (pattern suffix, new path suffix)
_RESULT_PARTS = (
    (r"", ""),
    (r"\.(\w+)", r".\g<1>"),
    (r"\.(\w+)\.value", r".\g<1>.value"),
    (r"\.(\w+)\.category", r".\g<1>.category_localized"),
    (r"\.(\w+)\.text", r".\g<1>.input"),
    (r"\.(\w+)\.time", r".\g<1>.created_on"),
)


def _build_mappings() -> list[tuple[re.Pattern[str], str, bool]]:
    """``(pattern, replacement, is a date)`` in the order they are tried: the first match wins."""
    schemes = "|".join(sorted(URN_SCHEMES))
    rules: list[tuple[str, str, bool]] = []
    for prop in ("uuid", "id", "name", "first_name", "created_on", "language"):
        rules.append((rf"{_CONTACT}\.{prop}", rf"\g<1>contact.{prop}", False))
    rules[:0] = [(_CONTACT, r"\g<1>contact", False)]
    rules += [
        (rf"{_CONTACT}\.groups", r'join(\g<1>contact.groups, ",")', False),
        (rf"{_CONTACT}\.tel_e164", r'default(urn_parts(\g<1>urns.tel).path, "")', False),
        (rf"{_CONTACT}\.tel", r"format_urn(\g<1>urns.tel)", False),
        (rf"{_CONTACT}\.({schemes})", r'default(urn_parts(\g<1>urns.\g<2>).path, "")', False),
        (rf"{_CONTACT}\.({schemes})\.display", r"format_urn(\g<1>urns.\g<2>)", False),
        (rf"{_CONTACT}\.({schemes})\.path", r"urn_parts(\g<1>urns.\g<2>).path", False),
        (rf"{_CONTACT}\.({schemes})\.scheme", r"urn_parts(\g<1>urns.\g<2>).scheme", False),
        (rf"{_CONTACT}\.({schemes})\.urn", r"\g<1>urns.\g<2>", False),
        (rf"{_CONTACT}\.(\w+)", r"\g<1>fields.\g<2>", False),
    ]
    for prefix, new in (("flow", "results"), ("child", "child.results"),
                        ("(?:parent|extra\\.flow)", "parent.results")):  # fmt: skip
        for suffix, new_suffix in _RESULT_PARTS:
            rules.append((prefix + suffix, new + new_suffix, False))
    rules += [
        (r"step(\.value)?", "input", False),
        (r"step\.text", "input.text", False),
        (r"step\.time", "input.created_on", False),
        (r"step\.attachments",
         'foreach(foreach(input.attachments, attachment_parts), extract, "url")',
         False),  # fmt: skip
        (r"step\.attachments\.(\d+)", r"attachment_parts(input.attachments[\g<1>]).url", False),
        (r"channel", "contact.channel.address", False),
        (r"channel\.(address|tel|tel_e164)", "contact.channel.address", False),
        (r"channel\.name", "contact.channel.name", False),
        (r"date(\.now)?", "now()", False),
        (r"date\.today", "today()", True),
        (r"date\.tomorrow", 'datetime_add(now(), 1, "D")', True),
        (r"date\.yesterday", 'datetime_add(now(), -1, "D")', True),
        (r"extra", "legacy_extra", False),
        (r"extra\.([\w.]+)", r"legacy_extra.\g<1>", False),
    ]
    # goflow's patterns are ASCII: \w is [0-9A-Za-z_]
    return [(re.compile(rf"^{p}$", re.ASCII), r, d) for p, r, d in rules]


_mappings: list[tuple[re.Pattern[str], str, bool]] | None = None
_NUMERIC_LOOKUP = re.compile(r"\.\d+\w*", re.ASCII)


def migrate_context_reference(path: str, *, raw_dates: bool = False) -> str:
    """The new expression for a legacy context path: ``contact.age`` -> ``fields.age``,
    ``flow.color.category`` -> ``results.color.category_localized``. Paths no rule knows are
    only lowercased."""
    global _mappings
    if _mappings is None:
        _mappings = _build_mappings()
    path = path.lower()
    for pattern, replacement, is_date in _mappings:
        match = pattern.match(path)
        if match is None:
            continue
        migrated = match.expand(replacement)
        if migrated.endswith(".category_localized") and legacy_engine_on():
            migrated = migrated.removesuffix("_localized")  # the base name, as that engine saved
        if is_date and not raw_dates:
            migrated = f"format_date({migrated})"
        # names starting with a digit can't follow a period any more: .1 -> ["1"]
        return _NUMERIC_LOOKUP.sub(lambda m: '["' + m.group(0)[1:] + '"]', migrated)
    return path


# -- legacy expressions: tokens ------------------------------------------------------------------

_SINGLE = {
    ",": "COMMA", "(": "LPAREN", ")": "RPAREN", "+": "PLUS", "-": "MINUS", "*": "TIMES",
    "/": "DIVIDE", "^": "EXPONENT", "=": "EQ", "&": "AMPERSAND", "<": "LT", ">": "GT",
}  # fmt: skip
_DOUBLE = {"<>": "NEQ", "<=": "LTE", ">=": "GTE"}
_DIGITS = "0123456789"


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    pos: int


def _is_letter(ch: str) -> bool:
    return ch.isalpha()


def _tokenize(source: str) -> list[_Token]:
    """Tokens of the legacy grammar. A character it doesn't know is an ERROR token, which no
    rule accepts, so parsing fails there."""
    tokens: list[_Token] = []
    n = len(source)
    i = 0
    while i < n:
        ch = source[i]
        start = i
        if ch in " \t\n\r":
            i += 1
            continue
        if source[i : i + 2] in _DOUBLE:
            tokens.append(_Token(_DOUBLE[source[i : i + 2]], source[i : i + 2], start))
            i += 2
        elif ch in _SINGLE:
            tokens.append(_Token(_SINGLE[ch], ch, start))
            i += 1
        elif ch in _DIGITS:
            while i < n and source[i] in _DIGITS:
                i += 1
            if i + 1 < n and source[i] == "." and source[i + 1] in _DIGITS:
                i += 1
                while i < n and source[i] in _DIGITS:
                    i += 1
            tokens.append(_Token("DECIMAL", source[start:i], start))
        elif ch == '"':
            i += 1
            while i < n:
                if source[i] == '"':
                    if source[i + 1 : i + 2] == '"':  # "" is a quote inside the literal
                        i += 2
                        continue
                    break
                i += 1
            if i >= n:  # unterminated: the quote alone is an error
                tokens.append(_Token("ERROR", ch, start))
                i = start + 1
                continue
            i += 1
            tokens.append(_Token("STRING", source[start:i], start))
        elif _is_letter(ch):
            while i < n and _is_letter(source[i]):
                i += 1
            while i < n and (source[i].isalpha() or source[i].isdecimal() or source[i] in "_."):
                i += 1
            word = source[start:i]
            kind = word.upper() if word.lower() in ("true", "false") else "NAME"
            tokens.append(_Token(kind, word, start))
        else:
            tokens.append(_Token("ERROR", ch, start))
            i += 1
    tokens.append(_Token("EOF", "", n))
    return tokens


# -- legacy expressions: parsing straight into the new syntax ------------------------------------

# binary operators from loosest to tightest; all associate to the left
_LEVELS: tuple[tuple[str, ...], ...] = (
    ("AMPERSAND",),
    ("EQ", "NEQ"),
    ("LTE", "LT", "GTE", "GT"),
    ("PLUS", "MINUS"),
    ("TIMES", "DIVIDE"),
    ("EXPONENT",),
)


class _Migrator:
    """A recursive-descent parser of the legacy grammar whose results are the migrated texts of
    the parsed pieces."""

    def __init__(self, source: str, options: MigrateOptions) -> None:
        self.source = source
        self.options = options
        self.tokens = _tokenize(source)
        self.i = 0

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, token: _Token) -> LegacyExpressionError:
        if token.kind == "EOF":
            return LegacyExpressionError("unexpected end of expression", self.source, token.pos)
        return LegacyExpressionError(f"syntax error at {token.text}", self.source, token.pos)

    def expect(self, kind: str) -> _Token:
        token = self.take()
        if token.kind != kind:
            raise self.fail(token)
        return token

    def parse(self) -> str:
        result = self.binary(0)
        if self.peek().kind != "EOF":
            raise self.fail(self.peek())
        return result

    def binary(self, level: int) -> str:
        if level == len(_LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek().kind in _LEVELS[level]:
            op = self.take()
            right = self.binary(level + 1)
            left = self.combine(op, left, right)
        return left

    def combine(self, op: _Token, left: str, right: str) -> str:
        if op.kind in ("PLUS", "MINUS"):
            return _migrate_addition(left, right, op.kind == "MINUS", self.options.raw_dates)
        if op.kind == "NEQ":
            return f"{left} != {right}"
        return f"{left} {op.text} {right}"

    def unary(self) -> str:
        if self.peek().kind == "MINUS":
            self.take()
            return "-" + self.unary()
        return self.primary()

    def primary(self) -> str:
        token = self.take()
        kind = token.kind
        if kind in ("NAME", "TRUE", "FALSE") and self.peek().kind == "LPAREN":
            self.take()
            params: list[str] = []
            if self.peek().kind != "RPAREN":
                params.append(self.binary(0))
                while self.peek().kind == "COMMA":
                    self.take()
                    params.append(self.binary(0))
            self.expect("RPAREN")
            return migrate_function_call(token.text.lower(), params)
        if kind == "NAME":
            return migrate_context_reference(token.text, raw_dates=self.options.raw_dates)
        if kind == "TRUE":
            return "true"
        if kind == "FALSE":
            return "false"
        if kind == "DECIMAL":
            return token.text
        if kind == "STRING":
            return migrate_string_literal(token.text)
        if kind == "LPAREN":
            inner = self.binary(0)
            self.expect("RPAREN")
            return f"({inner})"
        raise self.fail(token)


def _migrate(expression: str, options: MigrateOptions) -> str:
    return _Migrator(expression, options).parse()


# -- arithmetic on dates -------------------------------------------------------------------------

_RETURN_TYPES = {
    "abs": "number", "datetime_add": "datetime", "datetime_from_parts": "datetime",
    "datetime": "datetime", "date": "date", "format_date": "date", "max": "number",
    "mean": "number", "min": "number", "mod": "number", "now": "datetime", "sum": "number",
    "rand": "number", "round": "number", "round_down": "number", "round_up": "number",
    "time": "time", "time_from_parts": "time", "today": "date",
}  # fmt: skip
_GO_INT = re.compile(r"[+-]?[0-9]+")
_CALL_START = re.compile(r"(\w+)\(", re.ASCII)


def _infer_type(operand: str) -> str:
    """What a migrated operand evaluates to, as far as its text tells: "number" for an integer
    literal, a function's return type for a call, else ""."""
    if _GO_INT.fullmatch(operand) and -(2**63) <= int(operand) < 2**63:
        return "number"
    match = _CALL_START.match(operand)
    if match:
        return _RETURN_TYPES.get(match.group(1), "")
    return ""


def _migrate_addition(left: str, right: str, subtract: bool, raw_dates: bool) -> str:
    """``+`` and ``-`` in legacy expressions add days to dates and times to dates; numbers
    only when both sides are known numbers, otherwise ``legacy_add`` decides at run time."""
    sign = "-" if subtract else ""
    left_type, right_type = _infer_type(left), _infer_type(right)
    if left_type == "number" and right_type == "number":
        return f"{left} {'-' if subtract else '+'} {right}"
    if left_type in ("datetime", "date") and right_type == "number":
        added = f'datetime_add({left}, {sign}{right}, "D")'
        if left_type == "date" and not raw_dates:
            added = f"format_date({added})"
        return added
    if left_type == "datetime" and right_type == "time":
        minutes = f'format_time({right}, "tt") * 60 + format_time({right}, "m")'
        if subtract:
            minutes = f"-({minutes})"
        return f'datetime_add({left}, {minutes}, "m")'
    if right_type == "time" and not subtract:
        return f"replace_time({left}, {right})"
    return f"legacy_add({left}, {sign}{right})"


# -- function calls ------------------------------------------------------------------------------


class _CallError(Exception):
    """A call the migrator can't rewrite (wrong number of arguments): it migrates to ""."""


def _go_sprintf(template: str, args: list[str]) -> str:
    """Go's fmt.Sprintf restricted to ``%s`` and ``%[n]s`` verbs, with its in-band reports of
    missing, badly indexed and extra arguments (which goflow lets into the output)."""
    out: list[str] = []
    next_arg = 0
    reordered = False
    i = 0
    n = len(template)
    while i < n:
        ch = template[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        m = re.match(r"%(?:\[(\d+)\])?s", template[i:])
        if m is None:  # not used by the templates below
            out.append(ch)
            i += 1
            continue
        if m.group(1) is not None:
            reordered = True
            index = int(m.group(1)) - 1
            if not 0 <= index < len(args):
                out.append("%!s(BADINDEX)")
                i += m.end()
                continue
            next_arg = index
        if next_arg >= len(args):
            out.append("%!s(MISSING)")
        else:
            out.append(args[next_arg])
            next_arg += 1
        i += m.end()
    if not reordered and next_arg < len(args):
        out.append("%!(EXTRA " + ", ".join("string=" + a for a in args[next_arg:]) + ")")
    return "".join(out)


def _render(name: str, params: list[str]) -> str:
    return f"{name}({', '.join(params)})"


def _as_is(name: str, params: list[str]) -> str:
    return _render(name, params)


def _renamed(new_name: str) -> Callable[[str, list[str]], str]:
    return lambda name, params: _render(new_name, params)


def _templated(template: str) -> Callable[[str, list[str]], str]:
    needed = template.count("%s") + template.count("%v")

    def migrate(name: str, params: list[str]) -> str:
        if needed > len(params):
            raise _CallError(f"expecting {needed} params whilst migrating call to {name}")
        return _go_sprintf(template, params)

    return migrate


def _joined(delimiter: str) -> Callable[[str, list[str]], str]:
    return lambda name, params: delimiter.join(params)


def _keep(param: str) -> str:
    return param


def _decremented(param: str) -> str:
    """Legacy word/field indexes count from 1, new ones from 0."""
    if _GO_INT.fullmatch(param) and -(2**63) <= int(param) < 2**63:
        return str(int(param) - 1)
    return f"{param} - 1"


def _by_spaces(param: str) -> str:
    """The legacy ``by_spaces`` flag becomes the delimiters to split words on."""
    return '" \\t"' if param.strip().lower() == "true" else "NULL"


def _per_param(
    new_name: str, *migrators: Callable[[str], str], defaults: tuple[str, ...] = ()
) -> Callable[[str, list[str]], str]:
    def migrate(name: str, params: list[str]) -> str:
        if len(params) > len(migrators):
            raise _CallError(f"don't know how to migrate call to {name} with {len(params)} params")
        count = max(len(params), len(defaults))
        full = [params[i] if i < len(params) else defaults[i] for i in range(count)]
        return _render(new_name, [migrators[i](p) for i, p in enumerate(full)])

    return migrate


_CALLS: dict[str, Callable[[str, list[str]], str]] = {
    "abs": _as_is,
    "and": _as_is,
    "average": _renamed("mean"),
    "char": _as_is,
    "clean": _as_is,
    "code": _as_is,
    "concatenate": _joined(" & "),
    "date": _renamed("date_from_parts"),
    "datedif": _renamed("datetime_diff"),
    "datevalue": _renamed("date"),
    "day": _templated('format_date(%s, "D")'),
    "days": _templated('datetime_diff(%[2]s, %[1]s, "D")'),
    "edate": _templated('datetime_add(%s, %s, "M")'),
    "epoch": _as_is,
    "exp": _templated("2.718281828459045 ^ %s"),
    "false": _templated("false"),
    "field": _per_param("field", _keep, _decremented, _keep),
    "first_word": _templated("word(%s, 0)"),
    "fixed": _per_param("format_number", _keep, _keep, _keep, defaults=("", "2")),
    "format_date": _renamed("format_datetime"),
    "format_location": _as_is,
    "hour": _templated('format_datetime(%s, "tt")'),
    "if": _as_is,
    "int": _renamed("round_down"),
    "left": _templated("text_slice(%[1]s, 0, %[2]s)"),
    "len": _renamed("text_length"),
    "lower": _as_is,
    "max": _as_is,
    "min": _as_is,
    "minute": _templated('format_datetime(%s, "m")'),
    "mod": _as_is,
    "month": _templated('format_date(%s, "M")'),
    "now": _as_is,
    "or": _as_is,
    "percent": _as_is,
    "power": _templated("%s ^ %s"),
    "proper": _renamed("title"),
    "rand": _as_is,
    "randbetween": _renamed("rand_between"),
    "read_digits": _renamed("read_chars"),
    "regex_group": _renamed("regex_match"),
    "remove_first_word": _as_is,
    "rept": _renamed("repeat"),
    "right": _templated("text_slice(%[1]s, -%[2]s)"),
    "round": _as_is,
    "rounddown": _renamed("round_down"),
    "roundup": _renamed("round_up"),
    "second": _templated('format_datetime(%s, "s")'),
    "substitute": _renamed("replace"),
    "sum": _joined(" + "),
    "time": _templated("time_from_parts(%s, %s, %s)"),
    "timevalue": _templated("time(%s)"),
    "today": _as_is,
    "true": _templated("true"),
    "trunc": _renamed("round_down"),
    "unichar": _renamed("char"),
    "unicode": _renamed("code"),
    "upper": _as_is,
    "weekday": _templated("weekday(%s) + 1"),
    "word_count": _per_param("word_count", _keep, _by_spaces),
    "word_slice": _per_param("word_slice", _keep, _decremented, _decremented, _by_spaces),
    "word": _per_param("word", _keep, _decremented, _by_spaces),
    "year": _templated('format_date(%s, "YYYY")'),
}


def migrate_function_call(name: str, params: list[str]) -> str:
    """The new call for a legacy function (lowercased name, migrated arguments). Functions the
    table doesn't know are kept as they are; a call with arguments the table can't place
    migrates to nothing, as in goflow."""
    migrate = _CALLS.get(name, _as_is)
    try:
        return migrate(name, params)
    except _CallError:
        return ""
