"""The publisher of a page, from its own evidence: site name, copyright line, comment policy,
newsletter prompt, credit line (strongest first)."""

from __future__ import annotations

import re

from tasks.boilerplate.blocks import Block, Hints, patterns
from tasks.lexicon import Lexicon

YEAR = re.compile(r"\b(19|20)\d{2}\b(\s*[-–]\s*(19|20)?\d{2,4})?")
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


def find_publisher(blocks: list[Block], text: str, lex: Lexicon, hints: Hints) -> tuple[str | None, str | None]:
    """Publisher from the page's own evidence, strongest first."""
    if hints.sitename:
        return hints.sitename, "metadata: site name"
    for b in blocks:
        if b.kind == "copyright":
            rest = re.sub(r"(©|\(c\)|copyright)", " ", b.text, flags=re.I)
            rest = patterns(lex).company_suffix.sub(" ", YEAR.sub(" ", rest))
            rest = re.sub(r"[.,|]+", " ", rest).strip(" -–—")
            rest = " ".join(rest.split())
            if rest and len(rest.split()) <= 6:
                return _merged_name(rest, text), b.text
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
