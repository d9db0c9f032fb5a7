"""Publishing on tiny literal rows, without spaCy or Prefect: staged batch files in, the next
generation of every table out (validation, entity merging, claim clusters, quarantine, manifest)."""

import json
from datetime import UTC, datetime

import polars as pl
import pytest

from flows.publish import publish_tables
from flows.records import BatchResult, FileRecord, RunPlan
from flows.settings import Settings
from flows.staging import Staging
from flows.store import CuratedStore
from tasks.rows import Stamp, quarantine_row

BODIES = {"a1": "Anna Lind said the port would reopen.", "a2": "Oslo Port said the port would reopen soon.",
          "a3": "Nothing was said."}


def article(aid: str, uri: str, **over) -> dict:
    row = {"article_id": aid, "source_uri": uri, "source_uris": [uri], "content_hash": "h-" + uri, "format": "text",
           "encoding": "utf-8", "url": None, "published": None, "title": f"Title {aid}", "dek": [], "captions": [],
           "subheadings": [], "credit": None, "publisher": f"Outlet {aid}", "publisher_evidence": None,
           "body": BODIES[aid], "n_words": len(BODIES[aid].split()), "n_stripped": 1, "language": "en",
           "pipeline_version": "v1", "run_id": "r1"}
    return {**row, **over}


def segment(aid: str) -> dict:
    return {"article_id": aid, "seq": 0, "label": "title", "kind": None, "rule": "title:first-headline", "start": 0,
            "end": 7, "text": f"Title {aid}", "pipeline_version": "v1", "run_id": "r1"}


def mention(aid: str, text: str, label: str) -> dict:
    start = BODIES[aid].index(text)
    return {"mention_id": f"m-{aid}-{start}", "article_id": aid, "field": "body", "entity_id": None, "label": label,
            "text": text, "start": start, "end": start + len(text), "source": "model", "gazetteer_name": None,
            "descriptor": None, "pipeline_version": "v1", "run_id": "r1"}


def claim(aid: str, speaker: str | None) -> dict:
    body = BODIES[aid]
    start = body.index("the port")
    return {"claim_id": f"c-{aid}", "article_id": aid, "field": "body", "speaker": speaker, "speaker_name": speaker,
            "speaker_entity_id": None, "speaker_mention_id": f"m-{aid}-0" if speaker else None, "cue": "said",
            "cue_start": body.index("said"), "cue_end": body.index("said") + 4, "content": body[start:-1],
            "start": start, "end": len(body) - 1, "kind": "indirect", "polarity": "assert", "confidence": 0.85,
            "rule": "verb:ccomp", "statement_id": f"s-{aid}", "part": 0, "cluster_id": None, "pipeline_version": "v1",
            "run_id": "r1"}


def record(uri: str, ids: list[str], status: str = "curated") -> FileRecord:
    return FileRecord(uri, 10, 1, "h-" + uri, ids, status)


def publish(root, batches: dict[int, dict[str, list[dict]]], records: list[FileRecord], run_id: str,
            **plan) -> dict:
    store = CuratedStore(root)
    store.ensure_layout()
    staging = Staging.for_run(root, run_id)
    for index, tables in batches.items():
        for table, rows in tables.items():
            staging.write_batch(table, index, rows)
    results = [BatchResult(1, records, [], 0, 0, 0, {})]
    return publish_tables(store, staging, RunPlan(files=len(records), **plan), results, Stamp("v1", run_id),
                          Settings(raw=root, curated=root), datetime.now(UTC), None)


def read(root, table: str) -> pl.DataFrame:
    return pl.read_parquet(root / table)


@pytest.fixture()
def first(tmp_path):
    root = tmp_path / "curated"
    batches = {1: {"articles": [article("a1", "a.txt"), article("a2", "b.txt")],
                   "segments": [segment("a1"), segment("a2")],
                   "mentions": [mention("a1", "Anna Lind", "PERSON"), mention("a2", "Oslo Port", "ORG")],
                   "claims": [claim("a1", "Anna Lind"), claim("a2", None)],
                   "quarantine": [quarantine_row(Stamp("v1", "r1"), "bad.bin", "intake", "binary content")]}}
    summary = publish(root, batches, [record("a.txt", ["a1"]), record("b.txt", ["a2"]),
                                      record("bad.bin", [], "quarantined")], "r1")
    return root, summary


def test_first_publish_writes_every_table(first):
    root, summary = first
    assert (summary["n_curated"], summary["n_quarantined_files"], summary["n_quarantined_rows"]) == (2, 1, 0)
    assert sorted(read(root, "articles")["article_id"]) == ["a1", "a2"]
    mentions = read(root, "mentions")
    entities = read(root, "entities")
    assert mentions["entity_id"].null_count() == 0 and set(mentions["entity_id"]) == set(entities["entity_id"])
    assert sorted(entities["canonical_name"]) == ["Anna Lind", "Oslo Port"]
    claims = read(root, "claims")
    assert claims["cluster_id"].null_count() == 0
    lind = mentions.filter(pl.col("text") == "Anna Lind")["entity_id"][0]
    assert claims.sort("article_id")["speaker_entity_id"].to_list() == [lind, None]
    clusters = read(root, "claim_clusters")
    assert clusters.height == 1 and clusters["n_outlets"][0] == 2  # the same words; one speaker unnamed
    assert clusters["speaker_name"][0] == "Anna Lind"
    assert read(root, "quarantine")["source_uri"].to_list() == ["bad.bin"]
    assert read(root, "runs")["run_id"].to_list() == ["r1"]
    manifest = CuratedStore(root).current().manifest()
    assert manifest["source_uri"].to_pylist() == ["a.txt", "b.txt", "bad.bin"]


def test_a_replaced_article_and_a_pruned_file_take_their_rows_along(first):
    root, _ = first
    batches = {1: {"articles": [article("a3", "a.txt")], "segments": [segment("a3")]}}
    summary = publish(root, batches, [record("a.txt", ["a3"])], "r2", missing=["b.txt"], prune=True)
    assert summary["n_curated"] == 1
    assert read(root, "articles")["article_id"].to_list() == ["a3"]
    for table in ("segments", "mentions", "claims"):
        assert set(read(root, table)["article_id"]) <= {"a3"}, table
    assert read(root, "entities").height == 0 and read(root, "claim_clusters").height == 0
    assert read(root, "quarantine")["source_uri"].to_list() == ["bad.bin"]  # a file this run did not look at
    assert read(root, "runs").height == 2


def test_rows_that_fail_validation_go_to_quarantine_with_their_article(tmp_path):
    root = tmp_path / "curated"
    batches = {1: {"articles": [article("a1", "a.txt"), article("a2", "b.txt", format="pdf")],
                   "mentions": [mention("a1", "Anna Lind", "PERSON"), mention("a2", "Oslo Port", "ORG")],
                   "claims": [claim("a1", "Anna Lind"), claim("a2", "Oslo Port") | {"polarity": "sideways"}]}}
    summary = publish(root, batches, [record("a.txt", ["a1"]), record("b.txt", ["a2"])], "r1")
    assert read(root, "articles")["article_id"].to_list() == ["a1"]
    assert set(read(root, "mentions")["article_id"]) == set(read(root, "claims")["article_id"]) == {"a1"}
    quarantine = read(root, "quarantine")
    assert quarantine.select("source_uri", "table_name").rows() == [("b.txt", "articles")]
    assert "format" in quarantine["reason"][0]
    assert summary["validation"]["articles"]["failed_rows"] == 1


def test_the_same_article_staged_by_two_batches_lands_once(tmp_path):
    root = tmp_path / "curated"
    rows = {"articles": [article("a1", "a.txt")], "mentions": [mention("a1", "Anna Lind", "PERSON")],
            "claims": [claim("a1", "Anna Lind")]}
    twin = {"articles": [article("a1", "z.txt")], "mentions": [mention("a1", "Anna Lind", "PERSON")],
            "claims": [claim("a1", "Anna Lind")]}
    summary = publish(root, {1: rows, 2: twin}, [record("a.txt", ["a1"]), record("z.txt", ["a1"])], "r1")
    assert summary["n_quarantined_rows"] == 0
    articles = read(root, "articles")
    assert articles["source_uris"].to_list() == [["a.txt", "z.txt"]]
    assert read(root, "mentions").height == read(root, "claims").height == 1


def test_publishing_times_every_stage_from_the_manifest_to_the_commit(first):
    # the runs row is written before the commit, so its timings end with the manifest; the
    # summary's include the report and the commit (what the scale benchmark sums)
    root, summary = first
    stages = {k for k in summary["timings"] if k.startswith("publish_")}
    assert {"publish_manifest", "publish_validate", "publish_write", "publish_report", "publish_commit"} <= stages
    stored = json.loads(read(root, "runs")["timings"][0])
    assert "publish_manifest" in stored and "publish_commit" not in stored


def test_an_article_goes_when_its_last_name_goes_not_before(tmp_path):
    root = tmp_path / "curated"
    batches = {1: {"articles": [article("a1", "a.txt", source_uris=["a.txt", "c.txt"]), article("a2", "b.txt")]}}
    publish(root, batches, [record("a.txt", ["a1"]), record("c.txt", ["a1"]), record("b.txt", ["a2"])], "r1")
    # c.txt now holds another text: a1 keeps the name a.txt gives it
    publish(root, {1: {"articles": [article("a3", "c.txt")]}}, [record("c.txt", ["a3"])], "r2")
    articles = read(root, "articles").sort("article_id")
    assert articles.select("article_id", "source_uris").rows() == [("a1", ["a.txt"]), ("a2", ["b.txt"]),
                                                                     ("a3", ["c.txt"])]
    # a.txt turns out unreadable: no name is left to a1, whose rows go; a2 and a3 stay
    publish(root, {}, [record("a.txt", [], "quarantined")], "r3")
    assert sorted(read(root, "articles")["article_id"]) == ["a2", "a3"]
    # a run that reads none of their files leaves them be, even when missing and not pruned
    publish(root, {}, [], "r4", missing=["b.txt"])
    assert sorted(read(root, "articles")["article_id"]) == ["a2", "a3"]
