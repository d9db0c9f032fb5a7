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

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from tasks.lexicon import Lexicon

BODY = "body"
BULLET = re.compile(r"^[•●▪◦‣·∙○■□➢►▶✓✔*–—-]\s+")
NUMBERED = re.compile(r"^\(?\d{1,3}[.)]\s+")
SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$|[\"”’»]$")
YEAR = re.compile(r"\b(19|20)\d{2}\b(\s*[-–]\s*(19|20)?\d{2,4})?")
_QUOTE_FOLD = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
                             "–": "-", "—": "-", "\u00a0": " "})
_WORD = re.compile(r"\w+")


def _alternation(words: frozenset[str]) -> str:
    """A regex group matching any of the words, longest first."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))) + ")"


@dataclass(frozen=True)
class _Patterns:
    """The regular expressions built from the word lists of `boilerplate_words.tsv`."""

    comment_author: re.Pattern[str]  # "1. Jane on May 3, 2021 said:"
    function_end: re.Pattern[str]  # a block ending in a function word is cut short, not a caption
    date_line: re.Pattern[str]
    company_suffix: re.Pattern[str]
    not_publishers: frozenset[str]


@functools.cache
def _compile(verbs: frozenset[str], time_words: frozenset[str], dangling: frozenset[str], months: frozenset[str],
             suffixes: frozenset[str], not_publishers: frozenset[str]) -> _Patterns:
    month = _alternation(months)
    return _Patterns(
        comment_author=re.compile(
            r"^(?:\d{1,4}[.)]\s*)?(?P<author>[^\s.:;!?][^:;!?]{0,50}?)"
            rf"(?:\s+(?:{_alternation(time_words)}|[-–—|])\s+(?P<when>[^;!?]{{0,60}}?))?\s+"
            rf"{_alternation(verbs)}\s*:\s*$",
            re.I,
        ),
        function_end=re.compile(rf"\b{_alternation(dangling)}$"),
        date_line=re.compile(
            rf"\b{month}[a-z]*\.?\s+\d{{1,2}}(st|nd|rd|th)?,?\s+(19|20)\d{{2}}\b"
            rf"|\b\d{{1,2}}(st|nd|rd|th)?\s+{month}[a-z]*\.?,?\s+(19|20)\d{{2}}\b"
            r"|\b\d{1,2}:\d{2}\s*(am|pm)\b|\b(19|20)\d{2}-\d{2}-\d{2}\b|^\d{1,2}/\d{1,2}/\d{2,4}$",
            re.I,
        ),
        company_suffix=re.compile(rf"\b{_alternation(suffixes)}\b\.?", re.I),
        not_publishers=not_publishers,
    )


def patterns(lex: Lexicon) -> _Patterns:
    words = lex.word_set
    return _compile(words("comment_verbs"), words("comment_time_words"), words("dangling_words"), words("months"),
                    words("company_suffixes"), words("not_publishers"))


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
    density: float = 1.0  # share of function words (any known language): prose is high, tag clouds low
    dangling: bool = False  # ends in a function word: a line cut short ("It called on Iran and Russia to")

    def set(self, label: str, kind: str | None, rule: str) -> None:
        self.label, self.kind, self.rule = label, kind, rule


@dataclass(frozen=True)
class Hints:
    """What the input already tells (HTML metadata, JSON fields)."""

    title: str | None = None
    sitename: str | None = None
    extracted: bool = False  # text comes from a content extractor: no prose filter
    furniture: frozenset[str] = frozenset()  # folded short lines seen on several pages of the run


FURNITURE_MAX_WORDS = 12
FURNITURE_MIN_PAGES = 3


def page_furniture(texts: list[str]) -> frozenset[str]:
    """Short non-sentence lines that several pages share: site navigation, prompts, footers.

    Only short lines count, so paragraphs that several outlets share (wire copy) stay body.
    """
    seen: Counter[str] = Counter()
    for text in texts:
        keys = set()
        for b in split_blocks(text):
            if b.words <= FURNITURE_MAX_WORDS and not SENTENCE_END.search(b.text) and b.key:
                keys.add(b.key)
        seen.update(keys)
    return frozenset(k for k, n in seen.items() if n >= FURNITURE_MIN_PAGES)


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
    """A sentence, or a long run of words that reads like language (not a tag cloud or a list)."""
    if block.words >= 3 and SENTENCE_END.search(block.text):
        return True
    return block.words >= 15 and block.density >= 0.1


def _set_density(blocks: list[_Block], lex: Lexicon) -> None:
    function_end = patterns(lex).function_end
    for b in blocks:
        b.dangling = function_end.search(b.text) is not None
    function_words = frozenset().union(*lex.stopwords.values()) if lex.stopwords else frozenset()
    if not function_words:
        return
    for b in blocks:
        words = _WORD.findall(b.text.lower())
        b.density = sum(w in function_words for w in words) / len(words) if words else 0.0
    long = [b.density for b in blocks if b.words >= 15]
    if not long or max(long) < 0.15:
        for b in blocks:  # a language the word lists do not know: density says nothing
            b.density = 1.0


def _headline_like(block: _Block) -> bool:
    t = block.text
    return 2 <= block.words <= 30 and not t.endswith((".", ",", ";")) and not BULLET.match(t)


def _mark_rules(page: _Page, lex: Lexicon, furniture: frozenset[str] = frozenset()) -> None:
    for b in page.blocks:
        if b.words > 120:
            continue
        for rule in lex.boilerplate:
            if rule.pattern.search(b.text):
                b.set("boilerplate", rule.kind, f"phrase:{rule.kind}")
                break
        else:
            if b.key in furniture:
                b.set("boilerplate", "site_furniture", f"repeat:on-{FURNITURE_MIN_PAGES}+-pages")


def _mark_comments(page: _Page, lex: Lexicon) -> None:
    """Reader comments: author lines ('1. Name said:') and the paragraphs under each."""
    blocks = page.blocks
    zone = next(
        (i for i, b in enumerate(blocks) if b.kind in {"comment_policy", "comment_header", "reply_form"}), None
    )
    current: tuple[_Block, list[_Block]] | None = None
    for i, b in enumerate(blocks):
        m = patterns(lex).comment_author.match(b.text) if b.words <= 14 else None
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


def _mark_title(page: _Page, lex: Lexicon, hints: Hints, region_start: int) -> None:
    """The headline: given by metadata, else the headline-like block nearest before the article."""
    blocks = page.blocks
    if hints.title:
        want = fold(hints.title)
        for b in blocks:
            if b.key == want:
                b.set("title", None, "title:metadata")
                return
    for i in range(min(region_start, len(blocks)) - 1, -1, -1):
        b = blocks[i]
        if b.label is not None or BULLET.match(b.text) or patterns(lex).date_line.search(b.text):
            continue
        if _headline_like(b) and b.words >= 2:
            b.set("title", None, "title:nearest-before-article")
            return
    first = next((b for b in blocks if b.label is None and _headline_like(b)), None)
    if first is not None and not is_prose(first):
        first.set("title", None, "title:first-headline")


# block score for the main-content search: prose earns its length, furniture costs
BARRIER_KINDS = {"comment_header", "comment_policy", "reply_form", "copyright", "related_header"}


ISOLATED_PROSE = 0.15  # weight of a prose block with no prose neighbour (teaser blurbs, footers)


def _score(b: _Block, isolated: bool = False) -> float:
    if b.label is None:
        if is_prose(b) and not BULLET.match(b.text):
            return float(min(b.words, 200)) * (ISOLATED_PROSE if isolated else 1.0)
        if NUMBERED.match(b.text) and b.words >= 3 and b.density >= 0.1:
            return float(b.words) / 2  # list items inside an article
        if b.dangling and b.words >= 4:
            return float(b.words) / 2  # a lead-in cut short: "It called on Iran and Russia to"
        return -1.0 - 0.5 * min(b.words, 12)
    if b.label == "comment":
        return -10.0 - b.words
    if b.label == "boilerplate":
        if b.kind == "site_furniture":
            return -1.0 - 0.5 * min(b.words, 12)  # known to be furniture, but no sign the article ended
        return -60.0 if b.kind in BARRIER_KINDS else -8.0
    return -1.0  # captions, credits: page furniture that sits inside articles too


def _isolated(blocks: list[_Block], prose: list[bool], i: int) -> bool:
    """No prose right before or after, looking past bulleted subheadings (sections of one paragraph)."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(blocks) and blocks[j].label is None and BULLET.match(blocks[j].text) \
                and blocks[j].words <= 12:
            j += step
        if 0 <= j < len(blocks) and prose[j]:
            return False
    return True


MENU_RUN = 6  # consecutive nav-like lines that mark a page dump with its menus


def _nav_like(b: _Block) -> bool:
    return b.words <= 3 and not any(c.isdigit() for c in b.text) and not SENTENCE_END.search(b.text)


def has_chrome(blocks: list[_Block]) -> bool:
    """A dumped web page (menus: runs of short link-like lines), not bare article text."""
    run = 0
    for b in blocks:
        run = run + 1 if _nav_like(b) else 0
        if run >= MENU_RUN:
            return True
    return False


def main_region(blocks: list[_Block]) -> tuple[int, int]:
    """[lo, hi) of the maximum-sum run of block scores: the article's place on the page."""
    prose = [b.label is None and is_prose(b) and not BULLET.match(b.text) for b in blocks]
    best, best_lo, best_hi = 0.0, 0, 0
    cur, lo = 0.0, 0
    for i, b in enumerate(blocks):
        if cur <= 0:
            cur, lo = 0.0, i
        cur += _score(b, prose[i] and _isolated(blocks, prose, i))
        if cur > best:
            best, best_lo, best_hi = cur, lo, i + 1
    return best_lo, best_hi


def _mark_dek_and_subheadings(page: _Page, region: tuple[int, int]) -> None:
    lo, hi = region
    for i, b in enumerate(page.blocks):
        if b.label is not None or not BULLET.match(b.text):
            continue
        if i < lo:
            b.set("dek", None, "dek:bullet-before-body")
        elif i < hi and b.words <= 20 and not SENTENCE_END.search(b.text):
            b.set("subheading", None, "subheading:bullet")


def _mark_credit(page: _Page, lex: Lexicon) -> None:
    for b in page.blocks:
        if b.label is not None or b.words > 12:
            continue
        for rule in lex.credit:
            if rule.pattern.search(b.text):
                b.set("credit", rule.kind, f"credit:{rule.kind}")
                break


def _mark_rest(page: _Page, lex: Lexicon, hints: Hints, region: tuple[int, int]) -> None:
    """Inside the article, prose is body and short unpunctuated lines are captions or headings;
    outside it, prose is page furniture (teasers, blurbs, footers)."""
    blocks = page.blocks
    lo, hi = region
    for i, b in enumerate(blocks):
        if b.label is not None:
            continue
        inside = lo <= i < hi
        nxt = next((x for x in blocks[i + 1:] if x.label is None or x.label == BODY), None)
        continues = b.dangling or b.text.endswith(":")
        if not inside and not hints.extracted:
            if _caption_evidence(b, lex):
                b.set("caption", None, "caption:phrase")
            elif is_prose(b):
                b.set("boilerplate", "outside", "region:outside-article")
            else:
                b.set("boilerplate", "short", "short:fragment")
        elif continues and nxt is not None and (NUMBERED.match(nxt.text) or BULLET.match(nxt.text) or nxt.words):
            b.set(BODY, None, "body:lead-in")
        elif NUMBERED.match(b.text) and b.words >= 3:
            b.set(BODY, None, "body:list-item")
        elif hints.extracted or is_prose(b):
            b.set(BODY, None, "body:prose")
        elif _caption_evidence(b, lex):
            b.set("caption", None, "caption:phrase")
        elif b.words >= 4 and _between_prose(blocks, i) and not any(c.isdigit() for c in b.text):
            b.set("caption", None, "caption:lone-line-between-paragraphs")
        elif b.words >= 2 and (any(c.isdigit() for c in b.text) or _in_run_of_short_lines(blocks, i)):
            b.set(BODY, None, "body:data-or-list-line")  # datelines, results, tables, lists
        elif b.words >= 4:
            b.set("caption", None, "caption:short-unpunctuated")
        else:
            b.set("boilerplate", "short", "short:fragment")


def _between_prose(blocks: list[_Block], i: int) -> bool:
    before = next((b for b in reversed(blocks[:i]) if b.label not in {"caption", "boilerplate"}), None)
    after = next((b for b in blocks[i + 1:] if b.label not in {"caption", "boilerplate"}), None)
    return all(b is not None and (b.label == BODY or (b.label is None and is_prose(b))) for b in (before, after))


def _in_run_of_short_lines(blocks: list[_Block], i: int) -> bool:
    """A neighbour is also a short unlabelled line: a list or table, not a lone caption."""
    near = [blocks[j] for j in (i - 1, i + 1) if 0 <= j < len(blocks)]
    return any(b.label in {None, BODY} and not is_prose(b) and 2 <= b.words <= 15 for b in near)


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


def find_publisher(page: _Page, text: str, lex: Lexicon, hints: Hints) -> tuple[str | None, str | None]:
    """Publisher from the page's own evidence, strongest first."""
    if hints.sitename:
        return hints.sitename, "metadata: site name"
    for b in page.blocks:
        if b.kind == "copyright":
            rest = re.sub(r"(©|\(c\)|copyright)", " ", b.text, flags=re.I)
            rest = patterns(lex).company_suffix.sub(" ", YEAR.sub(" ", rest))
            rest = re.sub(r"[.,|]+", " ", rest).strip(" -–—")
            rest = " ".join(rest.split())
            if rest and len(rest.split()) <= 6:
                return _merged_name(rest, text), b.text
    for b in page.blocks:
        if b.kind == "comment_policy" and (m := _POLICY_NAME.search(b.text)):
            name = m.group("name")
            if name.lower() not in patterns(lex).not_publishers:
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
    _set_density(page.blocks, lexicon)
    _mark_rules(page, lexicon, hints.furniture)
    _mark_comments(page, lexicon)
    if hints.extracted:
        # a content extractor chose these blocks already: only phrase rules, comments and credits
        # apply; its lists and repeated items are article content
        _mark_credit(page, lexicon)
        region = (0, len(page.blocks))
        _mark_title(page, lexicon, hints, 0)
    else:
        _mark_repeats(page, lexicon)
        _mark_credit(page, lexicon)
        article = main_region(page.blocks)
        _mark_title(page, lexicon, hints, article[0])
        region = article
        if not has_chrome(page.blocks):
            # bare article text, no menus: everything after the headline is the article
            # up to the first section-ending barrier (related stories, comments, reply form, ...)
            title = next((i for i, b in enumerate(page.blocks) if b.label == "title"), -1)
            end = next((i for i, b in enumerate(page.blocks) if i >= article[0] and b.label == "boilerplate"
                        and b.kind in BARRIER_KINDS), len(page.blocks))
            region = (min(article[0], title + 1), max(end, article[1]))
        _mark_dek_and_subheadings(page, (article[0], region[1]))
    _mark_rest(page, lexicon, hints, region)

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
            (m.group("author").strip() if (m := patterns(lexicon).comment_author.match(author.text)) else None),
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
