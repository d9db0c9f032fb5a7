"""Claim extraction from one parsed article; `extract_claims` is the entry (see `assemble.py`).

    quotes.py      quotation marks: where quotes open and close
    syntax.py      spans, subjects and sentences over the parse
    cues.py        reporting verbs and attribution phrases
    quote_cues.py  cues next to quotes
    speakers.py    names for pronouns and descriptions
    assemble.py    claims from cues and quotes: content, kind, continuations, nesting, lists
"""

from tasks.claims.assemble import Claim, extract_claims, parts_of, to_field
from tasks.claims.quotes import find_quotes

__all__ = ["Claim", "extract_claims", "find_quotes", "parts_of", "to_field"]
