import pytest

from tasks.claims import extract_claims, find_quotes, to_field
from tasks.text import FieldText


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ("He said “we will stay,” then left.", ["we will stay,"]),
        ('She said "no deal" twice.', ["no deal"]),
        ("Il a dit «pas question» hier.", ["pas question"]),
        ("They want a ‘permanent solution’ to Armenia’s ‘occupation’ now.", ["permanent solution", "occupation"]),
        ("Not a quote: Norway’s and Denmark’s boats.", []),
        ("Odd marks: not ” to aim “ civilians.", [" to aim "]),
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


def claims_of(nlp, lexicon, body, title=None, dek=()):
    ft = FieldText.build(title, list(dek), body)
    return [to_field(c, ft) for c in extract_claims(nlp(ft.text), ft, lexicon)], ft


def one(claims, cue):
    found = [c for c in claims if c.cue == cue]
    assert found, f"no claim with cue {cue!r} in {[(c.cue, c.content) for c in claims]}"
    return found[0]


def test_indirect_speech_with_that_clause(nlp, lexicon):
    claims, ft = claims_of(nlp, lexicon, "Foreign Minister Anna Lind said on Monday that the border would reopen.")
    c = one(claims, "said")
    assert c.content == "the border would reopen"
    assert (c.kind, c.polarity, c.speaker_name) == ("indirect", "assert", "Anna Lind")
    assert ft.field_text("body")[c.start:c.end] == c.content
    assert ft.field_text("body")[c.cue_start:c.cue_end] == "said"


def test_direct_quote_with_trailing_cue_and_pronoun_speaker(nlp, lexicon):
    body = ("Prime Minister Jonas Berg arrived in Oslo on Monday.\n\n"
            "“We will not give up a single tonne,” he told reporters.")
    claims, _ = claims_of(nlp, lexicon, body)
    c = one(claims, "told")
    assert c.content == "We will not give up a single tonne,"
    assert (c.kind, c.speaker, c.speaker_name) == ("direct", "he", "Jonas Berg")


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


def test_mixed_quote(nlp, lexicon):
    body = "Lindqvist said Norway had “made every reasonable offer” during the talks."
    c = one(claims_of(nlp, lexicon, body)[0], "said")
    assert c.kind == "mixed"
    assert "“made every reasonable offer”" in c.content


def test_quoted_as_saying(nlp, lexicon):
    body = "The spokesman, Tomas Lindqvist, was quoted as saying that the talks would resume."
    c = one(claims_of(nlp, lexicon, body)[0], "was quoted as saying")
    assert c.content == "the talks would resume" and c.speaker_name == "Tomas Lindqvist"


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


def test_negated_and_topic_only_verbs_make_no_claim(nlp, lexicon):
    body = "The minister did not say whether the port would reopen. The two ministers discussed the quota."
    assert claims_of(nlp, lexicon, body)[0] == []


def test_claims_in_the_title(nlp, lexicon):
    claims, ft = claims_of(nlp, lexicon, "The ministry spoke on Monday.",
                           title="Minister denies that the talks have failed")
    c = one(claims, "denies")
    assert c.field == "title" and ft.field_text("title")[c.start:c.end] == c.content


def test_inverted_cue_takes_the_source_after_the_verb(nlp, lexicon):
    body = "“The talks will resume next week,” reported the Kremlin in a statement on Monday."
    c = one(claims_of(nlp, lexicon, body)[0], "reported")
    assert c.kind == "direct" and c.speaker_name == "Kremlin"


def test_pronouns_agree_in_gender_and_number(nlp, lexicon):
    body = ("Prime Minister Jonas Berg met the analyst Maria Lind on Monday.\n\n"
            "“We are close to a deal,” he told reporters.\n\n"
            "Deputy Minister Oleg Petrov and the ambassador, Anna Holm, also spoke. They said the border would reopen.")
    claims, _ = claims_of(nlp, lexicon, body)
    assert one(claims, "told").speaker_name == "Jonas Berg"
    assert one(claims, "said").speaker_name == "Oleg Petrov and Anna Holm"


def test_a_description_resolves_to_the_nearest_source_of_its_kind(nlp, lexicon):
    body = ("Foreign Minister Sergei Lavrov spoke in Moscow on Monday.\n\n"
            "The minister said the observers should be deployed along the line of contact.")
    assert one(claims_of(nlp, lexicon, body)[0], "said").speaker_name == "Sergei Lavrov"


def test_an_unnamed_source_stays_unnamed(nlp, lexicon):
    body = "A senior diplomat, who asked not to be named, said the talks had failed."
    claims, _ = claims_of(nlp, lexicon, body)
    assert [c.cue for c in claims] == ["said"]  # "asked not to be named" reports nothing
    assert claims[0].speaker_name is None and "diplomat" in claims[0].speaker


def test_same_source_nesting_keeps_one_claim_and_other_sources_keep_both(nlp, lexicon):
    same, _ = claims_of(nlp, lexicon, "Clinton said she thinks America is strongest when people work together.")
    assert [c.cue for c in same] == ["said"]
    other, _ = claims_of(nlp, lexicon, "The Kremlin reported that Putin stressed the need for a ceasefire.")
    assert {c.cue for c in other} == {"reported", "stressed"}


def test_questions_and_a_quoted_speakers_own_belief_are_not_claims(nlp, lexicon):
    body = ("Did the minister say that the port would close?\n\n"
            "“I think we can reach a deal by Friday,” the minister said.")
    claims, _ = claims_of(nlp, lexicon, body)
    assert [(c.cue, c.content) for c in claims] == [("said", "I think we can reach a deal by Friday,")]


def test_a_person_named_in_a_prepositional_phrase_is_not_the_source(nlp, lexicon):
    body = "“They went to break the borders,” a cousin of Mahmoud Najjar said in a telephone interview."
    c = one(claims_of(nlp, lexicon, body)[0], "said")
    assert "cousin" in c.speaker and c.speaker_name is None
