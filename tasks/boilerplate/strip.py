"""Boilerplate stripping: label every block of a page's text and keep the article body.

`strip_boilerplate(text, lexicon)` returns a `Page`: title, dek, captions, subheadings,
credit, publisher, the clean `body`, reader `comments`, and one `Segment` (label, kind,
rule, offsets into `text`) for every block that is not body, so every non-blank character
of the input is either in the body or accounted for.

Labelling runs in passes, each recording the rule that fired; evidence is general (phrase
rules from `tasks/data`, repetition within the page, position, length, punctuation), never
one site's exact strings.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from tasks.boilerplate.blocks import (
    BODY,
    BULLET,
    FURNITURE_MIN_PAGES,
    LEAD_DATELINE,
    NUMBERED,
    SENTENCE_END,
    STORY_MIN_WORDS,
    TITLE_REACH,
    Block,
    Hints,
    comment_author,
    credit_kind,
    fold,
    has_chrome,
    headline_like,
    introduces,
    is_prose,
    patterns,
    set_evidence,
    split_blocks,
    story_headline,
    story_share,
    story_words,
)
from tasks.boilerplate.publisher import find_publisher
from tasks.boilerplate.region import BARRIER_KINDS, main_region
from tasks.dates import is_date_word
from tasks.lexicon import GALLERY, PLAYER, Lexicon, first_kind

# spaces inside a line that are typography, not text: runs of spaces and tabs, no-break and thin
# spaces ("they were\xa0separated"); the parser reads each as a token of its own
_SPACES = re.compile("[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")


# caption.tsv kinds that make a caption of a paragraph however long: a photo credit that ends it, a
# screen reader's label that opens it
WHOLE_CAPTION = frozenset({"trailing_credit", "label"})
FURNITURE_RULE = f"repeat:on-{FURNITURE_MIN_PAGES}+-pages"  # a short line several pages of the run share
REPEAT_CAPTION = "repeat:caption"  # a line the page repeats, as a gallery's caption
PLAYER_SPAN = 200  # blocks between two lines of a player's control text that may be its menus (`_mark_player`)
PLAYER_WORDS = 4  # the longest menu line ("Proportional Sans-Serif", "Defaults Done")
HIGHLIGHTS = "highlights"  # boilerplate.tsv: the header of a story's summary points ("Story highlights")
HIGHLIGHT_ITEMS = 4  # summary points under it, at most: a box of three or four is the custom
HIGHLIGHT_WORDS = 40  # a longer block under it is the article's first paragraph


def _one_space(text: str) -> str:
    return _SPACES.sub(" ", text)


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
class LabelledPage:
    blocks: list[Block]
    comments: list[tuple[Block, list[Block]]] = field(default_factory=list)


def _mark_decisions(page: LabelledPage, hints: Hints) -> None:
    """The ensemble's verdicts, in order, on the lines after the title line (a page the
    extractor found no title for has none: its verdicts start at the first line)."""
    if not hints.decisions:
        return
    first = len(page.blocks) - len(hints.decisions)
    if first not in (0, 1):
        return  # the lines are not the ensemble's units (a page text of another origin)
    for b, (keep, evidence) in zip(page.blocks[first:], hints.decisions):
        if not keep and b.label is None:
            b.set("boilerplate", "outside", f"html:ensemble {evidence}")


def _mark_rules(page: LabelledPage, lex: Lexicon, furniture: frozenset[str] = frozenset()) -> None:
    _mark_gallery(page, lex)
    for b in page.blocks:
        if b.words > 120 or b.label is not None:
            continue
        if kind := first_kind(lex.boilerplate, b.text):
            b.set("boilerplate", kind, f"phrase:{kind}")
        elif b.key in furniture:
            b.set("boilerplate", "site_furniture", FURNITURE_RULE)
    _mark_player(page)


def _mark_player(page: LabelledPage) -> None:
    """A media player's menus: the short lines between two lines of its control text ("Current
    Time 0:00", "White", "Black", "75%", "Close", "This is a modal window. ..."), at most
    PLAYER_SPAN blocks apart, each of at most PLAYER_WORDS words, are the player's too."""
    blocks = page.blocks
    marked = [i for i, b in enumerate(blocks) if b.label == "boilerplate" and b.kind == PLAYER]
    for i, j in zip(marked, marked[1:]):
        between = blocks[i + 1:j]
        if j - i <= PLAYER_SPAN and all(b.words <= PLAYER_WORDS and b.label in (None, "boilerplate") for b in between):
            for b in between:
                b.set("boilerplate", PLAYER, f"phrase:{PLAYER}-menu")


def _mark_gallery(page: LabelledPage, lex: Lexicon) -> None:
    """Slides of a photo gallery: blocks numbered "3/50 ...", "3 of 50 ..." in a series (two or more
    with one total, each number within it), so a lone "24/7" or "1/2 tsp" is no slide."""
    counters = [r.pattern for r in lex.gallery]
    slides: dict[int, list[tuple[int, Block]]] = {}
    for b in page.blocks:
        m = next((m for p in counters if (m := p.search(b.text))), None)
        if m and b.words <= 120 and 0 < int(m.group("n")) <= int(m.group("total")):
            slides.setdefault(int(m.group("total")), []).append((int(m.group("n")), b))
    for series in slides.values():
        if len({n for n, _ in series}) >= 2:
            for _, b in series:
                b.set("boilerplate", GALLERY, f"phrase:{GALLERY}")


def _mark_highlights(page: LabelledPage) -> None:
    """The story's summary points under a "Story highlights" or "Key points" header are its dek,
    not body (they say again what the article says): the unlabelled blocks right under it, up to
    HIGHLIGHT_ITEMS, ending at a labelled block (a caption, a credit), a paragraph's length or the
    article's lead ("Boston (CNN) -- ...")."""
    blocks = page.blocks
    for i, b in enumerate(blocks):
        if b.label != "boilerplate" or b.kind != HIGHLIGHTS:
            continue
        for item in blocks[i + 1:i + 1 + HIGHLIGHT_ITEMS]:
            if item.label is not None or item.words > HIGHLIGHT_WORDS or LEAD_DATELINE.match(item.text):
                break
            item.set("dek", None, "dek:highlights")


def _mark_comments(page: LabelledPage, lex: Lexicon) -> None:
    """Reader comments: author lines ('1. Name said:') and the paragraphs under each."""
    blocks = page.blocks
    zone = next(
        (i for i, b in enumerate(blocks) if b.kind in {"comment_policy", "comment_header", "reply_form"}), None
    )
    current: tuple[Block, list[Block]] | None = None
    for i, b in enumerate(blocks):
        m = comment_author(lex, b.text) if b.words <= 14 else None
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


def _mark_repeats(page: LabelledPage) -> None:
    """A block repeated on the page (in any quote style) is a caption, or navigation if short;
    but paragraphs that repeat as a run, in order, are the article rendered twice (a print or
    mobile copy): its first rendering stays, the later ones are duplicates."""
    blocks = page.blocks
    counts = Counter(b.key for b in blocks if b.key)
    pairs = Counter((a.key, b.key) for a, b in zip(blocks, blocks[1:]) if a.key and b.key)
    prose = [is_prose(b) for b in blocks]
    # paragraph i and i + 1: two different prose paragraphs that stand side by side more than once
    twice = [prose[i] and prose[i + 1] and a.key != b.key and pairs[(a.key, b.key)] > 1
             for i, (a, b) in enumerate(zip(blocks, blocks[1:]))] + [False]
    in_run = [counts[b.key] > 1 and (twice[i] or (i > 0 and twice[i - 1])) for i, b in enumerate(blocks)]
    seen: set[str] = set()
    for b, run in zip(blocks, in_run):
        if b.label is None and run:
            if b.key in seen:
                b.set("boilerplate", "duplicate", "repeat:passage")
            seen.add(b.key)
    for b, run in zip(blocks, in_run):
        if b.label is None and not run and counts[b.key] > 1 and b.words <= 80:
            if b.words < 4:
                b.set("boilerplate", "navigation", "repeat:short")
            else:
                b.set("caption", None, REPEAT_CAPTION)


def _caption_evidence(b: Block, lex: Lexicon, kinds: frozenset[str] | None = None) -> str | None:
    """The kind of the first caption rule the block matches (among `kinds` when given)."""
    return first_kind(lex.caption, b.text, kinds)


TITLE_LABEL_REACH = 6  # blocks above a name-like line where the headline may stand


def _label_like(b: Block) -> bool:
    """A name or a label, not a headline: a line of three words at most, each capitalised (a
    byline's "Polly Toynbee", an agency's "The Associated Press", a button's "Email This Post"; a
    comma makes it a headline: "Clinton, Obama Spar")."""
    words = b.text.split()
    return len(words) <= 3 and "," not in b.text and all(w[:1].isupper() or not w[:1].isalpha() for w in words)


def _headline_candidate(b: Block, lex: Lexicon, repeated: tuple[str, ...] = ()) -> bool:
    """Headline-like, of two words or more, not yet labelled (or labelled only for being repeated,
    by a rule in `repeated`), and no list item, date or time line, or caption."""
    free = b.label is None or b.rule in repeated
    return (free and headline_like(b, lex) and not patterns(lex).date_line.search(b.text)
            and not _caption_evidence(b, lex))


def _story_headline(blocks: list[Block], lex: Lexicon, region_start: int) -> Block | None:
    """A headline tells the story: of the headline-like lines up to TITLE_REACH above the article
    (one repeated on the page too: a headline comes back in breadcrumbs and share boxes), the one
    that most of its own content words share with the article's first four paragraphs, two at
    least (menus, buttons, section names and other stories' teasers share none; a teaser shares a
    few of many); on a tie the nearest. Only where none does, a line other pages of the run share:
    they list this story among their latest, so its headline is the run's furniture too (not
    first: a section's name every page shows, "World News", would win on a short line's share).
    Else the article found may begin with its headline: its first block, when headline-like and
    sharing two words with the four paragraphs under it."""
    story = story_words((b.text for b in blocks[region_start:region_start + 4]), lex)
    above = blocks[max(0, region_start - TITLE_REACH):region_start][::-1]
    best = story_headline(((b, b.text) for b in above if _headline_candidate(b, lex, (REPEAT_CAPTION,))), story,
                          lex)
    if best is None:
        shared = (b for b in above if b.rule == FURNITURE_RULE and _headline_candidate(b, lex, (FURNITURE_RULE,)))
        best = story_headline(((b, b.text) for b in shared), story, lex)
    if best is not None or region_start >= len(blocks) or not has_chrome(blocks):
        return best
    first = blocks[region_start]
    paragraphs = (b.text for b in blocks[region_start + 1:] if b.words >= STORY_MIN_WORDS)
    under = story_words(itertools.islice(paragraphs, 4), lex)
    return first if _headline_candidate(first, lex) and story_share(first.text, under, lex) else None


def _mark_title(page: LabelledPage, lex: Lexicon, hints: Hints, region_start: int) -> None:
    """The headline: given by metadata, else the line that tells the article's story, else the
    headline-like block nearest before the article that is no name or label, else the nearest."""
    blocks = page.blocks
    if hints.title:
        want = fold(hints.title)
        for b in blocks:
            if b.key == want:
                b.set("title", None, "title:metadata")
                return
    best = _story_headline(blocks, lex, region_start)
    if best is not None:
        best.set("title", None, "title:tells-the-story")
        for b in blocks:  # the headline's copies on the page are no captions
            if b.rule == REPEAT_CAPTION and b.key == best.key:
                b.set("boilerplate", "duplicate", "repeat:headline")
        return
    nearest = None
    for i in range(min(region_start, len(blocks)) - 1, -1, -1):
        b = blocks[i]
        if nearest is not None and i < nearest[0] - TITLE_LABEL_REACH:
            break
        if _headline_candidate(b, lex):
            if not _label_like(b):
                b.set("title", None, "title:nearest-before-article")
                return
            nearest = nearest or (i, b)
    if nearest is not None:
        nearest[1].set("title", None, "title:nearest-before-article")
        return
    first = next((b for b in blocks if b.label is None and headline_like(b, lex)), None)
    if first is not None and not is_prose(first):
        first.set("title", None, "title:first-headline")


def _mark_datelines(page: LabelledPage, lex: Lexicon, article_start: int) -> None:
    """A bare date or time between the headline and the article ("November 5, 2012, 4:00 pm", "3
    days ago") is its dateline, not body."""
    title = next((i for i, b in enumerate(page.blocks) if b.label == "title"), None)
    if title is None:
        return
    for b in page.blocks[title + 1:article_start]:
        if b.label is None and b.words <= 12 and _bare_time(b.text, lex):
            b.set("boilerplate", "dateline", "dateline:under-headline")


def _first_paragraph(blocks: list[Block]) -> int:
    """Where the article the ensemble kept starts: its first unlabelled block of a paragraph's length."""
    return next((i for i, b in enumerate(blocks) if b.label is None and b.words >= STORY_MIN_WORDS), len(blocks))


def _bare_time(text: str, lex: Lexicon) -> bool:
    """A date or time and nothing more but a label, weekday or zone ("Updated at 11:31 a.m. ET");
    a place's dateline ("LONDON 1996-08-30") names the place, which is article content."""
    rest = patterns(lex).date_line.sub(" ", text)
    if rest == text:
        return False
    return all(is_date_word(w, lex) for w in re.findall(r"[^\W\d_]+", rest.lower()))


def _mark_dek_and_subheadings(page: LabelledPage, region: tuple[int, int]) -> None:
    lo, hi = region
    title = next((i for i, b in enumerate(page.blocks) if b.label == "title"), -1)
    for i, b in enumerate(page.blocks):
        if b.label is not None or not BULLET.match(b.text):
            continue
        if i < title:  # a list above the headline is the site's menu, not the article's
            continue
        if i < lo:
            b.set("dek", None, "dek:bullet-before-body")
        elif i < hi and b.words <= 20 and not SENTENCE_END.search(b.text):
            b.set("subheading", None, "subheading:bullet")


def _mark_credit(page: LabelledPage, lex: Lexicon) -> None:
    """Bylines and agency credits, also one the run's other pages share ("By Press Association" on
    every wire story of a batch is each one's credit, not the site's furniture)."""
    for b in page.blocks:
        if (b.label is not None and b.rule != FURNITURE_RULE) or b.words > 12:
            continue
        if kind := credit_kind(b.text, lex):
            b.set("credit", kind, f"credit:{kind}")


def _mark_rest(page: LabelledPage, lex: Lexicon, hints: Hints, region: tuple[int, int]) -> None:
    """Inside the article, prose is body and short unpunctuated lines are captions or headings;
    outside it, prose is page furniture (teasers, blurbs, footers)."""
    blocks = page.blocks
    lo, hi = region
    for i, b in enumerate(blocks):
        if b.label is not None:
            continue
        inside = lo <= i < hi
        nxt = next((x for x in blocks[i + 1:] if x.label is None or x.label == BODY), None)
        continues = b.dangling or introduces(b.text)
        if not inside and not hints.extracted:
            if _caption_evidence(b, lex):
                b.set("caption", None, "caption:phrase")
            elif is_prose(b):
                b.set("boilerplate", "outside", "region:outside-article")
            else:
                b.set("boilerplate", "short", "short:fragment")
        elif kind := _caption_evidence(b, lex, WHOLE_CAPTION):
            b.set("caption", None, "caption:" + kind.replace("_", "-"))  # caption:trailing-credit, caption:label
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


def _between_prose(blocks: list[Block], i: int) -> bool:
    before = next((b for b in reversed(blocks[:i]) if b.label not in {"caption", "boilerplate"}), None)
    after = next((b for b in blocks[i + 1:] if b.label not in {"caption", "boilerplate"}), None)
    return all(b is not None and (b.label == BODY or (b.label is None and is_prose(b))) for b in (before, after))


def _in_run_of_short_lines(blocks: list[Block], i: int) -> bool:
    """A neighbour is also a short unlabelled line: a list or table, not a lone caption."""
    near = [blocks[j] for j in (i - 1, i + 1) if 0 <= j < len(blocks)]
    return any(b.label in {None, BODY} and not is_prose(b) and 2 <= b.words <= 15 for b in near)


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
    page = LabelledPage(split_blocks(text))
    set_evidence(page.blocks, lexicon)
    for b in page.blocks:  # the markup says so (a Markdown image's emphasised line, an HTML <figcaption>)
        if b.text in hints.captions:
            b.set("caption", None, "caption:markup")
    _mark_rules(page, lexicon, hints.furniture)
    _mark_comments(page, lexicon)
    if hints.extracted:
        # the HTML ensemble chose these blocks already: what it left out is furniture (with its
        # evidence); on the rest only phrase rules, comments and credits apply, and its lists and
        # repeated items are article content
        _mark_decisions(page, hints)
        _mark_title(page, lexicon, hints, 0)
        _mark_credit(page, lexicon)
        _mark_highlights(page)
        _mark_datelines(page, lexicon, _first_paragraph(page.blocks))
        region = (0, len(page.blocks))
    else:
        _mark_repeats(page)
        _mark_credit(page, lexicon)
        _mark_highlights(page)
        article = main_region(page.blocks)
        _mark_title(page, lexicon, hints, article[0])
        _mark_datelines(page, lexicon, article[0])
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
    body = "\n\n".join(_one_space(b.text) for b in blocks if b.label == BODY)
    segments = tuple(
        Segment(i, b.label, b.kind, b.rule, b.start, b.end, b.text)
        for i, b in enumerate(blocks)
        if b.label != BODY
    )
    comments = tuple(
        Comment(
            n,
            (m.group("author").strip() if (m := comment_author(lexicon, author.text)) else None),
            "\n\n".join(_one_space(p.text) for p in paras),
        )
        for n, (author, paras) in enumerate(page.comments, start=1)
    )
    strip_bullet = lambda t: _one_space(BULLET.sub("", t)).strip()  # noqa: E731
    title = next((_one_space(b.text) for b in blocks if b.label == "title"), None)
    publisher, evidence = find_publisher(page.blocks, text, lexicon, hints)
    return Page(
        title=title,
        dek=tuple(strip_bullet(b.text) for b in blocks if b.label == "dek"),
        captions=_dedupe([_one_space(b.text) for b in blocks if b.label == "caption"]),
        subheadings=tuple(strip_bullet(b.text) for b in blocks if b.label == "subheading"),
        credit=next((_one_space(b.text) for b in blocks if b.label == "credit"), None),
        publisher=publisher,
        publisher_evidence=evidence,
        body=body,
        segments=segments,
        comments=comments,
    )
