"""Cues: reporting verbs, attribution phrases, and what is not a cue."""

from tests.tasks.claims.util import claims_of, one


def test_indirect_speech_with_that_clause(nlp, lexicon):
    claims, ft = claims_of(nlp, lexicon, "Foreign Minister Anna Lind said on Monday that the border would reopen.")
    c = one(claims, "said")
    assert c.content == "the border would reopen"
    assert (c.kind, c.polarity, c.speaker_name) == ("indirect", "assert", "Anna Lind")
    assert ft.field_text("body")[c.start:c.end] == c.content
    assert ft.field_text("body")[c.cue_start:c.cue_end] == "said"


def test_denial_polarity_and_report_noun(nlp, lexicon):
    claims, _ = claims_of(nlp, lexicon, "The ministry denied reports that it had closed the port.")
    c = one(claims, "denied")
    assert c.polarity == "deny"
    assert c.content == "it had closed the port"


def test_according_to_and_nested_claim(nlp, lexicon):
    body = "According to the Danish ministry, Kjeldsen told Solberg that Denmark was ready to compromise."
    claims, _ = claims_of(nlp, lexicon, body)
    outer = one(claims, "According to")
    assert outer.speaker == "the Danish ministry"
    assert outer.content.startswith("Kjeldsen told Solberg")
    inner = one(claims, "told")
    assert inner.content == "Denmark was ready to compromise"


def test_a_leading_according_to_ends_at_its_comma_where_the_parse_runs_it_into_the_clause(nlp, lexicon):
    """The parser hangs the clause's subject on the source as an apposition ("Liv Dahl, Eastvale's
    decision ..."): the phrase still ends at the comma, and the clause is the content."""
    body = ("According to Minister Liv Dahl, Eastvale’s decision to turn itself into a ferry hub and a haven "
            "for smugglers is a serious threat to the region.")
    c = one(claims_of(nlp, lexicon, body)[0], "According to")
    assert (c.speaker, c.speaker_name) == ("Minister Liv Dahl", "Liv Dahl")
    assert c.content.startswith("Eastvale’s decision") and c.content.endswith("threat to the region")


def test_quoted_as_saying(nlp, lexicon):
    body = "The spokesman, Tomas Lindqvist, was quoted as saying that the talks would resume."
    c = one(claims_of(nlp, lexicon, body)[0], "was quoted as saying")
    assert c.content == "the talks would resume" and c.speaker_name == "Tomas Lindqvist"


def test_negated_and_topic_only_verbs_make_no_claim(nlp, lexicon):
    body = "The minister did not say whether the port would reopen. The two ministers discussed the quota."
    assert claims_of(nlp, lexicon, body)[0] == []


def test_inverted_cue_takes_the_source_after_the_verb(nlp, lexicon):
    body = "“The talks will resume next week,” reported the Kremlin in a statement on Monday."
    c = one(claims_of(nlp, lexicon, body)[0], "reported")
    assert c.kind == "direct" and c.speaker_name == "Kremlin"


def test_questions_and_a_quoted_speakers_own_belief_are_not_claims(nlp, lexicon):
    body = ("Did the minister say that the port would close?\n\n"
            "“I think we can reach a deal by Friday,” the minister said.")
    claims, _ = claims_of(nlp, lexicon, body)
    assert [(c.cue, c.content) for c in claims] == [("said", "I think we can reach a deal by Friday,")]
