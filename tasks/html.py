"""HTML route: the page's main content by an ensemble of extractors, with its metadata, as
plain page text.

trafilatura (favouring precision) gives the base paragraphs and the metadata (title, site name,
date), readability-lxml an independent second opinion; the page's own blocks (segment.py) and a
learned decision per unit (ensemble.py) say which paragraphs are the article. The page text is
the headline, then every unit — kept or not — one per line, separated by blank lines; `decisions`
says which are body and why the others are not, and `strip_boilerplate` then applies its phrase
rules, comments and credits to the kept ones, as on a text dump.

When the model keeps nothing, in order: what every extractor agrees on, if it is a sentence of
news or more (a one-paragraph brief); the page again with what lies past the parser's depth limit
moved up (`shallower`); the JSON-LD `articleBody` (a page a script renders). Else no article.
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy
from dataclasses import dataclass
from html import unescape

import trafilatura

from tasks.boilerplate.blocks import (
    TITLE_REACH,
    content_words,
    credit_kind,
    headline_shaped,
    story_headline,
    story_words,
)
from tasks.boilerplate.ensemble import BASE, OTHER, OTHERS, decide, units
from tasks.boilerplate.segment import html_blocks
from tasks.htmlhead import JSONLD, jsonld_value
from tasks.lexicon import Lexicon
from tasks.titles import choose_title

# the extractors log every page they find poor; the flow reports what matters
for _name in ("trafilatura", "readability", "readability.readability"):
    logging.getLogger(_name).setLevel(logging.ERROR)


@dataclass(frozen=True)
class HtmlPage:
    text: str
    title: str | None
    sitename: str | None
    author: str | None
    date: str | None
    url: str | None
    language: str | None
    decisions: tuple[tuple[bool, str], ...] = ()  # per unit line after the title: (is body, evidence)
    captions: tuple[str, ...] = ()  # unit lines that are the article's figure captions (`article_captions`)


def metadata_credit(author: str | None, lexicon: Lexicon) -> str | None:
    """The names of a page's author metadata (trafilatura's reading of its meta tags, JSON-LD
    and byline), as a credit: its parts (split at ';' and '|'), without the byline's date and
    label words (word list byline_noise) at their ends, each once."""
    noise = lexicon.word_set("byline_noise")
    names: dict[str, str] = {}
    for part in re.split(r"\s*[;|]\s*", author or ""):
        words = part.split()
        while words and words[-1].lower().strip(".,:") in noise:
            words.pop()
        while words and words[0].lower().strip(".,:") in noise:
            words.pop(0)
        name = " ".join(words).strip(" ,-")
        if any(c.isalpha() for c in name):
            names.setdefault(name.casefold(), name)
    return ", ".join(names.values()) or None


def readability_text(html: str) -> str:
    """readability-lxml's article, one paragraph per line ('' when it finds none)."""
    import lxml.html
    from readability import Document

    try:
        fragment = Document(html).summary(html_partial=True)
        root = lxml.html.fromstring(fragment)
    except Exception:  # noqa: BLE001 - a second opinion that fails is no opinion
        return ""
    lines, buf = [], []
    for el in root.iter():
        if el.tag in {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "div", "br"}:
            if buf:
                lines.append(" ".join("".join(buf).split()))
                buf = []
        if isinstance(el.tag, str) and el.text:
            buf.append(el.text)
        if el.tail:
            buf.append(el.tail)
    if buf:
        lines.append(" ".join("".join(buf).split()))
    return "\n".join(x for x in lines if x)


def read_page(html: str, url: str | None, lexicon: Lexicon):
    """The extractors' reading of a page: trafilatura's result (metadata; None when it found
    nothing), the ensemble's units with their evidence (see ensemble.py) and the page's <h1> texts."""
    doc = trafilatura.bare_extraction(
        html, url=url, include_comments=False, include_tables=True, favor_precision=True, with_metadata=True,
        deduplicate=False,
    )
    base = (doc.text or "") if doc is not None else ""
    blocks = html_blocks(html)
    headings = [b.text for b in blocks if b.tag == "h1"]
    return doc, units(blocks, {BASE: base, OTHER: readability_text(html)}, lexicon), headings


def extract_html(html: str, url: str | None, lexicon: Lexicon, known_title: str | None = None) -> HtmlPage:
    """Extract the article of an HTML page; an empty `text` means no article was found.
    `known_title`: the headline a record gives with the page (a JSON line's, a feed item's)."""
    html = one_document(html)
    doc, found, headings = read_page(html, url, lexicon)
    sitename = ((doc.sitename or "").strip() or None) if doc is not None else None
    weights = lexicon.block_weights.get("html")
    decided = decide(found, weights) if weights else [(u, u.from_base, 1.0) for u in found]
    alone = ""
    if not any(keep for _, keep, _ in decided) and sum(len(u.text.split()) for u in found if _agreed(u)) >= BRIEF_WORDS:
        # the model, fitted on whole pages, keeps nothing of a brief of a paragraph or two: what
        # every extractor chose stands, and its evidence says so
        decided, alone = [(u, _agreed(u), p) for u, _, p in decided], "every extractor (the model kept nothing): "
    body = " ".join(u.text for u, keep, _ in decided if keep)
    title = known_title or _story_title(
        decided, choose_title(html, headings, doc.title if doc is not None else None, sitename, body)[0], lexicon)
    is_title = [bool(title) and _same(u.text, title) for u, _, _ in decided]
    kept = [d for d, heading in zip(decided, is_title) if not heading]
    if not any(keep for _, keep, _ in kept):
        if (flat := shallower(html)) is not None:  # only a page where nothing was found pays the parse
            return extract_html(flat, url, lexicon, known_title)
        return jsonld_article(html, url, lexicon, title, sitename)
    lines = ([title] if title else []) + [u.text for u, _, _ in kept]
    return HtmlPage(
        text="\n\n".join(lines),
        title=title,
        sitename=sitename,
        author=((doc.author or "").strip() or None) if doc is not None else None,
        date=(doc.date or None) if doc is not None else None,
        url=(doc.url or url) if doc is not None else url,
        language=(doc.language or None) if doc is not None else None,
        decisions=tuple((keep, (alone if keep else "") + u.evidence(p)) for u, keep, p in kept),
        captions=article_captions(decided, is_title),
    )


def article_captions(decided, is_title: list[bool]) -> tuple[str, ...]:
    """The article's figure captions: units the markup marks as captions (`Unit.caption`) from the
    headline (the units `is_title` marks) down to the last unit kept — a lead picture's caption,
    then those among the paragraphs, kept or not; captions above the headline or past the article
    (other stories' teasers) stay furniture. Without the headline among the units, from the first
    unit kept."""
    kept = [i for i, (_, keep, _) in enumerate(decided) if keep and not is_title[i]]
    if not kept:
        return ()
    lo = max((i + 1 for i in range(kept[0]) if is_title[i]), default=kept[0])
    return tuple(u.text for i, (u, _, _) in enumerate(decided) if u.caption and lo <= i <= kept[-1] and not is_title[i])


def _story_title(decided, title: str | None, lexicon: Lexicon) -> str | None:
    """A page's metadata may name only its site or section ("The Calgary Sun", "Latest News"): a
    title that shares no content word with the article's first four paragraphs gives way to the
    page's own headline above them that tells their story (tasks/boilerplate/blocks.py
    `story_share`: of the headline-shaped units up to TITLE_REACH above the article, the one
    sharing the largest part of its words with them, two words at least; the nearest on a tie)."""
    kept = [i for i, (_, keep, _) in enumerate(decided) if keep]
    if not kept:
        return title
    story = story_words((decided[i][0].text for i in kept[:4]), lexicon)
    if title and content_words(title, lexicon) & story:
        return title
    above = (u.text for u, _, _ in reversed(decided[max(0, kept[0] - TITLE_REACH):kept[0]]))
    # a byline ("Posted by Ann Lee") names the story's writer, whom the story may name too: no headline
    lines = ((t, t) for t in above if headline_shaped(t, len(t.split()), lexicon) and not credit_kind(t, lexicon))
    return story_headline(lines, story, lexicon) or title


BRIEF_WORDS = 20  # what every extractor agrees on stands alone only if it is at least a sentence of news


def _agreed(unit) -> bool:
    return unit.from_base and all(unit.features.get(f"vote_{name}", 0.0) >= 0.5 for name in OTHERS)


_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|br|div|li|h[1-6]|blockquote|tr)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")


def jsonld_article(html: str, url: str | None, lexicon: Lexicon, title: str | None = None,
                   sitename: str | None = None) -> HtmlPage:
    """The article a page's JSON-LD gives (`articleBody`, its paragraphs; the headline), for a
    page whose markup holds none: a script renders it. Empty `text` when there is none either."""
    body_keys = lexicon.word_lists.get("html_jsonld_body", ())
    for block in JSONLD.findall(html):
        body = next((v for k in body_keys if (v := jsonld_value(block, k))), None)
        if not body or not body.strip():
            continue
        text = unescape(_TAG.sub("", _BLOCK_TAG.sub("\n", body)))  # some sites put markup in it
        paragraphs = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        headline = title or next((" ".join(v.split()) for k in lexicon.word_lists.get("html_jsonld_headline", ())
                                  if (v := jsonld_value(block, k)) and v.strip()), None)
        paragraphs = [p for p in paragraphs if not (headline and _same(p, headline))]
        if paragraphs:
            return HtmlPage("\n\n".join(([headline] if headline else []) + paragraphs), headline, sitename, None,
                            None, url, None, decisions=tuple((True, "json-ld articleBody") for _ in paragraphs))
    return HtmlPage("", title, None, None, None, url, None)


_HTML_END = re.compile(r"</html\s*>", re.I)
_DOCUMENT_END = re.compile(r"</(?:body|html)\s*>", re.I)


def one_document(html: str) -> str:
    """A page that goes on after its first </html> (two documents served as one: a site's header
    and then its article) as a browser shows it, whole: without its </body> and </html> tags, which
    the HTML parser every extractor uses stops reading at. Unchanged when only markup follows."""
    end = _HTML_END.search(html)
    if end is None or not any(c.isalnum() for c in _TAG.sub(" ", html[end.end():])):
        return html
    return _DOCUMENT_END.sub("", html)


FLAT_DEPTH = 64  # where `shallower` moves deeper elements up to: far below the parser's limit
_WHOLE = frozenset("p h1 h2 h3 h4 h5 h6 li blockquote pre figcaption caption dt dd".split())


def shallower(html: str) -> str | None:
    """The page with every element nested deeper than FLAT_DEPTH moved up to that depth, in
    document order (a paragraph and its inline markup move whole), so that parsers with a depth
    limit read it all; None unless the page nests beyond the HTML parser's limit."""
    import lxml.etree
    import lxml.html

    if not nests_too_deep(html):
        return None
    try:
        root = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    except (ValueError, lxml.etree.ParserError):
        return None
    stack, anchors = [(root, 0)], []
    while stack:
        el, depth = stack.pop()
        if depth == FLAT_DEPTH:
            anchors.append(el)
        else:
            stack.extend((child, depth + 1) for child in el)
    for anchor in anchors:
        _flatten(anchor)
    return lxml.html.tostring(root, encoding="unicode")


def _flatten(anchor) -> None:
    """Make every element under `anchor` its child, in document order, each element's text and
    tail where they were read: its text first, its tail after everything it held."""
    out: list = []
    text = anchor.text or ""
    todo = [(False, child) for child in reversed(anchor)]
    while todo:
        done, el = todo.pop()
        if done or not isinstance(el.tag, str):  # an element's end, or a comment: only its tail is left
            if el.tail:
                if out:
                    out[-1].tail = (out[-1].tail or "") + el.tail
                else:
                    text += el.tail
            continue
        todo.append((True, el))
        if el.tag in _WHOLE and _depth(el) <= 8:
            copy = deepcopy(el)
            copy.tail = None
            out.append(copy)
            continue
        copy = el.makeelement(el.tag, dict(el.attrib))
        copy.text = el.text
        out.append(copy)
        todo.extend((False, child) for child in reversed(el))
    for child in list(anchor):
        anchor.remove(child)
    anchor.text = text or None
    anchor.extend(out)


def _depth(el) -> int:
    stack, deepest = [(el, 0)], 0
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > 8:
            break
        stack.extend((child, d + 1) for child in node)
    return deepest


def nests_too_deep(html: str, huge: bool = False) -> bool:
    """The HTML parser stopped at its depth limit: nothing deeper was read. The limit is
    libxml2's, which every extractor here parses with: 256 nested elements, or 2,048 when `huge`
    (as `shallower` parses). Asked only of a page where no article was found."""
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser(huge_tree=huge)
    try:
        lxml.html.fromstring(html, parser=parser)
    except (ValueError, lxml.etree.ParserError):
        return False
    return any("Excessive depth" in e.message for e in parser.error_log)


def _same(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())
