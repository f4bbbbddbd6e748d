"""What goflow's routers share: their categories, an optional wait and result name, and the
order of routing — wait on arrival if there is a wait, take the timeout category when a
timeout resumed the run, otherwise pick a category the router's own way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ...core.graph import WAIT, Category, Node, Waiting
from ...core.runtime import Runtime
from ...core.session import Run
from ..results import save_router_result


@dataclass(slots=True, eq=False)
class GoflowRouter:
    type: ClassVar[str] = ""
    categories: tuple[Category, ...]
    wait: Any = None  # a MsgWait or DialWait
    result_name: str | None = None

    def category(self, uuid: str | None) -> Category | None:
        for category in self.categories:
            if category.uuid == uuid:
                return category
        return None

    def route(self, rt: Runtime, run: Run, node: Node, arriving: bool) -> Category | Waiting | None:
        """Pick the category for the node, or say that it must wait first."""
        wait = self.wait
        if wait is not None and arriving and wait.arrive(rt, run):
            return WAIT
        state = rt.state
        resume = state.timeout_resume
        if resume is not None:  # it answers the first routing of the sprint only
            state.timeout_resume = None
            if (wait is not None and resume.get("type") == "wait_timeout"
                    and wait.timeout is not None):
                category = self.category(wait.timeout.category_uuid)
                save_router_result(rt, run, node, self, category, None, None, None)
                return category
        return self.pick(rt, run, node)

    def pick(self, rt: Runtime, run: Run, node: Node) -> Category | None:
        raise NotImplementedError
