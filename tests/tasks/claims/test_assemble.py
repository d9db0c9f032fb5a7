"""Assembly: kinds, lists, continued quotes, fields and nesting."""

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


def test_a_quote_continued_without_a_cue_joins_the_statement(nlp, lexicon):
    body = ("“The quota is the first test of the agreement,” said Astrid Berg, a researcher.\n\n"
            "“Nobody in Brussels wants a long fight, and nobody in Oslo can afford it.”")
    claims, _ = claims_of(nlp, lexicon, body)
    assert len(claims) == 1
    c = claims[0]
    assert c.content.startswith("The quota is the first test") and c.content.endswith("can afford it.")
    assert (c.speaker_name, c.kind, c.rule) == ("Astrid Berg", "direct", "quote:joined")


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
