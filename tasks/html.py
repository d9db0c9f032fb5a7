"""HTML route: main content and metadata of a page with trafilatura, as plain page text.

The page text is the headline, a blank line, then the extracted paragraphs separated by
blank lines; `strip_boilerplate` then runs on it exactly as on a text dump, so comment
policies or newsletter prompts that survive extraction are still removed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import trafilatura

# trafilatura logs every page it finds poor; the flow reports what matters.
logging.getLogger("trafilatura").setLevel(logging.ERROR)


@dataclass(frozen=True)
class HtmlPage:
    text: str
    title: str | None
    sitename: str | None
    author: str | None
    date: str | None
    url: str | None
    language: str | None


def extract_html(html: str, url: str | None = None) -> HtmlPage:
    """Extract the article of an HTML page; an empty `text` means no article was found."""
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        include_tables=True,
        favor_precision=True,  # dev benchmark: F1 0.976 vs 0.966 with the default balance
        with_metadata=True,
        deduplicate=False,
    )
    if doc is None:
        return HtmlPage("", None, None, None, None, url, None)
    paragraphs = [p.strip() for p in (doc.text or "").split("\n") if p.strip()]
    title = (doc.title or "").strip() or None
    if title and paragraphs and _same(paragraphs[0], title):
        paragraphs = paragraphs[1:]  # the extractor kept the headline as the first paragraph
    parts = ([title] if title else []) + paragraphs
    return HtmlPage(
        text="\n\n".join(parts),
        title=title,
        sitename=(doc.sitename or "").strip() or None,
        author=(doc.author or "").strip() or None,
        date=doc.date or None,
        url=doc.url or url,
        language=doc.language or None,
    )


def _same(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())
