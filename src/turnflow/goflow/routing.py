"""goflow's routers (switch, random) and waits (msg, dial), as hooks for the core flow loop."""

from __future__ import annotations

import functools
import re
from typing import Any

from ..core.engine import WAIT, Waiting
from ..core.engine import _Failure as RoutingFailure  # caught by the loop: fails the session
from ..core.graph import Category, Node, Router
from ..core.runtime import Runtime, template_for
from ..core.session import Run
from ..expressions import Lazy, XError, XObject, render_text, to_text
from ..expressions.cases import CASE_TESTS
from ..expressions.cases.number_tests import NUMBER_BOUND_TESTS
from ..expressions.numbers import parse_decimal
from ..expressions.values import to_json
from ..generators import NanoTime, decimal_from_float, format_rfc3339_nano, utc_text

_NON_WORD = re.compile(r"[^\w]+")


@functools.lru_cache(maxsize=1024)
def snakify(name: str) -> str:
    """Result names become keys: "Favorite Color" -> "favorite_color"."""
    return _NON_WORD.sub("_", name.strip().lower()).strip("_")


def translation_languages(rt: Runtime, run: Run) -> tuple[str, ...]:
    """goflow's language fallback order for translations: the contact's language if the
    environment allows it, then the environment's default language (the flow's own language
    needs no translation and ends the list implicitly)."""
    contact = rt.session.contact
    language = contact.get("language") if isinstance(contact, dict) else getattr(contact, "language", None)
    languages: list[str] = []
    if language and language in rt.env.allowed_languages:
        languages.append(language)
    default = rt.env.default_language
    if default and default != language:
        languages.append(default)
    return tuple(lang for lang in languages if lang != run.flow.language)


def translated(rt: Runtime, run: Run, item_uuid: str, key: str) -> tuple[str | None, list[str] | None]:
    """The first language in the fallback order that translates the item, and its text."""
    if not run.flow.localization:  # most flows aren't translated: nothing to look up
        return None, None
    for language in translation_languages(rt, run):
        found = run.flow.localized(language, item_uuid, key)
        if found is not None:
            return language, found
    return None, None


def localized_list(rt: Runtime, run: Run, item_uuid: str, key: str, default: list[str]) -> list[str]:
    """A localizable property in the first fallback language that translates it."""
    found = translated(rt, run, item_uuid, key)[1]
    return default if found is None else found


def route(rt: Runtime, run: Run, node: Node, arriving: bool) -> Category | Waiting | None:
    """Pick the category for a node's router, or say that it must wait first."""
    router = node.router
    if router is None:
        return None
    if router.wait is not None and arriving:
        if router.wait.type == "dial":
            phone = _e164(rt.evaluate(router.wait.phone or ""), rt.env.default_country)
            if phone is not None:
                rt.services["_dial_phone"] = phone
                return WAIT
            rt.error("not a possible number")  # and route straight on, as goflow does
        elif not _trigger_input_unused(rt, run):
            return WAIT
    resume = rt.services.pop("_resume", None)
    if router.wait is not None and resume is not None and resume.get("type") == "wait_timeout":
        timeout = router.wait.timeout
        if timeout is not None:
            category = router.category(timeout.category_uuid)
            _save_result(rt, run, node, router, category, None, None, None)
            return category
    if router.type == "random":
        return _route_random(rt, run, node, router)
    return _route_switch(rt, run, node, router)


def _trigger_input_unused(rt: Runtime, run: Run) -> bool:
    """goflow skips a message wait that is the very first thing a message-triggered session
    does: the trigger's message answers it."""
    session = rt.session
    return session.trigger.get("type") == "msg" and len(session.runs) == 1 and len(run.path) == 1


def _route_random(rt: Runtime, run: Run, node: Node, router: Router) -> Category | None:
    number = rt.env.random.float64()
    index = int(number * len(router.categories))
    category = router.categories[index]
    rt.operand = str(decimal_from_float(number))
    # goflow saves the category's index as the value and the random number as the input
    _save_result(rt, run, node, router, category, str(index), None, rt.operand)
    return category


class _Switch:
    """A switch router prepared once per flow: its operand compiled, its case tests and
    categories looked up and its result key made, so routing only evaluates and tests."""

    __slots__ = ("operand", "cases", "default", "result_key", "literal_length")

    def __init__(self, router: Router) -> None:
        self.operand = template_for(router.operand) if router.operand else None
        categories: dict[str, Category] = {}
        for category in router.categories:  # the first of a UUID wins, as Router.category
            categories.setdefault(category.uuid, category)
        # each case with its test (None: not a known test), the category it picks and its
        # arguments as numbers when they are read once here (see _literal_numbers)
        self.cases = tuple(
            (case, CASE_TESTS.get(case.type), categories.get(case.category_uuid), _literal_numbers(case))
            for case in router.cases
        )
        # the longest argument read as a number here: routing uses the numbers only while the
        # template length limit wouldn't cut it (evaluating leaves shorter texts as they are)
        self.literal_length = max(
            (len(arg) for case, _, _, numbers in self.cases if numbers is not None for arg in case.arguments),
            default=0,
        )
        default = router.default_category_uuid
        self.default = categories.get(default) if default else None
        self.result_key = snakify(router.result_name) if router.result_name else None


def _literal_numbers(case: Any) -> tuple[Any, ...] | None:
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


def _prepared_switch(run: Run, node: Node, router: Router) -> _Switch:
    prepared = run.flow.prepared
    key = ("switch", node.uuid)
    switch = prepared.get(key)
    if switch is None:
        switch = prepared[key] = _Switch(router)
    return switch


def _route_switch(rt: Runtime, run: Run, node: Node, router: Router) -> Category | None:
    switch = _prepared_switch(run, node, router)
    env = rt.env
    context = rt.context()
    operand: Any = None
    if switch.operand is not None:
        operand = switch.operand.value(context, env)
        if isinstance(operand, XError):
            rt.error(f"Error evaluating expression: {operand.message}", code="expression", extra={"expression": router.operand})
            operand = None
    operand_text = render_text(operand)
    rt.operand = operand_text
    localized = bool(run.flow.localization)
    evaluate = rt.evaluate
    literals = not localized and switch.literal_length <= rt.limits.max_template_length
    for case, test, category, numbers in switch.cases:
        if test is None:
            rt.error(f"unknown case test '{case.type}'")
            continue
        if numbers is not None and literals:  # what evaluating and converting would give
            args = [operand, *numbers]
        else:
            if localized:
                arguments = localized_list(rt, run, case.uuid, "arguments", list(case.arguments))
            else:
                arguments = case.arguments
            args = [operand]
            for arg in arguments:
                args.append(evaluate(arg, context))
        result = test.call(env, args)
        kind = type(result)
        if kind is XError:
            rt.error(f"Error evaluating expression: {result.message}", code="expression")
            continue
        if kind is XObject and result.default is True:
            values = result._values  # what XObject.get reads (the tests' keys are lower case)
            match = values.get("match")
            extra = values.get("extra")
            if type(match) is Lazy or type(extra) is Lazy:  # (no known test makes these lazy)
                match, extra = result.get("match"), result.get("extra")
            _save_result(rt, run, node, router, category, render_text(match), extra, operand_text, switch.result_key)
            return category
        if result is True:
            _save_result(rt, run, node, router, category, operand_text, None, operand_text, switch.result_key)
            return category
    category = switch.default
    if category is None:  # no case matched and there's no default: the session fails
        raise RoutingFailure("Router failed to pick a category")
    _save_result(rt, run, node, router, category, operand_text, None, operand_text, switch.result_key)
    return category


def _input_text(rt: Runtime) -> str | None:
    data = rt.session.input
    if not data:
        return None
    if not data.get("attachments"):  # the usual input: text alone
        return data.get("text") or ""
    parts = [data.get("text") or ""]
    parts += [a.split(":", 1)[1] if ":" in a else a for a in data.get("attachments", [])]
    return "\n".join(p for p in parts if p) if any(parts) else ""


def _save_result(
    rt: Runtime, run: Run, node: Node, router: Router, category: Category | None,
    value: str | None, extra: Any, operand: str | None, key: str | None = None,
) -> None:  # fmt: skip
    if not router.result_name or category is None:
        return
    if key is None:
        key = snakify(router.result_name)
    # made as goflow stores it (no null fields, no empty input), so it is stored as it is
    result: dict[str, Any] = {"name": router.result_name, "value": value if value is not None else ""}
    if category.name is not None:
        result["category"] = category.name
    if node.uuid is not None:
        result["node_uuid"] = node.uuid
    result["created_on"] = None  # its place: save_result stamps it
    if run.flow.localization:  # the category's name in the contact's language, if translated
        localized = localized_list(rt, run, category.uuid, "name", [category.name])
        if localized and localized[0] != category.name and localized[0] is not None:
            result["category_localized"] = localized[0]
    if router.wait is not None and rt.session.input is not None:
        text = _input_text(rt)
        if text:
            result["input"] = text
    elif operand:  # e.g. a dial wait's router: the dial status it tested
        result["input"] = operand
    if extra is not None:
        extra_json = to_json(rt.env, extra)
        if isinstance(extra_json, str):
            import json

            parsed = json.loads(extra_json)
            if parsed is not None:
                result["extra"] = parsed
    save_result(rt, run, key, result, stored_form=True)


def save_result(rt: Runtime, run: Run, key: str, result: dict[str, Any], stored_form: bool = False) -> None:
    """Store a result on the run and emit run_result_changed (shared with set_run_result).

    ``stored_form``: the result has no null fields and no empty input already (and is the
    caller's to give away), so it is stored as it is rather than copied without them."""
    previous = run.results.get(key)
    result["created_on"] = utc_text(rt.clock.now_ns())
    run.modified_on = rt.now()  # goflow stamps the run as modified when a result is saved
    if stored_form:
        run.results[key] = result
    else:  # stored as goflow writes it: no null fields and no empty input
        run.results[key] = {k: v for k, v in result.items() if v is not None and not (k == "input" and v == "")}
    # goflow's event always has the category (even empty) and never the localized one
    event = rt.stamp_event("run_result_changed")
    event["name"] = result["name"]
    event["value"] = result.get("value", "")
    event["category"] = result.get("category") or ""
    if result.get("extra") is not None:
        event["extra"] = result["extra"]
    if previous is not None:  # what it changed from: its value and category, if they're set
        change: dict[str, Any] = {}
        value = previous.get("value")
        if value is not None:
            change["value"] = value
        category = previous.get("category")
        if category:
            change["category"] = category
        event["previous"] = change


def begin_wait(rt: Runtime, run: Run, node: Node) -> None:
    wait = node.router.wait if node.router else None
    if wait is None:
        return
    if wait.type == "dial":
        phone = rt.services.pop("_dial_phone")
        dial_limit = wait.dial_limit_seconds or 60  # goflow's defaults
        call_limit = wait.call_limit_seconds or 7200
        # the flow mustn't expire while the contact is on the forwarded call
        expires = rt.now().add((dial_limit + call_limit + 30) * 1_000_000_000)
        run.expires_on = expires
        rt.new_event(
            "dial_wait",
            urn=f"tel:{phone}",
            dial_limit_seconds=dial_limit,
            call_limit_seconds=call_limit,
            expires_on=format_rfc3339_nano(expires),
        )
        return
    minutes = expire_after_minutes(run.flow)
    # now plus the wait (one clock reading, as rt.now().add(...) without its extra NanoTime)
    expires = NanoTime(rt.clock.now_ns() + minutes * 60 * 1_000_000_000) if minutes > 0 else None
    run.expires_on = expires
    event = rt.stamp_event("msg_wait")
    if wait.timeout is not None and wait.timeout.seconds is not None:
        event["timeout_seconds"] = wait.timeout.seconds
    if expires is not None:
        event["expires_on"] = utc_text(expires.ns)
    if wait.hint is not None:
        event["hint"] = wait.hint


# what a flow that doesn't say expires after, by type (as goflow reads flow definitions)
DEFAULT_EXPIRE_MINUTES = {"messaging": 4320, "voice": 5}


def expire_after_minutes(flow: Any) -> int:
    """How long a wait in this flow lasts before the run expires (0: never)."""
    definition = getattr(flow, "definition", None) or {}
    if definition and definition.get("expire_after_minutes") is None:
        return DEFAULT_EXPIRE_MINUTES.get(flow.type, 0)
    return int(flow.expire_after_minutes or 0)


def _e164(text: str, country: str) -> str | None:
    import phonenumbers

    # as goflow's phone parsing: keep only letters and digits (and a leading +), and take a
    # long number not starting with 0 as international ("1(206)5551212" -> +12065551212)
    text = text.strip()
    plus = text.startswith("+")
    text = re.sub(r"[^0-9A-Za-z]", "", text)
    if plus or (len(text) >= 11 and not text.startswith("0")):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, country or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


__all__ = ["begin_wait", "route", "save_result", "snakify", "to_text"]
