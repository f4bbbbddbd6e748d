"""Day, month and AM/PM names in the environment's locale, as goflow writes them in dates.

goflow formats ``EEE``, ``EEEE``, ``MMM``, ``MMMM``, ``aa`` and ``AA`` with the names of the
environment's locale (its default language and country, e.g. ``spa-EC``), taken from the GNU
C Library's locale data. ``date_names.json`` holds that data (made by
``scripts/make_date_names.py`` from glibc's locale sources) for every ``language_COUNTRY``
locale glibc has.

A locale is matched as goflow matches it: the language's locale for the country if glibc
has one, else the language's locale for the country the language is most used in, else
English (US), which is also what an environment without a language gets.

>>> date_names("spa", "EC").months[0], date_names("spa", "").am_pm
('enero', ('a.\u202fm.', 'p.\u202fm.'))
>>> date_names("", "EC") is ENGLISH
True
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..iso639 import two_letter_code

if TYPE_CHECKING:
    from .environment import Environment

_TABLE = Path(__file__).with_name("date_names.json")


@dataclass(frozen=True, slots=True)
class DateNames:
    """One locale's names: days from Sunday, months from January, then AM and PM."""

    short_days: tuple[str, ...]
    days: tuple[str, ...]
    short_months: tuple[str, ...]
    months: tuple[str, ...]
    am_pm: tuple[str, str]


ENGLISH = DateNames(
    ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"),
    ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"),
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    ("January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"),
    ("AM", "PM"),
)  # fmt: skip

# the country a language's locale is for when the environment's country has none of its own:
# the region CLDR gives as the language's most likely (for the languages glibc has in several
# regions with different names)
_LIKELY_REGION = {
    "aa": "ET", "ar": "EG", "az": "AZ", "bn": "BD", "crh": "UA", "de": "DE", "en": "US",
    "es": "ES", "fr": "FR", "gez": "ET", "nds": "DE", "pa": "IN", "so": "SO", "sr": "RS",
    "ta": "IN", "ti": "ET", "ur": "PK", "zh": "CN",
}  # fmt: skip


def date_names(language: str, country: str) -> DateNames:
    """The names of the locale of an ISO 639-3 language and an ISO 3166 country."""
    if not language:
        return ENGLISH
    return _matched(language, country or "")


def env_date_names(env: Environment) -> DateNames:
    """The names of an environment's locale: its language (the contact's in a session, if
    allowed, else the default: the first allowed language) and its default country."""
    language = env.locale_language or env.default_language
    if not language and env.allowed_languages:
        language = env.allowed_languages[0]
    return date_names(language, env.default_country)


@lru_cache(maxsize=256)
def _matched(language: str, country: str) -> DateNames:
    code = two_letter_code(language) or language  # glibc names languages as BCP 47 does
    regions = _by_language().get(code)
    if not regions:
        return ENGLISH
    names = regions.get(country) or regions.get(_LIKELY_REGION.get(code, ""))
    if names is None:
        names = regions[min(regions)]  # (its regions all have the same names)
    return names


@lru_cache(maxsize=1)
def _by_language() -> dict[str, dict[str, DateNames]]:
    """language -> country -> names (locales with the same names share one object)."""
    data = json.loads(_TABLE.read_text(encoding="utf-8"))
    fields = data["fields"]
    sets = []
    for row in data["names"]:
        values = dict(zip(fields, row, strict=True))
        am_pm = values["am_pm"]
        sets.append(DateNames(
            tuple(values["short_days"]), tuple(values["days"]), tuple(values["short_months"]),
            tuple(values["months"]),
            # goflow's default for the locales that have no AM/PM names
            (am_pm[0], am_pm[1]) if am_pm[0] else ENGLISH.am_pm,
        ))  # fmt: skip
    by_language: dict[str, dict[str, DateNames]] = {}
    for code, index in data["locales"].items():
        language, country = code.split("_")
        by_language.setdefault(language, {})[country] = sets[index]
    return by_language
