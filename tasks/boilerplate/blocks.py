"""Blocks: a page's text split into non-blank lines, with the evidence each carries (length,
punctuation, function-word share, a fold for comparison), and the regular expressions built from
the word lists of `tasks/data/boilerplate_words.tsv`."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from tasks.lexicon import Lexicon, first_kind

BODY = "body"
BULLET = re.compile(r"^[•●▪◦‣·∙○■□➢►▶✓✔*–—-]\s+")
NUMBERED = re.compile(r"^\(?\d{1,3}[.)]\s+")
SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$|[\"”’»]$")
# a lead paragraph's dateline: "Boston (CNN) -- ...", "DUBAI, United Arab Emirates — ...", "(AP) — ..."
LEAD_DATELINE = re.compile(r"^(?:[^\W\d_][\w.'’-]*(?:,? [^\W\d_][\w.'’-]*){0,5} ?)?(?:\([^()]{1,40}\) ?)?(?:--|—|–) ")
INITIALISM_END = re.compile(r"\b(?:[A-Z]\.){2,}$")  # "... Underneath N.Y.C.": no sentence's full stop
_QUOTE_FOLD = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
                             "–": "-", "—": "-", "\u00a0": " "})
WORD = re.compile(r"\w+")


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
    menu: re.Pattern[str]  # three items or more between separators: "Home » Sport » Football"


@functools.cache
def _compile(verbs: frozenset[str], time_words: frozenset[str], dangling: frozenset[str], months: frozenset[str],
             suffixes: frozenset[str], not_publishers: frozenset[str], separators: frozenset[str]) -> _Patterns:
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
            r"|\b\d{1,2}:\d{2}\s*([ap]m\b|[ap]\.m\.)|\b(19|20)\d{2}-\d{2}-\d{2}\b|^\d{1,2}/\d{1,2}/\d{2,4}\b"
            r"|\b\d+\s+(second|minute|hour|day|week|month|year)s?\s+ago\b",
            re.I,
        ),
        company_suffix=re.compile(rf"\b{_alternation(suffixes)}\b\.?", re.I),
        not_publishers=not_publishers,
        menu=re.compile(rf"(?:\s{_alternation(separators)}\s.*){{2}}"),
    )


def comment_author(lex: Lexicon, text: str) -> re.Match[str] | None:
    """'1. Jane on May 3, 2021 said:' or 'Jane Doe says:' — a name, not a clause: without a
    timestamp the author part holds no comma and at most four words ('In an interview, the
    president said:' introduces a quote in the body)."""
    m = patterns(lex).comment_author.match(text)
    if m and m.group("when") is None:
        author = m.group("author")
        if "," in author or len(author.split()) > 4:
            return None
    return m


def patterns(lex: Lexicon) -> _Patterns:
    words = lex.word_set
    return _compile(words("comment_verbs"), words("comment_time_words"), words("dangling_words"), words("months"),
                    words("company_suffixes"), words("not_publishers"), words("menu_separators"))


@dataclass
class Block:
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
    decisions: tuple[tuple[bool, str], ...] = ()  # HTML route: per line after the title, (body?, evidence)
    captions: frozenset[str] = frozenset()  # lines the input's markup marks as captions (Markdown, HTML)


FURNITURE_MAX_WORDS = 12
FURNITURE_MIN_PAGES = 3
STORY_MIN_WORDS = 20  # a paragraph of a story, not a line of a page's furniture


def page_keys(text: str) -> tuple[set[str], set[str]]:
    """Folded lines of one page, from one split: its short non-sentence lines (what page furniture
    would look like) and its paragraphs of STORY_MIN_WORDS words or more (what its story looks like)."""
    short: set[str] = set()
    story: set[str] = set()
    for b in split_blocks(text):
        if not b.key:
            continue
        if b.words <= FURNITURE_MAX_WORDS and not SENTENCE_END.search(b.text):
            short.add(b.key)
        if b.words >= STORY_MIN_WORDS:
            story.add(b.key)
    return short, story


def shared_furniture(pages: list[tuple[set[str], set[str]]]) -> frozenset[str]:
    """Of each page's `page_keys` (short lines, paragraphs): the short lines that FURNITURE_MIN_PAGES
    pages or more share, unless those pages carry one story: more than half of each one's
    paragraphs are paragraphs all of them have (wire copy republished by several outlets, a page
    saved twice). Then the short lines they share are the story's headline, byline and dateline,
    not a site's furniture. A site's long footer blurb or cookie notice on every page is one
    paragraph of many, which does not make its pages one story."""
    holding: dict[str, list[int]] = {}
    for i, (short, _) in enumerate(pages):
        for key in short:
            holding.setdefault(key, []).append(i)

    def one_story(where: list[int]) -> bool:
        common = set.intersection(*(pages[i][1] for i in where))
        return all(2 * len(common) > len(pages[i][1]) for i in where)

    return frozenset(key for key, where in holding.items() if len(where) >= FURNITURE_MIN_PAGES
                     and not one_story(where))


def page_furniture(texts: list[str]) -> frozenset[str]:
    """Short non-sentence lines that several pages share: site navigation, prompts, footers
    (see `shared_furniture`). Only short lines count, so paragraphs that several outlets share
    (wire copy) stay body."""
    return shared_furniture([page_keys(t) for t in texts])


def fold(text: str) -> str:
    """Key for comparing blocks: quote/dash styles, accents, case and spacing folded."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_FOLD)
    return " ".join(WORD.findall(text.lower()))


def split_blocks(text: str) -> list[Block]:
    """Non-blank lines with their offsets (surrounding blanks, NBSP included, trimmed)."""
    out, pos = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            start = pos + lead
            out.append(
                Block(start, start + len(stripped), stripped, lead, words=len(stripped.split()), key=fold(stripped))
            )
        pos += len(line) + 1
    return out


def is_prose(block: Block) -> bool:
    """A sentence, or a long run of words that reads like language (not a tag cloud or a list)."""
    if block.words >= 3 and SENTENCE_END.search(block.text):
        return True
    return block.words >= 15 and block.density >= 0.1


def set_evidence(blocks: list[Block], lex: Lexicon) -> None:
    function_end = patterns(lex).function_end
    for b in blocks:
        b.dangling = function_end.search(b.text) is not None
    function_words = frozenset().union(*lex.stopwords.values()) if lex.stopwords else frozenset()
    if not function_words:
        return
    for b in blocks:
        words = WORD.findall(b.text.lower())
        b.density = sum(w in function_words for w in words) / len(words) if words else 0.0
    long = [b.density for b in blocks if b.words >= 15]
    if not long or max(long) < 0.15:
        for b in blocks:  # a language the word lists do not know: density says nothing
            b.density = 1.0


def content_words(text: str, lex: Lexicon) -> set[str]:
    """Words of four letters or more that are no English function words."""
    return {w for w in re.findall(r"[^\W\d_]{4,}", text.lower()) if w not in lex.stopwords.get("en", ())}


def story_words(texts, lex: Lexicon) -> set[str]:
    """The content words of a story's first paragraphs."""
    return set().union(*(content_words(t, lex) for t in texts))


def story_share(line: str, story: set[str], lex: Lexicon) -> float:
    """How far a line tells a story (`story`: the content words of its first paragraphs): the share
    of the line's own content words the story holds, when it holds two or more, else 0. Menus,
    buttons and section names share none; another story's teaser shares a few of many."""
    own = content_words(line, lex)
    shared = len(own & story)
    return shared / len(own) if shared >= 2 else 0.0


TITLE_REACH = 16  # lines above the article where its headline may stand (both routes)


def story_headline(lines, story: set[str], lex: Lexicon):
    """Of the candidate `lines` ((item, text), nearest the article first), the item whose text tells
    the story best (`story_share`); the nearest on a tie; None when none tells it."""
    best, best_share = None, 0.0
    for item, text in lines:
        if (share := story_share(text, story, lex)) > best_share:
            best, best_share = item, share
    return best


def headline_like(block: Block, lex: Lexicon) -> bool:
    return headline_shaped(block.text, block.words, lex)


def introduces(text: str) -> bool:
    """The line ends in a colon: what follows is what it announces ("... were as follows:")."""
    return text.rstrip().endswith(":")


def credit_kind(text: str, lex: Lexicon) -> str | None:
    """The kind of the first credit rule (`credit.tsv`: byline, agency) the text matches."""
    return first_kind(lex.credit, text)


def headline_shaped(text: str, words: int, lex: Lexicon) -> bool:
    """Two to thirty words, no sentence's (a final full stop of an initialism is none: "... N.Y.C."),
    list item's, menu's or breadcrumb's shape (three items or more between the separators of
    `menu_separators`: "Home » Sport » Football", "A | B | C")."""
    sentence = text.endswith((",", ";")) or (text.endswith(".") and not INITIALISM_END.search(text))
    return 2 <= words <= 30 and not sentence and not BULLET.match(text) and not patterns(lex).menu.search(text)


MENU_RUN = 6  # consecutive nav-like lines that mark a page dump with its menus


def _nav_like(b: Block) -> bool:
    return b.words <= 3 and not any(c.isdigit() for c in b.text) and not SENTENCE_END.search(b.text)


def has_chrome(blocks: list[Block]) -> bool:
    """A dumped web page (menus: runs of short link-like lines), not bare article text."""
    run = 0
    for b in blocks:
        run = run + 1 if _nav_like(b) else 0
        if run >= MENU_RUN:
            return True
    return False
