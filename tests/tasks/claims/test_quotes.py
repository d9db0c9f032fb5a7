"""Quotation marks: where quotes open and close."""

import pytest

from tasks.claims import find_quotes


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ("He said “we will stay,” then left.", ["we will stay,"]),
        ('She said "no deal" twice.', ["no deal"]),
        ("Il a dit «pas question» hier.", ["pas question"]),
        ("They want a ‘permanent solution’ to Armenia’s ‘occupation’ now.", ["permanent solution", "occupation"]),
        ("Not a quote: Norway’s and Denmark’s boats.", []),
        ("Odd marks: not ” to aim “ civilians.", ["to aim"]),
        ("It ends with two marks: “enough is enough,’’ she said.", ["enough is enough,"]),
    ],
)
def test_find_quotes(text, inner):
    assert [text[q.start:q.end] for q in find_quotes(text)] == inner


def test_quote_left_open_runs_to_the_paragraph_end():
    text = "“The first paragraph of a long statement goes on\n\n“And the second one ends here.”"
    quotes = find_quotes(text)
    assert [text[q.start:q.end] for q in quotes] == [
        "The first paragraph of a long statement goes on", "And the second one ends here."]
    assert not quotes[0].closed


def test_a_straight_mark_between_spaces_closes_the_quote_around_a_nested_one():
    """",' " X said": the space after the nested quote's mark is typography; the mark opens nothing."""
    text = "\"It's not just Lind saying, 'Take the ferry,' \" Berg told the radio. \"It is more.\""
    assert [text[q.start:q.end] for q in find_quotes(text)] == [
        "It's not just Lind saying, 'Take the ferry,' ", "It is more."]


def test_a_straight_mark_where_a_word_ends_closes_a_curly_quote():
    """A CMS that curls only some marks: “…," and "…” pair up; a straight mark opening a word inside
    a curly quote is a nested quote's, not the closer."""
    text = "“We stay,\" Berg said. \"The ferry runs.”"
    assert [text[q.start:q.end] for q in find_quotes(text)] == ["We stay,", "The ferry runs."]
    nested = "“The sign said \"closed\" all week,” Berg said."
    assert [nested[q.start:q.end] for q in find_quotes(nested)] == ["The sign said \"closed\" all week,"]
