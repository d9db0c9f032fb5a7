"""The flow on the real Prefect engine, on literal raw files in tmp_path: files, schemas, rows."""

import json

import polars as pl
import pyarrow.parquet as pq
import pytest

from schemas.tables import TABLES

ARTICLE = """Port of Bergen Reopens After Storm

A crane at the port of Bergen (left) after the storm
A crane at the port of Bergen (left) after the storm

The port of Bergen reopened on Monday after three days of storms, harbour master Eva Strand said.

“The quays are safe again,” Strand told reporters. The Norwegian coastal authority said it would inspect the breakwater on Tuesday.

© 2025 Bergen Harbour News
"""

HTML = """<html><head><title>Ferries resume in Stavanger</title><meta property="og:site_name" content="West Coast Daily">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article><h1>Ferries resume in Stavanger</h1>
<p>Ferry services between Stavanger and Tau resumed on Tuesday, the operator Fjord Line said in a statement.</p>
<p>“All departures run on time,” said Kari Moe, a spokeswoman for the company, adding that the storm had cost
the operator two days of traffic.</p></article><footer>© 2025 West Coast Daily</footer></body></html>"""


@pytest.fixture()
def raw(tmp_path):
    d = tmp_path / "raw"
    (d / "sub dir").mkdir(parents=True)
    (d / "bergen.txt").write_text(ARTICLE, encoding="utf-8")
    (d / "sub dir" / "bergen copy ø.txt").write_text(ARTICLE, encoding="utf-8")  # same content, second name
    (d / "stavanger.html").write_text(HTML, encoding="utf-8")
    (d / "feed.jsonl").write_text(
        json.dumps({"url": "https://x.example/a", "published": "2025-01-03", "text": ARTICLE.replace("Bergen", "Ålesund")})
        + "\n{broken json\n", encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.bin").write_bytes(b"\x00\x01\x02" * 100)
    return d


def run(raw, curated):
    from flows.curate import curate_articles

    return curate_articles(raw=str(raw), curated=str(curated))


def read(curated, table):
    return pl.read_parquet(curated / table)


def test_flow_writes_every_table_with_its_schema(prefect_harness, raw, tmp_path):
    curated = tmp_path / "curated"
    summary = run(raw, curated)
    for name, table in TABLES.items():
        parts = sorted((curated / name).glob("*.parquet"))
        assert parts, name
        assert pq.read_schema(parts[0]).names == table.columns
        for part in parts:
            assert pq.read_schema(part).remove_metadata().equals(table.schema.remove_metadata(), check_metadata=False)

    articles = read(curated, "articles")
    assert sorted(articles["source_uri"]) == ["bergen.txt", "feed.jsonl#1", "stavanger.html"]
    bergen = articles.filter(pl.col("source_uri") == "bergen.txt").row(0, named=True)
    assert bergen["source_uris"] == ["bergen.txt", "sub dir/bergen copy ø.txt"]
    assert bergen["title"] == "Port of Bergen Reopens After Storm"
    assert bergen["publisher"] == "Bergen Harbour News"
    assert bergen["captions"] == ["A crane at the port of Bergen (left) after the storm"]
    assert "©" not in bergen["body"] and "(left)" not in bergen["body"]
    html = articles.filter(pl.col("source_uri") == "stavanger.html").row(0, named=True)
    assert (html["format"], html["publisher"], html["title"]) == ("html", "West Coast Daily", "Ferries resume in Stavanger")
    assert articles.filter(pl.col("source_uri") == "feed.jsonl#1")["url"][0] == "https://x.example/a"

    quarantine = read(curated, "quarantine")
    reasons = dict(zip(quarantine["source_uri"], quarantine["reason"]))
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["binary.bin"]
    assert "malformed JSON on line 2" in reasons["feed.jsonl#2"]

    mentions = read(curated, "mentions").join(articles.select("article_id", "body", "title"), on="article_id")
    for m in mentions.iter_rows(named=True):
        text = m["body"] if m["field"] == "body" else m["title"]
        assert text[m["start"]:m["end"]] == m["text"]
    entities = read(curated, "entities")
    assert set(mentions["entity_id"]) <= set(entities["entity_id"])

    claims = read(curated, "claims").join(articles.select("article_id", "body"), on="article_id")
    assert claims.height >= 4
    for c in claims.filter(pl.col("field") == "body").iter_rows(named=True):
        assert c["body"][c["start"]:c["end"]] == c["content"]
    assert "The quays are safe again," in claims["content"].to_list()

    runs = read(curated, "runs")
    assert runs.height == 1
    assert (summary["n_files"], summary["n_curated"], summary["n_duplicates"]) == (6, 3, 1)
    assert runs["n_files"][0] == 6


def test_rerun_skips_unchanged_files_and_gives_identical_rows(prefect_harness, raw, tmp_path):
    curated = tmp_path / "curated"
    run(raw, curated)
    before = {t: read(curated, t) for t in TABLES if t != "runs"}
    second = run(raw, curated)
    assert second["n_unchanged"] == second["n_files"] == 6
    assert second["n_curated"] == 0
    for t, df in before.items():
        assert read(curated, t).equals(df), t
    assert read(curated, "runs").height == 2


def test_two_fresh_runs_give_identical_rows_run_metadata_aside(prefect_harness, raw, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    run(raw, a)
    run(raw, b)
    for t in TABLES:
        if t == "runs":
            continue
        da, db = read(a, t).drop("run_id", strict=False), read(b, t).drop("run_id", strict=False)
        assert da.sort(da.columns[0]).equals(db.sort(db.columns[0])), t


def test_a_changed_file_replaces_its_rows(prefect_harness, raw, tmp_path):
    curated = tmp_path / "curated"
    run(raw, curated)
    (raw / "stavanger.html").write_text(HTML.replace("Tuesday", "Wednesday"), encoding="utf-8")
    summary = run(raw, curated)
    assert summary["n_curated"] == 1
    articles = read(curated, "articles")
    assert articles.height == 3
    assert "Wednesday" in articles.filter(pl.col("source_uri") == "stavanger.html")["body"][0]
    assert read(curated, "articles")["article_id"].n_unique() == 3
    claims = read(curated, "claims")
    assert claims.join(articles, on="article_id", how="anti").height == 0


def test_reprocess_a_glob_replaces_rows_without_duplicates(prefect_harness, raw, tmp_path):
    from flows.curate import reprocess_articles

    curated = tmp_path / "curated"
    run(raw, curated)
    before = read(curated, "articles")
    summary = reprocess_articles(raw=str(raw), curated=str(curated), source="*.html")
    assert summary["n_curated"] == 1
    after = read(curated, "articles")
    assert after.height == before.height and after["article_id"].n_unique() == after.height
    assert read(curated, "claims")["claim_id"].n_unique() == read(curated, "claims").height
    with pytest.raises(ValueError, match="choose what to reprocess"):
        reprocess_articles(raw=str(raw), curated=str(curated))


def test_a_gone_file_keeps_its_rows_unless_pruned(prefect_harness, raw, tmp_path):
    curated = tmp_path / "curated"
    run(raw, curated)
    (raw / "stavanger.html").unlink()
    kept = run(raw, curated)
    assert kept["n_missing"] == 1 and "stavanger.html" in read(curated, "articles")["source_uri"].to_list()
    from flows.curate import curate_articles

    curate_articles(raw=str(raw), curated=str(curated), prune=True)
    articles = read(curated, "articles")
    assert "stavanger.html" not in articles["source_uri"].to_list()
    assert read(curated, "claims").join(articles, on="article_id", how="anti").height == 0
    assert read(curated, "mentions").join(articles, on="article_id", how="anti").height == 0


def test_an_older_pipeline_version_is_recurated_in_bounded_batches(prefect_harness, raw, tmp_path, monkeypatch):
    import flows.curate

    curated = tmp_path / "curated"
    run(raw, curated)
    monkeypatch.setattr(flows.curate, "pipeline_version", lambda model: "9.9.9+newer-rules")
    monkeypatch.setenv("NEWSETL_MAX_STALE", "2")
    first = run(raw, curated)
    assert (first["n_stale"], first["n_deferred"]) == (2, 4)  # six raw files, two per run
    versions = read(curated, "articles")["pipeline_version"].to_list()
    assert versions.count("9.9.9+newer-rules") >= 1
    while run(raw, curated)["n_deferred"]:
        pass
    assert set(read(curated, "articles")["pipeline_version"]) == {"9.9.9+newer-rules"}
    assert read(curated, "articles").height == 3


def test_a_first_run_on_an_empty_folder_writes_empty_tables(prefect_harness, tmp_path):
    (tmp_path / "raw").mkdir()
    summary = run(tmp_path / "raw", tmp_path / "curated")
    assert summary["n_files"] == 0
    for name in TABLES:
        assert read(tmp_path / "curated", name).height == (1 if name == "runs" else 0)


def test_the_same_text_under_two_names_in_two_batches_is_one_article_with_all_its_rows(prefect_harness, tmp_path):
    """Different bytes (line endings), same text: one article; its rows come from one batch, none quarantined."""
    from flows.curate import curate_articles

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_bytes(ARTICLE.encode("utf-8"))
    (raw / "b.txt").write_bytes(ARTICLE.replace("\n", "\r\n").encode("utf-8"))
    curated = tmp_path / "curated"
    summary = curate_articles(raw=str(raw), curated=str(curated), batch_size=1)
    assert summary["n_quarantined_rows"] == 0, summary["quarantine_reasons"]
    articles = read(curated, "articles")
    assert articles.height == 1
    assert sorted(articles["source_uris"][0]) == ["a.txt", "b.txt"]
    single = tmp_path / "single"
    single.mkdir()
    (single / "a.txt").write_bytes(ARTICLE.encode("utf-8"))
    alone = tmp_path / "alone"
    curate_articles(raw=str(single), curated=str(alone))
    for table in ("segments", "mentions", "claims"):
        assert read(curated, table).height == read(alone, table).height > 0, table
    assert read(curated, "quarantine").height == 0


def test_rows_that_fail_validation_go_to_quarantine_with_the_broken_expectation(prefect_harness, tmp_path,
                                                                                monkeypatch):
    """A mention whose span is empty and a claim with an unknown polarity (a bug upstream, simulated
    here): the suites catch both; those rows alone go to quarantine, named with the expectation."""
    import flows.batch
    from flows.curate import curate_articles

    real = flows.batch.curate_documents

    def buggy(*args, **kwargs):
        rows = real(*args, **kwargs)
        rows.mentions[0]["end"] = rows.mentions[0]["start"]
        rows.claims[0]["polarity"] = "sideways"
        return rows

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "bergen.txt").write_text(ARTICLE, encoding="utf-8")
    monkeypatch.setattr(flows.batch, "curate_documents", buggy)
    curated = tmp_path / "curated"
    summary = curate_articles(raw=str(raw), curated=str(curated))
    monkeypatch.setattr(flows.batch, "curate_documents", real)
    clean = tmp_path / "clean"
    curate_articles(raw=str(raw), curated=str(clean))

    assert summary["n_quarantined_rows"] == 2
    assert summary["validation"]["mentions"]["failed_rows"] == 1
    assert summary["validation"]["claims"]["failed_rows"] == 1
    quarantine = read(curated, "quarantine").filter(pl.col("stage") == "validate")
    assert sorted(quarantine["table_name"]) == ["claims", "mentions"]
    reasons = dict(zip(quarantine["table_name"], quarantine["reason"]))
    assert "end" in reasons["mentions"] and "start" in reasons["mentions"]
    assert "polarity" in reasons["claims"] and "sideways" not in reasons["claims"]
    assert all(uri == "bergen.txt" for uri in quarantine["source_uri"])
    for table in ("mentions", "claims"):
        assert read(curated, table).height == read(clean, table).height - 1, table
    assert read(curated, "articles").height == 1


def test_each_new_file_is_read_once_and_unchanged_files_not_at_all(prefect_harness, raw, tmp_path, monkeypatch):
    import pathlib
    from collections import Counter

    reads: Counter = Counter()
    real_open = pathlib.Path.open

    def open_(self, *args, **kwargs):  # Path.read_bytes opens through it too
        if raw in self.parents:
            reads[self.relative_to(raw).as_posix()] += 1
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", open_)
    curated = tmp_path / "curated"
    run(raw, curated)
    files = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file())
    assert dict(reads) == {name: 1 for name in files}
    reads.clear()
    (raw / "bergen.txt").touch()  # touched, same bytes: read to be sure, recorded, not curated
    summary = run(raw, curated)
    assert dict(reads) == {"bergen.txt": 1}
    assert (summary["n_curated"], summary["n_duplicates"]) == (0, 1)


def test_a_file_named_like_a_glob_is_picked_by_its_exact_name():
    from flows.curate import Selection
    from tasks.plan import RawFile

    named = RawFile("art [1].txt", 10, 0)  # as a glob, "[1]" matches "1" only
    assert Selection(glob="art [1].txt").picks(named)
    assert Selection(glob="art*.txt").picks(named) and not Selection(glob="art [2].txt").picks(named)
    assert Selection(glob="art [1].txt").picks(RawFile("art 1.txt", 10, 0))  # still a glob


def test_markdown_and_feed_items_are_curated_through_every_stage(prefect_harness, tmp_path):
    # their formats pass the articles suite (a value outside its set would send the row to quarantine)
    d = tmp_path / "raw"
    d.mkdir()
    story = [line for line in ARTICLE.splitlines()[3:-1] if line]
    (d / "bergen.md").write_text("* [Home](/)\n\n# Port of Bergen Reopens After Storm\n\n" + "\n\n".join(story)
                                 + "\n\n[© 2025 Bergen Harbour News](/about)\n", encoding="utf-8")
    item = "".join(f"<p>{p.replace('Bergen', 'Molde')}</p>" for p in story)
    (d / "harbour.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<item><title>Molde port reopens</title><link>https://x.example/molde</link><pubDate>Mon, 06 Jan 2025 "
        f"08:00:00 GMT</pubDate><content:encoded><![CDATA[{item}]]></content:encoded></item>"
        "<item><title>Teaser</title><description>Read on.</description></item></channel></rss>", encoding="utf-8")
    curated = tmp_path / "curated"
    run(d, curated)
    articles = read(curated, "articles").sort("source_uri")
    assert articles.select("source_uri", "format", "title").rows() == [
        ("bergen.md", "markdown", "Port of Bergen Reopens After Storm"),
        ("harbour.rss#1", "feed", "Molde port reopens")]
    assert articles["published"][1] == "2025-01-06" and "](" not in articles["body"][0]
    reasons = dict(read(curated, "quarantine").select("source_uri", "reason").rows())
    assert list(reasons) == ["harbour.rss#2"] and "fetch its link" in reasons["harbour.rss#2"]
    assert read(curated, "claims").height >= 4
