"""Dates written with month names ("28th May 1981", "FEV-28-1990"), as RapidPro's legacy
engine read them.

goflow only finds numeric dates in text. RapidPro's legacy Python engine also understood
month names and abbreviations in several languages and ordinal days, and flows written for it
(and its transcript tests) rely on that. turnflow keeps goflow's behaviour by default; an
environment with ``legacy_dates=True`` also tries this reader when no numeric date is found.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_MONTHS: dict[str, int] = {}


def _add(month: int, *names: str) -> None:
    for name in names:
        _MONTHS[name] = month


# English, French, Spanish and Portuguese names with their usual abbreviations
_add(1, "january", "jan", "janvier", "janv", "enero", "ene", "janeiro")
_add(2, "february", "feb", "fevrier", "fev", "fevr", "febrero", "fevereiro")
_add(3, "march", "mar", "mars", "marzo", "marco")
_add(4, "april", "apr", "avril", "avr", "abril", "abr")
_add(5, "may", "mai", "mayo", "maio")
_add(6, "june", "jun", "juin", "junio", "junho")
_add(7, "july", "jul", "juillet", "juil", "julio", "julho")
_add(8, "august", "aug", "aout", "agosto", "ago")
_add(9, "september", "sep", "sept", "septembre", "septiembre", "setembro", "set")
_add(10, "october", "oct", "octobre", "octubre", "outubro", "out")
_add(11, "november", "nov", "novembre", "noviembre", "novembro")
_add(12, "december", "dec", "decembre", "diciembre", "dic", "dezembro", "dez")

_TOKEN = re.compile(r"(\d+)(?:st|nd|rd|th|er|e|eme|o|a)?\b|([^\W\d_]+)", re.IGNORECASE)


def _plain(word: str) -> str:
    """Lower case without accents: "Février" -> "fevrier"."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _year(text: str, current_year: int) -> int | None:
    if len(text) == 4:
        return int(text)
    if len(text) == 2:
        year = int(text)
        return year + (1900 if year > current_year % 100 else 2000)
    return None


def find_named_date(text: str, current_year: int) -> dt.date | None:
    """The first day / month-name / year triple in the text, in any order a person writes
    one (``28 May 1981``, ``May 28 1981``, ``1981 May 28``, ``FEV-28-1990``), or None."""
    tokens: list[tuple[str, str]] = []  # ("n", digits), ("m", month number) or ("w", "")
    for match in _TOKEN.finditer(text):
        if match.group(1):
            tokens.append(("n", match.group(1)))
        else:
            month = _MONTHS.get(_plain(match.group(2)))
            tokens.append(("m", str(month)) if month else ("w", ""))
    for i in range(len(tokens) - 2):
        kinds = "".join(kind for kind, _ in tokens[i : i + 3])
        first, second, third = (value for _, value in tokens[i : i + 3])
        if kinds == "nmn" and len(first) == 4:  # 1981 May 28
            year, month, day = _year(first, current_year), int(second), int(third)
        elif kinds == "nmn":  # 28 May 1981
            day, month, year = int(first), int(second), _year(third, current_year)
        elif kinds == "mnn":  # May 28 1981
            month, day, year = int(first), int(second), _year(third, current_year)
        else:
            continue
        if year is None or not 1 <= day <= 31:
            continue
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return None
