"""Migrations 14.0.0 to 14.4.2."""

from __future__ import annotations

from . import _flow
from ._flow import Json
from .registry import MigrationContext, register

MAX_EXPIRES = {"messaging": 20160, "voice": 15}  # minutes; other flow types can't expire
MAX_QUICK_REPLIES = 10
WEBHOOK_ACTIONS = ("call_webhook", "call_resthook")
SUCCESS_CASE = ("has_number_between", ["200", "299"])


@register("14.0.0")
def expires_and_category_names(flow: Json, ctx: MigrationContext) -> None:
    """Expiries are capped per flow type; unnamed categories are called "Match"."""
    expires = flow.get("expire_after_minutes")
    if isinstance(expires, int) and not isinstance(expires, bool):
        flow["expire_after_minutes"] = min(expires, MAX_EXPIRES.get(_flow.kind(flow), 0))
    for node in _flow.nodes(flow):
        router = _flow.router(node)
        for category in _flow.as_list(router.get("categories") if router else None):
            if isinstance(category, dict) and not _flow.text(category.get("name")):
                category["name"] = "Match"


def _split_on_first_case(router: Json, operand: str, case_type: str, arguments: list[str],
                         only_results: bool) -> list[object] | None:
    """Point a single-action node's switch at ``operand`` with only its first case, retyped.

    Returns the cases the router had, or None if it was left alone.
    """
    cases = _flow.as_list(router.get("cases"))
    if only_results and not _flow.text(router.get("operand")).startswith("@results."):
        return None
    if not cases or not isinstance(cases[0], dict):
        return None
    first = cases[0]
    first["type"] = case_type
    first["arguments"] = list(arguments)
    router["operand"] = operand
    router["cases"] = [first]
    return cases


@register("14.1.0")
def webhook_split_on_status(flow: Json, ctx: MigrationContext) -> None:
    """Webhook nodes split on the call's status rather than on the action's result; quick
    replies are capped at 10."""
    for node in _flow.nodes(flow):
        found = _flow.single_action_switch(node, WEBHOOK_ACTIONS)
        if found:
            _split_on_first_case(found[1], "@webhook.status", *SUCCESS_CASE, only_results=True)
    for action in _flow.all_actions(flow):
        replies = action.get("quick_replies")
        if _flow.kind(action) in ("send_msg", "send_broadcast") and isinstance(replies, list):
            if len(replies) > MAX_QUICK_REPLIES:
                action["quick_replies"] = replies[:MAX_QUICK_REPLIES]


@register("14.2.0")
def ticket_note(flow: Json, ctx: MigrationContext) -> None:
    """open_ticket's ``body`` becomes ``note``; localization languages that aren't 3-letter
    codes are dropped."""
    for action in _flow.all_actions(flow):
        if _flow.kind(action) == "open_ticket" and _flow.text(action.get("body")):
            action["note"] = action.pop("body")
    localization = _flow.localization(flow)
    for language in _flow.languages(flow):
        if localization is not None and len(language.encode()) != 3:
            del localization[language]


_OUTPUT_LOCALS = {"open_ticket": "_new_ticket", "transfer_airtime": "_new_transfer"}


@register("14.3.0")
def split_on_output_locals(flow: Json, ctx: MigrationContext) -> None:
    """Ticket and airtime nodes split on the local their action sets, and the result moves
    from the action to the router."""
    for node in _flow.nodes(flow):
        found = _flow.single_action_switch(node, tuple(_OUTPUT_LOCALS))
        if not found:
            continue
        action, router = found
        operand = "@locals." + _OUTPUT_LOCALS[_flow.kind(action)]
        if _split_on_first_case(router, operand, "has_text", [], only_results=True) is not None:
            router["result_name"] = action.pop("result_name", None)


SINGLE_ARGUMENT_TESTS = frozenset(
    ("has_only_text", "has_phrase", "has_only_phrase", "has_any_word", "has_all_words",
     "has_beginning", "has_pattern")
)


def _single_argument_cases(flow: Json) -> list[Json]:
    found = []
    for node in _flow.nodes(flow):
        router = _flow.router(node)
        if router is None or _flow.kind(router) != "switch":
            continue
        for case in _flow.as_list(router.get("cases")):
            if isinstance(case, dict) and _flow.text(case.get("type")) in SINGLE_ARGUMENT_TESTS:
                found.append(case)
    return found


@register("14.3.1")
def join_text_test_arguments(flow: Json, ctx: MigrationContext) -> None:
    """Text tests take one argument; several (an old editor bug) are joined with spaces, in
    translations too."""
    cases = _single_argument_cases(flow)
    for case in cases:
        arguments = _flow.as_list(case.get("arguments"))
        if len(arguments) > 1:
            case["arguments"] = [" ".join(_flow.text(a) for a in arguments)]
    for language in _flow.languages(flow):
        lang = _flow.language_translation(flow, language)
        for case in cases:
            case_uuid = _flow.object_uuid(case)
            translated = _flow.get_translation(lang, case_uuid, "arguments")
            if lang is not None and translated is not None and len(translated) > 1:
                _flow.set_translation(lang, case_uuid, "arguments", [" ".join(translated)])


@register("14.4.0")
def drop_all_urns(flow: Json, ctx: MigrationContext) -> None:
    """send_msg no longer has ``all_urns``."""
    for action in _flow.all_actions(flow):
        if _flow.kind(action) == "send_msg":
            action.pop("all_urns", None)


@register("14.4.1")
def canonical_webhook_split(flow: Json, ctx: MigrationContext) -> None:
    """Every webhook split becomes ``@webhook.status`` with one 200-299 case; translations of
    the old cases' arguments are dropped."""
    for node in _flow.nodes(flow):
        found = _flow.single_action_switch(node, WEBHOOK_ACTIONS)
        if not found:
            continue
        old_cases = _split_on_first_case(found[1], "@webhook.status", *SUCCESS_CASE,
                                         only_results=False)
        if old_cases is None:
            continue
        for language in _flow.languages(flow):
            lang = _flow.language_translation(flow, language)
            for case in old_cases:
                if _flow.object_uuid(case):
                    _flow.delete_translation(lang, _flow.object_uuid(case), "arguments")


@register("14.4.2")
def default_webhook_status(flow: Json, ctx: MigrationContext) -> None:
    """Webhook splits read ``@(default(webhook.status, 0))`` so a call that never happened
    routes to Failure without an error."""
    for node in _flow.nodes(flow):
        found = _flow.single_action_switch(node, WEBHOOK_ACTIONS)
        if found and found[1].get("operand") == "@webhook.status":
            found[1]["operand"] = "@(default(webhook.status, 0))"
