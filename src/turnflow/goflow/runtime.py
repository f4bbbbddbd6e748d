"""The runtime of a goflow sprint: the core's, with its state typed as a
:class:`~turnflow.goflow.sprint.GoflowSprint` and templates rendered straight through
Excellent (:func:`~turnflow.goflow.evaluator.render`), as goflow evaluates many a sprint."""

from __future__ import annotations

from ..core.runtime import Runtime
from .evaluator import render
from .sprint import GoflowSprint


class GoflowRuntime(Runtime):
    __slots__ = ()

    state: GoflowSprint
    evaluate = render  # rt.evaluate(template, context=None, truncate=True) -> text
