"""Intake: turn the bytes of one raw file into decoded documents, or say clearly why not.

Pure: takes a file name and its bytes, returns `Document`s; never touches the file system.
A `.jsonl` file yields one document per line, a `.json` file one per article record (a scraper's
object, or each of an array's: tasks/scraped.py), a feed one per item; any other file yields one.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
import unicodedata
import zlib
from dataclasses import dataclass

from tasks.feeds import FeedError, feed_items, looks_like_feed
from tasks.markdown import looks_like_markdown, read_markdown
from tasks.scraped import json_records, record_fields

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_HTML_SNIFF = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.I)
# an HTML fragment saved as text (a CMS export, a feed's content): it opens with an element of a
# page's body and closes one soon after
_FRAGMENT_SNIFF = re.compile(rb"^\s*(<!--.*?-->\s*)*<(div|p|article|section|main|table|h[1-6]|figure|header|span|ul|ol)"
                             rb"[\s>].{0,4000}?</(div|p|article|section|main|table|h[1-6]|figure|header|span|ul|ol)>",
                             re.I | re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class IntakeError(ValueError):
    """The input cannot become an article; `reason` says why in words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Document:
    """One decoded input document, before any stripping."""

    source_uri: str  # raw path relative to the raw root; `#n` appended for a JSON-lines record
    content_hash: str  # SHA-256 of the raw bytes (of the record's line for JSON lines)
    format: str  # text | html | markdown | jsonl | json | feed | warc
    encoding: str
    text: str  # decoded, NFC, newlines normalised; HTML source for html/jsonl-html
    is_html: bool
    url: str | None = None
    published: str | None = None
    title: str | None = None
    source_file: str = ""  # the raw file it came from (its path; a record's file); source_uri when empty
    fetched_at: str | None = None  # when a crawler fetched it (a WARC record's date)
    publisher: str | None = None  # the outlet a record names (a feed's title, a JSON line's publisher)
    captions: tuple[str, ...] = ()  # lines of `text` its markup marks as captions (Markdown)
    author: str | None = None  # who wrote it, as a record, feed item or Markdown header names them

    def __post_init__(self) -> None:
        if not self.source_file:
            object.__setattr__(self, "source_file", self.source_uri)


@dataclass(frozen=True)
class Rejected:
    """A file or record that could not be decoded (or failed on the way: `stage`, `error_digest`)."""

    source_uri: str
    content_hash: str | None
    reason: str
    source_file: str = ""
    stage: str = "intake"
    error_digest: str | None = None

    def __post_init__(self) -> None:
        if not self.source_file:
            object.__setattr__(self, "source_file", self.source_uri)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def article_id(text: str) -> str:
    """Content-derived article id: the same text gives the same id, whatever the file name."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# UTF-8 read as cp1252 or latin-1 (mojibake: 'â€œ', 'GuantÃ¡namo', 'Â£5bn'): a lead byte's letter
# followed by a continuation byte's character
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                       "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")


def normalise(text: str) -> str:
    """NFC, one newline convention, no control characters (tabs and newlines kept), mojibake
    repaired (ftfy's `fix_encoding`, asked only of a text that shows a sign of it)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    if _MOJIBAKE.search(text):
        from ftfy import fix_encoding

        text = fix_encoding(text)
    text = _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))  # lone surrogates (JSON "\\ud800") cannot be written
    return unicodedata.normalize("NFC", text)


class Gunzip:
    """Incremental gzip decompression with a size limit: feed the compressed bytes chunk by chunk
    (memory holds the output, never more than the limit); refuses truncated streams and bombs."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._out: list[bytes] = []
        self._size = 0

    def feed(self, chunk: bytes) -> None:
        try:
            piece = self._d.decompress(chunk, self.max_bytes + 1 - self._size)
        except zlib.error as exc:
            raise IntakeError(f"corrupt gzip stream: {exc}") from None
        self._size += len(piece)
        self._out.append(piece)
        if self._size > self.max_bytes or self._d.unconsumed_tail:
            raise IntakeError(f"decompressed size exceeds the limit of {self.max_bytes:,} bytes")

    def result(self) -> bytes:
        if not self._d.eof:
            raise IntakeError("truncated gzip stream (unexpected end of file)")
        return b"".join(self._out)


def gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress a whole gzip payload (see `Gunzip`)."""
    g = Gunzip(max_bytes)
    g.feed(data)
    return g.result()


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _looks_binary(data: bytes) -> bool:
    """NUL and other control bytes beyond a stray few: more than 8, and more than 1% of the first
    64 KiB. A stray NUL in a scraped text is dropped with the other control characters (`normalise`)."""
    sample = data[:65536]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > max(8, len(sample) // 100)


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""",
                       re.I)
_WESTERN_NAMES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii"}


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML or XML page declares in its first 4 KiB (<meta charset>, http-equiv,
    <?xml encoding>), as browsers read it: a Latin-1 or ASCII label is cp1252; UTF-8 is no
    news once UTF-8 has failed."""
    m = _DECLARED.search(data[:4096])
    if not m:
        return None
    name = (m.group(1) or m.group(2)).decode("ascii", "ignore").lower()
    if name in _WESTERN_NAMES:
        return "cp1252"
    return None if name.replace("_", "-") in {"utf-8", "utf8"} else name


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes of unknown encoding to (text, encoding name); raise IntakeError if not text.

    Order: byte-order mark, UTF-16 without BOM, strict UTF-8, the charset an HTML or XML page
    declares, then the legacy encodings of Western news sites (cp1252, whose 0x80-0x9F are
    typographic quotes and dashes, then latin-1), with charset detection for anything else.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), enc
            except UnicodeDecodeError as exc:
                raise IntakeError(f"invalid {enc} after its byte-order mark: {exc.reason}") from None
    enc16 = _utf16_without_bom(data)
    if enc16:
        try:
            return data.decode(enc16), enc16
        except UnicodeDecodeError:
            pass
    if _looks_binary(data):
        raise IntakeError("binary content (NUL or control bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data)
    if declared:
        try:
            return data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass
    western = None
    for enc in ("cp1252", "latin-1"):
        try:
            western = (data.decode(enc), enc)
            break
        except UnicodeDecodeError:
            continue
    text, enc = western  # latin-1 decodes any bytes
    letters = [c for c in text[:200_000] if c.isalpha()]
    if not letters or sum(1 for c in letters if ord(c) > 127) / len(letters) < 0.4:
        return text, enc  # Western text: accented letters are the exception, not the rule
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
    except Exception:  # noqa: BLE001 - detection is a best effort; the Western reading stands
        best = None
    if best is not None and best.encoding not in {"utf_8", "ascii"}:
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    return text, enc


def _is_html(name: str, text: str) -> bool:
    head = text[:4096].encode("utf-8", "ignore")
    return name.lower().endswith(HTML_SUFFIXES) or bool(_HTML_SNIFF.match(head[:512]) or _FRAGMENT_SNIFF.match(head))


def _jsonl_documents(uri: str, text: str, encoding: str) -> list[Document | Rejected]:
    out: list[Document | Rejected] = []
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        rec_uri = f"{uri}#{n}"
        digest = sha256(line.encode("utf-8"))
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            out.append(Rejected(rec_uri, digest, f"malformed JSON on line {n}: {exc.msg} at column {exc.colno}",
                                source_file=uri))
            continue
        out.append(_record_document(rec, f"line {n}", rec_uri, digest, encoding, uri, "jsonl"))
    if not out:
        out.append(Rejected(uri, sha256(text.encode("utf-8")), "JSON-lines file without records"))
    return out


def _json_documents(uri: str, text: str, encoding: str, digest: str) -> list[Document | Rejected]:
    """A JSON file: one article (the file's own name), or an array of them (`file#n`, 1-based)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return [Rejected(uri, digest, f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")]
    records = json_records(value)
    if isinstance(records, str):
        return [Rejected(uri, digest, records)]
    if len(records) == 1 and records[0] is value:
        return [_record_document(value, "the JSON object", uri, digest, encoding, uri, "json")]
    return [_record_document(rec, f"record {n}", f"{uri}#{n}",
                             sha256(json.dumps(rec, sort_keys=True, ensure_ascii=False).encode("utf-8")),
                             encoding, uri, "json")
            for n, rec in enumerate(records, start=1)]


def _record_document(rec, label: str, rec_uri: str, digest: str, encoding: str, uri: str,
                     form: str) -> Document | Rejected:
    """A scraper's record (a JSON line, a JSON file's object or array element) as a document."""
    if not isinstance(rec, dict):
        return Rejected(rec_uri, digest, f"{label} is JSON but not an object", source_file=uri)
    found = record_fields(rec)
    if isinstance(found, str):
        return Rejected(rec_uri, digest, f"{label} {found}", source_file=uri)
    body, meta = found.body, {"url": found.url, "published": found.published, "title": found.title,
                              "author": found.author}
    if found.is_markdown:
        page = read_markdown(normalise(body))  # as Firecrawl writes pages out
        body = page.text
        meta = {k: v or getattr(page, k) for k, v in meta.items()}
        if not body.strip():
            return Rejected(rec_uri, digest, f"{label} has no visible text in its Markdown", source_file=uri)
    meta = {k: normalise(v) if v else None for k, v in meta.items()}
    meta["author"] = " ".join(meta["author"].split()) if meta["author"] else None
    outlet = " ".join(normalise(found.publisher).split()) or None if found.publisher else None
    return Document(source_uri=rec_uri, source_file=uri, content_hash=digest, format=form, encoding=encoding,
                    text=normalise(body), is_html=found.is_html, publisher=outlet, **meta)


def _feed_documents(uri: str, text: str, encoding: str, digest: str) -> list[Document | Rejected]:
    """One document per feed item that carries its article (`uri#n`, as a JSON line's record)."""
    try:
        items = feed_items(text)
    except FeedError as exc:
        return [Rejected(uri, digest, str(exc))]
    if not items:
        return [Rejected(uri, digest, "feed without items")]
    out: list[Document | Rejected] = []
    for item in items:
        rec_uri = f"{uri}#{item.number}"
        if item.body is None:
            out.append(Rejected(rec_uri, item.digest, item.reason or "feed item without text", source_file=uri))
            continue
        meta = {"url": item.url, "published": item.published, "title": item.title, "publisher": item.publisher,
                "author": item.author}
        out.append(Document(rec_uri, item.digest, "feed", encoding, normalise(item.body), item.is_html,
                            source_file=uri, **{k: normalise(v) if v else None for k, v in meta.items()}))
    return out


def read_documents(uri: str, data: bytes, *, max_bytes: int, digest: str | None = None,
                   decompressed: bool = False) -> list[Document | Rejected]:
    """Decode one raw file into documents (one, or one per JSON line) or rejections; `digest` is
    the SHA-256 of the file's bytes when the caller has it already; `decompressed` says a `.gz`
    file's bytes were decompressed already (streaming, by the caller)."""
    digest = digest or sha256(data)
    name = uri.lower()
    try:
        if len(data) > max_bytes:
            raise IntakeError(f"file of {len(data):,} bytes exceeds the limit of {max_bytes:,} bytes")
        if name.endswith(".gz"):
            data = data if decompressed else gunzip(data, max_bytes)
            name = name[: -len(".gz")]
        if not data.strip():
            raise IntakeError("empty file")
        text, encoding = decode(data)
        text = normalise(text)
        if not text.strip():
            raise IntakeError("no text after decoding (only blanks or control characters)")
    except IntakeError as exc:
        return [Rejected(uri, digest, exc.reason)]
    if name.endswith((".jsonl", ".ndjson")):
        return _jsonl_documents(uri, text, encoding)
    if name.endswith(".json"):
        return _json_documents(uri, text, encoding, digest)
    if looks_like_feed(name, text):
        return _feed_documents(uri, text, encoding, digest)
    if looks_like_markdown(name):
        page = read_markdown(text)
        if not page.text.strip():
            return [Rejected(uri, digest, "no visible text in the Markdown (only links, images or markup)")]
        return [Document(uri, digest, "markdown", encoding, page.text, False, url=page.url, published=page.published,
                         title=page.title, captions=page.captions, author=page.author)]
    html = _is_html(name, text)
    return [Document(uri, digest, "html" if html else "text", encoding, text, html)]
