"""Markdown, as scrapers write pages out (Firecrawl, Jina Reader, crawl4ai, markdownify), read as
the page's visible text: one block per line, paragraphs apart, links and emphasis as their words.

Headings become lines of their own, list items keep a bullet ('• '), images go (their alt text is
not visible text; a caption under them stays), link targets and reference definitions go, and a
paragraph wrapped over several lines is joined. Pure; the text route strips it as any text dump.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+")
_QUOTE = re.compile(r"^\s{0,3}(>\s?)+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+.*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)|!\[([^\]]*)\]\[[^\]]*\]")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)|\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])")
_EMPHASISED = re.compile(r"^\s*(\*{1,2}|_{1,2})\S.*\S\1\s*$")
_CODE = re.compile(r"`([^`]+)`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


# the fields a Markdown page's header gives: YAML front matter ('---' ... '---': Hugo, Jekyll,
# exporters) or Jina Reader's 'Title: ...', 'URL Source: ...', 'Published Time: ...' lines
# before 'Markdown Content:'; field names folded to lower case, spaces and dashes as '_'
HEADER_FIELDS = {"title": "title", "url": "url", "url_source": "url", "source_url": "url", "canonical_url": "url",
                 "link": "url", "date": "published", "published": "published", "published_time": "published",
                 "publishdate": "published", "pubdate": "published", "author": "author", "authors": "author",
                 "byline": "author"}
_FIELD = re.compile(r"^([A-Za-z][\w -]{0,30}):\s*(.*)$")


@dataclass(frozen=True)
class MarkdownPage:
    text: str  # the visible text (markdown_text)
    captions: tuple[str, ...]  # the lines of `text` the markup marks as an image's caption
    title: str | None
    url: str | None
    published: str | None
    author: str | None = None


def read_markdown(markdown: str) -> MarkdownPage:
    """A Markdown page: its header's fields, then its visible text and headline (the header's
    title, else the first level-1 heading)."""
    fields, body = _header(markdown)
    text, captions = markdown_text(body)
    return MarkdownPage(text, captions, fields.get("title") or markdown_headline(body), fields.get("url"),
                        fields.get("published"), fields.get("author"))


def _header(markdown: str) -> tuple[dict[str, str], str]:
    lines = markdown.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if lines[start:start + 1] == ["---"] and "---" in lines[start + 1:start + 60]:  # YAML front matter
        end = lines.index("---", start + 1)
        yaml = [line for line in lines[start + 1:end] if line.strip()]
        if yaml and all(_FIELD.match(line) or line[:1] in " \t-#" for line in yaml):  # not two rules around text
            return _fields(yaml), "\n".join(lines[end + 1:])
    if "Markdown Content:" in lines[:40] and _FIELD.match(lines[start]):  # Jina Reader
        end = lines.index("Markdown Content:")
        return _fields(lines[start:end]), "\n".join(lines[end + 1:])
    return {}, markdown


def _fields(lines: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in lines:
        m = _FIELD.match(line.strip())
        if m and (key := HEADER_FIELDS.get(re.sub(r"[ -]+", "_", m.group(1).strip().lower()))):
            value = m.group(2).strip().strip("'\"")
            if value:
                out.setdefault(key, value)
    return out


def looks_like_markdown(name: str) -> bool:
    return name.lower().endswith(MARKDOWN_SUFFIXES)


def markdown_headline(markdown: str) -> str | None:
    """The page's first level-1 heading ('# ...' or a '===' underline), else its first heading."""
    lines = markdown.split("\n")
    first = None
    for i, line in enumerate(lines):
        m = _HEADING.match(line)
        level1 = bool(m) and line.lstrip().startswith("# ")
        if not m and i and line.strip() and set(line.strip()) == {"="} and lines[i - 1].strip():
            m, level1 = re.match(r"(.*)", lines[i - 1].strip()), True
        if m and (text := _inline(m.group(1))):
            if level1:
                return text
            first = first or text
    return first


def markdown_text(markdown: str) -> tuple[str, tuple[str, ...]]:
    """The visible text of a Markdown page (blocks one per line, separated by blank lines) and
    its captions: an emphasised line right under an image."""
    blocks: list[str] = []
    para: list[str] = []
    captions: list[str] = []
    fenced = after_image = False

    def end_paragraph() -> None:
        if para:
            blocks.append(" ".join(para))
            para.clear()

    for line in markdown.split("\n"):
        if _FENCE.match(line):
            end_paragraph()
            fenced = not fenced
            continue
        if fenced:
            if line.strip():
                blocks.append(line.strip())
            continue
        if not line.strip() or _RULE.match(line) or _TABLE_RULE.match(line) or _REFERENCE.match(line):
            end_paragraph()
            continue
        if _SETEXT.match(line) and para:  # the paragraph above is a heading
            end_paragraph()
            continue
        heading = _HEADING.match(line)
        if heading or _BULLET.match(line) or _NUMBERED.match(line) or line.lstrip().startswith("|"):
            end_paragraph()
            if heading:
                text = _inline(heading.group(1))
            elif _BULLET.match(line):
                text = "• " + _inline(_BULLET.sub("", line))
            elif line.lstrip().startswith("|"):
                text = " | ".join(c for c in (_inline(c) for c in line.strip().strip("|").split("|")) if c)
            else:
                text = _inline(line.strip())
            if text.strip("• "):
                blocks.append(text)
            continue
        text = _inline(_QUOTE.sub("", line))
        if text and after_image and _EMPHASISED.match(line):  # "![...](...)" then "*caption*"
            end_paragraph()
            blocks.append(text)
            captions.append(text)
        elif text:
            para.append(text)
        elif para:
            end_paragraph()
        after_image = bool(_IMAGE.search(line)) and not text
    end_paragraph()
    return "\n\n".join(blocks), tuple(captions)


_HELD = 0xF0000  # an escaped character is held in a private-use code point until the markup is read
_HELD_CHAR = re.compile("[\U000F0000-\U000F00FF]")


def _inline(text: str) -> str:
    text = _ESCAPE.sub(lambda m: chr(_HELD + ord(m.group(1))), text)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    text = _CODE.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    text = _HELD_CHAR.sub(lambda m: chr(ord(m.group(0)) - _HELD), text)
    return " ".join(text.split())
