"""``validate_bot``: every problem of a bot at once, each with file and line.

Reading problems first come from the reader (YAML, includes, unknown keys, wrong types);
then the checks across objects (:func:`check_bot`): initial and end states, fallback
transitions, names that point nowhere (states, actions, NLUs, methods), expressions and
templates that do not parse, what action types need in their options, method code that
does not compile; and, when nothing else is wrong, what the engine still refuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from .js import JsSyntaxError, JsTemplate, compile_expression, compile_template
from .model import (
    ACTION_TYPES,
    NLU_TYPES,
    Action,
    Bot,
    Expression,
    Flow,
    State,
    StateAction,
    StateMapping,
    Where,
)
from .problems import Problem
from .reading import read_bot

# where a mapping may write (the docs map into context and data, once into payload; the
# runtime also lets a mapping change the message's attributes and metadata)
MAPPING_ROOTS = frozenset({"context", "data", "payload", "attributes", "metadata"})


def validate_bot(path: str | Path, *, warnings: bool = False) -> list[Problem]:
    """Every problem of the bot at ``path`` (a bot directory or its bot.yml), ordered by file
    and line; an empty list when the bot is valid. Never raises for a bad bot. With
    ``warnings``, also what runs but was likely meant otherwise (``Problem.warning``)."""
    try:
        bot, problems = read_bot(path)
    except RecursionError:  # (the reader is iterative; this is a last guard)
        return [Problem(str(path), 0, "nested too deeply")]
    if bot is not None:
        problems.extend(check_bot(bot, warnings=True, read_well=not problems))
    if not warnings:
        problems = [p for p in problems if not p.warning]
    return sorted(problems, key=lambda p: (p.file, p.line))


def check_bot(bot: Bot, *, warnings: bool = False, read_well: bool = True) -> list[Problem]:
    """The checks across the objects of a bot that was read (``read_well``: without reading
    problems, so an empty ``flows`` is a problem of its own)."""
    problems = list(_Checker(bot, read_well).run())
    problems.extend(method_problems(bot))
    if not any(not p.warning for p in problems):
        problems.extend(_engine_problems(bot))
    return problems if warnings else [p for p in problems if not p.warning]


def method_problems(bot: Bot) -> list[Problem]:
    """Methods whose code does not compile (in the sandboxed JS engine the runtime uses);
    none when that engine is not installed."""
    try:
        from .methods import MethodRuntime, MethodSource
    except ImportError:
        return []
    problems: list[Problem] = []
    seen: set[int] = set()
    for methods in (bot.methods, *({**bot.methods, **flow.methods}
                                   for flow in bot.flows.values() if flow.methods)):
        todo = {name: method for name, method in methods.items() if id(method) not in seen}
        if not todo:
            continue
        seen.update(id(method) for method in todo.values())
        sources = {}
        for name, method in todo.items():
            where = method.code_where if method.code_where.line else method.where
            sources[name] = MethodSource(name, tuple(method.params), method.code, where.file,
                                         where.line or None, method.entry)
        try:
            runtime = MethodRuntime(sources)
        except Exception as exc:  # noqa: BLE001 (the engine itself failed: say so, once)
            return [_at(bot.where, f"methods cannot be checked: {type(exc).__name__}: {exc}")]
        for name, error in runtime.errors.items():
            method = todo[name]
            message = error.message.replace(f" ({sources[name].where})", "")
            file, line = _file_line(error.where, method.where)
            if message.endswith(f" at {error.where}"):
                message = message[: -len(f" at {error.where}")]
            problems.append(Problem(file, line, message))
    return problems


def _file_line(where: str, default: Where) -> tuple[str, int]:
    file, _, line = where.rpartition(":")
    if file and line.isdigit():
        return file, int(line)
    return default.file, default.line


def _engine_problems(bot: Bot) -> list[Problem]:
    """What the engine still refuses in a bot the checks found nothing wrong with (so that
    a valid bot always runs)."""
    try:
        from .engine import KataEngine
        from .runtime_errors import KataRuntimeError
    except ImportError:
        return []
    try:
        KataEngine(bot)
    except KataRuntimeError as exc:
        where = exc.where if isinstance(exc.where, Where) else bot.where
        return [_at(where, exc.message)]
    except Exception as exc:  # noqa: BLE001 (never a traceback: the engine's own failure)
        return [_at(bot.where, f"the engine cannot run this bot: {type(exc).__name__}: {exc}")]
    return []


class _Checker:
    def __init__(self, bot: Bot, read_well: bool = True) -> None:
        self.bot = bot
        self.read_well = read_well  # False: flows may be missing because they were wrong

    def run(self) -> Iterator[Problem]:
        bot = self.bot
        if not bot.flows and self.read_well:
            yield _at(bot.where, "bot: no flows")
        for nlu in bot.nlus.values():
            yield from self.check_nlu(nlu, None, f"nlu {nlu.name!r}")
        for flow in bot.flows.values():
            yield from self.check_flow(flow)

    # -- names

    def has_method(self, name: str, flow: Flow | None) -> bool:
        return (flow is not None and name in flow.methods) or name in self.bot.methods

    def has_nlu(self, name: str, flow: Flow | None) -> bool:
        return name in NLU_TYPES or (flow is not None and name in flow.nlus) or (
            name in self.bot.nlus)

    def method_ref(self, name: str | None, flow: Flow | None, where: Where,
                   label: str) -> Iterator[Problem]:
        if name is not None and not self.has_method(name, flow):
            yield _at(where, f"{label}: unknown method {name!r}{self.method_hint(flow)}")

    def method_hint(self, flow: Flow | None) -> str:
        names = sorted({*self.bot.methods, *(flow.methods if flow else ())})
        return f" (methods: {', '.join(names)})" if names else " (no methods defined)"

    def processes(self, names: tuple[str, ...], flow: Flow | None, where: Where,
                  label: str) -> Iterator[Problem]:
        for name in names:
            yield from self.method_ref(name, flow, where, f"{label} process")

    # -- objects

    def check_nlu(self, nlu: Any, flow: Flow | None, label: str) -> Iterator[Problem]:
        if nlu.type not in NLU_TYPES:
            yield _at(nlu.where, f"{label}: unknown NLU type {nlu.type!r}; known: "
                      f"{', '.join(sorted(NLU_TYPES))}")
        if nlu.type == "method":
            if nlu.method is None:
                yield _at(nlu.where, f"{label}: a method NLU needs method")
            else:
                yield from self.method_ref(nlu.method, flow, nlu.where, label)
        yield from self.processes(nlu.process, flow, nlu.where, label)

    def check_flow(self, flow: Flow) -> Iterator[Problem]:
        label = f"flow {flow.name!r}"
        for nlu in flow.nlus.values():
            yield from self.check_nlu(nlu, flow, f"{label} nlu {nlu.name!r}")
        yield from self.check_intents(flow, label)
        yield from self.check_states(flow, label)
        yield from self.check_actions(flow, label)

    def check_intents(self, flow: Flow, label: str) -> Iterator[Problem]:
        if flow.fallback and not any(i.fallback for i in flow.intents.values()):
            yield _at(flow.where, f"{label}: a fallback flow needs a fallback intent")
        for intent in flow.intents.values():
            at = f"{label} intent {intent.name!r}"
            for condition in intent.conditions:
                yield from self.expression(condition, flow, f"{at} condition", False)
            for index, classifier in enumerate(intent.classifiers):
                name = f"{at} classifier" + (f" {index + 1}" if len(intent.classifiers) > 1
                                             else "")
                if not self.has_nlu(classifier.nlu, flow):
                    yield _at(classifier.where, f"{name}: unknown NLU {classifier.nlu!r}")
                yield from self.processes(classifier.process, flow, classifier.where, name)
                if classifier.expression is not None:
                    yield from self.expression(classifier.expression, flow,
                                               f"{name} expression", False)
            for attribute in intent.attributes.values():
                name = f"{at} attribute {attribute.name!r}"
                if not self.has_nlu(attribute.nlu, flow):
                    yield _at(attribute.where, f"{name}: unknown NLU {attribute.nlu!r}")
                yield from self.processes(attribute.process, flow, attribute.where, name)

    def check_states(self, flow: Flow, label: str) -> Iterator[Problem]:
        initials = [state for state in flow.states.values() if state.initial]
        if not initials:
            yield _at(flow.where, f"{label}: no initial state")
        for extra in initials[1:]:
            yield _at(extra.where, f"{label}: state {extra.name!r} is a second initial state "
                      f"(the first is {initials[0].name!r}, line {initials[0].where.line})")
        if flow.states and not any(state.end for state in flow.states.values()):
            yield _at(flow.where, f"{label}: no end state")
        floating_fallback = [s.name for s in flow.states.values()
                             if s.float is not None and s.float.fallback]
        for state in flow.states.values():
            yield from self.check_state(flow, state, f"{label} state {state.name!r}",
                                        floating_fallback)

    def check_state(self, flow: Flow, state: State, label: str,
                    floating_fallback: list[str]) -> Iterator[Problem]:
        if not state.end and not any(
            t.fallback or t.condition is None for t in state.transitions
        ) and not [name for name in floating_fallback if name != state.name]:
            yield _at(state.where, f"{label}: no fallback transition (every state but an end "
                      "state needs one: add `fallback: true` to a transition)")
        transitions = list(state.transitions)
        if state.float is not None:
            transitions.append(state.float)
        for transition in transitions:
            at = (f"{label} float" if transition.floating
                  else f"{label} transition to {transition.target!r}")
            if transition.target not in flow.states:
                yield _at(transition.where, f"{at}: unknown state {transition.target!r}"
                          f"{_choices(flow.states)}")
            if transition.condition is not None:
                yield from self.expression(transition.condition, flow, f"{at} condition")
            yield from self.mapping(transition.mapping, flow, f"{at} mapping")
        for event, mapping in (("enter", state.enter), ("transit", state.transit),
                               ("exit", state.exit)):
            yield from self.mapping(mapping, flow, f"{label} {event}")
        for action in state.actions:
            at = f"{label} action {action.name!r}"
            if action.name not in flow.actions and action.name not in ACTION_TYPES:
                yield _at(action.where, f"{at}: unknown action (neither an action of the flow"
                          f"{_choices(flow.actions, ': ')} nor an action type)")
            if action.condition is not None:
                yield from self.expression(action.condition, flow, f"{at} condition")
            if action.options:
                yield from self.templates(action.options, flow, action.where, f"{at} options")
            yield from _options_problems(flow, action, at)

    def check_actions(self, flow: Flow, label: str) -> Iterator[Problem]:
        for action in flow.actions.values():
            at = f"{label} action {action.name!r}"
            if action.type not in ACTION_TYPES:
                yield _at(action.where, f"{at}: unknown action type {action.type!r}; known: "
                          f"{', '.join(sorted(ACTION_TYPES))}")
            if action.type == "method" and action.method is None:
                yield _at(action.where, f"{at}: a method action needs method")
            yield from self.method_ref(action.method, flow, action.where, at)
            if action.condition is not None:
                yield from self.expression(action.condition, flow, f"{at} condition")
            yield from self.templates(action.options, flow, action.where, f"{at} options")

    def mapping(self, mapping: StateMapping | None, flow: Flow,
                label: str) -> Iterator[Problem]:
        if mapping is None:
            return
        yield from self.method_ref(mapping.method, flow, mapping.where, label)
        for entry in mapping.entries:
            parts = [part for part in entry.target.split(".") if part]
            if len(parts) < 2 or parts[0] not in MAPPING_ROOTS:
                yield _at(entry.where, f"{label}: cannot write to {entry.target!r} (a mapping "
                          "writes to context.x or data.x)")
            elif parts[0] == "context" and parts[1].startswith("$"):
                yield _at(entry.where, f"{label}: cannot write to {entry.target!r} (meta "
                          "context is read-only)")
            yield from self.expression(entry.value, flow, f"{label} {entry.target}")

    # -- expressions (compiled by turnflow.kata.js)

    def expression(self, expression: Expression, flow: Flow, label: str,
                   sees_intent: bool = True) -> Iterator[Problem]:
        """Problems of an expression; ``sees_intent``: ``intent`` there is the flow's
        selected intent (not in intent conditions and classifier expressions)."""
        compiled, problem = _compile(expression, label)
        if problem is not None:
            yield problem
            return
        if compiled is None:
            return
        yield from self.calls(compiled.called, flow, expression.where, label)
        for warning in compiled.warnings:
            yield _warn(expression.where, f"{label}: {warning}")
        if sees_intent and "intent" in compiled.names:
            for name in _compared_intents(expression.source):
                if name not in flow.intents:
                    yield _at(expression.where, f"{label}: compares intent with {name!r}, which "
                              f"is not an intent of flow {flow.name!r}{_choices(flow.intents)}")

    def templates(self, value: Any, flow: Flow, where: Where, label: str) -> Iterator[Problem]:
        for template, problem, at, line in _templates(value, where, label):
            if problem is not None:
                yield problem
            elif template is not None:
                yield from self.calls(template.called, flow, Where(where.file, line), at)
                for warning in template.warnings:
                    yield _warn(Where(where.file, line), f"{at}: {warning}")

    def calls(self, called: Any, flow: Flow, where: Where, label: str) -> Iterator[Problem]:
        for name in sorted(called):
            if not self.has_method(name, flow):
                yield _at(where, f"{label}: calls {name}(), which is neither a method of the "
                          f"bot nor a built-in{self.method_hint(flow)}")


def _options_problems(flow: Flow, state_action: StateAction, label: str) -> Iterator[Problem]:
    """What an action type needs in its options (the action's, with the state action's over
    them), as the runtime asks for it when the bot is loaded."""
    action = flow.actions.get(state_action.name)
    kind = action.type if action is not None else state_action.name
    options = {**(action.options if action is not None else {}), **(state_action.options or {})}
    where = state_action.where
    if kind in ("text", "reply") and "text" not in options and "template" not in options:
        yield _at(where, f"{label}: a text action needs options.text (or data, path and "
                  "template)")
    elif kind == "template":
        try:
            from .actions.template import TEMPLATE_TYPES
        except ImportError:
            return
        template_type = options.get("type")
        if not isinstance(template_type, str) or template_type not in TEMPLATE_TYPES:
            shown = repr(template_type) if template_type is not None else "none"
            yield _at(where, f"{label}: a template's type is one of "
                      f"{', '.join(sorted(TEMPLATE_TYPES))}, not {shown}")
    elif kind == "command" and not options.get("command"):
        yield _at(where, f"{label}: a command action needs options.command")
    elif kind in ("api", "asyncApi"):
        if not options.get("uri"):
            yield _at(where, f"{label}: an {kind} action needs options.uri")
        if kind == "asyncApi" and not options.get("command"):
            yield _at(where, f"{label}: an asyncApi action needs options.command (the "
                      "command its answer comes back as)")
    elif kind == "method" and action is None:
        yield _at(where, f"{label}: a method action is an action of the flow with its method")


def expression_problems(obj: Any) -> list[Problem]:
    """Expressions and templates in a model object (and the objects inside it) that do not
    parse; for fragments, whose names cannot be checked."""
    problems: list[Problem] = []
    stack: list[Any] = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, Expression):
            problem = _compile(item, "expression")[1]
            if problem is not None:
                problems.append(problem)
        elif isinstance(item, Action | StateAction):
            what = f"action {item.name!r} options"
            problems.extend(p for _, p, _, _ in _templates(item.options or {}, item.where, what)
                            if p is not None)
            stack.append(item.condition)
        elif is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in fields(item) if f.name != "where")
        elif isinstance(item, dict):
            stack.extend(v for v in item.values() if is_dataclass(v))
        elif isinstance(item, tuple | list):
            stack.extend(v for v in item if is_dataclass(v))
    return sorted(problems, key=lambda p: (p.file, p.line))


def _compile(expression: Expression, label: str) -> tuple[Any, Problem | None]:
    """The compiled expression, or the problem of one that does not parse."""
    try:
        return compile_expression(expression.source), None
    except JsSyntaxError as exc:
        return None, _at(expression.where, f"{label}: {exc} in {_short(expression.source)}")
    except (RecursionError, MemoryError):
        return None, _at(expression.where, f"{label}: expression nested too deeply")


def _templates(value: Any, where: Where, label: str
               ) -> Iterator[tuple[JsTemplate | None, Problem | None, str, int]]:
    """Each string of an options value compiled as a ``$(...)`` template, or its problem;
    with the label and line of the string (from the mapping that holds it, when known)."""
    stack: list[tuple[Any, str, int]] = [(value, "", where.line)]
    while stack:
        item, path, line = stack.pop()
        if isinstance(item, str):
            if "$" not in item:
                continue
            at = f"{label} {path}" if path else label
            try:
                yield compile_template(item), None, at, line
            except JsSyntaxError as exc:
                yield None, Problem(where.file, line, f"{at}: {exc} in {_short(item)}"), at, line
            except (RecursionError, MemoryError):
                yield None, Problem(where.file, line, f"{at}: nested too deeply"), at, line
        elif isinstance(item, dict):
            line_of = getattr(item, "line_of", None)
            for key in reversed(list(item)):
                key_line = line_of(key) if line_of is not None else line
                stack.append((item[key], f"{path}.{key}" if path else str(key), key_line))
        elif isinstance(item, list):
            line_of = getattr(item, "line_of", None)
            for index in reversed(range(len(item))):
                item_line = line_of(index) if line_of is not None else line
                stack.append((item[index], f"{path}[{index}]", item_line))


# `intent == 'name'` (or `!=`, `===`, `!==`, either way round), `intent` not a property
_INTENT_COMPARED = re.compile(
    r"""(?<![\w$.])intent\s*[!=]==?\s*(['"])([^'"\\]*)\1"""
    r"""|(['"])([^'"\\]*)\3\s*[!=]==?\s*intent(?![\w$])"""
)


def _compared_intents(source: str) -> list[str]:
    """The intent names an expression compares ``intent`` with."""
    return [m.group(2) if m.group(1) else m.group(4) for m in _INTENT_COMPARED.finditer(source)]


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def _at(where: Where, message: str) -> Problem:
    return Problem(where.file, where.line, message)


def _warn(where: Where, message: str) -> Problem:
    return Problem(where.file, where.line, message, warning=True)


def _choices(names: Any, lead: str = "; known: ") -> str:
    names = list(names)
    if not names:
        return ""
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    return f"{lead}{shown}"
