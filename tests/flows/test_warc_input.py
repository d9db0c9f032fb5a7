"""WARC input through the real flow: an archive of the bundled sample's HTML page gives the same
article as the page as a file (plus its URL and fetch time); duplicates, records that are no
article, a truncated archive and a corrupt one are each accounted for, and the rest lands."""

import gzip
import io
import json
import shutil
from pathlib import Path

import polars as pl
import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "raw" / "003_coastline_daily_quota.html"
URL = "https://coastline-daily.example/2025/10/15/quota"


def _archive(path: Path, records: list[tuple[str, str, bytes, str]]) -> None:
    """Write a gzipped WARC: (type, url, payload, content type) per record (warcio writes it)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for kind, url, payload, ctype in records:
            if kind == "response":
                status = "404 Not Found" if url.endswith("/missing") else "200 OK"
                http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
                rec = writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=http)
            elif kind == "request":
                http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x.example")], is_http_request=True)
                rec = writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=http)
            else:
                rec = writer.create_warc_record(url, kind, payload=io.BytesIO(payload))
            writer.write_record(rec)


@pytest.fixture(scope="module")
def runs(prefect_harness, tmp_path_factory):
    from flows.curate import curate_articles

    page = SAMPLE.read_bytes()
    other = page.replace(b"quota", b"quota talks").replace(b"Coastline", b"Coast Line")
    records = [
        ("warcinfo", "", b"software: test", "application/warc-fields"),
        ("request", URL, b"", ""),
        ("response", URL, page, "text/html; charset=utf-8"),
        ("response", URL, page, "text/html; charset=utf-8"),  # crawled twice
        ("response", "https://x.example/missing", b"<html>gone</html>", "text/html"),
        ("response", "https://x.example/logo.png", b"\x89PNG\r\n", "image/png"),
        ("metadata", URL, b"outlinks: none", "application/warc-fields"),
        ("response", "https://coastline-daily.example/2025/10/16/other", other, "text/html"),
    ]
    raw_warc = tmp_path_factory.mktemp("warc-raw")
    _archive(raw_warc / "crawl-001.warc.gz", records)
    whole = (raw_warc / "crawl-001.warc.gz").read_bytes()
    (raw_warc / "cut.warc.gz").write_bytes(whole[: len(whole) - 200])  # the last record truncated
    member = gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n")
    head = tmp_path_factory.mktemp("warc-head") / "head.warc.gz"
    _archive(head, records[:1])  # a warcinfo record, then garbage, then a record nobody can reach
    (raw_warc / "corrupt.warc.gz").write_bytes(head.read_bytes() + b"\x1f\x8b\x08garbage-in-the-middle" + member)
    raw_html = tmp_path_factory.mktemp("html-raw")
    shutil.copy(SAMPLE, raw_html / SAMPLE.name)
    out = {}
    for name, raw in (("warc", raw_warc), ("html", raw_html)):
        curated = tmp_path_factory.mktemp(f"{name}-curated")
        out[name] = (curated, curate_articles(raw=str(raw), curated=str(curated)))
    return out


def test_an_archived_page_is_the_same_article_as_the_page_with_url_and_fetch_time(runs):
    html = pl.read_parquet(runs["html"][0] / "articles")
    warc = pl.read_parquet(runs["warc"][0] / "articles")
    row = warc.filter(pl.col("url") == URL)
    assert row.height == 1
    for column in ("article_id", "title", "body", "publisher", "dek", "captions", "credit"):
        assert row[column].to_list() == html[column].to_list(), column
    assert row["format"][0] == "warc" and row["fetched_at"][0].startswith("20")
    # crawled twice in each of two archives: one article naming the four records
    uris = row["source_uris"][0].to_list()
    assert len(uris) == 4 and {u.split("#")[0] for u in uris} == {"crawl-001.warc.gz", "cut.warc.gz"}
    assert all(u.split("#", 1)[1].startswith("urn:uuid:") for u in uris)
    assert row["source_uri"][0] in uris
    mentions_html = pl.read_parquet(runs["html"][0] / "mentions").height
    assert pl.read_parquet(runs["warc"][0] / "mentions").filter(
        pl.col("article_id") == row["article_id"][0]).height == mentions_html


def test_records_that_are_no_article_are_counted_and_broken_ones_quarantined(runs):
    curated, summary = runs["warc"]
    run = pl.read_parquet(curated / "runs").row(-1, named=True)
    skipped = json.loads(run["skipped"])
    assert skipped["WARC request record (not a response)"]["count"] == 2
    assert skipped["WARC warcinfo record (not a response)"]["count"] == 3
    assert skipped["WARC response of HTTP status 404"]["count"] == 2
    assert skipped["WARC response that is not HTML"]["count"] == 2
    assert skipped["WARC metadata record (not a response)"]["count"] == 2
    quarantine = pl.read_parquet(curated / "quarantine")
    reasons = dict(zip(quarantine["source_uri"], quarantine["reason"]))
    cut = [r for u, r in reasons.items() if u.startswith("cut.warc.gz#")]
    assert cut and all("truncated" in r for r in cut)
    corrupt = [r for u, r in reasons.items() if u.startswith("corrupt.warc.gz")]
    assert corrupt and any("corrupt WARC data" in r for r in corrupt)
    articles = pl.read_parquet(curated / "articles")
    assert articles.filter(pl.col("url").str.ends_with("/other")).height == 1  # the rest of the archive lands
    from flows.store import CuratedStore

    manifest = {r["source_uri"]: r for r in CuratedStore(curated).current().manifest().to_pylist()}
    assert manifest["crawl-001.warc.gz"]["status"] == "curated"
    assert len(manifest["crawl-001.warc.gz"]["article_ids"]) == 2


def test_an_unchanged_archive_is_not_read_again(runs, tmp_path):
    from flows.curate import curate_articles

    curated, _ = runs["warc"]
    raw = Path(pl.read_parquet(curated / "runs")["raw_root"][-1])
    summary = curate_articles(raw=str(raw), curated=str(curated))
    assert summary["n_unchanged"] == 3 and not summary["changed"]


def test_a_large_archive_is_cut_into_slices_that_give_the_same_articles(runs, tmp_path, monkeypatch):
    from flows.curate import curate_articles
    from flows.store import CuratedStore
    from flows.warc import slices

    curated, _ = runs["warc"]
    raw = Path(pl.read_parquet(curated / "runs")["raw_root"][-1])
    monkeypatch.setenv("NEWSETL_WARC_SLICE_BYTES", "1500")  # a few records per slice: several batches
    sliced = tmp_path / "sliced"
    summary = curate_articles(raw=str(raw), curated=str(sliced))
    columns = ["article_id", "url", "title", "body", "source_uris"]
    assert pl.read_parquet(sliced / "articles", columns=columns).sort("article_id").equals(
        pl.read_parquet(curated / "articles", columns=columns).sort("article_id"))
    assert pl.read_parquet(sliced / "quarantine")["source_uri"].sort().to_list() == \
        pl.read_parquet(curated / "quarantine")["source_uri"].sort().to_list()
    whole = {r["source_uri"]: r for r in CuratedStore(curated).current().manifest().to_pylist()}
    cut = {r["source_uri"]: r for r in CuratedStore(sliced).current().manifest().to_pylist()}
    for uri in whole:  # one manifest row per archive, with the articles of all its slices
        assert (cut[uri]["status"], cut[uri]["article_ids"], cut[uri]["content_hash"]) == \
            (whole[uri]["status"], whole[uri]["article_ids"], whole[uri]["content_hash"]), uri
    archive = raw / "crawl-001.warc.gz"
    assert summary["n_files"] == 3 and len(slices(archive, archive.stat().st_size, 1500)) >= 3
