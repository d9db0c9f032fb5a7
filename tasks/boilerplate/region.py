"""Where the article sits on a page: the maximum-sum run of block scores, where running prose
earns its length, isolated blurbs earn little, short lines cost a little and section-ending
furniture (comment headers, reply forms, copyright, "Related stories") acts as a barrier. Readers'
comments follow the article: after a comment section opens below an article's prose, prose counts
as little as a stray blurb."""

from __future__ import annotations

from tasks.boilerplate.blocks import BULLET, NUMBERED, Block, introduces, is_prose
from tasks.lexicon import PLAYER

# block score for the main-content search: prose earns its length, furniture costs
BARRIER_KINDS = {"comment_header", "comment_policy", "reply_form", "copyright", "related_header"}
COMMENT_KINDS = {"comment_header", "comment_policy"}  # a comment section starts here
ARTICLE_BEFORE = 3  # prose blocks before it that make an article
BYLINE_REACH = 4  # a page's one byline this close under a comment header: the article's toolbar


LISTED = 0.5  # the least an item of a list a paragraph introduces earns (`_listed`): it is the article's
ISOLATED_PROSE = 0.15  # weight of a prose block with no prose neighbour (teaser blurbs, footers)


def _score(b: Block, isolated: bool = False) -> float:
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
        if b.kind == PLAYER:
            return 0.0  # a video player inside the article: no sign it ended
        if b.kind == "site_furniture":
            return -1.0 - 0.5 * min(b.words, 12)  # known to be furniture, but no sign the article ended
        return -60.0 if b.kind in BARRIER_KINDS else -8.0
    return -1.0  # captions, credits: page furniture that sits inside articles too


def _isolated(blocks: list[Block], prose: list[bool], i: int, listed: list[bool]) -> bool:
    """No prose right before or after, looking past bulleted subheadings (sections of one paragraph)
    and the items of a list a paragraph introduces (`_listed`)."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(blocks) and (listed[j] or blocks[j].label is None and BULLET.match(blocks[j].text)
                                        and blocks[j].words <= 12):
            j += step
        if 0 <= j < len(blocks) and prose[j]:
            return False
    return True


def _byline_under(blocks: list[Block], i: int) -> bool:
    """The article's byline comes right under the comment header at i, the only byline below it:
    the header is a link in the article's toolbar ("Comments", headline, "By Ann Lee"), not a
    comment section, where every reader's "Posted by" line is a byline."""
    below = (k for k in range(i + 1, len(blocks)) if blocks[k].label == "credit" and blocks[k].kind == "byline")
    first = next(below, None)
    return first is not None and first <= i + BYLINE_REACH and next(below, None) is None


def _listed(blocks: list[Block], prose: list[bool]) -> list[bool]:
    """The numbered or bulleted lines right under a paragraph ending in a colon ("The rankings were
    as follows:", "1. Finland", "2. Norway"): the list it introduces, part of the article however
    short its items."""
    out = [False] * len(blocks)
    for i, b in enumerate(blocks):
        if prose[i] and introduces(b.text):
            j = i + 1
            while j < len(blocks) and blocks[j].label is None and (NUMBERED.match(blocks[j].text)
                                                                   or BULLET.match(blocks[j].text)):
                out[j], j = True, j + 1
    return out


def main_region(blocks: list[Block]) -> tuple[int, int]:
    """[lo, hi) of the maximum-sum run of block scores: the article's place on the page."""
    prose = [b.label is None and is_prose(b) and not BULLET.match(b.text) for b in blocks]
    # readers' comments follow the article: after a comment section's start, with prose before
    # it (and not the article's byline right under it), prose weighs as little as a stray blurb
    opened = next((i for i, b in enumerate(blocks) if b.label == "boilerplate" and b.kind in COMMENT_KINDS
                   and sum(prose[:i]) >= ARTICLE_BEFORE and not _byline_under(blocks, i)), len(blocks))
    listed = _listed(blocks, prose)
    best, best_lo, best_hi = 0.0, 0, 0
    cur, lo = 0.0, 0
    for i, b in enumerate(blocks):
        if cur <= 0:
            cur, lo = 0.0, i
        score = _score(b, prose[i] and (i > opened or _isolated(blocks, prose, i, listed)))
        cur += max(score, LISTED) if listed[i] else score
        if cur > best:
            best, best_lo, best_hi = cur, lo, i + 1
    return best_lo, best_hi
