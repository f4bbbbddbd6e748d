"""The KataML object model: a bot as read from ``bot.yml`` (and the files it includes).

Every object keeps ``where`` (file and line of its key, or of its first line) so that the
engine and the validator can say where a problem is. Expressions stay raw text here
(:class:`Expression`): the runtime compiles them once with ``turnflow.kata.js``. Option
objects (``options`` of actions, NLUs, classifiers...) stay as read: plain JSON-like values
(``dict``, ``list``, ``str``, ``int``/``float``, ``bool``, ``None``) that may hold ``$(...)``
and ``$[...]`` templates, compiled by the runtime with ``compile_value``.

Dictionaries keep the order of the file (transition order matters for selection).
The objects are frozen; the dicts and lists inside them are not copied, so treat them as
read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Both spellings seen in the docs and in kata-cli's templates
SCHEMAS = frozenset({"kata.ai/schema/kata-ml/1.0", "kata.ai/schema/kataml/1.0"})

MESSAGE_TYPES = frozenset({"text", "data", "command"})

# Action types the docs describe (``reply`` is used in the spec's examples as a text reply;
# ``image`` is listed on the concepts page)
ACTION_TYPES = frozenset({
    "text", "template", "command", "api", "asyncApi", "method", "schedule", "reply", "image",
})  # fmt: skip

# NLU types: local ones, remote ones (through a plug-in), and the legacy Verstand ones
LOCAL_NLU_TYPES = frozenset({"keyword", "regex", "method"})
REMOTE_NLU_TYPES = frozenset(
    {"nl", "witIntent", "witEntity", "verstandClassifier", "verstandTagger"}
)
NLU_TYPES = LOCAL_NLU_TYPES | REMOTE_NLU_TYPES


@dataclass(frozen=True, slots=True)
class Where:
    """A place in a bot's files: ``file`` as given to the reader, ``line`` 1-based (0 when
    not known, e.g. a value from an included JSON file that could not be located)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


NOWHERE = Where("<unknown>", 0)


@dataclass(frozen=True, slots=True)
class Expression:
    """A JavaScript expression as written in the bot (a condition, a mapping's value, a
    classifier ``expression``). ``source`` is the text; non-string YAML scalars are turned
    into their JS literal text (``true``, ``3``, ``null``) so that the runtime always
    compiles a string."""

    source: str
    where: Where = NOWHERE


@dataclass(frozen=True, slots=True)
class MappingEntry:
    """One line of a mapping: ``target`` is a dotted path (``context.person.name``,
    ``data.lang``; the docs also map into ``payload.x``), ``value`` the expression whose
    result is stored there."""

    target: str
    value: Expression
    where: Where = NOWHERE


@dataclass(frozen=True, slots=True)
class StateMapping:
    """What ``enter``, ``transit``, ``exit`` and a transition's ``mapping`` hold: either
    mapping ``entries`` (run in order) or the name of a ``method`` (called with
    ``ctx = {intent, attributes, content, payload, data, context}``; it returns ctx)."""

    entries: tuple[MappingEntry, ...] = ()
    method: str | None = None
    where: Where = NOWHERE


@dataclass(frozen=True, slots=True)
class Classifier:
    """One classifier of an intent (an intent matches when any of its classifiers does).

    ``nlu``: the name of a bot/flow NLU, or an NLU type used directly (with ``options``).
    ``match``: the label the NLU must output (a string, or a number as in kata-cli's
    template ``match: 1``); None = any truthy output. ``hint``: text put before the message
    content before the NLU sees it. ``options``: override the NLU's options. ``process``:
    methods that post-process the NLU output, in order. ``dictionary`` (KataML ``dict``):
    label renaming, ``{new_label: old_label | [old_labels]}``. ``expression``: for ``nl``
    NLUs, a JS expression over the NLU output (``"intent == 'yes'"``)."""

    nlu: str
    match: Any = None
    hint: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    process: tuple[str, ...] = ()
    dictionary: dict[str, Any] = field(default_factory=dict)
    expression: Expression | None = None
    where: Where = NOWHERE


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    """How one attribute of an intent is extracted (slot filling). ``nlu`` as in
    :class:`Classifier`; ``path``: the part of the NLU output to take (dotted); ``hint``,
    ``options``, ``process`` as in Classifier; ``dictionary`` (KataML ``dict``): value
    normalisation ``{value: alias | [aliases]}``, with the key ``default`` giving the value
    when nothing matches."""

    name: str
    nlu: str
    path: str | None = None
    hint: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    process: tuple[str, ...] = ()
    dictionary: dict[str, Any] = field(default_factory=dict)
    where: Where = NOWHERE


@dataclass(frozen=True, slots=True)
class Intent:
    """An intent of a flow. ``type``: the message type it accepts (text/data/command), None
    = any. ``conditions``: JS conditions, all must hold (KataML ``condition``, a string or
    a list). ``classifiers``: any one must match (none = no classification). ``attributes``
    to extract when it is selected. ``fallback``: matches anything (used when nothing else
    does). ``priority``: higher wins. ``initial``: may open the flow from outside."""

    name: str
    type: str | None = None
    conditions: tuple[Expression, ...] = ()
    classifiers: tuple[Classifier, ...] = ()
    attributes: dict[str, AttributeSpec] = field(default_factory=dict)
    fallback: bool = False
    priority: float = 0
    initial: bool = False
    where: Where = NOWHERE


@dataclass(frozen=True, slots=True)
class StateAction:
    """An action run when a state is reached. ``name``: an action of the flow, or an action
    type used directly (``name: text`` with ``options``). ``condition``: run only when it
    holds. ``options``: merged over the action's options (None = no override)."""

    name: str
    condition: Expression | None = None
    options: dict[str, Any] | None = None
    where: Where = NOWHERE


@dataclass(frozen=True, slots=True)
class Transition:
    """A way out of a state to ``target``. ``condition`` (None = no condition: only a
    ``fallback`` transition, or a transition that is always taken when written without
    one), ``priority`` (higher first; ties by order in the file), ``fallback`` (taken when no
    other transition matches), ``mapping`` run when it is taken. ``floating`` marks the
    transition of a state's ``float``, which the runtime adds to every other state of the
    flow (its target is the floating state itself)."""

    target: str
    condition: Expression | None = None
    priority: float = 0
    fallback: bool = False
    mapping: StateMapping | None = None
    floating: bool = False
    where: Where = NOWHERE


@dataclass(frozen=True, slots=True)
class State:
    """A state of a flow. ``initial``: where a new flow starts (exactly one per flow);
    ``end``: reaching it closes the flow (its actions still run). ``actions``: run in order
    when the state is reached (KataML ``action``: a name, a StateAction or a list).
    ``transitions``: in file order (KataML: ``{target: Transition | condition}``).
    ``float``: this state is reachable from every other state by this transition.
    ``enter`` / ``transit`` / ``exit``: mappings run on those events."""

    name: str
    initial: bool = False
    end: bool = False
    actions: tuple[StateAction, ...] = ()
    transitions: tuple[Transition, ...] = ()
    float: Transition | None = None
    enter: StateMapping | None = None
    transit: StateMapping | None = None
    exit: StateMapping | None = None
    where: Where = NOWHERE


@dataclass(frozen=True, slots=True)
class Action:
    """A named action of a flow. ``type``: an action type (see ``ACTION_TYPES``).
    ``options``: as written (templates inside; a ``command`` written beside ``type``, as on
    the docs' concepts page, is moved into ``options``). ``method``: the method a ``method``
    action calls. ``condition``: the action runs only when it holds."""

    name: str
    type: str
    options: dict[str, Any] = field(default_factory=dict)
    method: str | None = None
    condition: Expression | None = None
    where: Where = NOWHERE


@dataclass(frozen=True, slots=True)
class Nlu:
    """A named NLU. ``type``: see ``NLU_TYPES`` (``method``: a custom NLU calling ``method``
    with ``(message, options, config)``). ``options``: as written. ``process``: methods that
    post-process its output, in order."""

    name: str
    type: str
    options: dict[str, Any] = field(default_factory=dict)
    method: str | None = None
    process: tuple[str, ...] = ()
    where: Where = NOWHERE


@dataclass(frozen=True, slots=True)
class Method:
    """A JavaScript (ES5) method, from a key like ``name(a, b)``. ``code``: the text as
    written: a function body (``"return x*x;"``) when ``entry`` is None; otherwise whole
    source (often an included ``.js`` file) that defines the function named by ``entry``
    (``module.exports`` = what the code assigns to it). ``code_where``: where the code
    starts (the included file when it was included)."""

    name: str
    params: tuple[str, ...] = ()
    code: str = ""
    entry: str | None = None
    where: Where = NOWHERE
    code_where: Where = NOWHERE


@dataclass(frozen=True, slots=True)
class Flow:
    """A flow. ``active``: False = never selected. ``volatile``: closed instead of held when
    another flow is opened. ``expire``: milliseconds after which the flow is closed (None =
    never). ``fallback``: the flow used when nothing else matches. ``priority``: flow
    priority (in the API model and templates; not described by the spec text).
    ``invalidate``: a timestamp (ms) after which the flow's context is dropped (FAQ only).
    ``methods`` and ``nlus`` are flow-local and seen before the bot's."""

    name: str
    active: bool = True
    volatile: bool = False
    expire: float | None = None
    fallback: bool = False
    priority: float = 0
    invalidate: float | None = None
    intents: dict[str, Intent] = field(default_factory=dict)
    states: dict[str, State] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    methods: dict[str, Method] = field(default_factory=dict)
    nlus: dict[str, Nlu] = field(default_factory=dict)
    where: Where = NOWHERE

    @property
    def initial_state(self) -> State | None:
        """The flow's initial state (the first one when there are several: the validator
        reports that)."""
        for state in self.states.values():
            if state.initial:
                return state
        return None


@dataclass(frozen=True, slots=True)
class Bot:
    """A whole bot. ``schema`` is one of ``SCHEMAS``; ``config`` is free-form (readable as
    ``config`` in expressions; ``maxRecursion`` has a meaning to the runtime). ``directory``
    is the bot directory (includes and tests are relative to it), ``file`` its bot.yml."""

    schema: str
    name: str = ""
    desc: str = ""
    lang: str | None = None
    id: str | None = None
    version: str | None = None
    revision: str | None = None
    timezone: float | None = None
    flows: dict[str, Flow] = field(default_factory=dict)
    methods: dict[str, Method] = field(default_factory=dict)
    nlus: dict[str, Nlu] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    directory: Path = Path(".")
    file: str = ""
    where: Where = NOWHERE

    def method(self, name: str, flow: str | None = None) -> Method | None:
        """A method by name as a flow sees it: the flow's own first, then the bot's."""
        if flow is not None and flow in self.flows:
            found = self.flows[flow].methods.get(name)
            if found is not None:
                return found
        return self.methods.get(name)

    def nlu(self, name: str, flow: str | None = None) -> Nlu | None:
        """An NLU by name as a flow sees it: the flow's own first, then the bot's."""
        if flow is not None and flow in self.flows:
            found = self.flows[flow].nlus.get(name)
            if found is not None:
                return found
        return self.nlus.get(name)
