"""Write src/turnflow/expressions/date_names.json from the GNU C Library's locale sources.

goflow names days, months and AM/PM in the environment's locale (``EEE``, ``EEEE``, ``MMM``,
``MMMM``, ``aa``, ``AA`` in date layouts) from glibc's LC_TIME data (``abday``, ``day``,
``abmon``, ``mon``, ``am_pm``). This script reads that data from glibc's own locale source
files (``localedata/locales`` in a glibc checkout, or Debian's ``/usr/share/i18n/locales``;
glibc claims no copyright in them) and writes the table turnflow ships:

    .venv/bin/python scripts/make_date_names.py LOCALES_DIR

The table keeps each distinct set of names once and maps every locale (``es_EC``) to one. Run
it again with a newer glibc's sources to follow glibc; goflow's table (gocommon 1.93) was
made from the sources of glibc as of April 2025.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "src/turnflow/expressions/date_names.json"
# glibc's keyword -> the table's field, and how many values it has
KEYWORDS = {
    "abday": ("short_days", 7),
    "day": ("days", 7),
    "abmon": ("short_months", 12),
    "mon": ("months", 12),
    "am_pm": ("am_pm", 2),
}
_SYMBOL = re.compile(r"<U([0-9A-Fa-f]{4,8})>")


class LocaleSourceError(Exception):
    pass


def logical_lines(text: str) -> tuple[list[str], str]:
    """The file's lines with comments dropped and continued lines joined; its escape char."""
    comment, escape = "%", "/"
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not pending:
            if stripped.startswith("comment_char"):
                comment = stripped.split()[1]
                continue
            if stripped.startswith("escape_char"):
                escape = stripped.split()[1]
                continue
            if not stripped or stripped.startswith(comment):
                continue
        elif stripped.startswith(comment):  # a comment inside a continued line
            continue
        if stripped.endswith(escape) and not stripped.endswith(escape * 2):
            pending += stripped[:-1]
            continue
        lines.append(pending + stripped)
        pending = ""
    if pending:
        lines.append(pending)
    return lines, escape


def strings(value: str, escape: str) -> list[str]:
    """The quoted strings of a keyword's value ("a";"b";...), symbols and escapes resolved."""
    out: list[str] = []
    index = 0
    while index < len(value):
        start = value.find('"', index)
        if start < 0:
            break
        chars: list[str] = []
        index = start + 1
        while index < len(value) and value[index] != '"':
            if value[index] == escape and index + 1 < len(value):
                chars.append(value[index + 1])
                index += 2
                continue
            chars.append(value[index])
            index += 1
        out.append(_SYMBOL.sub(lambda m: chr(int(m.group(1), 16)), "".join(chars)))
        index += 1
    return out


def read_lc_time(path: Path) -> tuple[dict[str, list[str]], str | None]:
    """A locale file's LC_TIME names (the keywords it sets) and the locale it copies, if any."""
    lines, escape = logical_lines(path.read_text(encoding="utf-8"))
    names: dict[str, list[str]] = {}
    copied: str | None = None
    inside = False
    for line in lines:
        if line.split() == ["LC_TIME"]:
            inside = True
            continue
        if not inside:
            continue
        if line.split()[:2] == ["END", "LC_TIME"]:
            break
        keyword, _, value = line.replace("\t", " ").partition(" ")
        if keyword == "copy":
            copied = strings(value, escape)[0]
        elif keyword in KEYWORDS:
            field, count = KEYWORDS[keyword]
            values = strings(value, escape)
            if len(values) != count:
                raise LocaleSourceError(f"{path.name}: {keyword} has {len(values)} values")
            names[field] = values
    return names, copied


def locale_names(directory: Path, code: str, seen: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """A locale's LC_TIME names, following ``copy`` (its own keywords override the copy's)."""
    if code in seen:
        raise LocaleSourceError(f"{code}: copies itself through {' -> '.join(seen)}")
    names, copied = read_lc_time(directory / code)
    if copied is not None:
        return {**locale_names(directory, copied, (*seen, code)), **names}
    return names


def build(directory: Path) -> dict[str, object]:
    sets: list[list[list[str]]] = []
    index_of: dict[str, int] = {}
    locales: dict[str, int] = {}
    fields = [field for field, _ in KEYWORDS.values()]
    for path in sorted(directory.iterdir()):
        code = path.name
        if not re.fullmatch(r"[a-z]{2,3}_[A-Z]{2}", code):
            continue  # (as goflow: language_COUNTRY only; not C, POSIX, eo, sr_RS@latin...)
        if "LC_TIME" not in path.read_text(encoding="utf-8"):
            continue
        names = locale_names(directory, code)
        if not all(field in names for field in fields if field != "am_pm"):
            continue
        names.setdefault("am_pm", ["", ""])
        row = [names[field] for field in fields]
        key = json.dumps(row, ensure_ascii=False)
        if key not in index_of:
            index_of[key] = len(sets)
            sets.append(row)
        locales[code] = index_of[key]
    return {"fields": fields, "names": sets, "locales": locales}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("locales", type=Path, help="glibc's localedata/locales directory")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    try:
        table = build(args.locales)
    except (OSError, LocaleSourceError, IndexError) as exc:
        sys.exit(f"make_date_names: {exc}")
    args.output.write_text(
        json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(f"{len(table['locales'])} locales, {len(table['names'])} sets of names -> {args.output}")


if __name__ == "__main__":
    main()
