"""Reading turnflow's conversation tests for Kata bots: a YAML file whose top-level key is
``conversations`` (and optionally ``bot:``, the bot directory relative to the file)::

    conversations:
      - name: asks for the menu in the middle of an order
        data: {lang: en}                 # optional: the session's data at the start
        steps:
          - user: hi                     # a text message, or a whole message mapping
          - bot: Hello! Which pizza?     # a text response with exactly this content
          - bot: {type: data, payload: {template_type: button}}   # a partial response
          - expect: {flow: order, state: askSize, stack: [faq], context: {}, data: {}}
          - wait: 120                    # seconds on the session's clock
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .files import (
    TestFileError,
    check_keys,
    line,
    line_of,
    need_mapping,
    plain,
    read_message,
    read_yaml,
)
from .model import Conversation, ConversationFile, Step

_FILE_KEYS = frozenset({"conversations", "bot"})
_CONVERSATION_KEYS = frozenset({"name", "data", "steps"})
_STEP_KINDS = ("user", "bot", "expect", "wait")
_EXPECT_KEYS = frozenset({"flow", "state", "stack", "context", "data"})


def is_conversation_document(document: Any) -> bool:
    return isinstance(document, dict) and "conversations" in document


def read_conversation_file(path: str | Path, name: str | None = None,
                           document: Any = None) -> ConversationFile:
    """Read one conversation file (``document``: its YAML when already read); raises
    :class:`TestFileError` (``file:line: what``)."""
    path = Path(path)
    file = name or str(path)
    if document is None:
        document = read_yaml(path, file)
    if not is_conversation_document(document):
        raise TestFileError(file, line(document) or 1, "a conversation test file must be a "
                            "mapping with a conversations list")
    check_keys(file, document, _FILE_KEYS, "conversation test file")
    bot = document.get("bot")
    if bot is not None:
        if not isinstance(bot, str) or not bot:
            raise TestFileError(file, line_of(document, "bot"), "bot must be the path of a "
                                "bot directory (relative to this file)")
        bot = str(path.parent / bot)
    items = document["conversations"]
    if not isinstance(items, list) or not items:
        raise TestFileError(file, line_of(document, "conversations"),
                            "conversations must be a non-empty list")
    conversations = tuple(_read_conversation(file, item, line_of(items, index), index)
                          for index, item in enumerate(items))
    return ConversationFile(file=file, conversations=conversations, bot=bot)


def _read_conversation(file: str, item: Any, where: int, index: int) -> Conversation:
    if not isinstance(item, dict):
        raise TestFileError(file, where, "each conversation must be a mapping with name and "
                            "steps")
    check_keys(file, item, _CONVERSATION_KEYS, "conversation")
    name = item.get("name")
    if name is None:
        name = f"conversation {index + 1}"
    elif not isinstance(name, str | int | float):
        raise TestFileError(file, line_of(item, "name"), "a conversation's name must be text")
    data = need_mapping(file, item.get("data"), line_of(item, "data"), "data")
    steps = item.get("steps")
    if not isinstance(steps, list) or not steps:
        raise TestFileError(file, line_of(item, "steps") or where,
                            f"conversation {str(name)!r}: steps must be a non-empty list")
    return Conversation(
        name=str(name), where=f"{file}:{where}", data=data,
        steps=tuple(_read_step(file, step, line_of(steps, n)) for n, step in enumerate(steps)),
    )


def _read_step(file: str, step: Any, where: int) -> Step:
    if isinstance(step, dict) and len(step) > 1:
        keys = ", ".join(f"{key}:" for key in step)
        raise TestFileError(file, where, f"a step has one key, this one has {keys} "
                            "(write each as its own list item: - user: ... then - bot: ...)")
    if not isinstance(step, dict) or len(step) != 1:
        raise TestFileError(file, where, "a step must be one of user:, bot:, expect: or wait:")
    kind, value = next(iter(step.items()))
    at = f"{file}:{where}"
    if kind == "user":
        return Step("user", read_message(file, value, where), at)
    if kind == "bot":
        if isinstance(value, str):
            return Step("bot", value, at)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Step("bot", str(value), at)  # `bot: 42` is the text "42"
        if isinstance(value, dict):
            return Step("bot", plain(value), at)
        raise TestFileError(file, where, "bot: must be a text (the exact content of a text "
                            "response) or a mapping (a partial response)")
    if kind == "expect":
        if not isinstance(value, dict):
            raise TestFileError(file, where, "expect: must be a mapping of flow, state, stack, "
                                "context, data")
        check_keys(file, value, _EXPECT_KEYS, "expect")
        for key in ("flow", "state"):
            if key in value and value[key] is not None and not isinstance(value[key], str):
                raise TestFileError(file, line_of(value, key), f"expect {key}: must be a name "
                                    "or null")
        stack = value.get("stack")
        if "stack" in value and not (isinstance(stack, list)
                                     and all(isinstance(s, str) for s in stack)):
            raise TestFileError(file, line_of(value, "stack"), "expect stack: must be a list "
                                "of flow names, most recent first")
        for key in ("context", "data"):
            if key in value:
                need_mapping(file, value[key], line_of(value, key), f"expect {key}",
                             optional=False)
        return Step("expect", plain(value), at)
    if kind == "wait":
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise TestFileError(file, where, "wait: must be a number of seconds (0 or more)")
        return Step("wait", value, at)
    raise TestFileError(file, where, f"unknown step {kind!r} (steps are "
                        f"{', '.join(_STEP_KINDS)})")
