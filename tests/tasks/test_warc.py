"""WARC records as documents (tasks/warc.py), on literal records."""

import gzip

import pytest

from tasks.intake import Document, IntakeError, Rejected
from tasks.warc import Skipped, WarcRecord, dechunk, http_response, is_warc, record_document

PAGE = b"<html><head><title>Pier closes</title></head><body><p>The old pier closes on Monday.</p></body></html>"


def _http(body: bytes, status: str = "200 OK", headers: str = "Content-Type: text/html; charset=utf-8") -> bytes:
    return f"HTTP/1.1 {status}\r\n{headers}\r\n\r\n".encode() + body


def _record(block: bytes | None, kind: str = "response", declared: int | None = None) -> WarcRecord:
    return WarcRecord(kind, "urn:uuid:1", "https://x.example/pier", "2025-10-14T08:00:00Z",
                      len(block or b"") if declared is None else declared, block)


def test_archive_names():
    assert is_warc("crawl-001.warc.gz") and is_warc("a/B.WARC") and not is_warc("page.html.gz")


def test_a_200_html_response_is_a_document_with_its_url_and_fetch_time():
    doc = record_document("crawl.warc.gz", 0, _record(_http(PAGE)), 10**6)
    assert isinstance(doc, Document)
    assert doc.source_uri == "crawl.warc.gz#urn:uuid:1" and doc.source_file == "crawl.warc.gz"
    assert doc.url == "https://x.example/pier" and doc.fetched_at == "2025-10-14T08:00:00Z"
    assert doc.is_html and doc.format == "warc" and "old pier" in doc.text


def test_the_same_payload_has_the_same_hash_whatever_the_record():
    a = record_document("a.warc", 0, _record(_http(PAGE)), 10**6)
    b = record_document("b.warc", 9, WarcRecord("response", "urn:uuid:2", "https://x.example/pier", "2025-10-15",
                                                len(_http(PAGE)), _http(PAGE)), 10**6)
    assert a.content_hash == b.content_hash and a.source_uri != b.source_uri


@pytest.mark.parametrize("record, reason", [
    (_record(b"GET / HTTP/1.1\r\n\r\n", kind="request"), "request record"),
    (_record(b"", kind="revisit"), "revisit record"),
    (_record(_http(PAGE, status="404 Not Found")), "HTTP status 404"),
    (_record(_http(b"\x89PNG....", headers="Content-Type: image/png")), "not HTML"),
])
def test_records_that_are_no_article_are_skipped(record, reason):
    out = record_document("c.warc", 0, record, 10**6)
    assert isinstance(out, Skipped) and reason in out.reason


@pytest.mark.parametrize("record, reason", [
    (_record(_http(PAGE)[:40], declared=len(_http(PAGE))), "truncated WARC record"),
    (_record(None, declared=-1), "without a valid Content-Length"),
    (_record(None, declared=5 * 10**6), "exceeds the limit"),
    (_record(b"not http at all"), "not an HTTP response"),
])
def test_broken_records_are_rejected_with_their_reason(record, reason):
    out = record_document("c.warc", 0, record, 10**6)
    assert isinstance(out, Rejected) and reason in out.reason and out.source_file == "c.warc"


def test_chunked_and_gzipped_payloads_are_decoded():
    chunked = b"5\r\nHello\r\n6\r\n world\r\n0\r\n\r\n"
    assert dechunk(chunked) == b"Hello world"
    status, headers, body = http_response(_http(chunked, headers="Transfer-Encoding: chunked"))
    assert (status, body) == (200, b"Hello world") and headers["transfer-encoding"] == "chunked"
    _, _, body = http_response(_http(gzip.compress(PAGE), headers="Content-Encoding: gzip"))
    assert body == PAGE
    with pytest.raises(IntakeError, match="truncated chunked"):
        dechunk(b"ff\r\nshort")


def test_the_declared_charset_decodes_the_payload():
    body = "<html><body><p>Tromsø harbour reopens today.</p></body></html>".encode("latin-1")
    doc = record_document("c.warc", 0, _record(_http(body, headers="Content-Type: text/html; charset=iso-8859-1")),
                          10**6)
    assert "Tromsø" in doc.text
