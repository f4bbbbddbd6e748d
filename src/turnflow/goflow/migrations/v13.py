"""Migrations 13.1.0 to 13.6.1."""

from __future__ import annotations

import re

from ...expressions.ast import ContextRef, DotLookup, Node
from . import _flow
from ._flow import Json
from ._templates import CATALOG_13_2, CATALOG_13_6, refactor_template, rewrite_templates
from .registry import MigrationContext, register

MAX_RESULT_NAME = 64
MAX_CATEGORY_NAME = 36


def _templatings(flow: Json) -> list[tuple[Json, Json]]:
    """``(send_msg action, its templating object)`` pairs."""
    found = []
    for action in _flow.all_actions(flow):
        templating = action.get("templating")
        if _flow.kind(action) == "send_msg" and isinstance(templating, dict):
            found.append((action, templating))
    return found


@register("13.1.0")
def templating_uuid(flow: Json, ctx: MigrationContext) -> None:
    """send_msg templating objects get a uuid of their own (so they can be localized)."""
    for _action, templating in _templatings(flow):
        templating["uuid"] = ctx.uuids.new_v4()


@register("13.2.0")
def und_language(flow: Json, ctx: MigrationContext) -> None:
    """A flow without a real language (the old ``base``) gets ``und``, undetermined."""
    language = flow.get("language")
    if not isinstance(language, str) or len(language.encode()) != 3:
        flow["language"] = "und"
        localization = _flow.localization(flow)
        if localization is not None:
            localization.pop("und", None)


def _rename_webhook(node: Node) -> Node:
    if isinstance(node, ContextRef) and node.name.lower() == "webhook":
        return DotLookup(ContextRef("webhook"), "json")
    return node


@register("13.3.0")
def webhook_json(flow: Json, ctx: MigrationContext) -> None:
    """``@webhook`` was the parsed JSON body of the last call; it became ``@webhook.json``."""
    rewrite_templates(
        flow, CATALOG_13_2, lambda text: refactor_template(text, ("webhook",), _rename_webhook)
    )


@register("13.4.0")
def templating_components(flow: Json, ctx: MigrationContext) -> None:
    """Template variables move into a single ``body`` component (translations follow)."""
    for _action, templating in _templatings(flow):
        templating_uuid = _flow.object_uuid(templating)
        component_uuid = ctx.uuids.new_v4()
        variables = templating.get("variables")
        templating["components"] = [
            {"uuid": component_uuid, "name": "body",
             "params": variables if isinstance(variables, list) else []}
        ]
        for language in _flow.languages(flow):
            lang = _flow.language_translation(flow, language)
            translated = _flow.get_translation(lang, templating_uuid, "variables")
            if lang is not None and translated is not None:
                _flow.set_translation(lang, component_uuid, "params", translated)
                _flow.delete_translation(lang, templating_uuid, "variables")
        templating.pop("uuid", None)
        templating.pop("variables", None)


@register("13.5.0")
def template_variables(flow: Json, ctx: MigrationContext) -> None:
    """Templating components flatten into the action's ``template`` + ``template_variables``.

    A language that translates any component's params gets translated variables, falling
    back to the untranslated params of the components it doesn't translate.
    """
    for action, templating in _templatings(flow):
        variables: list[str] = []
        localized: dict[str, list[str]] = {}
        translating: set[str] = set()
        for component in _flow.as_list(templating.get("components")):
            component_uuid = _flow.object_uuid(component)
            params_raw = component.get("params") if isinstance(component, dict) else None
            params = [_flow.text(p) for p in _flow.as_list(params_raw)]
            variables.extend(params)
            for language in _flow.languages(flow):
                lang = _flow.language_translation(flow, language)
                if lang is None:
                    continue
                translated = _flow.get_translation(lang, component_uuid, "params")
                if translated is not None:
                    localized.setdefault(language, []).extend(translated)
                    _flow.delete_translation(lang, component_uuid, "params")
                    translating.add(language)
                else:
                    localized.setdefault(language, []).extend(params)
        action["template"] = templating.get("template")
        action["template_variables"] = variables
        del action["templating"]
        for language, texts in localized.items():
            lang = _flow.language_translation(flow, language)
            if language in translating and lang is not None:
                _flow.set_translation(lang, _flow.object_uuid(action), "template_variables", texts)


def _truncate(text: str, limit: int) -> str:
    # goflow measures in bytes but cuts in characters, then trims what the cut left exposed
    return text[:limit].strip()


@register("13.6.0")
def name_limits(flow: Json, ctx: MigrationContext) -> None:
    """Result names are cut to 64 characters and category names to 36."""

    def too_long(value: object, limit: int) -> bool:
        return isinstance(value, str) and len(value.encode()) > limit

    for node in _flow.nodes(flow):
        for action in _flow.actions(node):
            if _flow.kind(action) == "set_run_result":
                if too_long(action.get("name"), MAX_RESULT_NAME):
                    action["name"] = _truncate(action["name"], MAX_RESULT_NAME)
                if too_long(action.get("category"), MAX_CATEGORY_NAME):
                    action["category"] = _truncate(action["category"], MAX_CATEGORY_NAME)
        router = _flow.router(node)
        if router is None:
            continue
        if too_long(router.get("result_name"), MAX_RESULT_NAME):
            router["result_name"] = _truncate(router["result_name"], MAX_RESULT_NAME)
        for category in _flow.as_list(router.get("categories")):
            if isinstance(category, dict) and too_long(category.get("name"), MAX_CATEGORY_NAME):
                category["name"] = _truncate(category["name"], MAX_CATEGORY_NAME)


_NON_WORD = re.compile(r"[^\w]+")


def _snakify(name: str) -> str:
    return _NON_WORD.sub("_", name.strip().lower()).strip("_")


@register("13.6.1")
def result_lookups(flow: Json, ctx: MigrationContext) -> None:
    """``@results.x`` lookups are cut to 64 characters to match the (now cut) result names."""
    keys: set[str] = set()
    for node in _flow.nodes(flow):
        for action in _flow.actions(node):
            if _flow.kind(action) == "set_run_result" and _flow.text(action.get("name")):
                keys.add(_snakify(action["name"]))
        router = _flow.router(node)
        if router is not None and _flow.text(router.get("result_name")):
            keys.add(_snakify(router["result_name"]))

    def cut(lookup: str) -> str:
        truncated = lookup[:MAX_RESULT_NAME]
        # a cut can leave a trailing "_" that the key of the cut result name doesn't have
        trimmed = truncated.rstrip("_")
        if trimmed != truncated and truncated.lower() not in keys and trimmed.lower() in keys:
            return trimmed
        return truncated

    def shorten(node: Node) -> Node:
        if (isinstance(node, DotLookup) and isinstance(node.container, ContextRef)
                and node.container.name.lower() == "results"):
            return DotLookup(node.container, cut(node.name))
        return node

    rewrite_templates(
        flow, CATALOG_13_6, lambda text: refactor_template(text, ("results",), shorten)
    )
