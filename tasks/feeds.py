"""News feeds (RSS 2.0, RSS 1.0/RDF, Atom) read item by item: each item that carries its article's
text (content:encoded, an Atom content, or a description long enough to be one) is an article,
with its link, title and publication date; an item that carries a teaser only says so.

Pure: `feed_items(text)` parses the decoded feed (no network, no external entities) and returns
one `FeedItem` per item, in order; intake makes them documents.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from tasks.scraped import is_url, names_of

FEED_SUFFIXES = (".rss", ".atom")
_SNIFF = re.compile(r"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*|<\?[^>]*>\s*)*<(rss|feed|rdf:RDF)[\s>]", re.S)
FULL_TEXT_WORDS = 80  # a description or summary this long is the article, not a teaser
_BODY = ("encoded", "content")  # content:encoded (RSS), content (Atom): the article's text
_SUMMARY = ("description", "summary")
_DATE = ("pubDate", "published", "date", "updated", "issued")
_TAG = re.compile(r"<[^>]+>")
_EMAIL_NAME = re.compile(r"^\S+@\S+(?:\s*\((.+)\))?$")  # RSS <author>: "desk@paper.example (Ann Lee)"


@dataclass(frozen=True)
class FeedItem:
    number: int  # 1-based, in feed order
    digest: str  # SHA-256 of the item's XML
    body: str | None  # the article's text (HTML or plain), None when the item has none
    is_html: bool
    url: str | None
    title: str | None
    published: str | None
    reason: str | None = None  # why there is no body
    publisher: str | None = None  # the feed's own title (its channel's, an Atom feed's)
    author: str | None = None  # dc:creator, an Atom author's name, an RSS author's "email (Name)"


class FeedError(ValueError):
    """The file looks like a feed but cannot be read as XML."""


def looks_like_feed(name: str, text: str) -> bool:
    return name.lower().endswith(FEED_SUFFIXES) or bool(_SNIFF.match(text[:2048]))


def feed_items(text: str) -> list[FeedItem]:
    """The items (RSS `item`, Atom `entry`) of a feed, each with its article text or a reason."""
    import lxml.etree

    parser = lxml.etree.XMLParser(encoding="utf-8", resolve_entities=False, no_network=True, recover=False,
                                  remove_comments=True)
    try:
        root = lxml.etree.fromstring(text.encode("utf-8"), parser=parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise FeedError(f"not a readable feed: {exc}") from None
    items = [el for el in root.iter() if isinstance(el.tag, str) and _local(el.tag) in ("item", "entry")]
    owner = next((el for el in root.iter() if isinstance(el.tag, str) and _local(el.tag) in ("channel", "feed")), None)
    titles = [c for c in (owner if owner is not None else ()) if isinstance(c.tag, str) and _local(c.tag) == "title"]
    outlet = " ".join((_text(titles) or "").split()) or None
    return [replace(_item(n, el), publisher=outlet) for n, el in enumerate(items, start=1)]


def _item(number: int, el) -> FeedItem:
    import lxml.etree

    digest = hashlib.sha256(lxml.etree.tostring(el)).hexdigest()
    fields: dict[str, list] = {}
    for child in el:
        if isinstance(child.tag, str):
            fields.setdefault(_local(child.tag), []).append(child)
    title = _text(fields.get("title"))
    guid = _text(fields.get("guid"))
    url = _link(fields.get("link")) or (guid if is_url(guid) else None)
    published = next((t for k in _DATE if (t := _text(fields.get(k)))), None)
    body = next((t for k in _BODY if (t := _text(fields.get(k)))), None)
    author = _author(fields)
    if body is None:
        summary = next((t for k in _SUMMARY if (t := _text(fields.get(k)))), None)
        words = len(_TAG.sub(" ", summary).split()) if summary else 0
        if words >= FULL_TEXT_WORDS:
            body = summary
        else:
            reason = (f"feed item {number} carries a summary of {words} words, not the article: fetch its link"
                      if summary else f"feed item {number} carries no text of its article: fetch its link")
            return FeedItem(number, digest, None, False, url, title, published, reason)
    return FeedItem(number, digest, body, "<" in body and bool(_TAG.search(body)), url, title, published,
                    author=author)


def _author(fields: dict[str, list]) -> str | None:
    """dc:creator (one or more), an Atom author's <name>, an RSS author's "email (Name)" (an
    address alone names no one)."""
    names = []
    for el in fields.get("creator", []) + fields.get("author", []):
        name = next((c.text for c in el if isinstance(c.tag, str) and _local(c.tag) == "name"), None) \
            if len(el) else el.text
        name = " ".join((name or "").split())
        m = _EMAIL_NAME.match(name)
        names.append((m.group(1) or "") if m else name)
    return names_of(names)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _text(els: list | None) -> str | None:
    """The text of the first element: its text, or its markup when it holds elements (Atom xhtml)."""
    import lxml.etree

    if not els:
        return None
    el = els[0]
    if len(el):
        inner = (el.text or "") + "".join(lxml.etree.tostring(c, encoding="unicode") for c in el)
        return inner.strip() or None
    return (el.text or "").strip() or None


def _link(els: list | None) -> str | None:
    """RSS: the link's text; Atom: the href of the alternate (or first) link."""
    for el in els or ():
        if el.get("href") and el.get("rel", "alternate") == "alternate":
            return el.get("href")
    for el in els or ():
        if el.get("href"):
            return el.get("href")
        if (el.text or "").strip():
            return el.text.strip()
    return None
