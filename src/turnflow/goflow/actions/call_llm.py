"""Asks a large language model to follow instructions on an input, keeping its answer in a
run local (``<ERROR>`` when the call fails).

Example:

    {"type": "call_llm", "uuid": "...",
     "llm": {"uuid": "dc1b47e0-63ad-4221-b679-dd96145f9248", "name": "Assistant"},
     "instructions": "Categorize the request as [Join, Leave, Other]", "input": "@input.text",
     "output_local": "_llm_output"}

Events:

    [{"type": "llm_called",
      "llm": {"uuid": "dc1b47e0-63ad-4221-b679-dd96145f9248", "name": "Assistant"},
      "instructions": "Categorize the request as [Join, Leave, Other]", "input": "I want to join",
      "output": "Other", "tokens": {"input": 45, "output": 78}}]
"""

from __future__ import annotations

from ...core.runtime import Runtime
from .. import services as svc
from .asset_refs import dependency_error, find_asset, ref_of
from .base import BaseAction
from .run_state import current_run
from .service_lookup import service


class CallLLM(BaseAction):
    type = "call_llm"
    required = ("llm", "instructions", "output_local")
    max_tokens = 2500

    def execute(self, rt: Runtime) -> None:
        run = current_run(rt)
        local = self.data["output_local"]
        ref = self.data["llm"]
        llm = find_asset(rt, "llms", ref.get("uuid"))
        if llm is None:
            dependency_error(rt, "llm", ref)
            run.locals[local] = "<ERROR>"
            return
        instructions = rt.evaluate(self.data.get("instructions", ""))
        given = rt.evaluate(self.data.get("input", ""))
        llm_service = service(rt, "llm")
        if llm_service is None:
            rt.error("no LLM service is configured")
            run.locals[local] = "<ERROR>"
            return
        started = rt.clock.now_ns()
        try:
            response = llm_service.respond(llm, instructions, given, self.max_tokens)
        except svc.ServiceError as exc:
            rt.error(str(exc))
            run.locals[local] = "<ERROR>"
            return
        elapsed = (rt.clock.now_ns() - started) // 1_000_000
        rt.new_event(
            "llm_called",
            llm=ref_of(llm),
            instructions=instructions,
            input=given,
            output=response.output,
            tokens={"input": response.input_tokens, "output": response.output_tokens},
            elapsed_ms=elapsed,
        )
        run.locals[local] = response.output
