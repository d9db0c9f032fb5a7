"""The one text an article is analysed as: title, dek and body joined, with field offsets.

spaCy parses `FieldText.text` once per article; `locate` maps a span of it back to
(field, start, end) with offsets into that field's own text (`title`, the dek lines joined
by newlines, or `body`).
"""

from __future__ import annotations

from dataclasses import dataclass

SEPARATOR = "\n\n"


@dataclass(frozen=True)
class FieldText:
    text: str
    ranges: tuple[tuple[str, int, int], ...]  # (field, start, end) in `text`

    @classmethod
    def build(cls, title: str | None, dek: tuple[str, ...] | list[str], body: str) -> FieldText:
        parts = [("title", title or ""), ("dek", "\n".join(dek)), ("body", body)]
        text, ranges, pos = [], [], 0
        for name, value in parts:
            if not value:
                continue
            if text:
                text.append(SEPARATOR)
                pos += len(SEPARATOR)
            text.append(value)
            ranges.append((name, pos, pos + len(value)))
            pos += len(value)
        return cls("".join(text), tuple(ranges))

    def locate(self, start: int, end: int) -> tuple[str, int, int] | None:
        """(field, local start, local end) of a span lying inside one field, else None."""
        for name, s, e in self.ranges:
            if s <= start and end <= e:
                return name, start - s, end - s
        return None

    def field_of(self, pos: int) -> str | None:
        for name, s, e in self.ranges:
            if s <= pos < e:
                return name
        return None

    def range_of(self, field: str) -> tuple[int, int] | None:
        for name, s, e in self.ranges:
            if name == field:
                return s, e
        return None

    def field_text(self, field: str) -> str:
        r = self.range_of(field)
        return self.text[r[0]:r[1]] if r else ""
