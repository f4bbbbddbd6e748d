"""Day, month and AM/PM names in the environment's locale (goflow's localized date layouts).

goflow writes ``EEE``, ``EEEE``, ``MMM``, ``MMMM``, ``AA`` and ``aa`` in the language and
country of the environment (a session's: the contact's language when the environment allows
it), from the GNU C Library's locale data; an environment without a language writes English.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from turnflow.expressions import evaluate_template
from turnflow.expressions.date_names import _LIKELY_REGION, ENGLISH, _by_language, date_names
from turnflow.expressions.dates import DATETIME, format_layout
from turnflow.expressions.environment import Environment

ROOT = Path(__file__).resolve().parents[1]
LAYOUT = "EEE EEEE MMM MMMM AA aa"
MONDAY = dt.datetime(2006, 1, 2, 15, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
SATURDAY_MORNING = dt.datetime(1998, 4, 18, 9, 45, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(("locale", "value", "expected"), [
    # goflow: English for an English locale
    ("eng-US", MONDAY, "Mon Monday Jan January PM pm"),
    ("eng-US", SATURDAY_MORNING, "Sat Saturday Apr April AM am"),
    # Ecuadorian Spanish has no AM/PM names of its own: goflow writes AM and PM
    ("spa-EC", MONDAY, "lun lunes ene enero PM pm"),
    ("spa-EC", SATURDAY_MORNING, "sáb sábado abr abril AM am"),
    # Spanish without a country is Spain's, whose AM/PM are "a. m." and "p. m."
    ("spa", MONDAY, "lun lunes ene enero P.\u202fM. p.\u202fm."),
    ("ara-QA", MONDAY, "ن الاثنين ينا يناير م م"),
    # Russian months are written in the genitive ("января"), as glibc's mon has them
    ("rus", SATURDAY_MORNING, "Сб Суббота апр апреля AM am"),
    # Tigrinya without a country is Ethiopia's (Eritrea's has other month names)
    ("tir", MONDAY, "ሰኑይ ሰኑይ ጃንዩ ጃንዩወሪ ድሕር ሰዓት ድሕር ሰዓት"),
])  # fmt: skip
def test_a_layout_names_days_months_and_am_pm_in_the_locale(locale, value, expected):
    language, _, country = locale.partition("-")
    assert format_layout(value, LAYOUT, DATETIME, date_names(language, country)) == expected


def test_locales_are_matched_by_language_then_country():
    # a country glibc has no locale of the language for: the language's usual country
    assert date_names("spa", "RW") is date_names("spa", "ES")
    assert date_names("eng", "RW") is date_names("eng", "US")
    # a language with no two-letter code is looked up by its own code
    assert date_names("fil", "PH").months[0] == "Enero"
    # a language glibc has no locale for, or no language at all: English
    assert date_names("xyz", "US") is ENGLISH
    assert date_names("", "EC") is ENGLISH
    assert date_names("kin", "RW").months[0] != "January"  # Kinyarwanda is rw_RW


def test_every_language_with_regional_names_has_a_usual_country():
    for language, regions in _by_language().items():
        if len({id(names) for names in regions.values()}) > 1:
            assert _LIKELY_REGION.get(language) in regions, language


def test_excellent_formats_dates_in_the_environments_language_and_country():
    env = Environment(allowed_languages=("spa", "eng"), default_country="EC")
    result = evaluate_template('@(format_date("2006-01-02", "EEEE D MMMM YYYY"))', env=env)
    assert result.text == "lunes 2 enero 2006"
    # a session's contact language (where allowed) comes first
    env = Environment(allowed_languages=("spa", "fra"), locale_language="fra")
    result = evaluate_template('@(format_datetime("2006-01-02T15:04:05Z", "EEEE MMMM"))', env=env)
    assert result.text == "lundi janvier"
    # no language: English
    result = evaluate_template('@(format_date("2006-01-02", "EEE MMM"))', env=Environment())
    assert result.text == "Mon Jan"


# -- the table's generator, on locale sources of its own ----------------------------------------

_SPANISH_LIKE = """comment_char %
escape_char /
% a comment
LC_TIME
abday   "dom";"lun";"mar";"mi<U00E9>";/
        "jue";"vie";"s<U00E1>b"
day     "domingo";"lunes";"martes";"mi<U00E9>rcoles";"jueves";"viernes";"s<U00E1>bado"
abmon   "ene";"feb";"mar";"abr";"may";"jun";"jul";"ago";"sep";"oct";"nov";"dic"
mon     "enero";"febrero";"marzo";"abril";"mayo";"junio";/
% a comment inside a continued value
        "julio";"agosto";"septiembre";"octubre";"noviembre";"diciembre"
am_pm   "a. m.";"p. m."
d_fmt   "%d//%m//%y"
END LC_TIME
"""

_COPYING = """comment_char #
escape_char \\
LC_TIME
copy "xx_AA"
am_pm\t"";""
END LC_TIME
"""


def _generate(tmp_path: Path, files: dict[str, str]) -> subprocess.CompletedProcess[str]:
    sources = tmp_path / "locales"
    sources.mkdir()
    for name, text in files.items():
        (sources / name).write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts/make_date_names.py"), str(sources),
         "--output", str(tmp_path / "out.json")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_the_generator_reads_glibc_locale_sources(tmp_path):
    done = _generate(tmp_path, {
        "xx_AA": _SPANISH_LIKE, "xx_BB": _COPYING, "xx_CC@variant": _SPANISH_LIKE,
        "translit_none": "LC_CTYPE\nEND LC_CTYPE\n",
    })  # fmt: skip
    assert done.returncode == 0, done.stderr
    table = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert sorted(table["locales"]) == ["xx_AA", "xx_BB"]  # variants and non-locales left out
    rows = {code: dict(zip(table["fields"], table["names"][index], strict=True))
            for code, index in table["locales"].items()}  # fmt: skip
    assert rows["xx_AA"]["short_days"][3] == "mié"
    assert rows["xx_AA"]["months"][6:8] == ["julio", "agosto"]
    assert rows["xx_AA"]["am_pm"] == ["a. m.", "p. m."]
    # a copy takes the copied locale's names; its own keywords override them
    assert rows["xx_BB"]["days"] == rows["xx_AA"]["days"]
    assert rows["xx_BB"]["am_pm"] == ["", ""]


def test_the_generator_refuses_a_broken_source_in_one_line(tmp_path):
    broken = _SPANISH_LIKE.replace('"jue";"vie";', "")
    done = _generate(tmp_path, {"xx_AA": broken})
    assert done.returncode != 0
    assert done.stderr.strip() == "make_date_names: xx_AA: abday has 5 values"
    looping = tmp_path / "looping"
    looping.mkdir()
    done = _generate(looping, {"xx_BB": _COPYING.replace("xx_AA", "xx_BB")})
    assert done.returncode != 0
    assert done.stderr.strip() == "make_date_names: xx_BB: copies itself through xx_BB"


def test_module_examples():
    import doctest

    from turnflow.expressions import date_names as module

    assert doctest.testmod(module).failed == 0


# -- in a session: the contact's language, where the environment allows it ------------------------

_FLOW = {
    "uuid": "6b3c4f56-9d0e-4f6a-8c51-2f1d0e6a7b10", "name": "Dates", "language": "eng",
    "type": "messaging", "spec_version": "14.4.2", "revision": 1,
    "nodes": [{
        "uuid": "0c5f2d1e-3b4a-4c6d-9e8f-7a6b5c4d3e21",
        "actions": [{
            "uuid": "8e7d6c5b-4a39-4281-b7c6-d5e4f3a2b190", "type": "send_msg",
            "text": '@(format_date("2006-01-02", "EEEE D MMMM"))',
        }],
        "exits": [{"uuid": "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"}],
    }],
}  # fmt: skip


def _sent_text(contact_language: str, allowed: tuple[str, ...]) -> str:
    from turnflow.goflow.assets import Assets
    from turnflow.goflow.engine import GoflowEngine
    from turnflow.testing.goflow_runner import read_contact

    assets = Assets.from_json({"flows": [_FLOW]})
    engine = GoflowEngine(assets)
    engine.env.allowed_languages = allowed
    engine.env.default_country = "EC"
    contact = read_contact(
        {"uuid": "5d3c2b1a-0f9e-4d8c-b7a6-958473625140", "name": "Ana",
         "language": contact_language, "created_on": "2025-01-01T00:00:00Z"},
        assets,
    )  # fmt: skip
    trigger = {"type": "manual", "flow": {"uuid": _FLOW["uuid"], "name": "Dates"},
               "triggered_on": "2025-01-01T00:00:00Z"}  # fmt: skip
    _, sprint = engine.start(contact, trigger)
    return next(e["msg"]["text"] for e in sprint.events if e["type"] == "msg_created")


def test_a_session_names_dates_in_the_contacts_language_if_allowed():
    # goflow's merged environment: the contact's language when it is allowed, else the
    # environment's default (its first allowed language); the country is the session's
    assert _sent_text("spa", ("eng", "spa")) == "lunes 2 enero"
    assert _sent_text("fra", ("eng", "spa")) == "Monday 2 January"
    assert _sent_text("fra", ("spa", "eng")) == "lunes 2 enero"
    assert _sent_text("", ()) == "Monday 2 January"
