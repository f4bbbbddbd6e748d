"""Word tokenisation (goflow's TokenizeString / TokenizeStringByChars)."""

import pytest

from turnflow.expressions.words import extract_words, tokenize, tokenize_by_chars, tokenize_spans


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (" one ", ["one"]),
        ("one   two three", ["one", "two", "three"]),
        ("one.two.three", ["one", "two", "three"]),
        ("O'Grady can't foo_bar", ["O'Grady", "can't", "foo_bar"]),
        ("öne.βήταa.thé", ["öne", "βήταa", "thé"]),
        ("واحد اثنين ثلاثة", ["واحد", "اثنين", "ثلاثة"]),
        ("  \t\none(two!*@three ", ["one", "two", "three"]),
        ("spend$£€₠₣₪", ["spend", "$", "£", "€", "₠", "₣", "₪"]),
        ("math+=×÷√∊", ["math", "+", "=", "×", "÷", "√", "∊"]),
        ("emoji😄🏥👪👰😟🧟", ["emoji", "😄", "🏥", "👪", "👰", "😟", "🧟"]),
        ("👍🏿 👨🏼", ["👍", "🏿", "👨", "🏼"]),
        ("ℹ ℹ️", ["ℹ", "ℹ️"]),
        ("ยกเลิก sasa", ["ยกเลิก", "sasa"]),
        ("বাতিল sasa", ["বাতিল", "sasa"]),
        ("ထွက်သွား sasa", ["ထွက်သွား", "sasa"]),
        ("我是中国人 ok", ["我是中国人", "ok"]),
        ("", []),
        ("😀😃😄😁", ["😀", "😃", "😄", "😁"]),
    ],
)
def test_tokenize(text, words):
    assert tokenize(text) == words


def test_tokenize_spans_match_words():
    text = "Hi there. I'm 😀 a flow!"
    spans = tokenize_spans(text)
    assert [text[a:b] for a, b in spans] == tokenize(text)


@pytest.mark.parametrize(
    ("text", "chars", "words"),
    [
        ("one   two three", " ", ["one", "two", "three"]),
        ("Jim O'Grady", " ", ["Jim", "O'Grady"]),
        ("one.βήταa/three", "./", ["one", "βήταa", "three"]),
        ("one😄three", "😄", ["one", "three"]),
        ("  one.two.*@three ", " .*@", ["one", "two", "three"]),
        (" one ", " ", ["one"]),
        ("abc", "", ["abc"]),
        ("", ",", []),
    ],
)
def test_tokenize_by_chars(text, chars, words):
    assert tokenize_by_chars(text, chars) == words


def test_extract_words():
    assert extract_words("bee.*cat,dog", ".*=|") == ["bee", "cat,dog"]
    assert extract_words("bee.*cat,dog", "") == ["bee", "cat", "dog"]
