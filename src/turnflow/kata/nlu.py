"""NLUs: what turns a message into a label or structured values for intents.

Each NLU a classifier or an attribute uses is built once, when the engine is made, with its
options already merged (the NLU's own, then the classifier's or attribute's): an
:class:`NluCall` is then just ``call(message) -> output``.

* ``keyword``: ``keywords`` ``{label: [phrases]}`` → the first label with a phrase in the
  text (whole words; ``exact: true``: the whole text; ``case: true``: case-sensitive),
  else ``default`` (or null).
* ``regex``: ``regex`` a pattern or ``{key: pattern}``; ``index`` a group number or
  ``{key: group}`` → the match (or the group), an object of them, or null.
* ``method``: a bot method called with ``(message, options, config)`` (the spec's custom
  NLU), or ``(message, context, data, options, config)`` when it is written with five
  parameters (kata-cli's bot template).
* ``nl``, ``witIntent``, ``witEntity`` (and the older Verstand types) are remote services: a
  plug-in registered for the type with :func:`register_nlu_type` answers for them.

>>> keyword = KeywordNlu({"keywords": {"hi": ["hello", "hi"], "bye": ["bye"]}})
>>> keyword("Hi there"), keyword("goodbye"), keyword("bye now")
('hi', None, 'bye')
>>> RegexNlu({"regex": "my name is (.+)", "index": 1})("my name is Ann")
'Ann'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import regex

from .runtime_errors import KataRuntimeError

# a remote NLU plug-in: (message, options, config) -> the NLU's output
NluPlugin = Callable[[dict[str, Any], dict[str, Any], Mapping[str, Any]], Any]
# a bot method: (name, arguments) -> its result (raises KataRuntimeError when it fails)
MethodCaller = Callable[[str, list[Any]], Any]

_PLUGINS: dict[str, NluPlugin] = {}


def register_nlu_type(type_name: str, plugin: NluPlugin | None) -> None:
    """Answer for NLUs of ``type_name`` (``nl``, ``witIntent``...) in every engine made
    afterwards (None removes it). An engine's own ``register_nlu_type`` wins over this."""
    if plugin is None:
        _PLUGINS.pop(type_name, None)
    else:
        _PLUGINS[type_name] = plugin


def registered_nlu_types() -> dict[str, NluPlugin]:
    return dict(_PLUGINS)


def message_text(message: Mapping[str, Any]) -> str:
    content = message.get("content")
    return content if isinstance(content, str) else ""


class KeywordNlu:
    """The ``keyword`` NLU (see the module docstring)."""

    __slots__ = ("labels", "exact", "case", "default")

    def __init__(self, options: Mapping[str, Any], where: Any = None) -> None:
        keywords = options.get("keywords") or {}
        if not isinstance(keywords, Mapping):
            raise KataRuntimeError("a keyword NLU's keywords must be {label: [phrases]}", where)
        self.case = bool(options.get("case", False))
        self.exact = bool(options.get("exact", False))
        self.default = options.get("default")
        flags = 0 if self.case else regex.IGNORECASE
        self.labels: list[tuple[str, Any]] = []
        for label, phrases in keywords.items():
            if isinstance(phrases, (str, int, float)):
                phrases = [phrases]
            if not isinstance(phrases, list):
                raise KataRuntimeError(f"keyword label '{label}' needs a list of phrases", where)
            texts = [str(phrase).strip() for phrase in phrases if str(phrase).strip()]
            if self.exact:
                matcher: Any = {self._fold(text) for text in texts}
            elif texts:
                alternatives = "|".join(regex.escape(text) for text in texts)
                matcher = regex.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", flags)
            else:
                continue
            self.labels.append((str(label), matcher))

    def _fold(self, text: str) -> str:
        text = " ".join(text.split())
        return text if self.case else text.casefold()

    def __call__(self, text: str) -> Any:
        if self.exact:
            folded = self._fold(text)
            for label, phrases in self.labels:
                if folded in phrases:
                    return label
        else:
            for label, pattern in self.labels:
                if pattern.search(text):
                    return label
        return self.default


class RegexNlu:
    """The ``regex`` NLU (see the module docstring)."""

    __slots__ = ("patterns", "single", "index")

    def __init__(self, options: Mapping[str, Any], where: Any = None) -> None:
        given = options.get("regex")
        self.single = not isinstance(given, Mapping)
        sources = {"": given} if self.single else dict(given)  # type: ignore[arg-type]
        self.patterns: dict[str, Any] = {}
        for key, source in sources.items():
            if not isinstance(source, str) or not source:
                raise KataRuntimeError("a regex NLU needs 'regex': a pattern or {key: pattern}",
                                       where)
            try:
                self.patterns[key] = regex.compile(source, regex.V0)
            except regex.error as exc:
                raise KataRuntimeError(f"regex {source!r} does not compile: {exc}", where) from None
        index = options.get("index")
        if index is not None and not isinstance(index, (int, Mapping)) or isinstance(index, bool):
            raise KataRuntimeError("a regex NLU's index is a group number or {key: group}", where)
        self.index = index

    @staticmethod
    def _group(match: Any, group: Any) -> Any:
        try:
            return match.group(int(group))
        except (IndexError, ValueError, TypeError):
            return None

    def __call__(self, text: str) -> Any:
        index = self.index
        if self.single:
            match = self.patterns[""].search(text)
            if match is None:
                return None
            if isinstance(index, Mapping):
                return {key: self._group(match, group) for key, group in index.items()}
            return self._group(match, index or 0)
        found: dict[str, Any] = {}
        for key, pattern in self.patterns.items():
            match = pattern.search(text)
            if match is None:
                continue
            group = index.get(key, 0) if isinstance(index, Mapping) else (index or 0)
            found[key] = self._group(match, group)
        return found or None


class NluCall:
    """One NLU with its options settled, as a classifier or attribute calls it:
    ``call(message)`` gives the output after the NLU's own ``process`` methods."""

    __slots__ = ("name", "type", "options", "hint", "process", "where", "_run", "_key")

    def __init__(
        self, name: str, type_: str, options: dict[str, Any], *, hint: str | None = None,
        process: tuple[str, ...] = (), method: str | None = None, where: Any = None,
        plugins: Mapping[str, NluPlugin] | None = None, method_arity: int | None = None,
    ) -> None:
        self.name, self.type, self.options, self.hint = name, type_, options, hint
        self.process, self.where = process, where
        self._key = (name, type_, repr(options), hint, process)
        if type_ == "keyword":
            keyword = KeywordNlu(options, where)
            self._run: Callable[..., Any] = lambda message, call, config: keyword(
                message_text(message))
        elif type_ == "regex":
            pattern = RegexNlu(options, where)
            self._run = lambda message, call, config: pattern(message_text(message))
        elif type_ == "method":
            if not method:
                raise KataRuntimeError(f"NLU '{name}' of type method names no method", where)
            if method_arity == 5:
                # kata-cli's bot template writes NLU methods as
                # (message, context, data, options, config)
                self._run = lambda message, call, config, scope=None: call(
                    method, [message, *(scope() if scope else ({}, {})), options, config])
            else:  # the spec's custom NLU: (msg, opt, cfg)
                self._run = lambda message, call, config, scope=None: call(
                    method, [message, options, config])
        else:
            engine_plugins = plugins if plugins is not None else {}

            def remote(message: dict[str, Any], call: MethodCaller, config: Any) -> Any:
                # (looked up at each call: a plug-in may be registered after the engine is made)
                plugin = engine_plugins.get(type_) or _PLUGINS.get(type_)
                if plugin is None:
                    raise KataRuntimeError(
                        f"NLU '{name}' is of type '{type_}', a remote service: register a "
                        f"plug-in for it (register_nlu_type('{type_}', ...)) to use it", where)
                try:
                    return plugin(message, options, config)
                except KataRuntimeError:
                    raise
                except Exception as exc:  # a plug-in's failure fails the turn, not the process
                    raise KataRuntimeError(
                        f"NLU '{name}' ({type_} plug-in) failed: {exc}", where) from None

            self._run = remote

    @property
    def key(self) -> tuple[Any, ...]:
        """What identifies this call's output for one message (for the per-message cache)."""
        return self._key

    def __call__(
        self, message: dict[str, Any], call: MethodCaller, config: Mapping[str, Any],
        scope: Callable[[], tuple[Any, Any]] | None = None,
    ) -> Any:
        """``scope`` gives the flow's context and the session's data, for NLU methods
        written with them."""
        if self.hint:
            message = {**message, "content": f"{self.hint} {message_text(message)}".strip()}
        if self.type == "method":
            output = self._run(message, call, config, scope)
        else:
            output = self._run(message, call, config)
        for method in self.process:
            output = call(method, [output, message])
        return output


def build_nlu_call(
    reference: str, nlus: Mapping[str, Any], override: Mapping[str, Any] | None, *,
    hint: str | None, where: Any, plugins: Mapping[str, NluPlugin] | None = None,
    arities: Mapping[str, int] | None = None,
) -> NluCall:
    """The NLU a classifier or attribute names (a defined NLU, else an NLU type used
    directly), with its options overridden by ``override``."""
    nlu = nlus.get(reference)
    if nlu is not None:
        options = {**(nlu.options or {}), **(override or {})}
        return NluCall(reference, nlu.type, options, hint=hint, process=tuple(nlu.process),
                       method=nlu.method, where=nlu.where if where is None else where,
                       plugins=plugins,
                       method_arity=(arities or {}).get(nlu.method or ""))
    from .model import NLU_TYPES  # (an NLU type named directly)

    if reference in NLU_TYPES and reference != "method":
        return NluCall(reference, reference, dict(override or {}), hint=hint, where=where,
                       plugins=plugins)
    raise KataRuntimeError(f"NLU '{reference}' is not defined", where)


# -- what classifiers and attributes do with an NLU's output -----------------------------------


def label_table(dictionary: Mapping[str, Any]) -> tuple[dict[str, Any], Any, bool]:
    """A KataML ``dict`` as a lookup: alias (case-folded) -> the value it stands for; the
    ``default`` value, and whether there is one."""
    table: dict[str, Any] = {}
    has_default = "default" in dictionary
    for value, aliases in dictionary.items():
        if value == "default":
            continue
        if not isinstance(aliases, list):
            aliases = [aliases]
        for alias in aliases:
            table[str(alias).casefold()] = value
        table.setdefault(str(value).casefold(), value)
    return table, dictionary.get("default"), has_default


def translate(output: Any, table: tuple[dict[str, Any], Any, bool]) -> Any:
    """An output through a ``dict``: each label (or the string) replaced by what it stands
    for; one that stands for nothing becomes the default, if there is one."""
    lookup, default, has_default = table
    if output is None:
        return None
    if isinstance(output, list):
        return [translate(item, table) for item in output]
    if isinstance(output, (str, int, float)) and not isinstance(output, bool):
        found = lookup.get(str(output).casefold())
        if found is not None:
            return found
        return default if has_default else output
    return output


def take_path(value: Any, path: str | None) -> Any:
    """``value`` at a dotted ``path`` (None when something on the way is missing)."""
    if not path:
        return value
    for part in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value
