"""Write src/turnflow/expressions/confusables.json from Unicode's confusables.txt.

goflow's ``confusables`` input collation compares inputs by their Unicode skeleton (UTS #39):
each character that looks like another is replaced by the one it looks like, as Unicode's
``confusables.txt`` maps them. goflow (gocommon 1.93) uses version 8.0.0 of that file; this
script turns a copy of it (https://www.unicode.org/Public/security/8.0.0/confusables.txt) into
the table turnflow ships:

    .venv/bin/python scripts/make_confusables.py confusables.txt
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "src/turnflow/expressions/confusables.json"
# "source ; target code points ; type # comment"
_LINE = re.compile(r"^([0-9A-Fa-f]{4,8})\s*;\s*((?:[0-9A-Fa-f]{4,8}\s+)+);\s*(\w+)")
_VERSION = re.compile(r"^#\s*Version:\s*(\S+)")


def read(path: Path) -> tuple[str, dict[str, str]]:
    """The file's version and its mappings (source character -> what it looks like)."""
    version = ""
    mapping: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            found = _VERSION.match(line)
            if found and not version:
                version = found.group(1)
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"{path.name}:{number}: not a mapping: {line[:60]!r}")
        target = "".join(chr(int(code, 16)) for code in match.group(2).split())
        mapping[chr(int(match.group(1), 16))] = target
    if not mapping:
        raise ValueError(f"{path.name}: no mappings")
    return version, mapping


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("confusables", type=Path, help="Unicode's confusables.txt")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    try:
        version, mapping = read(args.confusables)
    except (OSError, ValueError) as exc:
        sys.exit(f"make_confusables: {exc}")
    table = {"version": version, "mapping": mapping}
    args.output.write_text(
        json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(f"confusables {version}: {len(mapping)} mappings -> {args.output}")


if __name__ == "__main__":
    main()
