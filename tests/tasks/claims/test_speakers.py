"""Speakers: names for pronouns and descriptions, and sources left unnamed."""

from tests.tasks.claims.util import claims_of, one


def test_direct_quote_with_trailing_cue_and_pronoun_speaker(nlp, lexicon):
    body = ("Prime Minister Jonas Berg arrived in Oslo on Monday.\n\n"
            "“We will not give up a single tonne,” he told reporters.")
    claims, _ = claims_of(nlp, lexicon, body)
    c = one(claims, "told")
    assert c.content == "We will not give up a single tonne,"
    assert (c.kind, c.speaker, c.speaker_name) == ("direct", "he", "Jonas Berg")


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


def test_a_person_named_in_a_prepositional_phrase_is_not_the_source(nlp, lexicon):
    body = "“They went to break the borders,” a cousin of Mahmoud Najjar said in a telephone interview."
    c = one(claims_of(nlp, lexicon, body)[0], "said")
    assert "cousin" in c.speaker and c.speaker_name is None


def test_a_name_modifying_a_common_noun_is_not_the_source(nlp, lexicon):
    body = ("Jonas Berg administration officials said that they had briefed the transition team.\n\n"
            "They said that the harbour would stay closed until the spring.\n\n"
            "A Berg aide said the talks would resume in March.")
    claims, _ = claims_of(nlp, lexicon, body)
    said = [c for c in claims if c.cue == "said"]
    assert len(said) >= 2 and all(c.speaker_name != "Jonas Berg" for c in said), \
        [(c.speaker, c.speaker_name) for c in said]


def test_a_full_name_written_twice_alike_but_for_case_is_named_the_same_in_every_process(nlp, lexicon):
    from spacy.tokens import Span

    from tasks.claims.speakers import Resolver

    for first, second in (("JONAS BERG", "Jonas Berg"), ("Jonas Berg", "JONAS BERG")):
        doc = nlp.make_doc(f"{first} spoke. Later {second} left. Berg said no.")
        doc.ents = [Span(doc, 0, 2, label="PERSON"), Span(doc, 5, 7, label="PERSON")]
        # the mixed-case form, whichever comes first (a set's order changes with the process's hash seed)
        assert Resolver(doc, lexicon).full_names["berg"] == "Jonas Berg"
