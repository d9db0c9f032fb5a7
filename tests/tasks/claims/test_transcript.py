"""Transcript turns: "TAPPER: Do you think ..." is Tapper's, a headline kicker is no one's."""

from tasks.claims.transcript import as_written, transcript_turns
from tasks.text import FieldText
from tests.tasks.claims.util import claims_of


def _turns(body, surnames=frozenset(), function_words=frozenset()):
    ft = FieldText.build("A title", [], body)
    return [(label, ft.text[s:e]) for label, _, _, (s, e) in transcript_turns(ft.text, ft, set(surnames),
                                                                               frozenset(function_words))]


def test_a_refrain_ending_in_a_function_word_names_no_one():
    body = ("What makes a harbour town, in twenty lines.\n\n"
            "HARBOUR IS: The smell of tar on a Sunday morning.\n\n"
            "HARBOUR IS: Gulls that know your name by noon.\n\n"
            "NILS: It is also a lot of work, every single day.\n\n"
            "NILS: And nobody pays for the ropes.")
    assert [label for label, _ in _turns(body, function_words={"is", "the"})] == ["NILS", "NILS"]
    assert len(_turns(body)) == 4


def test_a_label_is_named_as_the_article_writes_it():
    text = "CNN: What will the award change?\nRUTH AMES: Everything.\nRuth Ames told CNN she was stunned."
    assert as_written("CNN", text) == "CNN"  # an acronym the text writes in capitals
    assert as_written("RUTH AMES", text) == "Ruth Ames"
    assert as_written("TAPPER", "TAPPER: Why?\nTAPPER: Who?") == "Tapper"  # written nowhere else


def test_recurring_labels_and_named_people_are_speakers_kickers_are_not():
    body = ("EXCLUSIVE: The harbour deal is done, sources say.\n\n"
            "LIND: Will the quota hold next year?\n\n"
            "“BERG: It will hold, and the fleet knows it.”\n\n"
            "LIND: And the divers?\n\n"
            "Q: Who pays for the quay?")
    assert _turns(body, {"berg"}) == [("LIND", "Will the quota hold next year?"),
                                      ("BERG", "It will hold, and the fleet knows it."),
                                      ("LIND", "And the divers?")]
    assert _turns(body) == [("LIND", "Will the quota hold next year?"), ("LIND", "And the divers?")]


def test_a_turn_is_one_claim_of_its_speaker_without_the_label(nlp, lexicon):
    body = ("Anna Lind interviewed the harbour master Jonas Berg on Monday.\n\n"
            "ANNA LIND: Will the quota hold next year, in your view?\n\n"
            "“BERG: It will hold, and the fleet knows it very well.”\n\n"
            "“The divers start on Tuesday at the north quay.”\n\n"
            "LIND: And who pays for the new quay?")
    claims, ft = claims_of(nlp, lexicon, body)
    turns = [(c.speaker, c.speaker_name, c.content) for c in claims if c.rule == "transcript:turn"]
    assert turns == [("ANNA LIND", "Anna Lind", "Will the quota hold next year, in your view?"),
                     ("BERG", "Jonas Berg", "It will hold, and the fleet knows it very well."),
                     ("LIND", "Anna Lind", "And who pays for the new quay?")]
    assert not any(":" in c.content[:12] for c in claims)  # no quote claim holds a label
    # the next paragraph's quote goes on with Berg's turn: his, and a part of the same statement
    berg = next(c for c in claims if c.rule == "transcript:turn" and c.speaker == "BERG")
    cont = [c for c in claims if c.content.startswith("The divers")]
    assert [(c.speaker_name, c.statement) for c in cont] == [("Jonas Berg", berg.statement)]
    for c in claims:
        assert ft.field_text(c.field)[c.start:c.end] == c.content
