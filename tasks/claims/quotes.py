"""Quotations in text: where each opens and closes, paragraph by paragraph (no parse needed).

Every typography news sites use: “…” ‘…’ "…" '…', doubled single quotes ‘‘…’’ and ``…'' and
''…'' (two apostrophes, as some archives store quotes), «…» and »…«, „…“ and ‚…‘, ‹…› and ›…‹,
「…」 and 『…』, a reversed ”…“ pair, and speech introduced by a dash at the start of a
paragraph (— …, usual in European outlets), which runs to the end of the paragraph or to a
closing dash, or stops before a short trailing cue (", she said."). A quote left open at the
end of a paragraph runs to the paragraph's end (the next paragraph usually re-opens it, by the
convention for quotes spanning paragraphs). Marks that double as apostrophes or as each other's
closers open only at the start of a word and close only at its end.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

WORD = re.compile(r"\w+")

# opening mark -> the marks that close it (longest openers are tried first)
MARKS: dict[str, tuple[str, ...]] = {
    "‘‘": ("’’", "''", "”"),
    "``": ("''", "’’", "”", '"'),
    "''": ("''", "’’"),
    "“": ("”", "’’", "''", '"'),
    "„": ("“", "”"),
    "‚": ("‘", "’"),
    "«": ("»",),
    "»": ("«",),
    "‹": ("›",),
    "›": ("‹",),
    "「": ("」",),
    "『": ("』",),
    '"': ('"', "”"),
    "‘": ("’",),
    "'": ("'", "’"),
    "”": ("“",),  # a reversed pair, as some sites type it
}
OPENERS = sorted(MARKS, key=len, reverse=True)
# marks that also close (or are apostrophes): they open only where a word starts
EDGE_SENSITIVE = {'"', "'", "''", "‘", "’", "»", "›", "”"}
# marks inside a word that are apostrophes, not closers ("don’t", "Jones’s")
APOSTROPHES = {"'", "’"}
SPACED = {"«", "»", "‹", "›", "”"}  # French typography puts a space inside the marks
DASHES = ("— ", "– ", "―", "—", "–")
_OPEN_CONTEXT = set("([{—–-:/") | set("“‘«»„‚‹›「『\"'")
# where a mark can start: the scans below jump from one such character to the next
_OPENER_START = re.compile("[" + re.escape("".join(sorted({m[0] for m in OPENERS}))) + "]")
_CLOSER_START = {mark: re.compile("[" + re.escape("".join(sorted({c[0] for c in closers} | {"“"}))) + "]")
                 for mark, closers in MARKS.items()}
_TRAILING_CUE = re.compile(r"(?:,|\s[—–])\s+(?:[^,.;:!?\"“”]{1,60})\.?\s*$")


@dataclass(frozen=True)
class Quote:
    start: int  # inner text start (doc offsets)
    end: int  # inner text end
    outer_start: int  # opening mark
    outer_end: int  # after closing mark (== end when unclosed)
    closed: bool


def _opens(text: str, i: int, mark: str) -> bool:
    """`mark` at i opens a quote: not followed by a space (but for spaced marks), and where a
    word starts when the mark also closes or is an apostrophe."""
    after = text[i + len(mark)] if i + len(mark) < len(text) else " "
    if after.isspace() and mark not in SPACED:
        return False
    if mark == "'" and not after.isalpha():
        return False  # '90s, 'n'
    if mark in EDGE_SENSITIVE:
        before = text[i - 1] if i > 0 else " "
        return before.isspace() or before in _OPEN_CONTEXT
    return True


def _closes(text: str, j: int, mark: str, closer: str) -> bool:
    before = text[j - 1] if j > 0 else " "
    after = text[j + len(closer)] if j + len(closer) < len(text) else " "
    if closer in APOSTROPHES or closer == "''":
        if after.isalnum() or before.isspace():
            return False  # an apostrophe inside or before a word: "don't", "the '90s"
    if mark == "”" and after.isalnum():
        return False
    if mark == "“" and closer == '"' and (before.isspace() or after.isalnum()):
        return False  # a straight mark closes a curly quote only where a word ends (“Yes," he said)
    if closer in EDGE_SENSITIVE and closer == mark and before.isspace() and mark not in SPACED \
            and not after.isspace():
        return False  # the same mark opening the next quote (one between spaces opens nothing: ,' " X said)
    return True


def _find_closer(text: str, i: int, mark: str, end: int) -> tuple[int, int] | None:
    """(position, length) of the mark that closes the quote whose inner text starts at i."""
    closers = sorted(MARKS[mark], key=len, reverse=True)
    candidate = _CLOSER_START[mark]
    nested = 0  # straight quotes opened inside a curly one (“the sign said "closed" all week”)
    j = i
    while j < end:
        found = candidate.search(text, j, end)
        if found is None:
            return None
        j = found.start()
        c = text[j]
        if c in "“" and mark in {"“", "‘‘", "``"} and j > i + 1 and "“" not in closers:
            return None  # a new opening “ before any closing: the first quote was left open
        if c == '"' and mark == "“":
            if j > i and _opens(text, j, '"'):
                nested += 1
                j += 1
                continue
            if nested:
                nested -= 1
                j += 1
                continue
        for closer in closers:
            if text.startswith(closer, j) and j > i and _closes(text, j, mark, closer):
                return j, len(closer)
        j += 1
    return None


def _dash_speech(text: str, start: int, end: int) -> list[Quote]:
    """Speech introduced by a dash at the start of a paragraph: to the paragraph's end minus a
    short trailing cue ("— We stay, said the minister."), or to a dash that opens the narrator's
    insert, after which the speech resumes at the next dash ("— We stay — she said — and fight.")."""
    dash = next((d for d in DASHES if text.startswith(d, start)), None)
    if dash is None:
        return []
    out: list[Quote] = []
    inner, outer = start + len(dash), start
    while inner < end:
        while inner < end and text[inner].isspace():
            inner += 1
        stop, resume = end, None
        insert = re.search(r"\s[—–]\s", text[inner:end])
        if insert:
            stop = inner + insert.start()
            again = re.search(r"\s[—–]\s", text[inner + insert.end():end])
            resume = inner + insert.end() + again.end() if again else None
        else:
            cue = _TRAILING_CUE.search(text, inner, end)
            if cue and len(WORD.findall(text[inner:cue.start()])) >= 2:
                stop = cue.start()
        while stop > inner and (text[stop - 1].isspace() or text[stop - 1] in ",;"):
            stop -= 1
        if len(WORD.findall(text[inner:stop])) >= 2:
            out.append(Quote(inner, stop, outer, stop, False))
        if resume is None:
            break
        inner, outer = resume, resume - 1
    return out


def find_quotes(text: str, lo: int = 0, hi: int | None = None) -> list[Quote]:
    """Quotations in text[lo:hi], paragraph by paragraph (see the module's docstring)."""
    hi = len(text) if hi is None else hi
    out: list[Quote] = []
    para_start = lo
    while para_start < hi:
        para_end = text.find("\n\n", para_start, hi)
        para_end = hi if para_end < 0 else para_end
        i = para_start
        while i < para_end and text[i].isspace():
            i += 1
        speech = _dash_speech(text, i, para_end)
        if speech:
            out.extend(speech)
            i = para_end
        while i < para_end:
            candidate = _OPENER_START.search(text, i, para_end)
            if candidate is None:
                break
            i = candidate.start()
            mark = next((m for m in OPENERS if text.startswith(m, i) and _opens(text, i, m)), None)
            if mark is None:
                i += 1
                continue
            inner = i + len(mark)
            found = _find_closer(text, inner, mark, para_end)
            if found is None:
                if mark == "”":  # a lone closing mark, not a reversed pair
                    i = inner
                    continue
                inner_end = para_end
                while inner_end > inner and text[inner_end - 1].isspace():
                    inner_end -= 1
                if len(WORD.findall(text[inner:inner_end])) >= 3:
                    out.append(Quote(inner, inner_end, i, inner_end, False))
                break
            j, n = found
            s, e = inner, j
            if mark in SPACED:  # « texte »: the spaces inside the marks are not the quote's
                while s < e and text[s].isspace():
                    s += 1
                while e > s and text[e - 1].isspace():
                    e -= 1
            out.append(Quote(s, e, i, j + n, True))
            i = j + n
        para_start = para_end + 2
    return out


class Quotes(tuple):
    """An article's quotes, in the order found. When they stand in order and apart, as
    `find_quotes` gives them, the two look-ups below bisect instead of walking every quote: an
    article of thousands of quotes stays linear, not quadratic; the answers are the same."""

    def __new__(cls, quotes):
        self = super().__new__(cls, quotes)
        self.outer = ([q.outer_start for q in self], [max(q.outer_end, q.end) for q in self])
        self.inner = ([q.start for q in self], [q.end for q in self])
        self.apart = _in_order(*self.outer) and _in_order(*self.inner)
        return self


def _in_order(starts: list[int], ends: list[int]) -> bool:
    """Spans in order, none overlapping the next."""
    return all(s <= e for s, e in zip(starts, ends)) and all(ends[i] <= starts[i + 1] for i in range(len(ends) - 1))


def quote_at(quotes: list[Quote] | Quotes, pos: int) -> Quote | None:
    """The first quote whose marks enclose pos."""
    if isinstance(quotes, Quotes) and quotes.apart:
        starts, ends = quotes.outer
        i = bisect_right(starts, pos) - 1
        return quotes[i] if i >= 0 and pos < ends[i] else None
    for q in quotes:
        if q.outer_start <= pos < max(q.outer_end, q.end):
            return q
    return None


def quotes_overlapping(quotes: list[Quote] | Quotes, start: int, end: int) -> list[Quote]:
    """The quotes whose inner text overlaps [start, end), in order."""
    if isinstance(quotes, Quotes) and quotes.apart:
        starts, ends = quotes.inner
        return list(quotes[bisect_right(ends, start):bisect_left(starts, end)])
    return [q for q in quotes if q.end > start and q.start < end]
