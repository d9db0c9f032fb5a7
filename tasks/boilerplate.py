"""Boilerplate stripping: split a page's text into labelled blocks and keep the article body.

`strip_boilerplate(text, lexicon)` returns a `Page`: title, dek, captions, subheadings,
credit, publisher, the clean `body`, reader `comments`, and one `Segment` (label, kind,
rule, offsets into `text`) for every block that is not body, so every non-blank character
of the input is either in the body or accounted for.

Labelling runs in passes, each recording the rule that fired; evidence is general (phrase
rules from `tasks/data`, repetition within the page, position, length, punctuation), never
one site's exact strings.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from tasks.lexicon import Lexicon

BODY = "body"
BULLET = re.compile(r"^[•●▪◦‣·∙○■□➢►▶✓✔*–—-]\s+")
NUMBERED = re.compile(r"^\(?\d{1,3}[.)]\s+")
COMMENT_AUTHOR = re.compile(
    r"^(?:\d{1,4}[.)]\s*)?(?P<author>[^\s.:;!?][^:;!?]{0,60}?)\s+"
    r"(?:said|says|wrote|writes|commented|comments|replied|replies)\b(?P<when>[^:]{0,50})?:\s*$",
    re.I,
)
SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$|[\"”’»]$")
FUNCTION_END = re.compile(
    r"\b(to|of|and|or|the|a|an|that|for|with|on|in|by|as|from|at|is|are|was|were|be|its|their|his|her)$"
)
YEAR = re.compile(r"\b(19|20)\d{2}\b(\s*[-–]\s*(19|20)?\d{2,4})?")
_QUOTE_FOLD = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
                             "–": "-", "—": "-", "\u00a0": " "})
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Segment:
    seq: int
    label: str
    kind: str | None
    rule: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Comment:
    seq: int
    author: str | None
    text: str


@dataclass(frozen=True)
class Page:
    title: str | None
    dek: tuple[str, ...]
    captions: tuple[str, ...]
    subheadings: tuple[str, ...]
    credit: str | None
    publisher: str | None
    publisher_evidence: str | None
    body: str
    segments: tuple[Segment, ...]
    comments: tuple[Comment, ...]


@dataclass
class _Block:
    start: int
    end: int
    text: str
    indent: int
    label: str | None = None
    kind: str | None = None
    rule: str | None = None
    words: int = 0
    key: str = ""

    def set(self, label: str, kind: str | None, rule: str) -> None:
        self.label, self.kind, self.rule = label, kind, rule


@dataclass(frozen=True)
class Hints:
    """What the input already tells (HTML metadata, JSON fields)."""

    title: str | None = None
    sitename: str | None = None
    extracted: bool = False  # text comes from a content extractor: no prose filter


@dataclass
class _Page:
    blocks: list[_Block]
    comments: list[tuple[_Block, list[_Block]]] = field(default_factory=list)


def fold(text: str) -> str:
    """Key for comparing blocks: quote/dash styles, accents, case and spacing folded."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_FOLD)
    return " ".join(_WORD.findall(text.lower()))


def split_blocks(text: str) -> list[_Block]:
    """Non-blank lines with their offsets (surrounding blanks, NBSP included, trimmed)."""
    out, pos = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            start = pos + lead
            out.append(
                _Block(start, start + len(stripped), stripped, lead, words=len(stripped.split()), key=fold(stripped))
            )
        pos += len(line) + 1
    return out


def is_prose(block: _Block) -> bool:
    return block.words >= 15 or (block.words >= 3 and bool(SENTENCE_END.search(block.text)))


def _headline_like(block: _Block) -> bool:
    t = block.text
    return 2 <= block.words <= 30 and not t.endswith((".", ",", ";")) and not BULLET.match(t)


def _mark_rules(page: _Page, lex: Lexicon) -> None:
    for b in page.blocks:
        if b.words > 120:
            continue
        for rule in lex.boilerplate:
            if rule.pattern.search(b.text):
                b.set("boilerplate", rule.kind, f"phrase:{rule.kind}")
                break


def _mark_comments(page: _Page) -> None:
    """Reader comments: author lines ('1. Name said:') and the paragraphs under each."""
    blocks = page.blocks
    zone = next(
        (i for i, b in enumerate(blocks) if b.kind in {"comment_policy", "comment_header", "reply_form"}), None
    )
    current: tuple[_Block, list[_Block]] | None = None
    for i, b in enumerate(blocks):
        m = COMMENT_AUTHOR.match(b.text) if b.words <= 14 else None
        numbered = bool(m and NUMBERED.match(b.text))
        if m and (numbered or (zone is not None and i > zone)):
            b.set("comment", "author", "comment:author-line")
            current = (b, [])
            page.comments.append(current)
            continue
        if current is None:
            continue
        if b.label == "boilerplate" and b.kind in {"reply_form", "share", "counter", "comment_header"}:
            continue
        if b.label is not None and b.label != "comment":
            current = None
            continue
        b.set("comment", "text", "comment:under-author")
        current[1].append(b)


def _mark_repeats(page: _Page, lex: Lexicon) -> None:
    """A block repeated on the page (in any quote style) is a caption, or navigation if short."""
    counts = Counter(b.key for b in page.blocks if b.key)
    for b in page.blocks:
        if b.label is None and counts[b.key] > 1 and b.words <= 80:
            if b.words < 4:
                b.set("boilerplate", "navigation", "repeat:short")
            else:
                b.set("caption", None, "repeat:caption")


def _caption_evidence(b: _Block, lex: Lexicon) -> str | None:
    for rule in lex.caption:
        if rule.pattern.search(b.text):
            return rule.kind
    return None


def _mark_title(page: _Page, lex: Lexicon, hints: Hints) -> None:
    blocks = page.blocks
    if hints.title:
        want = fold(hints.title)
        for b in blocks:
            if b.key == want:
                b.set("title", None, "title:metadata")
                return
    free = [b for b in blocks if b.label is None or b.label == "caption"]
    for i, b in enumerate(free):
        if b.label == "caption" or not _headline_like(b):
            if is_prose(b):
                return  # the article started without a headline line
            continue
        nxt = free[i + 1] if i + 1 < len(free) else None
        if nxt is not None and nxt.label is None and _headline_like(nxt) and _caption_evidence(b, lex):
            b.set("caption", None, "caption:before-headline")
            nxt.set("title", None, "title:after-caption")
        else:
            b.set("title", None, "title:first-headline")
        return


def _first_body_index(page: _Page) -> int:
    for i, b in enumerate(page.blocks):
        if b.label is None and is_prose(b) and not BULLET.match(b.text):
            return i
    return len(page.blocks)


def _mark_dek_and_subheadings(page: _Page) -> None:
    first = _first_body_index(page)
    for i, b in enumerate(page.blocks):
        if b.label is not None or not BULLET.match(b.text):
            continue
        if i < first:
            b.set("dek", None, "dek:bullet-before-body")
        elif b.words <= 20 and not SENTENCE_END.search(b.text):
            b.set("subheading", None, "subheading:bullet")


def _mark_credit(page: _Page, lex: Lexicon) -> None:
    for b in page.blocks:
        if b.label is not None or b.words > 12:
            continue
        for rule in lex.credit:
            if rule.pattern.search(b.text):
                b.set("credit", rule.kind, f"credit:{rule.kind}")
                break


def _mark_rest(page: _Page, lex: Lexicon, hints: Hints) -> None:
    """Body is prose; short unpunctuated lines between body paragraphs are captions or headings."""
    blocks = page.blocks
    for i, b in enumerate(blocks):
        if b.label is not None:
            continue
        nxt = next((x for x in blocks[i + 1:] if x.label is None or x.label == BODY), None)
        continues = FUNCTION_END.search(b.text) is not None or b.text.endswith(":")
        if continues and nxt is not None and (NUMBERED.match(nxt.text) or BULLET.match(nxt.text) or nxt.words):
            b.set(BODY, None, "body:lead-in")
        elif NUMBERED.match(b.text) and b.words >= 3:
            b.set(BODY, None, "body:list-item")
        elif hints.extracted or is_prose(b):
            b.set(BODY, None, "body:prose")
        elif _caption_evidence(b, lex):
            b.set("caption", None, "caption:phrase")
        elif b.words >= 4:
            b.set("caption", None, "caption:short-unpunctuated")
        else:
            b.set("boilerplate", "short", "short:fragment")


_SUFFIX_JUNK = re.compile(r"\b(ltd|limited|inc|llc|plc|gmbh|s\.?a|corp|corporation|all rights reserved)\b\.?", re.I)
_NAME = r"[A-Z][\w&'’.-]*(?:[ -](?:[A-Z][\w&'’.-]*|of|the|and|&))*"
_POLICY_NAME = re.compile(rf"(?P<name>{_NAME}) reserves? the right")
_NEWSLETTER_NAME = re.compile(
    rf"\b(?:get|receive|sign up for|subscribe to) (?:the |our )?(?P<name>{_NAME}) (?:in|to|delivered)")
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


def find_publisher(page: _Page, text: str, lex: Lexicon, hints: Hints) -> tuple[str | None, str | None]:
    """Publisher from the page's own evidence, strongest first."""
    if hints.sitename:
        return hints.sitename, "metadata: site name"
    for b in page.blocks:
        if b.kind == "copyright":
            rest = re.sub(r"(©|\(c\)|copyright)", " ", b.text, flags=re.I)
            rest = _SUFFIX_JUNK.sub(" ", YEAR.sub(" ", rest))
            rest = re.sub(r"[.,|]+", " ", rest).strip(" -–—")
            rest = " ".join(rest.split())
            if rest and len(rest.split()) <= 6:
                return _merged_name(rest, text), b.text
    for b in page.blocks:
        if b.kind == "comment_policy" and (m := _POLICY_NAME.search(b.text)):
            name = m.group("name")
            if name.lower() not in {"we", "the editor", "the editors"}:
                return name, b.text
    names = []
    for b in page.blocks:
        if b.kind == "newsletter" and (m := _NEWSLETTER_NAME.search(b.text)):
            names.append((_strip_suffix_words(m.group("name"), lex), b.text))
    if names:
        return max(names, key=lambda x: len(x[0]))
    for b in page.blocks:
        if b.label == "credit" and (m := _CREDIT_NAME.match(b.text)):
            return m.group("name"), b.text
    return None, None


def _dedupe(items: list[str]) -> tuple[str, ...]:
    seen, out = set(), []
    for t in items:
        k = fold(t)
        if k not in seen:
            seen.add(k)
            out.append(t)
    return tuple(out)


def strip_boilerplate(text: str, lexicon: Lexicon, hints: Hints | None = None) -> Page:
    """Label every block of `text` and assemble the clean page."""
    hints = hints or Hints()
    page = _Page(split_blocks(text))
    _mark_rules(page, lexicon)
    _mark_comments(page)
    _mark_repeats(page, lexicon)
    _mark_title(page, lexicon, hints)
    _mark_dek_and_subheadings(page)
    _mark_credit(page, lexicon)
    _mark_rest(page, lexicon, hints)

    blocks = page.blocks
    body = "\n\n".join(b.text for b in blocks if b.label == BODY)
    segments = tuple(
        Segment(i, b.label, b.kind, b.rule, b.start, b.end, b.text)
        for i, b in enumerate(blocks)
        if b.label != BODY
    )
    comments = tuple(
        Comment(
            n,
            (m.group("author").strip() if (m := COMMENT_AUTHOR.match(author.text)) else None),
            "\n\n".join(p.text for p in paras),
        )
        for n, (author, paras) in enumerate(page.comments, start=1)
    )
    strip_bullet = lambda t: BULLET.sub("", t).strip()  # noqa: E731
    title = next((b.text for b in blocks if b.label == "title"), None)
    publisher, evidence = find_publisher(page, text, lexicon, hints)
    return Page(
        title=title,
        dek=tuple(strip_bullet(b.text) for b in blocks if b.label == "dek"),
        captions=_dedupe([b.text for b in blocks if b.label == "caption"]),
        subheadings=tuple(strip_bullet(b.text) for b in blocks if b.label == "subheading"),
        credit=next((b.text for b in blocks if b.label == "credit"), None),
        publisher=publisher,
        publisher_evidence=evidence,
        body=body,
        segments=segments,
        comments=comments,
    )
