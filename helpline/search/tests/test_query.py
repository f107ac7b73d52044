"""The query parser alone: pure, no database."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpline.lib.errors import Invalid
from helpline.search.query import (
    ALL,
    NOTHING,
    And,
    Bound,
    Not,
    Or,
    Range,
    Relative,
    Term,
    Text,
    parse,
)

FIELDS = {
    "state": "keyword",
    "tag": "keyword",
    "number": "keyword",
    "title": "text",
    "created_at": "date",
    "article_count": "number",
}
ALIASES = {"state.name": "state", "tags": "tag"}


def p(query: str):
    return parse(query, FIELDS, ALIASES)


def error(query: str) -> str:
    with pytest.raises(Invalid) as err:
        p(query)
    assert (err.value.code, err.value.field) == ("search.syntax", "query")
    return err.value.message


def test_words_are_anded_and_the_last_is_a_prefix():
    assert p("printer ton") == And((Text("printer"), Text("ton", prefix=True)))


def test_one_letter_is_never_a_prefix():
    assert p("printer a") == And((Text("printer"), Text("a")))
    assert p("a*") == Text("a")


def test_explicit_prefix_and_wildcards_around_a_word():
    assert p("prin* toner") == And((Text("prin", prefix=True), Text("toner", prefix=True)))
    assert p("*zammad*") == Text("zammad", prefix=True)


def test_phrases():
    assert p('"paper is stuck" tray') == And(
        (Text("paper is stuck", phrase=True), Text("tray", prefix=True))
    )
    assert p(r'"say \"hi\""') == Text('say "hi"', phrase=True)


def test_boolean_operators_and_precedence():
    a, b, c = Text("aa"), Text("bb"), Text("cc", prefix=True)
    assert p("aa OR bb cc") == Or((a, And((b, c))))
    assert p("aa AND bb OR cc") == Or((And((a, b)), c))
    assert p("(aa OR bb) cc") == And((Or((a, b)), c))
    assert p("aa && bb || cc") == Or((And((a, b)), c))
    assert p("NOT aa bb") == And((Not(a), Text("bb", prefix=True)))
    assert p("NOT (aa OR bb)") == Not(Or((a, Text("bb", prefix=True))))


def test_negation_shorthands():
    assert p("aa -bb") == And((Text("aa"), Not(Text("bb"))))
    assert p("aa !bb") == And((Text("aa"), Not(Text("bb"))))
    assert p("aa ! bb") == And((Text("aa"), Not(Text("bb"))))
    assert p("!(aa)") == Not(Text("aa", prefix=True))
    assert p("NOT NOT aa") == Text("aa")
    assert p("+aa") == Text("aa", prefix=True)


def test_lower_case_operators_are_words():
    assert p("cats and dogs") == And((Text("cats"), Text("and"), Text("dogs", prefix=True)))


def test_keyword_fields_with_aliases_and_groups():
    assert p("state:open") == Term("state", "open")
    assert p("State.Name: open") == Term("state", "open")
    assert p('state:"pending reminder"') == Term("state", "pending reminder")
    assert p("state:pending*") == Term("state", "pending", prefix=True)
    assert p("tags:(aa OR bb)") == Or((Term("tag", "aa"), Term("tag", "bb")))
    assert p("tag:(aa bb)") == And((Term("tag", "aa"), Term("tag", "bb")))
    assert p("state:!closed") == Not(Term("state", "closed"))
    assert p("state:*") == ALL
    assert p("number:45*") == Term("number", "45", prefix=True)


def test_text_fields_search_one_column():
    assert p("title:printer") == Text("printer", column="title")
    assert p('title:"toner low"') == Text("toner low", phrase=True, column="title")
    assert p("title:prin*") == Text("prin", prefix=True, column="title")
    assert p('title:"--"') == NOTHING


def test_numbers():
    assert p("article_count:5") == Term("article_count", 5)
    assert p("article_count:[5 TO 10]") == Range("article_count", Bound(5, True), Bound(10, True))
    assert p("article_count:[* TO 5}") == Range("article_count", None, Bound(5, False))
    assert p("article_count:>=3") == Range("article_count", Bound(3, True), None)
    assert p("article_count:< 3") == Range("article_count", None, Bound(3, False))


def test_dates():
    day = date(2024, 1, 1)
    assert p("created_at:2024-01-01") == Range("created_at", Bound(day, True), Bound(day, True))
    assert p("created_at:[2024-01-01 TO 2024-02-01]") == Range(
        "created_at", Bound(day, True), Bound(date(2024, 2, 1), True)
    )
    assert p("created_at:{2024-01-01 TO *]") == Range("created_at", Bound(day, False), None)
    assert p("created_at:>2024-01-01") == Range("created_at", Bound(day, False), None)
    assert p("created_at:<=2024-01-01") == Range("created_at", None, Bound(day, True))
    assert p("created_at:>now-2h") == Range("created_at", Bound(Relative(7200), False), None)
    assert p("created_at:<now") == Range("created_at", None, Bound(Relative(0), False))
    assert p("created_at:>=2024-01-01T10:30") == Range(
        "created_at", Bound(datetime(2024, 1, 1, 10, 30), True), None
    )


def test_empty_star_and_punctuation():
    assert p("") == ALL
    assert p("   ") == ALL
    assert p("*") == ALL
    assert p("--- ...") == ALL
    assert p('""') == ALL
    assert p("aa OR *") == ALL
    assert p("NOT *") == NOTHING


def test_colons_inside_words_that_are_not_fields():
    assert p("10:30 crash") == And((Text("10:30"), Text("crash", prefix=True)))
    assert p('"error: disk full"') == Text("error: disk full", phrase=True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("aa AND", '"AND" at position 4 needs a term after it.'),
        ("AND aa", '"AND" at position 1 needs a term before it.'),
        ("aa OR OR bb", '"OR" at position 4 needs a term after it.'),
        ("NOT", '"NOT" at position 1 needs a term after it.'),
        ("(aa", 'The "(" at position 1 is never closed.'),
        ("aa)", 'The ")" at position 3 has no matching "(".'),
        ("()", "The parentheses at position 1 are empty."),
        ('"aa', "The quote at position 1 is never closed."),
        ("state:", '"state:" at position 1 needs a value.'),
        ("state: AND aa", '"state:" at position 1 needs a value.'),
        ("state:(tag:aa)", 'The field "tag" at position 8 is inside the value of "state"'),
        ("state:>aa", '"state" at position 7 cannot be compared or take a range'),
        ("title:[a TO b]", '"title" at position 7 cannot be compared or take a range'),
        ("created_at:[2024-01-01 2024-02-01]", "The range at position 12 should look like"),
        ("created_at:[2024-01-01 TO", 'The range at position 12 is never closed with "]".'),
        ("created_at:yesterday", 'created_at: "yesterday" at position 12 is not a date'),
        ("created_at:>2024-1-1", 'created_at: "2024-1-1" at position 13 is not a date'),
        ("created_at:>now-99999999w", 'created_at: "now-99999999w" at position 13 is not'),
        ("created_at:>", '">" at position 12 needs a value.'),
        ("article_count:1.5", 'article_count: "1.5" at position 15 is not a whole number.'),
        ("article_count:>99999999999", 'article_count: "99999999999" at position 16 is not'),
        ("colour:red", 'Unknown field "colour" at position 1. Known fields: article_count,'),
        ("x" * 1001, "The query is too long (at most 1000 characters)."),
        ("(" * 17 + "a" + ")" * 17, "Parentheses are nested too deeply (at most 16)."),
        ("a " * 101, "The query has too many terms (at most 100)."),
    ],
)
def test_syntax_errors_say_what_and_where(query, message):
    assert error(query).startswith(message)


SYNTAX = [
    "aa", "bb", " ", "(", ")", '"', "*", ":", "-", "!", "+", "<", ">", "=", "[", "]", "{", "}",
    "\\", "AND", "OR", "NOT", "TO", "&&", "||", "state:", "created_at:", "title:", "tags:",
    "article_count:", "number:", "2024-01-01", "now-1h", "5", "é", "\x00", "'", "%s", "?",
]  # fmt: skip
queries = st.one_of(
    st.lists(st.sampled_from(SYNTAX), max_size=25).map("".join),
    st.text(max_size=80),
)


@settings(max_examples=1500, deadline=None)
@given(queries)
def test_any_input_parses_or_is_invalid(query):
    outcome = None
    try:
        p(query)
    except Invalid as exc:
        outcome = (exc.code, exc.field, bool(exc.message))
    assert outcome in (None, ("search.syntax", "query", True))


def test_control_characters_and_lone_surrogates_are_spaces():
    assert p("aa\x00bb") == And((Text("aa"), Text("bb", prefix=True)))
    assert p('state:"x\x00y"') == Term("state", "x y")
    assert p("aa\ud800") == Text("aa?", prefix=True)
