"""An HTML page as blocks of visible text, each with where it sits in the page.

`html_blocks(html)` walks the DOM like a text dump does — one block per block-level element
(paragraph, list item, heading, cell, ...), inline elements joined, scripts, styles and forms
left out — and keeps, per block, the evidence the block classifier reads: its tag, the tags
and class/id words of its ancestors, the share of its text inside links.
"""

from __future__ import annotations

import re

import lxml.html

from tasks.boilerplate.features import BlockEvidence

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "li", "main", "nav", "menu", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot",
    "tr", "td", "th", "ul", "caption", "br", "html", "noframes", "legend",
})
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
                       "head", "select", "option", "button", "input", "textarea", "label", "map", "audio", "video"})
_TOKENS = re.compile(r"[a-z]+")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def _class_words(el) -> set[str]:
    out: set[str] = set()
    for attr in ("class", "id"):
        value = el.get(attr)
        if value:
            out.update(_TOKENS.findall(value.lower()))
    return out


def html_blocks(html: str) -> list[BlockEvidence]:
    """The page's blocks of visible text, in document order (empty when the HTML cannot be read)."""
    try:
        root = lxml.html.fromstring(_DECLARATION.sub("", html))
    except (ValueError, lxml.etree.ParserError):
        return []
    body = root.find(".//body")
    out: list[BlockEvidence] = []
    buf: list[str] = []
    link = [0]
    stack: list[tuple[str, frozenset[str]]] = []
    ids: list[int] = []  # element number of each element on the stack
    counter = [0]

    def flush() -> None:
        text = " ".join("".join(buf).split())
        buf.clear()
        chars, link[0] = link[0], 0
        if not text:
            return
        blocks = [k for k, (t, _) in enumerate(stack) if t in BLOCK_TAGS]
        words = frozenset().union(*(w for _, w in stack)) if stack else frozenset()
        parent = ids[blocks[-1] - 1] if blocks and blocks[-1] > 0 else 0
        out.append(BlockEvidence(text, stack[blocks[-1]][0] if blocks else "body", tuple(t for t, _ in stack), words,
                             min(chars, len(text)), parent))

    def walk(el, in_link: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None or tag.lower() in SKIP_TAGS:
            if el.tail:  # a skipped element's (or a comment's) tail is text of its parent
                _text(el.tail, in_link)
            return
        tag = tag.lower()
        block = tag in BLOCK_TAGS
        if block:
            flush()
        stack.append((tag, frozenset(_class_words(el))))
        counter[0] += 1
        ids.append(counter[0])
        inside = in_link or tag == "a"
        if el.text:
            _text(el.text, inside)
        for child in el:
            walk(child, inside)
        if block:
            flush()
        stack.pop()
        ids.pop()
        if el.tail:
            _text(el.tail, in_link)

    def _text(text: str, in_link: bool) -> None:
        buf.append(text)
        if in_link:
            link[0] += len(" ".join(text.split()))

    walk(body if body is not None else root, False)
    flush()
    return out
