"""spaCy set-up shared by entities and claims: one parse per article.

`configure(nlp, lexicon)` adds two components to a loaded pipeline: paragraph breaks as
sentence starts (before the parser) and a gazetteer entity ruler (before the NER, whose
predictions then respect the ruler's spans). Loading the model is the flow's job.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from tasks.lexicon import Lexicon

PARAGRAPHS = "newsetl_paragraphs"
RULER = "newsetl_gazetteer"


@Language.component(PARAGRAPHS)
def paragraph_breaks(doc: Doc) -> Doc:
    """A token after a line break starts a sentence; the token before one never does."""
    for i, tok in enumerate(doc[:-1]):
        if tok.is_space and "\n" in tok.text:
            doc[i + 1].is_sent_start = True
    return doc


def gazetteer_patterns(lexicon: Lexicon) -> list[dict]:
    patterns = []
    for label, name, surface in lexicon.gazetteer:
        # match the surface form as tokens, in its own case and in title case
        forms = {surface}
        if surface.isupper() is False and surface[:1].islower():
            forms.add(surface[:1].upper() + surface[1:])
        for form in forms:
            patterns.append({"label": label, "pattern": form, "id": name})
    return patterns


def configure(nlp: Language, lexicon: Lexicon) -> Language:
    """Add paragraph breaks and the gazetteer to a loaded pipeline (idempotent)."""
    names = nlp.pipe_names
    if PARAGRAPHS not in names:
        anchor = "parser" if "parser" in names else ("ner" if "ner" in names else None)
        if anchor:
            nlp.add_pipe(PARAGRAPHS, before=anchor)
        else:
            nlp.add_pipe(PARAGRAPHS)
    if RULER not in nlp.pipe_names and lexicon.gazetteer and "ner" in nlp.pipe_names:
        ruler = nlp.add_pipe("entity_ruler", name=RULER, before="ner",
                             config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True})
        ruler.add_patterns(gazetteer_patterns(lexicon))
    return nlp
