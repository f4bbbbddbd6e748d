"""The ``switch`` router tests its operand against each case in order and takes the category
of the first case that matches, else the default category (with no default the session
fails); the result it saves has the text the test matched as its value.

Example:

    {"type": "switch", "operand": "@input.text", "result_name": "Answer",
     "wait": {"type": "msg"},
     "cases": [{"uuid": "e0c71faa-32b7-48a2-9ea3-42c1a0609e91", "type": "has_any_word",
                "arguments": ["yes"], "category_uuid": "e4816898-93d7-47da-a3ba-a4db126756cf"}],
     "categories": [
         {"uuid": "e4816898-93d7-47da-a3ba-a4db126756cf", "name": "Yes",
          "exit_uuid": "9c60f661-bb31-4c78-90cb-a6ecf23b2971"},
         {"uuid": "f321f747-0bad-44e2-9ae6-3904a66add95", "name": "Other",
          "exit_uuid": "96b6634e-55a1-4f92-b3b5-d4e083bcc752"}],
     "default_category_uuid": "f321f747-0bad-44e2-9ae6-3904a66add95"}

Input:

    I'd like yes please

Result:

    {"name": "Answer", "value": "yes", "category": "Yes", "input": "I'd like yes please"}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from ...core.graph import Category, Node
from ...core.loop import RunFailure
from ...core.runtime import Runtime
from ...core.session import Run
from ...errors import TurnflowError
from ...expressions import XError, XObject, render_text
from ...expressions.cases import CASE_TESTS, TEXT_OPERAND_TESTS
from ...expressions.cases.number_tests import NUMBER_BOUND_TESTS, first_number
from ...expressions.goregex import budget_scope
from ...expressions.numbers import parse_decimal
from ...expressions.template import Template
from ...expressions.values import MISSING, number_text
from ..evaluator import template_for
from ..localization import localized_list
from ..results import save_router_result, snakify
from ..run_context import input_as_text
from ..sprint import sprint_regex_budget
from .base import GoflowRouter


@dataclass(frozen=True, slots=True)
class Case:
    uuid: str
    type: str  # the case test, e.g. "has_any_word"
    arguments: tuple[str, ...]  # templates
    category_uuid: str


# one prepared case: the case, its test (None: not a known test), the category it picks, its
# arguments as numbers when they are read once (see _literal_numbers), then the number
# test's comparison (see number_tests.first_number) and whether its arguments are plain text
PreparedCase = tuple[Case, Any, "Category | None", "tuple[Any, ...] | None", Any, bool]

# first_number failed: the test is called as usual, to report it as the test does
_CALL_TEST: Any = object()


@dataclass(slots=True, eq=False)
class SwitchRouter(GoflowRouter):
    type: ClassVar[str] = "switch"
    operand: str | None = None  # a template
    cases: tuple[Case, ...] = ()
    default_category_uuid: str | None = None
    # prepared once, when the router is made
    _operand: Template | None = field(default=None, init=False, repr=False)
    _cases: tuple[PreparedCase, ...] = field(default=(), init=False, repr=False)
    _default: Category | None = field(default=None, init=False, repr=False)
    _result_key: str | None = field(default=None, init=False, repr=False)
    _literal_length: int = field(default=0, init=False, repr=False)
    _operand_ready: bool = field(default=False, init=False, repr=False)
    _matches: bool = field(default=False, init=False, repr=False)  # a has_pattern case
    # the operand is @input.text, or @input when every test reads it only as text: while
    # there is an input, the tests are given its text with no context built for it
    _input_operand: tuple[str, ...] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        categories: dict[str, Category] = {}
        for category in self.categories:  # the first of a UUID wins, as category() finds
            categories.setdefault(category.uuid, category)
        self._matches = any(case.type == "has_pattern" for case in self.cases)
        self._cases = tuple(
            (case, CASE_TESTS.get(case.type), categories.get(case.category_uuid),
             _literal_numbers(case), NUMBER_BOUND_TESTS.get(case.type), _plain_arguments(case))
            for case in self.cases
        )
        # the longest argument taken as written here (as a number, or as plain text): routing
        # does so only while the template length limit wouldn't cut it (evaluating leaves
        # shorter texts without expressions as they are)
        self._literal_length = max(
            (len(arg) for case in self.cases if _plain_arguments(case) for arg in case.arguments),
            default=0,
        )
        default = self.default_category_uuid
        self._default = categories.get(default) if default else None
        self._result_key = snakify(self.result_name) if self.result_name else None
        try:
            self._operand = template_for(self.operand) if self.operand else None
            self._operand_ready = True
        except TurnflowError:  # (too long to compile) it fails when the router routes
            self._operand_ready = False
        path = self._operand.path if self._operand is not None else None
        if path == ("input", "text") or (
            path == ("input",) and all(case.type in TEXT_OPERAND_TESTS for case in self.cases)
        ):
            self._input_operand = path

    def pick(self, rt: Runtime, run: Run, node: Node, in_budget: bool = False) -> Category | None:
        if self._matches and not in_budget:
            with budget_scope(sprint_regex_budget(rt)):  # (has_pattern: the sprint's regex budget)
                return self.pick(rt, run, node, True)
        if not self._operand_ready:
            self._operand = template_for(self.operand) if self.operand else None
            self._operand_ready = True
        env = rt.env
        context: XObject | None = None  # the root context, built if something reads it
        operand: Any
        data = rt.session.input
        if self._input_operand is not None and data:
            if len(self._input_operand) == 2:  # @input.text: what input_context has as text
                operand = operand_text = data.get("text") or ""
            elif not data.get("attachments"):  # @input, read as text: its text alone
                operand = operand_text = data.get("text") or ""
            else:  # @input with attachments: the text it renders as
                operand = operand_text = input_as_text(data)
        else:
            context = rt.context()
            operand = None
            template = self._operand
            if template is not None:
                operand = template.value(context, env)
                if type(operand) is XError:
                    rt.error(
                        f"Error evaluating expression: {operand.message}", code="expression",
                        extra={"expression": self.operand},
                    )
                    operand = None
            operand_text = render_text(operand)
        rt.operand = operand_text
        localized = run.flow.localization  # (read as true or false)
        literals = not localized and self._literal_length <= rt.limits.max_template_length
        result_key = self._result_key
        for case, test, category, numbers, accept, plain in self._cases:
            if test is None:
                rt.error(f"unknown case test '{case.type}'")
                continue
            if numbers is not None and literals:  # what evaluating and converting would give
                try:  # (the test's own search, on the operand's text as it reads it)
                    number = first_number(env, operand_text, numbers, accept)
                except Exception:  # (reported as calling the test reports it, below)
                    number = _CALL_TEST
                if number is None:
                    continue
                if number is not _CALL_TEST:
                    save_router_result(
                        rt, run, node, self, category, number_text(number), None, operand_text,
                        result_key,
                    )
                    return category
                args = [operand, *numbers]
            elif plain and literals:  # (evaluating gives them as they are)
                args = [operand, *case.arguments]
            else:
                if localized:
                    arguments = localized_list(
                        rt, run, case.uuid, "arguments", list(case.arguments)
                    )
                else:
                    arguments = case.arguments
                args = [operand]
                evaluate = rt.evaluate
                for arg in arguments:
                    args.append(evaluate(arg, context))
            result = test.call(env, args)
            kind = type(result)
            if kind is XError:
                rt.error(f"Error evaluating expression: {result.message}", code="expression")
                continue
            if kind is XObject and result.default is True:
                match, extra = result.lookup("match"), result.lookup("extra")
                if match is MISSING:
                    match = None
                if extra is MISSING:
                    extra = None
                save_router_result(
                    rt, run, node, self, category, render_text(match), extra, operand_text,
                    result_key,
                )
                return category
            if result is True:
                save_router_result(
                    rt, run, node, self, category, operand_text, None, operand_text, result_key
                )
                return category
        category = self._default
        if category is None:  # no case matched and there's no default: the session fails
            raise RunFailure("Router failed to pick a category")
        save_router_result(
            rt, run, node, self, category, operand_text, None, operand_text, result_key
        )
        return category


def _plain_arguments(case: Case) -> bool:
    """Whether every argument of the case is plain text (no "@": evaluating gives the text
    itself, within the template length limit)."""
    return all(type(arg) is str and "@" not in arg for arg in case.arguments)


def _literal_numbers(case: Case) -> tuple[Any, ...] | None:
    """A number test's arguments as the numbers the test converts them to, when every one is
    plain text (no "@": evaluating it gives the text itself) that reads as a number. Reading
    a plain number doesn't depend on the environment (to_number -> parse_decimal), so this is
    done once per flow rather than at every routing; None: evaluate them each time."""
    if case.type not in NUMBER_BOUND_TESTS:
        return None
    numbers = []
    for arg in case.arguments:
        number = parse_decimal(None, arg) if type(arg) is str and "@" not in arg else None
        if number is None:
            return None
        numbers.append(number)
    return tuple(numbers)
