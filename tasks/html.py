"""HTML route: the page's main content by an ensemble of extractors, with its metadata, as
plain page text.

trafilatura (favouring precision) gives the base paragraphs and the metadata (title, site name,
date), readability-lxml an independent second opinion; the page's own blocks (segment.py) and a
learned decision per unit (ensemble.py) say which paragraphs are the article. The page text is
the headline, then every unit — kept or not — one per line, separated by blank lines; `decisions`
says which are body and why the others are not, and `strip_boilerplate` then applies its phrase
rules, comments and credits to the kept ones, as on a text dump.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from html import unescape

import trafilatura

from tasks.boilerplate.ensemble import BASE, OTHER, decide, units
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


def extract_html(html: str, url: str | None, lexicon: Lexicon) -> HtmlPage:
    """Extract the article of an HTML page; an empty `text` means no article was found."""
    doc, found, headings = read_page(html, url, lexicon)
    sitename = ((doc.sitename or "").strip() or None) if doc is not None else None
    weights = lexicon.block_weights.get("html")
    decided = decide(found, weights) if weights else [(u, u.from_base, 1.0) for u in found]
    body = " ".join(u.text for u, keep, _ in decided if keep)
    title, _ = choose_title(html, headings, doc.title if doc is not None else None, sitename, body)
    kept = [(u, keep, p) for u, keep, p in decided if not (title and _same(u.text, title))]
    if not any(keep for _, keep, _ in kept):
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
        decisions=tuple((keep, u.evidence(p)) for u, keep, p in kept),
    )


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


def nests_too_deep(html: str) -> bool:
    """The HTML parser stopped at its depth limit (256 nested elements, libxml2's, which every
    extractor here parses with): nothing deeper was read. Asked only of a page where no article
    was found, to say why."""
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser()
    try:
        lxml.html.fromstring(html, parser=parser)
    except (ValueError, lxml.etree.ParserError):
        return False
    return any("Excessive depth" in e.message for e in parser.error_log)


def _same(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())
