"""Claims of one literal article, through the real model and rules."""

from tasks.claims import extract_claims, to_field
from tasks.text import FieldText


def claims_of(nlp, lexicon, body, title=None, dek=()):
    ft = FieldText.build(title, list(dek), body)
    return [to_field(c, ft) for c in extract_claims(nlp(ft.text), ft, lexicon)], ft


def one(claims, cue):
    found = [c for c in claims if c.cue == cue]
    assert found, f"no claim with cue {cue!r} in {[(c.cue, c.content) for c in claims]}"
    return found[0]
