"""Transcript turns: a paragraph that opens with its speaker's name in capitals and a colon
("TAPPER: Do you think ...", "“PENCE: And that's why ..."), as interviews and debate transcripts
are printed. The label is a speaker, not a headline kicker ("EXCLUSIVE:", "UPDATE:"), when the
article names a person by it (TAPPER ... Jake Tapper) or gives it two turns or more, and it does
not end in a function word (a listicle's refrain "SEXY IS: ..." names no one).
"""

from __future__ import annotations

import re
from collections import Counter

from tasks.text import FieldText

# an optional opening quote mark, one to four capitalised words, a colon, the turn
_OPENING = r"(?m)^[\"“”‘'«]?(?P<label>[A-Z][A-Z.'’-]*(?: [A-Z][A-Z.'’-]*){0,3}):"
TURN = re.compile(_OPENING + r"[ \t]+(?P<words>\S[^\n]*)$")
_LABEL = re.compile(_OPENING)  # any turn's label, however short the turn
_CLOSING = "\"”’'»"

Turn = tuple[str, tuple[int, int], tuple[int, int], tuple[int, int]]  # label, label span, colon span, words span


def transcript_turns(text: str, fields: FieldText, person_surnames: set[str],
                     function_words: frozenset[str] = frozenset()) -> list[Turn]:
    """(label, label span, colon span, words span) of each turn in the body, in doc offsets.
    `person_surnames`: the last words of the article's person names, lower case;
    `function_words`: the language's (stopwords.tsv), which end no name."""
    body = fields.range_of("body")
    if body is None:
        return []
    lo, hi = body
    found = [m for m in TURN.finditer(text, lo, hi) if len(re.findall(r"\w+", m.group("words"))) >= 3]
    counts = Counter(m.group("label") for m in found)
    out = []
    for m in found:
        label = m.group("label")
        if len(label.replace(".", "")) < 2:
            continue  # "Q:" and "A:" name no one
        last = label.split()[-1].strip(".'’-").lower()
        if last not in person_surnames and (counts[label] < 2 or last in function_words):
            continue
        s, e = m.start("words"), m.end("words")
        while e > s and (text[e - 1].isspace() or text[e - 1] in _CLOSING):
            e -= 1
        colon = m.end("label")
        out.append((label, (m.start("label"), m.end("label")), (colon, colon + 1), (s, e)))
    return out


def as_written(name: str, text: str) -> str:
    """A label's name as the article writes it elsewhere: each capitalised word in the form the
    text gives it outside the line-opening labels ("TAPPER" -> "Tapper"; "CNN" stays "CNN", an
    acronym the text writes so), title case when the text writes it nowhere else."""
    outside = _LABEL.sub(" ", text)
    words = []
    for word in name.split():
        forms = re.findall(r"\b" + re.escape(word) + r"\b", outside, re.I)
        mixed = [f for f in forms if not f.isupper()]
        words.append(Counter(mixed).most_common(1)[0][0] if mixed else word if forms else word.title())
    return " ".join(words)
