"""The publisher of a page, from its own evidence: site name, copyright line, comment policy,
newsletter prompt, credit line (strongest first)."""

from __future__ import annotations

import re

from tasks.boilerplate.blocks import Block, Hints, patterns
from tasks.lexicon import Lexicon

YEAR = re.compile(r"\b(19|20)\d{2}\b(\s*[-–]\s*(19|20)?\d{2,4})?|\b(?:MM|MCM)[CLXVI]{2,6}\b")  # MMVIII too
_NAME = r"[A-Z][\w&'’.-]*(?:[ -](?:[A-Z][\w&'’.-]*|of|the|and|&))*"
_POLICY_NAME = re.compile(rf"(?P<name>{_NAME}) reserves? the right")
_NEWSLETTER_NAME = re.compile(
    rf"\b(?i:get|receive|sign up for|subscribe to) (?i:the |our )?(?P<name>{_NAME}) (?i:in|to|delivered)")
_CREDIT_NAME = re.compile(rf"^(?P<name>{_NAME}) with\b")


def _merged_name(name: str, text: str) -> str:
    """'Greekcitytimes' -> 'Greek City Times' when the spaced form occurs in the text."""
    letters = re.sub(r"\W", "", name).lower()
    if " " in name.strip() or len(letters) < 6:
        return name
    for m in re.finditer(r"\b[A-Z][\w'’]*(?: [A-Z][\w'’]*){1,5}", text):
        words = m.group(0).split()
        for i in range(len(words)):
            for j in range(len(words), i + 1, -1):
                cand = " ".join(words[i:j])
                if re.sub(r"\W", "", cand).lower() == letters:
                    return cand
    return name


def _strip_suffix_words(name: str, lex: Lexicon) -> str:
    words = name.split()
    while len(words) > 1 and words[-1].lower() in lex.publisher_suffixes:
        words.pop()
    return " ".join(words)


_MARK = re.compile(r"©|\(c\)|\bcopyright\b", re.I)
_SEPARATOR = re.compile(r"[|·•/»]")
_DASH = re.compile(r"\s[-–—]\s")
_SENTENCE_END = re.compile(r"(?<=\w{3})\.\s")


def _copyright_name(line: str, lex: Lexicon) -> str | None:
    """The name a copyright notice gives: the name after its mark and year, up to a separator
    ('|', '·', a company suffix, 'All rights reserved'), else the name just before the mark
    ('Valley Courier ©'). 'Copyright 2026 Valley Courier. All rights reserved. Privacy' ->
    'Valley Courier'. A mark with neither '©' nor a year beside it is a link ('Copyright |
    Privacy', 'Copyright Policy'), not a notice."""
    cut = YEAR.sub(lambda m: "\x00" * len(m.group(0)), patterns(lex).company_suffix.sub("|", line))
    marks = sorted(_MARK.finditer(cut), key=lambda m: m.group(0).isalpha())  # '©' before the word
    for mark in marks:
        after = _SEPARATOR.split(cut[mark.end():])[0]
        before = _SEPARATOR.split(cut[:mark.start()])[-1]
        if mark.group(0).isalpha() and "\x00" not in after + before[-8:]:  # the word alone, no year beside it
            continue
        first, *rest = [_clean(p) for p in _DASH.split(after)]
        # the name that follows the mark, else one that fills what follows a dash ('© 2026 - Name')
        # or what precedes the mark ('Name ©')
        for piece, whole in ((first, False), *((p, True) for p in rest), (_clean(_DASH.split(before)[-1]), True)):
            if piece:
                return _plausible(piece, whole, lex)
    return None


def _plausible(piece: str, whole: bool, lex: Lexicon) -> str | None:
    """The name a piece of a notice opens with: its words up to the first one that starts in lower
    case and is not a joiner ('Mensagens de Reflexão'; 'The Republic unless otherwise noted' ->
    'The Republic'), up to a sentence's end ('The Hindu. Republication ...'), without trailing
    function words; None when `whole` and the piece is more than a name, or when longer than six
    words."""
    joiners = set(lex.word_lists.get("name_joiners", ()))
    words = _SENTENCE_END.split(piece)[0].split(",")[0].split()  # 'WorldNow, WTNH, and Associated Press'
    if not words or not words[0][:1].isalnum() or words[0][:1].islower():
        return None
    n = 1
    while n < len(words) and (not words[n][:1].islower() or words[n] in joiners and n + 1 < len(words)):
        n += 1
    if whole and n < len(words):
        return None
    kept = words[:n]
    while kept and (kept[-1] in joiners or any(kept[-1].lower() in s for s in lex.stopwords.values())):
        kept.pop()  # '... Online. All', 'Friends of the'
    name = " ".join(kept).strip(" .,-")
    return name if name and len(kept) <= 6 else None


def _clean(piece: str) -> str:
    """A piece of a copyright line without its marks, years and leading lower-case words ('by
    Bay City News', 'of Telegraph Media Group')."""
    piece = " ".join(_MARK.sub(" ", piece.replace("\x00", " ")).split()).strip(" .,:;*-–—")
    return re.sub(r"^(?:[a-z]+\s+)+", "", piece)


def find_publisher(blocks: list[Block], text: str, lex: Lexicon, hints: Hints) -> tuple[str | None, str | None]:
    """Publisher from the page's own evidence, strongest first."""
    if hints.sitename:
        return hints.sitename, "metadata: site name"
    for b in blocks:
        if b.kind == "copyright" and (name := _copyright_name(b.text, lex)):
            return _merged_name(name, text), b.text
    for b in blocks:
        if b.kind == "comment_policy" and (m := _POLICY_NAME.search(b.text)):
            name = m.group("name")
            if name.lower() not in patterns(lex).not_publishers:
                return name, b.text
    names = []
    for b in blocks:
        if b.kind == "newsletter" and (m := _NEWSLETTER_NAME.search(b.text)):
            names.append((_strip_suffix_words(m.group("name"), lex), b.text))
    if names:
        return max(names, key=lambda x: len(x[0]))
    for b in blocks:
        if b.label == "credit" and (m := _CREDIT_NAME.match(b.text)):
            return m.group("name"), b.text
    return None, None
