"""Articles as scrapers save them in JSON: which field of a record holds what.

A JSON line, a JSON file of one article (news-please, trafilatura's `--json`, newspaper's
`to_json`) or an element of a JSON array of them (Scrapy's `-o items.json`) is a record: an
object whose fields give the article's text (HTML, plain or Markdown) and, when the tool saved
them, its link, title, publication date, authors and outlet. The tools name these fields differently;
the names below are those of the common ones, tried in order (the first non-empty wins).

Pure: `record_fields(obj)` returns a `Record`, or the reason the object holds no article;
`json_records(value)` the records of a parsed JSON file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HTML = ("html", "raw_html", "content_html", "body_html")
TEXT = ("text", "maintext", "content", "body", "article", "article_text", "articleBody", "full_text",
        "raw_text")
MARKDOWN = ("markdown",)
TITLE = ("title", "headline")
URL = ("url", "link", "canonical_url", "pageUrl")
URL_SOURCE = ("source",)  # trafilatura's name for the page's URL; other tools' for the outlet
PUBLISHED = ("published", "date_publish", "publish_date", "published_at", "publishedAt", "datePublished",
             "pubDate", "date")
_LINK_LIKE = re.compile(r"@|://|^(?:https?|www)\b", re.I)
# a text an API cut short, saying how much is missing (NewsAPI's "… [+2345 chars]")
_CUT_SHORT = re.compile(r"\[\+\d[\d,]* chars\]\s*$")
AUTHOR = ("authors", "author", "byline", "creator")  # a name, names, or objects with a name
PUBLISHER = ("publisher", "site_name", "sitename", "siteName", "source-hostname", "source_name", "outlet", "source")


@dataclass(frozen=True)
class Record:
    body: str  # the article's text: HTML when `is_html`, Markdown when `is_markdown`, else plain
    is_html: bool = False
    is_markdown: bool = False
    url: str | None = None
    title: str | None = None
    published: str | None = None
    publisher: str | None = None
    author: str | None = None  # who wrote it, names joined by ", "


def record_fields(obj: dict) -> Record | str:
    """The article a record holds, or why it holds none."""
    html, text, markdown = _texts(obj)
    if html is None and text is None and markdown is None:
        return ("has no non-empty 'html', 'text' or 'markdown' field, nor another field scrapers give an "
                "article's text ('maintext', 'content', 'body', …)")
    if html is None and text is not None and (cut := _CUT_SHORT.search(text)):
        return f"carries a text its source cut short ('{cut.group(0).strip()}'), not the article: fetch its link"
    url = _first(obj, URL) or _first(obj, URL_SOURCE, is_url)
    meta = {"url": url, "title": _first(obj, TITLE), "published": _first(obj, PUBLISHED),
            "publisher": _first(obj, PUBLISHER, lambda v: "/" not in v) or _named(obj.get("source")),
            "author": next((names for k in AUTHOR if (names := names_of(obj.get(k)))), None)}
    if html is not None:
        return Record(html, is_html=True, **meta)
    if text is not None:
        return Record(text, **meta)
    return Record(markdown, is_markdown=True, **meta)


def json_records(value) -> list[dict] | str:
    """The records of a parsed JSON file: the object itself when it holds an article; the objects
    of an array; or those of the one array of objects an object wraps them in (an API's response:
    `{"status": "ok", "articles": [...]}`). A string says why there are none."""
    if isinstance(value, dict):
        if any(_texts(value)):
            return [value]
        lists = [v for v in value.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        if len(lists) == 1:
            return lists[0]
        return "a JSON object without an article's text, nor one array of article records"
    if isinstance(value, list):
        if not value:
            return "an empty JSON array"
        return value
    kind = {str: "string", bool: "boolean", int: "number", float: "number"}.get(type(value), "null")
    return f"a JSON {kind}, not an article record or an array of them"


def _texts(obj: dict) -> tuple[str | None, str | None, str | None]:
    """The record's HTML, plain and Markdown texts (None where it has none)."""
    return _first(obj, HTML), _first(obj, TEXT), _first(obj, MARKDOWN)


def _first(obj: dict, keys: tuple[str, ...], accept=lambda v: True) -> str | None:
    for k in keys:
        v = obj.get(k)
        if isinstance(v, str) and v.strip() and accept(v.strip()):
            return v
    return None


def _named(source) -> str | None:
    """An outlet given as an object with a name (NewsAPI's `source: {"id", "name"}`)."""
    name = source.get("name") if isinstance(source, dict) else None
    return name if isinstance(name, str) and name.strip() else None


def names_of(value) -> str | None:
    """Authors as a record or feed item gives them (a string, a list of strings, objects with a
    name), each once, joined by ", "; an address or a link is no name (newspaper's author
    guesses hold "Https", "Www.Facebook.Com …")."""
    items = value if isinstance(value, list) else [value]
    names = [n.strip() for x in items if isinstance(n := _named(x) if isinstance(x, dict) else x, str) and n.strip()]
    names = [n for n in names if not _LINK_LIKE.search(n)]
    return ", ".join(dict.fromkeys(names)) or None


def is_url(value: str | None) -> bool:
    return bool(value) and value.startswith(("http://", "https://"))
