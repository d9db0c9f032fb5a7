"""Publication dates from a page's own evidence, normalised to ISO 8601 (`YYYY-MM-DD`, or with
the time when the evidence has one), with the evidence named: a record's field, the HTML's
JSON-LD, its <meta> tags, a <time> element, the URL, htmldate's original-date reading (as
trafilatura ran it), or a dateline near a text dump's headline. Pure; the word lists are data
(`tasks/data/date_words.tsv`)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from datetime import date

from tasks.htmlhead import JSONLD, attributes, jsonld_value, meta_tags
from tasks.lexicon import Lexicon

MIN_YEAR, MAX_YEAR = 1990, 2100
_TIME = re.compile(r"<time\s[^>]*>", re.I)
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|-|_|\.|$)")
_URL_DATE_SLASHED = re.compile(r"/((?:19|20)\d\d)/(\d{1,2})/(\d{1,2})/")
_ISO = re.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)(?:[T ](\d\d:\d\d(?::\d\d)?)(\.\d+)?(Z|[+-]\d\d:?\d\d)?)?")
_MONTH_WORD = r"(?:[A-Z][a-z]{2,8}|[A-Z]{3,9})"  # "May", "Sept", and in capitals: "JAN.", "JULY" (NYT bylines)
_MONTH_FIRST = re.compile(rf"\b({_MONTH_WORD})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b")
_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_WORD})\.?,?\s+((?:19|20)\d\d)\b")
_NUMERIC = re.compile(r"\b((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})\b")
_YEAR_LAST = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2((?:19|20)\d\d)\b")
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december")


def normalise_date(value: str | None) -> str | None:
    """ISO 8601 of a date as pages write it (ISO forms, 'May 3, 2021', '3 May 2021', 2021/05/03,
    and 5/23/2021 or 23.5.2021 when the order is plain: not 5/3/2021, May 3 or 5 March), or None
    when it is none or implausible."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    m = _ISO.search(value)
    if m:
        day = _day(m.group(1), m.group(2), m.group(3))
        if day and m.group(4):
            clock = m.group(4) if len(m.group(4)) == 8 else m.group(4) + ":00"
            zone = m.group(6) or ""
            if zone and zone != "Z" and ":" not in zone:
                zone = zone[:3] + ":" + zone[3:]
            return f"{day}T{clock}{zone}"
        return day
    for pattern, order in ((_MONTH_FIRST, (3, 1, 2)), (_DAY_FIRST, (3, 2, 1)), (_NUMERIC, (1, 2, 3))):
        m = pattern.search(value)
        if m:
            y, mo, d = (m.group(i) for i in order)
            day = _day(y, mo, d)
            if day:
                return day
    m = _YEAR_LAST.search(value)
    if m:  # 2/26/2015 (the US order) or 26.2.2015: only when one of the two can be no month
        a, b = int(m.group(1)), int(m.group(3))
        if (a > 12) != (b > 12):
            return _day(m.group(4), str(min(a, b)), str(max(a, b)))
    return None


def _day(year: str, month: str, day: str) -> str | None:
    month_no = int(month) if month.isdigit() else _month_number(month)
    if month_no is None:
        return None
    try:
        value = date(int(year), month_no, int(day))
    except ValueError:
        return None
    return value.isoformat() if MIN_YEAR <= value.year <= MAX_YEAR else None


def _month_number(word: str) -> int | None:
    """1-12 for a month's name or its abbreviation of three letters or more ("Sept", "JAN"); None
    for a word that only begins like one ("Mayor", "MARCHING", "Decade")."""
    word = word.lower()
    return next((i for i, name in enumerate(MONTH_NAMES, start=1) if len(word) >= 3 and name.startswith(word)), None)


def html_published(html: str, url: str | None, lex: Lexicon, htmldate: str | None = None
                   ) -> tuple[str | None, str | None]:
    """(date, evidence) of an HTML page: JSON-LD, then <meta>, then a <time> element marked as the
    publication's, then the URL, then htmldate's reading (but not a 1 January the page does not
    write: htmldate reads a bare year, a copyright line's, as that day)."""
    head = html[:400_000]
    for key in lex.word_lists.get("date_jsonld", ()):
        for block in JSONLD.findall(head):
            found = normalise_date(jsonld_value(block, key))
            if found:
                return found, "json-ld"
    metas: dict[str, str] = {}
    for name, content in meta_tags(head).items():
        metas.setdefault(name.replace("_", " "), content)  # word lists read an underscore as a space
    for name in lex.word_lists.get("date_meta", ()):
        found = normalise_date(metas.get(name.lower()))
        if found:
            return found, f"meta:{name.lower().replace(' ', '_')}"
    for tag in _TIME.findall(head):
        attrs = attributes(tag)
        found = normalise_date(attrs.get("datetime"))
        if found and ("pubdate" in tag.lower() or attrs.get("itemprop", "").lower() == "datepublished"):
            return found, "time element"
    from_url = url_date(url)
    if from_url:
        return from_url, "url"
    found = normalise_date(htmldate)
    if found and found[4:10] == "-01-01" and not _written(html, found[:10]):
        return None, None  # htmldate's reading of a bare year (a copyright line, a year in the URL), not a date
    return (found, "htmldate") if found else (None, None)


def _written(html: str, day: str) -> bool:
    """`day` is written on the page in one of the forms `normalise_date` reads."""
    for pattern in (_ISO, _MONTH_FIRST, _DAY_FIRST, _NUMERIC):
        for m in pattern.finditer(html):
            if (normalise_date(m.group(0)) or "")[:10] == day:
                return True
    return False


def url_date(url: str | None) -> str | None:
    """A date in a URL's path (/2021/05/03/, /20210503/, /2021-05-03-)."""
    if not url:
        return None
    for pattern in (_URL_DATE, _URL_DATE_SLASHED):
        m = pattern.search(url)
        if m:
            day = _day(*m.groups())
            if day:
                return day
    return None


def text_published(text: str, lex: Lexicon, headline: int | None = None, skip: Sequence[tuple[int, int]] = (),
                   after: int = 16, before: int = 4) -> tuple[str | None, str | None]:
    """(date, "dateline") of a text dump: the dateline nearest its headline (the character offset
    `headline`), first among the `after` lines below it, then the `before` lines above it; without
    a headline, the first lines of the text; with none there, the first line anywhere that labels
    its date as the publication's ('Published: 3 Jan 2019', `date_labels_anywhere`: not a reader's
    'Posted:' or a page's 'Last updated'). A dateline is a short line that is a date, or a date
    led by a label ('Published May 3, 2021', 'Updated 14:02 CET, 3 May 2021'), or a date beside a
    byline, a place or page furniture, all in capitals ('by Ann Lee, 3 May 2021', 'OSLO, May 3,
    2021', 'May 3, 2021 · 13 Comments'), but no date a word makes a span's bound ('Since 1st March,
    1999', 'Valid until May 3, 2021': `date_bounds`). Not the article's: lines inside the `skip` spans (its
    comments, the furniture its batch's pages share, such as a header's date of the day) and a
    quoted post's signature ('— Name (@handle) May 3, 2021')."""
    spans = sorted(skip)  # disjoint (a page's segments): the one a line may be in starts last before it
    starts = [s for s, _ in spans]
    lines = []  # (offset, line) of the non-blank lines outside the spans
    at = 0
    for raw in text.split("\n"):
        inside = bisect_right(starts, at) - 1
        if raw.strip() and not (inside >= 0 and at < spans[inside][1]):
            lines.append((at, raw.strip()))
        at += len(raw) + 1
    if headline is None:
        order = [line for _, line in lines[:12]]
    else:
        below = [line for pos, line in lines if pos > headline][:after]
        above = [line for pos, line in lines if pos < headline][-before:] if before else []
        order = below + above[::-1]
    for line in order:
        found = _dateline(line, lex)
        if found:
            return found, "dateline"
    anywhere = lex.word_set("date_labels_anywhere")
    for _, line in lines:  # none there: a line anywhere that says it is the publication's date
        if _labelled(line, anywhere) and (found := _dateline(line, lex)):  # the label first: cheap
            return found, "dateline"
    return None, None


def _labelled(line: str, labels: frozenset[str]) -> bool:
    """The line leads with one of the labels ('Published on May 3, 2021', 'First published ...')."""
    lead = " ".join(re.findall(r"[^\W\d_]+", line.lower())[:2])
    return any(lead == label or lead.startswith(label + " ") for label in labels)


_CLOCK = re.compile(r"\b\d{1,2}[:.]\d\d(?:[:.]\d\d)?\s*(?:[ap]\.?\s?m\b\.?)?|\b\d+(?:st|nd|rd|th)\b|@\w+|\S*\w\.\w\S*",
                    re.I)


def _dateline(line: str, lex: Lexicon) -> str | None:
    """The date a dateline gives (see `text_published`), or None when the line is none."""
    if len(line.split()) > 25 or any(re.search(p, line) for p in lex.word_lists.get("date_quoted_post", ())):
        return None
    found = normalise_date(line)
    if not found:
        return None
    if _labelled(line, lex.word_set("date_labels")):
        return found
    rest = _CLOCK.sub(" ", _date_removed(line))
    others = [w for w in re.findall(r"[^\W\d_]+", rest) if not is_date_word(w.lower(), lex)]
    bounds = lex.word_set("date_bounds")
    return found if len(others) <= 4 and all(w[0].isupper() and w.lower() not in bounds for w in others) else None


def is_date_word(word: str, lex: Lexicon) -> bool:
    """A lower-case word a dateline carries beside its date: a month, weekday, clock word, time
    zone or date label (`tasks/data/date_words.tsv`)."""
    return any(word in lex.word_set(name) for name in ("months", "month_names", "date_line_words", "date_labels"))


def _date_removed(line: str) -> str:
    for pattern in (_ISO, _MONTH_FIRST, _DAY_FIRST, _NUMERIC, _YEAR_LAST):
        m = pattern.search(line)
        if m and normalise_date(m.group(0)):
            return line[:m.start()] + " " + line[m.end():]
    return line
