"""WARC records (ISO 28500) as documents. Pure: the flow streams an archive (flows/warc.py) and
hands each record's WARC headers and block here; this module says what the record is — an
article's HTML, or why it is skipped (not an HTML 200 response) or refused (truncated, corrupt).

A `response` record of HTTP status 200 whose content is HTML is one document: `source_uri` names
the archive and the record (`crawl.warc.gz#urn:uuid:…`), `url` is its WARC-Target-URI and
`fetched_at` its WARC-Date; its content hash is that of the HTTP payload, so the same page crawled
twice is one article.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from tasks.intake import Document, IntakeError, Rejected, decode, normalise, sha256

WARC_SUFFIXES = (".warc", ".warc.gz")
_STATUS = re.compile(rb"^HTTP/\d(?:\.\d)?\s+(\d{3})")
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)
HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_warc(name: str) -> bool:
    return name.lower().endswith(WARC_SUFFIXES)


@dataclass(frozen=True)
class WarcRecord:
    """A record as read from the archive: its WARC headers and its block (None when it was not
    read: a type or size the run does not curate)."""

    record_type: str  # response | request | revisit | metadata | warcinfo | resource | ...
    record_id: str  # WARC-Record-ID without its angle brackets
    target_uri: str | None
    date: str | None  # WARC-Date, ISO 8601
    declared_length: int  # the record's Content-Length
    block: bytes | None


@dataclass(frozen=True)
class Skipped:
    """A record that is no article by its kind (counted in `runs.skipped`, never quarantined)."""

    reason: str


def record_uri(archive: str, record_id: str, offset: int) -> str:
    return f"{archive}#{record_id or f'offset-{offset}'}"


def http_response(block: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status, headers lower-cased, body) of an HTTP response block; the body de-chunked and
    decompressed as its headers say."""
    head, sep, body = block.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = block.partition(b"\n\n")
    m = _STATUS.match(head)
    if not sep or not m:
        raise IntakeError("not an HTTP response (no status line or no end of headers)")
    headers: dict[str, str] = {}
    for line in head.decode("latin-1").splitlines()[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = dechunk(body)
    encoding = headers.get("content-encoding", "").lower().strip()
    if encoding in {"gzip", "x-gzip", "deflate"}:
        try:
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS)
        except zlib.error:
            try:
                body = zlib.decompress(body, -zlib.MAX_WBITS)
            except zlib.error as exc:
                raise IntakeError(f"corrupt {encoding} content: {exc}") from None
    elif encoding not in {"", "identity"}:
        raise IntakeError(f"content encoding '{encoding}' is not supported")
    return int(m.group(1)), headers, body


def dechunk(body: bytes) -> bytes:
    out, i = [], 0
    while True:
        end = body.find(b"\r\n", i)
        if end < 0:
            raise IntakeError("truncated chunked content")
        try:
            size = int(body[i:end].split(b";")[0].strip() or b"0", 16)
        except ValueError:
            return body  # not chunked after all (archivers often store it de-chunked)
        if size == 0:
            return b"".join(out)
        out.append(body[end + 2:end + 2 + size])
        if len(out[-1]) < size:
            raise IntakeError("truncated chunked content")
        i = end + 2 + size + 2


def skip_reason(rec: WarcRecord) -> Skipped | None:
    """Why a record is no article before its block is read (None: read it)."""
    if rec.record_type != "response":
        return Skipped(f"WARC {rec.record_type} record (not a response)")
    return None


def record_document(archive: str, offset: int, rec: WarcRecord, max_bytes: int) -> Document | Rejected | Skipped:
    """One WARC record as a document, the reason it is refused, or why it is no article."""
    skipped = skip_reason(rec)
    if skipped is not None:
        return skipped
    uri = record_uri(archive, rec.record_id, offset)
    if rec.declared_length < 0:
        return Rejected(uri, None, "WARC record without a valid Content-Length (truncated or corrupt headers)",
                        source_file=archive)
    if rec.declared_length > max_bytes:
        return Rejected(uri, None, f"WARC record of {rec.declared_length:,} bytes exceeds the limit of "
                        f"{max_bytes:,} bytes (NEWSETL_MAX_FILE_BYTES)", source_file=archive)
    block = rec.block or b""
    if len(block) < rec.declared_length:
        return Rejected(uri, sha256(block), f"truncated WARC record: {len(block):,} of {rec.declared_length:,} "
                        "bytes", source_file=archive)
    try:
        status, headers, body = http_response(block)
    except IntakeError as exc:
        return Rejected(uri, sha256(block), exc.reason, source_file=archive)
    if status != 200:
        return Skipped(f"WARC response of HTTP status {status}")
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    if kind and kind not in HTML_TYPES:
        return Skipped("WARC response that is not HTML")
    digest = sha256(body)
    if not body.strip():
        return Rejected(uri, digest, "empty HTTP payload", source_file=archive)
    try:
        text, encoding = _decode(body, headers.get("content-type", ""))
    except IntakeError as exc:
        return Rejected(uri, digest, exc.reason, source_file=archive)
    return Document(uri, digest, "warc", encoding, normalise(text), True, url=rec.target_uri, source_file=archive,
                    fetched_at=rec.date)


def _decode(body: bytes, content_type: str) -> tuple[str, str]:
    """The charset the server declared when it decodes the payload, else our own detection."""
    m = _CHARSET.search(content_type)
    if m:
        try:
            return body.decode(m.group(1)), m.group(1).lower()
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(body)
