"""Number parsing, rounding and formatting with goflow's semantics."""

from __future__ import annotations

from decimal import Decimal

import pytest

from turnflow.expressions.environment import Environment
from turnflow.expressions.numbers import (
    divide,
    find_numbers,
    format_number,
    from_float,
    in_range,
    parse_decimal,
    parse_decimal_fuzzy,
    round_down,
    round_half_up,
    round_up,
)

ENV = Environment()
EURO = Environment(number_decimal=",", number_grouping=".")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123", "123"),
        ("  15.4  ", "15.4"),
        ("-1.50", "-1.50"),
        (".5", "0.5"),
        ("-.5", "-0.5"),
        ("1e5", None),
        ("+5", None),
        ("5.", None),
        ("1,234", None),
        ("", None),
        ("abc", None),
        ("1" * 37, None),  # too many significant digits
        ("1" + "0" * 101, None),  # too large
        ("1" * 36, "1" * 36),
    ],
)
def test_parse_decimal_is_strict(text: str, expected: str | None) -> None:
    result = parse_decimal(ENV, text)
    assert result == (Decimal(expected) if expected is not None else None)


def test_parse_decimal_fuzzy_uses_number_format_and_any_digits() -> None:
    assert parse_decimal_fuzzy(ENV, "1,234.5") == Decimal("1234.5")
    assert parse_decimal_fuzzy(EURO, "1.234,5") == Decimal("1234.5")
    assert parse_decimal_fuzzy(ENV, "٤٢") == Decimal(42)
    assert parse_decimal_fuzzy(ENV, "+5") == Decimal(5)
    assert parse_decimal_fuzzy(ENV, "1e3") == Decimal(1000)
    assert parse_decimal_fuzzy(ENV, "5.") == Decimal(5)
    assert parse_decimal_fuzzy(ENV, "abc") is None
    assert parse_decimal_fuzzy(ENV, ".") is None


def test_find_numbers() -> None:
    assert find_numbers(ENV, "the number is 42") == [Decimal(42)]
    assert find_numbers(ENV, "العدد ٤٢") == [Decimal(42)]
    assert find_numbers(ENV, "costs 1,234.50 or .5 each") == [Decimal("1234.50"), Decimal("0.5")]
    assert find_numbers(ENV, "forty two") == []


def test_in_range() -> None:
    assert in_range(Decimal("1e100"))
    assert not in_range(Decimal("1e101"))
    assert in_range(Decimal("1" + "0" * 50))  # trailing zeros aren't significant
    assert not in_range(Decimal("NaN"))


@pytest.mark.parametrize(
    ("number", "places", "rounded", "up", "down"),
    [
        ("12", 0, "12", "12", "12"),
        ("12.141", 0, "12", "13", "12"),
        ("12.6", 0, "13", "13", "12"),
        ("12.141", 2, "12.14", "12.15", "12.14"),
        ("12.146", 2, "12.15", "12.15", "12.14"),
        ("12.146", -1, "1E+1", "2E+1", "1E+1"),
        ("2.5", 0, "3", "3", "2"),
        ("-2.5", 0, "-3", "-2", "-3"),
        ("-12.6", 0, "-13", "-12", "-13"),
    ],
)
def test_rounding(number: str, places: int, rounded: str, up: str, down: str) -> None:
    value = Decimal(number)
    assert round_half_up(value, places) == Decimal(rounded)
    assert round_up(value, places) == Decimal(up)
    assert round_down(value, places) == Decimal(down)


def test_rounding_extreme_places() -> None:
    assert round_half_up(Decimal("1.5"), 1000) == Decimal("1.5")
    assert round_half_up(Decimal("1.5"), -1000) == 0


def test_divide_keeps_16_places() -> None:
    assert divide(Decimal(1), Decimal(3)) == Decimal("0.3333333333333333")
    assert divide(Decimal(2), Decimal(3)) == Decimal("0.6666666666666667")
    assert divide(Decimal(3), Decimal(2)) == Decimal("1.5")


def test_from_float_is_shortest() -> None:
    assert str(from_float(0.774856886849196)) == "0.774856886849196"
    assert from_float(1e-05) == Decimal("0.00001")


@pytest.mark.parametrize(
    ("number", "places", "group", "expected"),
    [
        ("1", 2, True, "1.00"),
        ("1234", 2, True, "1,234.00"),
        ("123456789", 2, True, "123,456,789.00"),
        ("1234.9876", 0, True, "1,235"),
        ("1234.500", -1, True, "1,234.5"),
        ("1234", 0, False, "1234"),
        ("1234.567", 2, False, "1234.57"),
        ("-123", -1, True, "-123"),  # the sign is not a digit when grouping
        ("-1234", -1, True, "-1,234"),
        ("-123456.789", 2, True, "-123,456.79"),
        ("-1234", -1, True, "-1,234"),
        ("-0.001", 2, True, "0.00"),
    ],
)
def test_format_number(number: str, places: int, group: bool, expected: str) -> None:
    assert format_number(ENV, Decimal(number), places, group) == expected


def test_format_number_custom_symbols() -> None:
    assert format_number(EURO, Decimal("1234.567"), 2) == "1.234,57"
