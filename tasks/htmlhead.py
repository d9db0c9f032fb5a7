"""What an HTML page's markup says about the page, read with regular expressions (no parse):
its <meta> tags, its JSON-LD and the attributes of a tag. Pure; shared by titles, dates and the
HTML route."""

from __future__ import annotations

import json
import re

META = re.compile(r"<meta\s[^>]*>", re.I)
JSONLD = re.compile(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script>", re.I | re.S)
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


def jsonld_value(block: str, key: str) -> str | None:
    """The first string under `key` in one JSON-LD block, breadth first (None if the block is not JSON)."""
    try:
        data = json.loads(block)
    except (json.JSONDecodeError, RecursionError):
        return None
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            value = item.get(key)
            if isinstance(value, str):
                return value
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None
