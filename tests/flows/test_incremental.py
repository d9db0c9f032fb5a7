"""Runs that only add articles extend the derived tables; `newsetl compact` rebuilds them as a
fresh full run would."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import polars as pl
import pytest

from flows.store import META
from tests.helpers import SAMPLE, same_tables, snapshot

FIRST = ("001_harbour_gazette_quota_talks.txt", "002_nordic_ledger_minister_denies.txt",
         "004_wire_republished_commission.txt")


def _run(raw, curated) -> dict:
    from flows.curate import curate_articles

    return curate_articles(raw=str(raw), curated=str(curated))


def _copy(names, dest) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy2(SAMPLE / name, dest / name)


def _parts(curated, table) -> dict[str, os.stat_result]:
    folder = curated / table
    return {p.name: p.stat() for p in folder.glob("*.parquet") if not p.name.endswith("-empty.parquet")}


@pytest.fixture(scope="module")
def grown(prefect_harness, tmp_path_factory):
    """The sample curated in two runs (the second only adds articles), and the same folder
    curated in one run."""
    tmp = tmp_path_factory.mktemp("incremental")
    raw, curated = tmp / "raw", tmp / "curated"
    _copy(FIRST, raw)
    _run(raw, curated)
    first = {t: _parts(curated, t) for t in ("mentions", "claims", "entity_keys")}
    _copy(sorted(p.name for p in SAMPLE.iterdir() if p.is_file()), raw)
    second = _run(raw, curated)
    full = tmp / "full"
    _run(raw, full)
    return curated, full, first, second


def test_a_run_that_only_adds_articles_keeps_the_existing_derived_rows_as_they_are(grown):
    curated, _, first, second = grown
    assert second["n_curated"] > 0
    for table, parts in first.items():
        now = _parts(curated, table)
        assert parts and set(parts) < set(now), table  # the first run's parts, plus the new ones
        for name, stat in parts.items():  # the same files (hard links), not rewritten
            assert os.path.samestat(stat, now[name]), (table, name)


def _hold_together(curated) -> set[str]:
    """Assert that the derived tables agree with the rows they derive from; returns the clusters
    the claim index names."""
    mentions, entities = pl.read_parquet(curated / "mentions"), pl.read_parquet(curated / "entities")
    claims, clusters = pl.read_parquet(curated / "claims"), pl.read_parquet(curated / "claim_clusters")
    assert entities["entity_id"].is_unique().all() and clusters["cluster_id"].is_unique().all()
    assert set(mentions["entity_id"]) == set(entities["entity_id"])
    assert set(pl.read_parquet(curated / "entity_keys")["entity_id"]) <= set(entities["entity_id"])
    counts = mentions.group_by("entity_id").agg(n=pl.len(), a=pl.col("article_id").n_unique())
    joined = entities.join(counts, on="entity_id")
    assert (joined["n"] == joined["n_mentions"]).all() and (joined["a"] == joined["n_articles"]).all()
    statements = claims.select("statement_id", "cluster_id").unique()
    members = clusters.select("cluster_id", "statement_ids").explode("statement_ids")
    assert statements.sort("statement_id").equals(
        members.select(statement_id="statement_ids", cluster_id="cluster_id").sort("statement_id"))
    carried = claims.group_by("cluster_id").agg(pl.col("article_id").unique().sort())
    assert clusters.select("cluster_id", article_id="article_ids").sort("cluster_id").equals(
        carried.sort("cluster_id"))
    assert (clusters["n_articles"] == clusters["article_ids"].list.len()).all()
    assert (clusters["n_statements"] == clusters["statement_ids"].list.len()).all()
    assert set(claims["speaker_entity_id"].drop_nulls()) | set(clusters["speaker_entity_id"].drop_nulls()) \
        <= set(entities["entity_id"])
    return {f"{n:016x}" for n in pl.read_parquet(curated / "claim_index")["cluster"]}


def test_extended_tables_hold_together(grown):
    curated = grown[0]
    indexed = _hold_together(curated)
    assert indexed == set(pl.read_parquet(curated / "claim_clusters")["cluster_id"])


@pytest.fixture(scope="module")
def replaced(prefect_harness, tmp_path_factory):
    """The sample curated in two runs, then a third that changes a file the second read, deletes
    one (pruned), renames one and adds one; and the final folder curated in one run."""
    tmp = tmp_path_factory.mktemp("replaced")
    raw, curated = tmp / "raw", tmp / "curated"
    _copy(FIRST, raw)
    _run(raw, curated)
    _copy(sorted(p.name for p in SAMPLE.iterdir() if p.is_file()), raw)
    _run(raw, curated)
    before = {t: _parts(curated, t) for t in ("mentions", "claims", "entities", "claim_clusters")}
    clusters = pl.read_parquet(curated / "claim_clusters")
    changed = raw / "007_harbour_gazette_analysis.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("\n\n", "\n\nA paragraph added later.\n\n", 1),
                       encoding="utf-8")
    (raw / "003_coastline_daily_quota.html").unlink()
    (raw / "008_harbour_notes_markdown.md").rename(raw / "008 renamed #2.md")
    (raw / "later.txt").write_text("Harbour board meets\n\nThe harbour board met on Friday.\n\n“We will not "
                                   "close the port,” said Mira Holt, the board's chair.\n", encoding="utf-8")
    from flows.curate import curate_articles

    third = curate_articles(raw=str(raw), curated=str(curated), prune=True)
    full = tmp / "full"
    _run(raw, full)
    return curated, full, before, clusters, third


def test_a_run_that_replaces_articles_rewrites_only_the_parts_holding_them(replaced):
    curated, _, before, _, third = replaced
    assert third["n_curated"] == 2 and third["n_missing"] == 2  # the deleted file and the old name
    for table in ("mentions", "claims"):  # the first run's parts hold none of the articles replaced
        now = _parts(curated, table)
        kept = [name for name, stat in before[table].items() if name in now and os.path.samestat(stat, now[name])]
        assert kept and len(kept) < len(before[table]), table


def test_replaced_tables_hold_together_and_their_rows_are_a_full_runs(replaced):
    curated, full, _, clusters, _ = replaced
    indexed = _hold_together(curated)
    now = pl.read_parquet(curated / "claim_clusters")
    # the clusters that went keep their index rows until a compaction; no new statement joins them
    assert set(now["cluster_id"]) < indexed and set(clusters["cluster_id"]) - set(now["cluster_id"])
    ours, theirs = snapshot(curated), snapshot(full)
    for table, derived in (("mentions", "entity_id"), ("claims", "cluster_id")):
        assert ours[table].drop(derived).equals(theirs[table].drop(derived)), table
    for table in ("segments", "comments", "quarantine"):
        assert ours[table].equals(theirs[table]), table
    # a renamed article keeps the first name it was seen under; every name is in source_uris
    assert ours["articles"].drop("source_uri").equals(theirs["articles"].drop("source_uri"))


def test_compaction_after_replacing_gives_the_tables_of_a_fresh_full_run(replaced, tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    curated, full, *_ = replaced
    copy = tmp_path / "curated"
    shutil.copytree(curated, copy, symlinks=True)
    out = CliRunner().invoke(app, ["compact", "--curated", str(copy)])
    assert out.exit_code == 0, out.stdout
    ours, theirs = snapshot(copy), snapshot(full)
    ours["articles"], theirs["articles"] = ours["articles"].drop("source_uri"), theirs["articles"].drop("source_uri")
    assert same_tables(ours, theirs) == []


def test_compaction_gives_the_tables_of_a_fresh_full_run(grown, tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    curated, full, _, _ = grown
    copy = tmp_path / "curated"
    shutil.copytree(curated, copy, symlinks=True)
    assert same_tables(snapshot(copy), snapshot(full)) != []  # the adding run's tables are not a full run's
    out = CliRunner().invoke(app, ["compact", "--curated", str(copy)])
    assert out.exit_code == 0 and f"compacted {copy}" in out.stdout, out.stdout
    assert same_tables(snapshot(copy), snapshot(full)) == []


def _as_written_before_columns(curated: Path) -> None:
    """The current generation's metadata as an older version wrote it: without the columns its
    parts have (so the parts an older layout left are read to tell)."""
    meta = curated / ".current" / META
    data = json.loads(meta.read_text())
    data.pop("columns", None)
    meta.write_text(json.dumps(data))


def test_a_store_whose_claim_index_has_the_older_layout_is_rebuilt_in_the_present_one(grown, tmp_path):
    # stores written before the index held cluster ids as numbers: the first run that adds articles
    # rebuilds every derived table (as a full run would), the index in the present layout; a run
    # that carries the index over converts its parts (`legacy`: the old cluster_id's hex digits)
    import pyarrow.parquet as pq

    curated, full, _, _ = grown
    raw = tmp_path / "raw"
    _copy(FIRST, raw)
    copy = tmp_path / "curated"
    _run(raw, copy)
    for part in (copy / "claim_index").glob("*.parquet"):
        rows = pl.read_parquet(part)
        older = rows.select("band", cluster_id=pl.col("cluster").map_elements(lambda n: f"{n:016x}", pl.String),
                            polarity="polarity", speaker="speaker")
        part.resolve().unlink()
        older.write_parquet(part.resolve())
    _as_written_before_columns(copy)
    carried = tmp_path / "carried"
    shutil.copytree(copy, carried, symlinks=True)
    numbers = sorted(pl.read_parquet(copy / "claim_index")["cluster_id"].str.to_integer(base=16, dtype=pl.UInt64))
    _run(raw, carried)  # nothing new: the index is carried over, its older parts rewritten in the present layout
    assert sorted(pl.read_parquet(carried / "claim_index")["cluster"]) == numbers
    _copy(sorted(p.name for p in SAMPLE.iterdir() if p.is_file()), raw)
    _run(raw, copy)
    assert pq.read_schema(next((copy / "claim_index").glob("*.parquet"))).names == ["band", "cluster", "polarity",
                                                                                    "speaker"]
    assert same_tables(snapshot(copy), snapshot(full)) == []  # rebuilt: the tables of a fresh full run
    _run(raw, carried)
    assert same_tables(snapshot(carried), snapshot(curated)) == []  # extended, as the store that never had it


def test_the_most_mentioned_entities_sit_apart_so_a_run_naming_them_rewrites_only_their_part(
        prefect_harness, tmp_path, monkeypatch):
    import flows.derive

    monkeypatch.setattr(flows.derive, "HOT_ENTITIES", 2)
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    _copy(FIRST, raw)
    _run(raw, curated)
    parts = {name: pl.read_parquet(curated / "entities" / name) for name in _parts(curated, "entities")}
    hot = next(name for name, rows in parts.items() if rows.height == 2)
    cold = [rows for name, rows in parts.items() if name != hot]
    assert cold and parts[hot]["n_mentions"].min() >= max(rows["n_mentions"].max() for rows in cold)
    top = parts[hot].filter(pl.col("label") == "PERSON").sort("n_mentions", descending=True).row(0, named=True)
    before = _parts(curated, "entities")
    (raw / "later.txt").write_text(f"Quota talks resume\n\n{top['canonical_name']} spoke on Monday.\n\n"
                                   f"“The quota will hold,” {top['canonical_name']} said.\n", encoding="utf-8")
    assert _run(raw, curated)["n_curated"] == 1
    now = _parts(curated, "entities")
    # rewritten with the new counts (its name stays a generation as an empty stand-in) ...
    assert hot not in now or pl.read_parquet(curated / "entities" / hot).height == 0
    for name in set(before) - {hot}:  # ... the parts of the others kept as they are (hard links)
        assert name in now and os.path.samestat(before[name], now[name]), name
    entity = pl.read_parquet(curated / "entities").filter(pl.col("entity_id") == top["entity_id"]).row(0, named=True)
    assert entity["n_mentions"] > top["n_mentions"]


def test_compacting_a_folder_without_tables_is_one_clear_line(tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    out = CliRunner().invoke(app, ["compact", "--curated", str(tmp_path / "nothing")])
    assert out.exit_code == 2 and "holds no curated tables" in out.stdout and "Traceback" not in out.stdout
    assert not (tmp_path / "nothing").exists()


@pytest.mark.parametrize("budget", [100_000, 0])
def test_a_run_that_only_prunes_keeps_the_tables_together(replaced, tmp_path, monkeypatch, budget):
    import flows.retract

    monkeypatch.setattr(flows.retract, "REFRESH_BUDGET", budget)  # 0: every cluster updated from its lists
    curated, *_ = replaced
    raw = curated.parent / "raw"
    copy_raw, copy = tmp_path / "raw", tmp_path / "curated"
    shutil.copytree(raw, copy_raw)
    shutil.copytree(curated, copy, symlinks=True)
    before = pl.read_parquet(copy / "articles").height
    (copy_raw / "002_nordic_ledger_minister_denies.txt").unlink()
    from flows.curate import curate_articles

    out = curate_articles(raw=str(copy_raw), curated=str(copy), prune=True)
    assert out["n_curated"] == 0 and pl.read_parquet(copy / "articles").height == before - 1
    _hold_together(copy)
