"""The ``random`` router picks one of its categories at random, from the environment's random
source (seeded in tests, so runs repeat); the result it saves has the category's index as its
value and the random number as its input.

Example:

    {"type": "random", "result_name": "Group", "categories": [
        {"uuid": "083ddcc7-1c53-40b9-b2f8-202816ce4599", "name": "A",
         "exit_uuid": "359b79e3-4795-4141-9587-915c10279d38"},
        {"uuid": "faa57d34-d559-4c5f-a11a-86f007b331f6", "name": "B",
         "exit_uuid": "3f1449a1-6803-417a-86e7-0fd83b6c027f"}]}

Result:

    {"name": "Group", "value": "0", "category": "A", "input": "0.3402859786606234"}
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
