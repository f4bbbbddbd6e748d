"""The ``random`` router: picks one of its categories at random, from the environment's
random source (seeded in tests, so runs repeat).

Example::

    {"type": "random", "result_name": "Group", "categories": [
        {"uuid": "c-a", "name": "A", "exit_uuid": "x-a"},
        {"uuid": "c-b", "name": "B", "exit_uuid": "x-b"}]}

saves ``@results.group`` with the picked category's index as its value and the random number
as its input, e.g. ``{"name": "Group", "value": "1", "category": "B", "input": "0.6"}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ...core.graph import Category, Node
from ...core.runtime import Runtime
from ...core.session import Run
from ...generators import decimal_from_float
from ..results import save_router_result
from .base import GoflowRouter


@dataclass(slots=True, eq=False)
class RandomRouter(GoflowRouter):
    type: ClassVar[str] = "random"

    def pick(self, rt: Runtime, run: Run, node: Node) -> Category | None:
        number = rt.env.random.float64()
        index = int(number * len(self.categories))
        category = self.categories[index]
        rt.operand = str(decimal_from_float(number))
        # goflow saves the category's index as the value and the random number as the input
        save_router_result(rt, run, node, self, category, str(index), None, rt.operand)
        return category
