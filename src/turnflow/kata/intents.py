"""Intent selection within one flow, as the Kata docs give it: the intents whose message
``type`` and ``condition`` fit, then those whose classifiers match (any one of them), then
the one with the highest ``priority`` (the first written among equals). A flow's fallback
intents are only considered when none of its other intents fits. The chosen intent's
attributes are then extracted from the message.

Each NLU runs at most once per message and flow (classifiers and attributes that use the
same NLU with the same options share its output).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .js import UNDEFINED, loose_equals, truthy
from .nlu import take_path, translate
from .session import KataRun

if TYPE_CHECKING:
    from ..core.runtime import Runtime
    from .compiler import CompiledAttribute, CompiledClassifier, CompiledFlow, CompiledIntent


def select_intent(
    rt: Runtime, flow: CompiledFlow, run: KataRun | None, intents: Iterable[CompiledIntent],
    *, fallbacks: bool = True,
) -> tuple[CompiledIntent, dict[str, Any]] | None:
    """The intent of ``intents`` (of ``flow``, open as ``run`` or not yet) that the current
    message matches, with its attributes; fallback intents only if no other matches (and
    ``fallbacks``)."""
    best: CompiledIntent | None = None
    fallback: CompiledIntent | None = None
    scope: dict[str, Any] | None = None
    message = rt.state.message
    kind = message.get("type")
    for intent in intents:
        if intent.type is not None and intent.type != kind:
            continue
        if intent.fallback:
            if not fallbacks or (fallback is not None and intent.priority <= fallback.priority):
                continue
        elif best is not None and intent.priority <= best.priority:
            continue  # (it could not win)
        if intent.conditions:
            if intent.reads_context:
                if scope is None:
                    scope = rt.family.scope(rt, run, flow.name)
                seen = scope
            else:  # (most conditions read only the message: one scope for every flow)
                seen = rt.family.message_scope(rt)
            warn = rt.family.warner(rt)
            if not all(c.holds(seen, flow.calls, warn) for c in intent.conditions):
                continue
        if intent.classifiers and not any(
            classifier_matches(rt, flow, classifier) for classifier in intent.classifiers
        ):
            continue
        if intent.fallback:
            fallback = intent
        else:
            best = intent
    chosen = best or fallback
    if chosen is None:
        return None
    return chosen, extract_attributes(rt, flow, chosen.attributes)


def nlu_output(rt: Runtime, flow: CompiledFlow, nlu: Any) -> Any:
    """The output of an NLU for the current message (run once per message and flow)."""
    st = rt.state
    key = (flow.name, nlu.key)
    outputs = st.nlu_outputs
    if key in outputs:
        return outputs[key]
    output = nlu(st.message, flow.calls, rt.family.config,
                 lambda: (_context_of(rt, flow), rt.session.data))
    outputs[key] = output
    return output


def _context_of(rt: Runtime, flow: CompiledFlow) -> Any:
    """The context of ``flow`` if it is open ({} if not)."""
    for run in rt.session.stack:
        if isinstance(run, KataRun) and run.flow.uuid == flow.core.uuid:
            return run.context
    return {}


def classifier_matches(rt: Runtime, flow: CompiledFlow, classifier: CompiledClassifier) -> bool:
    output = nlu_output(rt, flow, classifier.nlu)
    for method in classifier.process:
        output = flow.calls(method, [output, rt.state.message])
    if classifier.table is not None:
        output = translate(output, classifier.table)
    if classifier.expression is not None:
        if not present(output):  # (no output: nothing to test)
            return False
        scope = output if isinstance(output, Mapping) else {"output": output}
        return classifier.expression.holds(scope, flow.calls, rt.family.warner(rt))
    if classifier.match is not None:
        return output_matches(output, classifier.match)
    return present(output)


def output_matches(output: Any, match: Any) -> bool:
    """Whether an NLU's output is (or, for a list of labels, holds) ``match``."""
    if isinstance(output, list):
        return any(output_matches(item, match) for item in output)
    if isinstance(output, Mapping):  # (an object of labels: the label is there)
        return present(output.get(str(match), UNDEFINED))
    if output is None or output is UNDEFINED:
        return False
    return bool(loose_equals(output, match))


def present(output: Any) -> bool:
    """An output that says something: not null, undefined, false, "", 0, [] or {}."""
    if isinstance(output, (list, dict)):
        return bool(output)
    return truthy(output)


def extract_attributes(rt: Runtime, flow: CompiledFlow,
                       attributes: Iterable[CompiledAttribute]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for attribute in attributes:
        value = take_path(nlu_output(rt, flow, attribute.nlu), attribute.path)
        for method in attribute.process:
            value = flow.calls(method, [value, rt.state.message])
        if attribute.table is not None:
            value = translate(value, attribute.table)
        if value is not None and value is not UNDEFINED:
            found[attribute.name] = value
    return found
