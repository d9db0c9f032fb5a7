"""Where a content ends: the reported words, not the writer's comment on them.

A reporting verb's complement may carry a tail that is the writer's, not the source's: a
non-restrictive relative clause (", who was his chief of staff"), an appositive (", a swipe at
..."), a participle (", saying ...", " — asserting ..."), a contrasting or framing clause
(", while ...", ", though ...", ", despite ..."), or a second report of the same source
(" and called his standing ..."), or another source's report (", and three-quarters said ..."),
each a claim of its own. `trim_tail` cuts such a tail
when it runs to the end of the content, stands outside any quote (quoted words are never cut)
and is at least as long as what precedes it; a second report is always cut, and so is a
conjunction the parse left at the end.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from tasks.claims.quotes import Quote, quote_at
from tasks.lexicon import Lexicon

TAIL_DEPS = {"relcl", "appos", "advcl", "acl", "npadvmod"}
BREAKS = {",", "—", "–", ";"}


def _tail_head(t: Token, end: int) -> Token | None:
    """The head of a phrase that starts at t and runs to the content's end (token index `end`)."""
    for h in (t, t.head, t.head.head):
        if h.left_edge.i == t.i and h.right_edge.i >= end - 1:
            return h
    return None


def _is_comment(h: Token, lexicon: Lexicon) -> bool:
    """A tail the writer adds: see the module's docstring (word lists in claim_words.tsv)."""
    if h.dep_ in {"relcl", "appos"}:
        return True
    if h.dep_ == "prep" and h.lower_ in lexicon.word_set("comment_subordinators"):
        return True  # ", despite the group's name change"
    if h.dep_ in {"advcl", "acl", "npadvmod"}:
        if h.tag_ == "VBG":  # ", saying ...", ", calling ..."
            return True
        marks = {c.lower_ for c in h.children if c.dep_ in {"mark", "advmod", "prep"}}
        return bool(marks & lexicon.word_set("comment_subordinators"))
    return False


def trim_tail(doc: Doc, start: int, end: int, quotes: list[Quote], lexicon: Lexicon, verb: bool = True) -> int:
    """The content's end with a trailing writer's comment cut off (char offset; `end` if none).
    A verb's complement also ends where another report joins it (", and Y said ..."); a phrase's
    ("according to X, A, and Y told B") covers every clause of its sentence."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) < 6:
        return end
    verbs = lexicon.reporting_verbs
    if span[-1].dep_ == "cc" and quote_at(quotes, span[-1].idx) is None:
        return _before(doc[span[-1].i - 1])  # "..., and" left by the parse (the span has 6 tokens or more)
    for t in span[3:]:
        prev = doc[t.i - 1]
        if quote_at(quotes, t.idx) is not None or t.i >= span.end - 1:
            continue
        if prev.text in BREAKS:
            h = _tail_head(t, span.end)
            # a short tail is more often the source's own words than the writer's: only a tail at
            # least as long as what it follows is cut (measured on PolNeAR train: cutting every
            # tail loses more at 80% overlap than it gains at 30%)
            if h is not None and h.i != span.root.i and _is_comment(h, lexicon) and span.end - t.i >= t.i - span.start:
                return prev.idx
        joiner = prev.text == "," and t.lower_ in lexicon.word_set("report_joiners")
        if verb and joiner and _own_report(t, span.end, verbs):
            return prev.idx  # ", and three-quarters said ...": another source's report, a claim of its own
        if t.dep_ == "cc" and t.lower_ in {"and", "but"}:
            conj = next((c for c in t.head.children if c.dep_ == "conj" and c.i > t.i), None)
            if conj is not None and conj.lemma_.lower() in verbs and conj.pos_ == "VERB" \
                    and conj.right_edge.i >= span.end - 1 and not any(c.dep_ == "nsubj" for c in conj.children):
                return _before(prev)
    return end


def _before(prev: Token) -> int:
    """The end of a content cut after token prev (a break mark is left out)."""
    return prev.idx if prev.text in BREAKS else prev.idx + len(prev)


def _own_report(joiner: Token, end: int, verbs: frozenset[str]) -> bool:
    """After the joiner, a reporting verb with its own subject that starts right there and runs to
    the content's end ("..., and three-quarters said the same of Sanders")."""
    doc = joiner.doc
    for w in doc[joiner.i + 2:end]:
        if w.pos_ == "VERB" and w.lemma_.lower() in verbs and w.right_edge.i >= end - 1 and any(
                c.dep_ in {"nsubj", "nsubjpass"} and c.left_edge.i == joiner.i + 1 for c in w.children):
            return True
    return False


def within_paragraph(text: str, start: int, end: int, quotes: list[Quote]) -> int:
    """A content ends at its paragraph's end: what follows a line break (a table's cells, a list
    of links, a caption) is never the source's words, unless a quote runs on across it."""
    pos = text.find("\n", start, end)
    while pos >= 0:
        if quote_at(quotes, pos) is None:
            return pos
        pos = text.find("\n", pos + 1, end)
    return end


def without_speaker(start: int, end: int, speaker: tuple[int, int] | None) -> tuple[int, int]:
    """A content never holds its speaker: cut it before a speaker that ends it (“...,” Texas
    delegate Bill Eastland, wearing a cowboy hat)."""
    if speaker is not None and start < speaker[0] < end <= speaker[1] + 40:
        return start, speaker[0]
    return start, end
