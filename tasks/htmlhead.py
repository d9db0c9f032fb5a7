"""What an HTML page's markup says about the page, read with regular expressions (no parse):
its <meta> tags and the attributes of a tag. Pure; shared by titles and dates."""

from __future__ import annotations

import re

META = re.compile(r"<meta\s[^>]*>", re.I)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")


def attributes(tag: str) -> dict[str, str]:
    """A tag's attributes: lower-cased names, values without their quotes."""
    return {k.lower(): v.strip("\"'") for k, v in _ATTR.findall(tag)}


def meta_tags(head: str) -> dict[str, str]:
    """<meta> name (its property, name or itemprop, lower-cased) -> content; the first one wins."""
    out: dict[str, str] = {}
    for tag in META.findall(head):
        attrs = attributes(tag)
        name = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if name and attrs.get("content"):
            out.setdefault(name, attrs["content"])
    return out
