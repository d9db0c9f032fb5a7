"""Publication dates from a page's own evidence, normalised to ISO 8601 (`YYYY-MM-DD`, or with
the time when the evidence has one), with the evidence named: a record's field, the HTML's
JSON-LD, its <meta> tags, a <time> element, the URL, htmldate's original-date reading (as
trafilatura ran it), or a dateline near a text dump's headline. Pure; the word lists are data
(`tasks/data/date_words.tsv`)."""

from __future__ import annotations

import re
from datetime import date

from tasks.htmlhead import JSONLD, attributes, jsonld_value, meta_tags
from tasks.lexicon import Lexicon

MIN_YEAR, MAX_YEAR = 1990, 2100
_TIME = re.compile(r"<time\s[^>]*>", re.I)
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|-|_|\.|$)")
_URL_DATE_SLASHED = re.compile(r"/((?:19|20)\d\d)/(\d{1,2})/(\d{1,2})/")
_ISO = re.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)(?:[T ](\d\d:\d\d(?::\d\d)?)(\.\d+)?(Z|[+-]\d\d:?\d\d)?)?")
_MONTH_FIRST = re.compile(r"\b([A-Z][a-z]{2,8})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b")
_DAY_FIRST = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Z][a-z]{2,8})\.?,?\s+((?:19|20)\d\d)\b")
_NUMERIC = re.compile(r"\b((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})\b")
MONTHS = {m: i for i, m in enumerate(("jan feb mar apr may jun jul aug sep oct nov dec").split(), start=1)}


def normalise_date(value: str | None) -> str | None:
    """ISO 8601 of a date as pages write it (ISO forms, 'May 3, 2021', '3 May 2021', 2021/05/03),
    or None when it is none or implausible."""
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
    return None


def _day(year: str, month: str, day: str) -> str | None:
    month_no = int(month) if month.isdigit() else MONTHS.get(month[:3].lower())
    if month_no is None:
        return None
    try:
        value = date(int(year), month_no, int(day))
    except ValueError:
        return None
    return value.isoformat() if MIN_YEAR <= value.year <= MAX_YEAR else None


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


def text_published(lines: list[str], lex: Lexicon, reach: int = 12) -> tuple[str | None, str | None]:
    """(date, "dateline") of a text dump: a short line near the top that is (or is labelled as) a
    date — 'Published May 3, 2021', '3 May 2021 14:02', '2021-05-03'."""
    labels = lex.word_set("date_labels")
    for line in [x.strip() for x in lines if x.strip()][:reach]:
        if len(line.split()) > 12:
            continue
        found = normalise_date(line)
        if not found:
            continue
        rest = re.sub(r"[\d:,./-]+", " ", line).lower()
        words = [w for w in re.findall(r"[a-z]+", rest) if w[:3] not in MONTHS]
        if not words or any(label in rest.split() or rest.strip().startswith(label) for label in labels):
            return found, "dateline"
    return None, None

