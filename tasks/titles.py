"""An HTML page's headline, by agreement of the page's own evidence: its visible <h1>, og:title /
twitter:title, the <title> element (whole, or its part beside the site's name) and trafilatura's
reading. A visible headline that agrees with a metadata title wins (it is the page's own wording);
else the metadata title without the site's name. Pure."""

from __future__ import annotations

import html as html_lib
import re

from tasks.htmlhead import meta_tags

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
# "Story_English_Agency" and "Story- Section-Site" (a dash glued to the word before it) too
_SEP = re.compile(r"\s+(?:[|–—·•»:/]|-{1,2}|::)\s+|(?<=\w)_(?=\w)|(?<=\w)-\s+")
_PIPE = re.compile(r"\s+\|\s+")
_WORD = re.compile(r"\w+")
_FILE = re.compile(r"\.(css|js|php|aspx?|html?)$", re.I)
HEADLINE_WORDS = 40  # a longer "title" is no headline (a script an extractor read as the title)


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def agree(a: str, b: str) -> bool:
    """Two titles say the same: they share most of their words (two words at least)."""
    wa, wb = _words(a), _words(b)
    if min(len(wa), len(wb)) < 2:
        return False
    return len(wa & wb) / max(len(wa), len(wb)) >= 0.5


def _clean(text: str | None) -> str:
    return " ".join(html_lib.unescape(text or "").split())


def metadata_titles(html: str) -> tuple[str, str, str]:
    """(og:title, twitter:title, <title>) of a page, '' when absent."""
    head = html[:300_000]
    metas = meta_tags(head)
    m = _TITLE.search(head)
    return _clean(metas.get("og:title")), _clean(metas.get("twitter:title")), _clean(m.group(1)) if m else ""


def _site_like(text: str, sitename: str | None) -> bool:
    """Not a headline: a file name, the site's name, a single word, or longer than any headline."""
    return (not text or bool(_FILE.search(text)) or (bool(sitename) and _words(text) == _words(sitename or ""))
            or not 2 <= len(_WORD.findall(text)) <= HEADLINE_WORDS)


def _without_site(text: str, sitename: str | None, body: str = "") -> str:
    """A <title>-like text without the site's name and section: of its parts between separators,
    the one whose words the article's text repeats most (a headline's words recur in the story,
    a site's description does not), the longer on a tie."""
    parts = [p.strip() for p in _SEP.split(text) if p.strip()]
    if len(parts) < 2:
        return text
    parts = [p for p in parts if not _site_like(p, sitename)] or parts
    told = _words(body)

    def score(p: str) -> tuple[float, int]:
        w = _words(p)
        return (len(w & told) / len(w) if w and told else 0.0, len(_WORD.findall(p)))

    return max(parts, key=score)


def choose_title(html: str, headings: list[str], extracted: str | None, sitename: str | None, body: str = ""
                 ) -> tuple[str | None, str]:
    """(headline, evidence). `headings`: the page's <h1> texts in order; `extracted`: trafilatura's
    title; `body`: the article's text (the parts of a <title> are weighed by it)."""
    og, twitter, title = metadata_titles(html)
    page_title = _without_site(title, sitename, body) if title else ""
    metas = [_without_site(t, sitename, body) for t in (og, twitter) if t]
    meta = [t for t in (*metas, page_title, _clean(extracted)) if t]
    for h in headings[:5]:
        h = _clean(h)
        if not _site_like(h, sitename) and any(agree(h, m) for m in meta):
            return _part_told(h, meta), "title:h1 agreeing with the metadata"
    for name, value in (("og:title", metas[0] if og else ""), ("twitter:title", metas[-1] if twitter else "")):
        # a social title that says something else than the page's <title> is the site's, not the story's
        if value and not _site_like(value, sitename) and (not page_title or agree(value, page_title)):
            return value, f"title:{name}"
    if page_title and not _site_like(page_title, sitename):
        return page_title, "title:<title>"
    extracted = _clean(extracted)
    return (extracted if extracted and len(_WORD.findall(extracted)) <= HEADLINE_WORDS else None), "title:extractor"


def _part_told(heading: str, meta: list[str]) -> str:
    """A visible headline that holds a metadata title as one of its parts between pipes
    ("Gazette | gazette.com | Pier closes"), the site's name beside it: that part. (Only pipes:
    a headline's own dashes and colons join its parts: "Pier closes – and the town mourns".)"""
    parts = [p.strip() for p in _PIPE.split(heading) if p.strip()]
    if len(parts) > 1:
        for part in parts:
            if any(_words(part) == _words(m) for m in meta):
                return part
    return heading
