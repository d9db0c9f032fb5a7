"""Quotations in text: where each opens and closes, paragraph by paragraph (no parse needed)."""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD = re.compile(r"\w+")
# opening mark -> closing marks it accepts (the first is the regular one)
QUOTES: dict[str, tuple[str, ...]] = {
    "“": ("”", "’’", "“"),
    "«": ("»",),
    "„": ("“", "”"),
    "‹": ("›",),
    '"': ('"', "”"),
    "‘": ("’",),
}


@dataclass(frozen=True)
class Quote:
    start: int  # inner text start (doc offsets)
    end: int  # inner text end
    outer_start: int  # opening mark
    outer_end: int  # after closing mark (== end when unclosed)
    closed: bool


def _is_opener(text: str, i: int) -> bool:
    c = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt.isspace() and c in "\"‘":
        return False
    if c in "\"‘":
        return prev.isspace() or prev in "([{“—–-:/" or i == 0
    return True


def _find_closer(text: str, i: int, opener: str, end: int) -> tuple[int, int] | None:
    """(position, length) of the mark that closes the quote opened at i-1."""
    closers = QUOTES[opener]
    j = i
    while j < end:
        for closer in closers:
            if text.startswith(closer, j):
                if opener == "‘":
                    after = text[j + 1] if j + 1 < len(text) else " "
                    if after.isalnum():
                        break  # an apostrophe inside a word
                if opener == "“" and closer == "“" and j - i < 2:
                    break
                if closer == "“" and opener == "“":
                    # a new opening “ before any closing: the first quote was left open
                    return None
                return j, len(closer)
        j += 1
    return None


def find_quotes(text: str, lo: int = 0, hi: int | None = None) -> list[Quote]:
    """Quotations in text[lo:hi], paragraph by paragraph; reversed ” … “ pairs count too.

    A quote left open at the end of a paragraph runs to the paragraph's end (the next
    paragraph usually re-opens it, by the convention for quotes spanning paragraphs).
    """
    hi = len(text) if hi is None else hi
    out: list[Quote] = []
    para_start = lo
    while para_start < hi:
        para_end = text.find("\n\n", para_start, hi)
        para_end = hi if para_end < 0 else para_end
        i = para_start
        while i < para_end:
            c = text[i]
            if c in QUOTES and _is_opener(text, i):
                found = _find_closer(text, i + 1, c, para_end)
                if found is None:
                    inner_end = para_end
                    while inner_end > i + 1 and text[inner_end - 1].isspace():
                        inner_end -= 1
                    if len(WORD.findall(text[i + 1:inner_end])) >= 3:
                        out.append(Quote(i + 1, inner_end, i, inner_end, False))
                    break
                j, n = found
                out.append(Quote(i + 1, j, i, j + n, True))
                i = j + n
                continue
            if c == "”" and (i == 0 or text[i - 1].isspace()):
                j = text.find("“", i + 1, para_end)
                if j > i + 1 and (j + 1 >= len(text) or not text[j + 1].isalnum()):
                    out.append(Quote(i + 1, j, i, j + 1, True))
                    i = j + 1
                    continue
            i += 1
        para_start = para_end + 2
    return out


def quote_at(quotes: list[Quote], pos: int) -> Quote | None:
    for q in quotes:
        if q.outer_start <= pos < max(q.outer_end, q.end):
            return q
    return None
