import codecs
import gzip
import json

import pytest

from tasks.intake import Document, IntakeError, Rejected, article_id, decode, gunzip, normalise, read_documents

TEXT = "Minister says “talks will resume” — Bergen, Ålesund and Tromsø agree.\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_decode_recovers_the_text(data, encoding):
    text, enc = decode(data)
    assert (text, enc) == (TEXT, encoding)


def test_latin1_bytes_that_cp1252_cannot_map_still_decode():
    data = "Tromsø café".encode("latin-1") + b"\x81"
    text, enc = decode(data)
    assert text.startswith("Tromsø café")
    assert enc != "utf-8"


@pytest.mark.parametrize("data", [b"\x00\x01\x02\x03binary\x00\x00\xff\xfe\x00" * 10, bytes(range(256)) * 4])
def test_binary_is_refused(data):
    with pytest.raises(IntakeError, match="binary"):
        decode(data)


def test_a_stray_nul_in_a_text_is_dropped_not_taken_for_binary():
    # scraped texts carry the odd NUL (database exports, crawler artefacts): one quarantined the
    # whole article as binary
    data = b"Harbour talks resume\n\nThe minister said\x00 the talks would resume.\n" * 3
    (doc,) = read_documents("talks.txt", data, max_bytes=2**20)
    assert "\x00" not in doc.text and "minister said the talks" in doc.text
    with pytest.raises(IntakeError, match="binary"):
        decode(b"\x00" * 9 + b"PK" * 200)  # beyond a stray few


def test_normalise_unifies_newlines_and_drops_controls():
    assert normalise("a\r\nb\rc\x07d\u2028e") == "a\nb\ncd\ne"
    assert normalise("Cafe\u0301") == "Café"


@pytest.mark.parametrize(("read", "meant"), [
    ("â€œWe will not wait,â€\x9d Lind said in GuantÃ¡namo.", "“We will not wait,” Lind said in Guantánamo."),
    ("a Â£5bn deal for BasÃ\x83Â¡Ã\x83Â±ez", "a £5bn deal for Basáñez"),  # read wrongly twice
    ("SÃO PAULO — the café in Zürich, “quoted”", "SÃO PAULO — the café in Zürich, “quoted”"),  # right as it is
])
def test_mojibake_is_repaired_and_right_text_left_alone(read, meant):
    # UTF-8 that a scraper read as cp1252 or latin-1 on its way here
    assert normalise(read) == meant
    assert read_documents("a.txt", read.encode("utf-8"), max_bytes=2**20)[0].text == meant


@pytest.mark.parametrize(("data", "html"), [
    (b'<div class="story"><p>The council met.</p><p>It voted.</p></div>', True),
    (b"<!-- export -->\n<p>The council met on Tuesday.</p>", True),
    (b"<p> is how a paragraph starts in HTML, the tutorial said.\nNo closing tag here.", False),
    (b"The council met. <b>Bold</b> is not how a page starts.", False),
])
def test_an_html_fragment_saved_as_text_is_read_as_html(data, html):
    assert read_documents("story.txt", data, max_bytes=2**20)[0].is_html is html


@pytest.mark.parametrize(("declaration", "encoding", "words"), [
    ('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-2">', "iso-8859-2", "Rada zamknęła w środę most"),
    ('<meta charset="koi8-r">', "koi8-r", "Городской совет закрыл мост"),
    ("<meta charset='windows-1251'>", "windows-1251", "Міська рада закрила міст"),
    ('<meta charset="iso-8859-1">', "cp1252", "Le conseil a fermé le “vieux” pont"),  # as browsers read Latin-1
])
def test_a_page_that_is_not_utf8_is_read_in_the_charset_it_declares(declaration, encoding, words):
    page = f"<html><head>{declaration}<title>x</title></head><body><p>{words}</p></body></html>"
    doc = read_documents("page.html", page.encode(encoding), max_bytes=2**20)[0]
    assert words in doc.text and doc.encoding == encoding


def test_gunzip_refuses_truncated_streams():
    data = gzip.compress(TEXT.encode() * 100)
    assert gunzip(data, 10**6) == TEXT.encode() * 100
    with pytest.raises(IntakeError, match="truncated"):
        gunzip(data[: len(data) // 2], 10**6)
    with pytest.raises(IntakeError, match="exceeds"):
        gunzip(data, 100)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\t\n", "empty file"),
        ("huge.txt", b"x" * 2000, "exceeds the limit"),
        ("bad.txt.gz", b"\x1f\x8b\x08\x00broken", "gzip"),
        ("bin.dat", b"\x00" * 50 + b"PK\x03\x04" * 20, "binary"),
    ],
)
def test_read_documents_rejects_with_a_reason(name, data, reason):
    (out,) = read_documents(name, data, max_bytes=1000)
    assert isinstance(out, Rejected)
    assert reason in out.reason
    assert out.source_uri == name


def test_read_documents_text_html_and_gzip():
    (txt,) = read_documents("a/b.txt", TEXT.encode(), max_bytes=10**6)
    assert isinstance(txt, Document) and txt.format == "text" and not txt.is_html
    (html,) = read_documents("page.bin", b"<!DOCTYPE html><html><body><p>x</p></body></html>", max_bytes=10**6)
    assert html.is_html and html.format == "html"
    (gz,) = read_documents("page.html.gz", gzip.compress(b"<html><p>hi</p></html>"), max_bytes=10**6)
    assert gz.is_html and gz.text == "<html><p>hi</p></html>"


def test_jsonl_yields_one_document_per_record_and_rejects_bad_lines():
    lines = [
        json.dumps({"url": "https://x.example/1", "published": "2025-01-02", "html": "<html><p>One</p></html>"}),
        "{not json",
        json.dumps({"text": "Two\n\nBody.", "title": "Two", "site_name": " Valley  Post "}),
        json.dumps({"url": "https://x.example/3"}),
        json.dumps([1, 2]),
    ]
    out = read_documents("feed.jsonl", "\n".join(lines).encode(), max_bytes=10**6)
    assert [type(o).__name__ for o in out] == ["Document", "Rejected", "Document", "Rejected", "Rejected"]
    assert [o.source_uri for o in out] == [f"feed.jsonl#{n}" for n in range(1, 6)]
    assert out[0].url == "https://x.example/1" and out[0].is_html and out[0].published == "2025-01-02"
    assert not out[2].is_html and out[2].title == "Two" and out[2].publisher == "Valley Post"
    assert out[0].publisher is None
    assert "malformed JSON on line 2" in out[1].reason
    assert "no non-empty 'html', 'text' or 'markdown'" in out[3].reason


def test_article_id_depends_on_content_only():
    assert article_id("same text") == article_id("same text")
    assert article_id("same text") != article_id("other text")
    assert len(article_id("x")) == 16


def test_legacy_cyrillic_is_detected_not_read_as_latin():
    text = "Министр иностранных дел заявил, что переговоры возобновятся на следующей неделе в Москве. " * 5
    out, _enc = decode(text.encode("cp1251"))
    assert out == text


def test_json_file_of_one_article_is_one_document_under_the_file_name():
    rec = {"maintext": "The council voted.\n\nThe ferry stays.", "title": "Ferry saved", "url": "https://p.example/f",
           "date_publish": "2026-11-01 08:30:00", "sitename": " Fjord  Post "}
    (doc,) = read_documents("np/ferry.json", json.dumps(rec).encode(), max_bytes=10**6)
    assert isinstance(doc, Document) and doc.format == "json" and doc.source_uri == "np/ferry.json"
    assert (doc.title, doc.url, doc.published, doc.publisher) == ("Ferry saved", "https://p.example/f",
                                                                  "2026-11-01 08:30:00", "Fjord Post")
    assert doc.text == "The council voted.\n\nThe ferry stays." and not doc.is_html


def test_json_array_yields_a_document_per_record_and_a_reason_per_bad_one():
    items = [{"html": "<html><p>One</p></html>"}, 5, {"title": "no text"}, {"text": "Three."}]
    out = read_documents("items.json", json.dumps(items).encode(), max_bytes=10**6)
    assert [type(o).__name__ for o in out] == ["Document", "Rejected", "Rejected", "Document"]
    assert [o.source_uri for o in out] == [f"items.json#{n}" for n in range(1, 5)]
    assert all(o.source_file == "items.json" for o in out)
    assert out[0].is_html and out[3].text == "Three." and out[0].content_hash != out[3].content_hash
    assert "record 2 is JSON but not an object" in out[1].reason
    assert "record 3 has no non-empty 'html', 'text' or 'markdown'" in out[2].reason


@pytest.mark.parametrize(
    "data, reason",
    [(b"{broken", "malformed JSON: "), (b"[]", "an empty JSON array"), (b'{"config": 1}', "without an article"),
     (b'"just a string"', "a JSON string")],
)
def test_json_file_without_an_article_is_rejected_with_a_reason(data, reason):
    (out,) = read_documents("x.json", data, max_bytes=10**6)
    assert isinstance(out, Rejected) and reason in out.reason and out.source_uri == "x.json"
