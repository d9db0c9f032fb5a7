"""Assembly: kinds, lists, continued quotes, fields and nesting."""

import pytest

from tests.tasks.claims.util import claims_of, one


def test_mixed_quote(nlp, lexicon):
    body = "Lindqvist said Norway had “made every reasonable offer” during the talks."
    c = one(claims_of(nlp, lexicon, body)[0], "said")
    assert c.kind == "mixed"
    assert "“made every reasonable offer”" in c.content


def test_list_of_demands_introduced_by_one_cue(nlp, lexicon):
    body = ("The union called on the two governments to\n\n1. Publish the advice in full\n\n"
            "2. Freeze the quota until a deal is signed")
    claims, _ = claims_of(nlp, lexicon, body)
    items = [c for c in claims if c.rule == "list:item"]
    assert [c.content for c in items] == ["Publish the advice in full", "Freeze the quota until a deal is signed"]
    assert {c.cue for c in items} == {"called on"}


def test_a_quote_continued_without_a_cue_is_a_part_of_the_same_statement(nlp, lexicon):
    body = ("“The quota is the first test of the agreement,” said Astrid Berg, a researcher.\n\n"
            "“Nobody in Brussels wants a long fight, and nobody in Oslo can afford it.”")
    claims, _ = claims_of(nlp, lexicon, body)
    assert [c.content for c in claims] == ["The quota is the first test of the agreement,",
                                           "Nobody in Brussels wants a long fight, and nobody in Oslo can afford it."]
    assert len({c.statement for c in claims}) == 1
    assert {(c.speaker_name, c.kind) for c in claims} == {("Astrid Berg", "direct")}


@pytest.mark.parametrize("body", [
    "“We will not give up a single tonne,” she said, “and we will not sign a bad deal.”",
    "“We will not give up a single tonne,” she said. “And we will not sign a bad deal.”",
    "''We will not give up a single tonne,'' she said. ''And we will not sign a bad deal.''",
])
def test_a_quote_interrupted_by_its_cue_is_two_parts_without_the_cue(nlp, lexicon, body):
    claims, ft = claims_of(nlp, lexicon, "Minister Anna Lind spoke on Monday.\n\n" + body)
    assert [c.content for c in claims] == ["We will not give up a single tonne,", "and we will not sign a bad deal."] \
        or [c.content for c in claims] == ["We will not give up a single tonne,", "And we will not sign a bad deal."]
    assert len({c.statement for c in claims}) == 1 and {c.cue for c in claims} == {"said"}
    assert all("said" not in c.content for c in claims)
    for c in claims:
        assert ft.field_text("body")[c.start:c.end] == c.content


def test_a_parenthetical_cue_splits_an_indirect_statement(nlp, lexicon):
    claims, _ = claims_of(nlp, lexicon, "The new quota, the minister said on Monday, will hurt every harbour in the north.")
    assert [c.content for c in claims] == ["The new quota", "will hurt every harbour in the north"]


@pytest.mark.parametrize("body, parts", [
    ("In a merger, she said, the ferry brand would survive and the crews would keep their jobs.",
     ["In a merger", "the ferry brand would survive and the crews would keep their jobs"]),
    ("Unless the fleets land less cod, the researchers say, the stock could collapse within a decade.",
     ["Unless the fleets land less cod", "the stock could collapse within a decade"]),
    ("The quota, Mr. Lind added, was never fair.", ["The quota", "was never fair"]),
    ("The catch will fall this year, the researchers say, because the water is warmer.",
     ["The catch will fall this year", "because the water is warmer"]),
    ("In both ports, Anna Berg said, the owners paid for \"repairs\" at the yard.",
     ["In both ports", "the owners paid for \"repairs\" at the yard"]),
])
def test_a_cue_inserted_after_a_fronted_phrase_reports_the_whole_clause(nlp, lexicon, body, parts):
    claims, _ = claims_of(nlp, lexicon, body)
    assert [c.content for c in claims] == parts
    assert len({c.statement for c in claims}) == 1


def test_claims_in_the_title(nlp, lexicon):
    claims, ft = claims_of(nlp, lexicon, "The ministry spoke on Monday.",
                           title="Minister denies that the talks have failed")
    c = one(claims, "denies")
    assert c.field == "title" and ft.field_text("title")[c.start:c.end] == c.content


def test_same_source_nesting_keeps_one_claim_and_other_sources_keep_both(nlp, lexicon):
    same, _ = claims_of(nlp, lexicon, "Clinton said she thinks America is strongest when people work together.")
    assert [c.cue for c in same] == ["said"]
    other, _ = claims_of(nlp, lexicon, "The Kremlin reported that Putin stressed the need for a ceasefire.")
    assert {c.cue for c in other} == {"reported", "stressed"}


@pytest.mark.parametrize("body, expected", [
    ("Two-thirds of riders said they were very worried about the direction of the harbour's budget, and more than "
     "4 in 10 said the new board would be best at handling the budget.",
     ["they were very worried about the direction of the harbour's budget",
      "the new board would be best at handling the budget"]),
    ("About 40 percent of riders said the ferry is safe and reliable, and three-quarters said the same of the bus.",
     ["the ferry is safe and reliable"]),
])
def test_another_sources_report_joined_by_and_is_never_part_of_a_content(nlp, lexicon, body, expected):
    """", and Y said B" is Y's report: not the end of X's content, nor a content of X's own."""
    assert sorted(c.content for c in claims_of(nlp, lexicon, body)[0]) == sorted(expected)


def test_a_phrase_attribution_covers_every_clause_it_introduces(nlp, lexicon):
    body = ("According to the ferry company, the captain praised the crew in the harbour, and she asked the board "
            "to buy two new boats.")
    c = one(claims_of(nlp, lexicon, body)[0], "According to")
    assert c.content.endswith("two new boats")


def test_a_cue_closing_its_sentence_after_a_comma_reports_what_precedes(nlp, lexicon):
    """The parser hangs "she said" on the statement as one of its clauses; the statement is still hers."""
    body = ("The web has also made it possible for people with like-minded, if bogus, ideas and theories to organize "
            "into groups and reach others, she said.")
    c = one(claims_of(nlp, lexicon, body)[0], "said")
    assert c.speaker == "she" and c.content.startswith("The web has also made it possible")
    assert c.content.endswith("reach others")


def test_a_quote_followed_by_a_sentence_that_opens_with_its_cue(nlp, lexicon):
    body = ("\"How do you run a ferry line, you're a councillor and yet you own the boats with a personal loan?\" "
            "Lind said to a crowd of about 500.")
    c = one(claims_of(nlp, lexicon, body)[0], "said")
    assert c.speaker == "Lind" and c.content.startswith("How do you run a ferry line")


def test_a_quote_after_a_comma_that_closes_its_cues_clause(nlp, lexicon):
    body = "As Anna Lind said last week in Bergen, “The harbour is the centre of the new trade and it matters.”"
    c = one(claims_of(nlp, lexicon, body)[0], "said")
    assert c.speaker_name == "Anna Lind" and c.content == "The harbour is the centre of the new trade and it matters."


@pytest.mark.parametrize("body, speaker, content", [
    ("Despite a series of costly defeats on Tuesday night, Sen. Jonas Berg remains committed to seeing the race "
     "through to the convention, his top aide, Tad Lind, told The Harbour Post.", "his top aide, Tad Lind",
     "Despite a series of costly defeats on Tuesday night, Sen. Jonas Berg remains committed to seeing the race "
     "through to the convention"),
])
def test_a_closing_cue_with_an_addressee(nlp, lexicon, body, speaker, content):
    c = one(claims_of(nlp, lexicon, body)[0], "told")
    assert (c.speaker, c.content) == (speaker, content)


@pytest.mark.parametrize("second, cue, content", [
    ("Tad Lind, a harbour pilot, disagreed: “The boats are too old and the winters too long for that.”",
     "disagreed", "The boats are too old and the winters too long for that."),
    ("“We will see within a year whether the fleets keep to it,” Tad Lind shot back.",
     "shot back", "We will see within a year whether the fleets keep to it,"),
    ("“We will see within a year whether the fleets keep to it”, Tad Lind shot back.",
     "shot back", "We will see within a year whether the fleets keep to it"),
])
def test_a_quote_whose_position_names_its_source_is_that_sources_whatever_the_verb(nlp, lexicon, second, cue, content):
    """A clause and a colon before it, or a subject and a lone verb after it: not Berg's quote continued."""
    body = "“The quota is the first test of the agreement,” said Astrid Berg, a councillor.\n\n" + second
    claims, _ = claims_of(nlp, lexicon, body)
    c = one(claims, cue)
    assert c.speaker_name == "Tad Lind" and c.content == content
    assert c.statement != one(claims, "said").statement


def test_a_quote_closed_by_a_verb_that_reports_something_else_has_no_source_from_it(nlp, lexicon):
    body = "“We will see within a year whether the fleets keep to it,” Tad Lind sold the boats."
    assert not [c for c in claims_of(nlp, lexicon, body)[0] if c.cue == "sold"]


def test_a_cue_inserted_after_another_reports_verb_does_not_take_that_report(nlp, lexicon):
    body = ("“We waited as long as we could,” the harbour pilot Anna Lind wrote in a post on Thursday, "
            "21 months, she said, after privately telling the owners about the leak.")
    c = one(claims_of(nlp, lexicon, body)[0], "wrote")
    assert c.content == "We waited as long as we could," and c.speaker_name == "Anna Lind"


def test_a_clause_inside_a_lead_in_is_not_the_quotes_source(nlp, lexicon):
    body = ("However much weight you give the survey, the report's advice for crews is a good one: "
            "“Learn the new engines before the old ones are scrapped.”")
    assert not [c for c in claims_of(nlp, lexicon, body)[0] if c.speaker == "you"]
