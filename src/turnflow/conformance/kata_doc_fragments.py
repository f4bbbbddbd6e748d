"""The YAML blocks of the Kata docs (``reference/kata/extracted-yaml``, one file per block),
read as KataML fragments.

Every block that parses as YAML is a case, except the docs' test specs (``schema: .../test/...``,
read by ``turnflow test``, not bot objects). A case is *read* when the fragment reader takes
it (kind decided from its keys, every key known, every value of the right type, every
expression and template parses), else *refused* with a one-line reason (a placeholder such
as ``<name>: <Intent>``, a ``a | b`` union, a typo in the docs). Blocks libyaml cannot parse
at all (``...`` placeholders, ``//`` comments) are not cases; a block that only a lenient
parser takes (duplicate keys) is a case, refused with the YAML error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..kata.reading.files import FileReadError, parse_text
from ..kata.reading.fragments import FragmentRefused, read_fragment
from . import DataSetResult

_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def is_case(text: str) -> bool:
    """True for a block that parses as YAML (leniently) and is not a test spec."""
    try:
        value = yaml.load(text, Loader=_SafeLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError:
        return False
    schema = value.get("schema") if isinstance(value, dict) else None
    return not (isinstance(schema, str) and "/test/" in schema)


def read_block(text: str, name: str) -> str | None:
    """None when the block is read as a fragment, else the reason it is refused."""
    from ..kata.validation import expression_problems

    try:
        value = parse_text(text, name)
    except FileReadError as exc:
        problem = exc.problem
        return f"line {problem.line}: {problem.message}" if problem.line else problem.message
    try:
        read_fragment(value, name, check=expression_problems)
    except FragmentRefused as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 (a crash is counted and shown, never hidden)
        return f"CRASH {type(exc).__name__}: {exc}"
    return None


def run_doc_fragments(root: Path) -> DataSetResult:
    result = DataSetResult("kata-doc-fragments", labels=("read", "refused"))
    for path in sorted(root.rglob("*.yml")):
        text = path.read_text(encoding="utf-8")
        if not is_case(text):
            continue
        name = path.relative_to(root).as_posix()
        reason = read_block(text, name)
        result.record(reason is None, f"{name}: {reason}")
    return result
