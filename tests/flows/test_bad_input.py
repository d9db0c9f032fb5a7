"""A corpus of bad input: each file is curated correctly or quarantined with a clear reason, the
rest of the run lands, the runs row counts every file, and oversized input never reaches the
parser (what bounds the time per article; timings themselves live in bench/)."""

import codecs
import gzip
import json

import polars as pl
import pytest

GOOD = """Harbour Board Votes to Close the Old Pier

The harbour board of Bergen voted on Monday to close the old pier, its chairwoman Liv Dahl said.

“We could not ask people to walk on it any longer,” Dahl told reporters after the vote.
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad-raw")
    files = {
        "empty.txt": b"",
        "binary.bin": bytes(range(256)) * 50,
        "cp1252.txt": GOOD.replace("Dahl", "Dahl’s deputy").encode("cp1252"),
        "latin1.txt": GOOD.replace("Bergen", "Tromsø").replace("“", '"').replace("”", '"').encode("latin-1"),
        "utf16-bom.txt": codecs.BOM_UTF16_LE + GOOD.replace("Bergen", "Ålesund").encode("utf-16-le"),
        "huge.txt": b"The harbour board met again. " * (50 * 2**20 // 29 + 1),
        "french.txt": ("Le port de Bergen rouvre\n\nLe conseil du port a voté lundi la fermeture de l'ancienne "
                       "jetée, a déclaré sa présidente. « Nous ne pouvions plus demander aux gens d'y marcher », "
                       "a-t-elle dit aux journalistes après le vote, selon le journal local de la ville.\n").encode(),
        "scripts.html": ("<html><head><script>" + "var x = 1;" * 20000 + "</script></head><body><script>"
                         + "track();" * 5000 + "</script></body></html>").encode(),
        "twin a.txt": GOOD.replace("Monday", "Tuesday").encode(),
        "sub dir/twin ø b.txt": GOOD.replace("Monday", "Tuesday").encode(),
        "truncated.html.gz": gzip.compress(("<html><body><p>" + GOOD + "</p></body></html>").encode())[:60],
        "feed.jsonl": (json.dumps({"url": "https://x.example/1", "text": GOOD.replace("Monday", "Friday")}) + "\n{not json at all\n").encode(),
        "items.json": json.dumps([{"maintext": GOOD.replace("Monday", "Sunday"), "sitename": "Bergen Tidende",
                                   "date_publish": "2025-05-04 09:00:00"}, {"title": "a teaser, no text"}]).encode(),
        "settings.json": json.dumps({"crawl": {"depth": 2}, "sites": ["a", "b"]}).encode(),
        "one-line.txt": ("Harbour news " + "word " * 220_000).encode(),
        "ok.txt": GOOD.encode(),
    }
    for name, data in files.items():
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        (d / name).write_bytes(data)
    return d, files


@pytest.fixture(scope="module")
def outcome(prefect_harness, corpus, tmp_path_factory):
    from flows.curate import curate_articles

    raw, _ = corpus
    curated = tmp_path_factory.mktemp("bad-curated")
    summary = curate_articles(raw=str(raw), curated=str(curated))
    return curated, summary, None


def test_every_file_is_curated_or_quarantined_with_a_reason(corpus, outcome):
    raw, files = corpus
    curated, summary, _ = outcome
    articles = pl.read_parquet(curated / "articles")
    quarantine = pl.read_parquet(curated / "quarantine")
    curated_names = {u.split("#")[0] for uris in articles["source_uris"] for u in uris}
    reasons: dict[str, list[str]] = {}
    for uri, reason in zip(quarantine["source_uri"], quarantine["reason"]):
        reasons.setdefault(uri.split("#")[0], []).append(reason)
    for name in files:
        assert name in curated_names or name in reasons, f"{name} neither curated nor quarantined"
    expect_quarantined = {
        "empty.txt": "empty file", "binary.bin": "binary", "huge.txt": "exceeds the limit",
        "scripts.html": "no article content", "truncated.html.gz": "gzip", "one-line.txt": "exceeds the limit",
        "settings.json": "JSON object without an article's text",
    }
    for name, words in expect_quarantined.items():
        assert name not in curated_names and any(words in r for r in reasons[name]), (name, reasons.get(name))
    for name in ("cp1252.txt", "latin1.txt", "utf16-bom.txt", "ok.txt", "twin a.txt", "feed.jsonl", "items.json"):
        assert name in curated_names, name
    assert any("malformed JSON on line 2" in r for r in reasons["feed.jsonl"])
    assert [r for r in reasons["items.json"] if "record 2 has no non-empty" in r]
    scraped = articles.filter(pl.col("source_uri") == "items.json#1").row(0, named=True)
    assert (scraped["format"], scraped["publisher"], scraped["published"]) == ("json", "Bergen Tidende",
                                                                             "2025-05-04T09:00:00")
    assert "french.txt" in curated_names and any("language 'fr'" in r for r in reasons["french.txt"])
    twins = articles.filter(pl.col("source_uris").list.len() == 2)["source_uris"].to_list()
    assert twins == [["sub dir/twin ø b.txt", "twin a.txt"]]
    bodies = dict(zip(articles["source_uri"], articles["body"]))
    assert "Tromsø" in bodies["latin1.txt"] and "Ålesund" in bodies["utf16-bom.txt"]
    assert "Dahl’s deputy" in bodies["cp1252.txt"]
    runs = pl.read_parquet(curated / "runs")
    assert runs["n_files"].to_list() == [len(files)]
    assert summary["n_files"] == len(files)


def test_oversized_input_never_reaches_the_parser(outcome):
    """The bound on time per article: too-large files stop at intake, too-long bodies before NLP."""
    curated, _, _ = outcome
    quarantine = pl.read_parquet(curated / "quarantine")
    stages = dict(zip(quarantine["source_uri"], quarantine["stage"]))
    assert stages["huge.txt"] == "intake"
    assert stages["one-line.txt"] == "strip"
    assert "one-line.txt" not in pl.read_parquet(curated / "mentions").join(
        pl.read_parquet(curated / "articles", columns=["article_id", "source_uri"]), on="article_id")["source_uri"]
