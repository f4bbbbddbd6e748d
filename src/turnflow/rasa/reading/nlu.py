"""Reading Rasa NLU files (a YAML file with a top-level ``nlu`` key): each intent's examples,
and the synonyms, regexes and lookup tables kept as written."""

from __future__ import annotations

import re
from typing import Any

from ..domain import Location
from ..nlu import NluData, NluExample
from ..problems import Problems
from .shape import line_in, line_of_node, shown

# `[text](entity)`, `[text](entity:value)`, `[text]{"entity": ...}`
_ENTITY = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
_KINDS = {"synonym": "synonyms", "regex": "regexes", "lookup": "lookups"}


def plain_text(example: str) -> str:
    return _ENTITY.sub(r"\1", example)


def _example_lines(value: Any) -> list[str]:
    """The examples of a block: `- ...` lines of a string, or a list of strings / `text:`."""
    if isinstance(value, str):
        return [line.strip()[1:].strip() for line in value.splitlines()
                if line.strip().startswith("-")]
    if isinstance(value, list):
        return [item["text"] if isinstance(item, dict) else str(item) for item in value
                if not isinstance(item, dict) or isinstance(item.get("text"), str)]
    return []


def read_nlu_data(data: Any, file: str, nlu: NluData, problems: Problems) -> None:
    """Adds what one NLU file holds to ``nlu``."""
    items = data.get("nlu") if isinstance(data, dict) else None
    if items is None:
        return
    if not isinstance(items, list):
        problems.error(file, line_in(data, "nlu"), f"`nlu` must be a list, not {shown(items)}")
        return
    for position, item in enumerate(items):
        line = line_in(items, position)
        if not isinstance(item, dict):
            problems.error(file, line, f"an `nlu` item is a mapping, not {shown(item)}")
            continue
        kind = next((k for k in ("intent", *_KINDS) if k in item), None)
        if kind is None or not isinstance(item[kind], str):
            problems.error(file, line, "an `nlu` item needs `intent`, `synonym`, `regex` "
                           "or `lookup` with a name")
            continue
        name = item[kind]
        block = item.get("examples")
        examples = _example_lines(block)
        if kind == "intent":
            first = line_of_node(block) or line_in(item, "examples")
            found = nlu.intents.setdefault(name, [])
            for offset, raw in enumerate(examples):
                # (a `|` block starts on the line after `examples:`)
                where = Location(file, first + offset + 1 if isinstance(block, str) else first)
                found.append(NluExample(plain_text(raw), raw, where))
        else:
            getattr(nlu, _KINDS[kind]).setdefault(name, []).extend(examples)
