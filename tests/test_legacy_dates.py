"""Month-name dates, read only when an environment asks for the legacy engine's behaviour."""

from __future__ import annotations

import datetime as dt

import pytest

from turnflow.expressions import evaluate_template
from turnflow.expressions.legacy_dates import find_named_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28th May 2081", dt.date(2081, 5, 28)),
        ("sorry I meant 28th May 1981", dt.date(1981, 5, 28)),
        ("FEV-28-1990", dt.date(1990, 2, 28)),
        ("1981 May 28", dt.date(1981, 5, 28)),
        ("May 28, 81", dt.date(1981, 5, 28)),
        ("le 3 février 2020", dt.date(2020, 2, 3)),
        ("12 diciembre 99", dt.date(1999, 12, 12)),
        ("long time ago", None),
        ("I may come 12 times", None),
        ("31 February 2020", None),
    ],
)
def test_find_named_date(text, expected):
    assert find_named_date(text, 2015) == expected


def test_only_with_legacy_dates(env):
    template = '@(has_date("born 28th May 1981"))'
    assert evaluate_template(template, None, env).text == "false"  # goflow: numeric dates only
    env.legacy_dates = True
    assert evaluate_template(template, None, env).text == "true"
    assert evaluate_template('@(has_date("born 28/05/1981"))', None, env).text == "true"


def test_a_legacy_date_match_is_the_date_in_the_environments_format(env):
    template = '@(has_date("born 28/05/1981 at 10:30").match)'
    assert evaluate_template(template, None, env).text.startswith("1981-05-28T10:30:00")
    env.legacy_dates = True
    assert evaluate_template(template, None, env).text == "28-05-1981"
    assert evaluate_template('@(has_date_lt("28th May 2081", "2020-01-01"))', None,
                             env).text == "false"
