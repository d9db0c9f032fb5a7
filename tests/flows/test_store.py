import json
import os
import subprocess
import sys
import textwrap

import polars as pl
import pyarrow as pa
import pytest

from flows.store import META, CuratedStore, StoreBusy, StoreLayoutError, locked
from schemas.tables import ARTICLES, TABLES


def article(aid: str) -> dict:
    return {"article_id": aid, "source_uri": f"{aid}.txt", "source_uris": [f"{aid}.txt"], "content_hash": "h",
            "format": "text", "encoding": "utf-8", "url": None, "published": None, "title": "T", "dek": [],
            "captions": [], "subheadings": [], "credit": None, "publisher": None, "publisher_evidence": None,
            "body": "Body.", "n_words": 1, "n_stripped": 0, "language": "en", "pipeline_version": "v", "run_id": "r"}


def commit(store: CuratedStore, run: str, ids: list[str], keep_previous: bool = True):
    b = store.builder(run)
    if keep_previous:
        for part in b.base.parts("articles"):
            b.keep("articles", part)
    b.add("articles", pa.Table.from_pylist([article(a) for a in ids], schema=ARTICLES.schema))
    return b.commit()


def test_tables_are_plain_parquet_folders_with_the_current_rows(tmp_path):
    store = CuratedStore(tmp_path)
    store.ensure_layout()
    commit(store, "r1", ["a"])
    commit(store, "r2", ["b"])
    assert sorted(pl.read_parquet(tmp_path / "articles").get_column("article_id")) == ["a", "b"]
    for name in TABLES:  # empty tables are readable too, with their schema
        df = pl.read_parquet(tmp_path / name)
        assert df.columns == TABLES[name].columns


def test_an_unfinished_generation_is_invisible_and_cleaned_up(tmp_path):
    store = CuratedStore(tmp_path)
    store.ensure_layout()
    commit(store, "r1", ["a"])
    b = store.builder("r2")
    b.add("articles", pa.Table.from_pylist([article("z")], schema=ARTICLES.schema))
    # crash here: no commit
    assert pl.read_parquet(tmp_path / "articles")["article_id"].to_list() == ["a"]
    store.ensure_layout()
    assert not any(p.name.endswith(".tmp") for p in (tmp_path / ".gens").iterdir())


def test_old_generations_are_collected_but_the_previous_is_kept(tmp_path):
    store = CuratedStore(tmp_path)
    store.ensure_layout()
    for i in range(4):
        commit(store, f"r{i}", [f"a{i}"])
        store.collect_garbage()
    assert len(list((tmp_path / ".gens").iterdir())) == 2
    assert pl.read_parquet(tmp_path / "articles").height == 4


def test_foreign_folders_are_not_overwritten(tmp_path):
    (tmp_path / "articles").mkdir()
    with pytest.raises(StoreLayoutError):
        CuratedStore(tmp_path).ensure_layout()


def test_a_second_run_is_refused_while_the_lock_is_held_and_recovered_after_death(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time, sys
        sys.path.insert(0, {os.getcwd()!r})
        from flows.store import locked
        from pathlib import Path
        with locked(Path({str(tmp_path)!r})):
            print("locked", flush=True)
            time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreBusy, match="another newsetl run"):
            with locked(tmp_path):
                pass
    finally:
        holder.kill()  # like kill -9: the kernel releases the lock
        holder.wait()
    with locked(tmp_path):
        pass


def test_a_store_copied_with_hard_links_gets_a_lock_of_its_own(tmp_path):
    # `cp -al` shares the lock file's inode, and the kernel locks inodes: runs on the copy and on
    # the original excluded each other (and wrote their pids into each other's lock file)
    original, copy = tmp_path / "original", tmp_path / "copy"
    with locked(original):
        pass
    subprocess.run(["cp", "-al", str(original), str(copy)], check=True)
    assert (copy / ".lock").stat().st_nlink == 2
    with locked(original):
        with locked(copy):  # not refused
            assert (copy / ".lock").stat().st_nlink == 1
            with pytest.raises(StoreBusy):  # its own lock still excludes a second run on it
                with locked(copy):
                    pass
        assert "pid" in (original / ".lock").read_text() and (original / ".lock").stat().st_nlink == 1


def test_streamed_rows_land_in_parts_of_bounded_size_in_row_groups(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    import flows.store

    monkeypatch.setattr(flows.store, "ROW_GROUP", 4)
    store = CuratedStore(tmp_path / "curated")
    b = store.builder("r1")
    rows = pa.Table.from_pylist([article(f"a{i:02d}") for i in range(23)], schema=ARTICLES.schema)
    with b.stream("articles", rows_per_part=10) as write:
        for start in (0, 3, 4, 11, 17):  # uneven pieces, one empty
            write(rows.slice(start, {0: 3, 3: 1, 4: 7, 11: 6, 17: 6}[start]))
        write(rows.slice(0, 0))
    generation = b.commit()
    parts = generation.parts("articles")
    sizes = sorted(pq.ParquetFile(p).metadata.num_rows for p in parts)
    assert sizes == [3, 10, 10]
    groups = [pq.ParquetFile(p).metadata.row_group(i).num_rows for p in parts
              for i in range(pq.ParquetFile(p).num_row_groups)]
    assert max(groups) == 4
    assert sorted(generation.read("articles")["article_id"].to_pylist()) == [f"a{i:02d}" for i in range(23)]


def test_a_stream_that_fails_adds_no_part(tmp_path):
    store = CuratedStore(tmp_path / "curated")
    b = store.builder("r1")
    rows = pa.Table.from_pylist([article("a1")], schema=ARTICLES.schema)
    with pytest.raises(RuntimeError), b.stream("articles", rows_per_part=10) as write:
        write(rows)
        raise RuntimeError("boom")
    assert "articles" not in b.tables


def test_parts_of_an_older_layout_are_rewritten_in_the_declared_one(tmp_path):
    """After an upgrade adds columns, every part of a table has them (filled as declared), so a
    folder reads whole with any reader."""
    from schemas.tables import CLAIMS

    store = CuratedStore(tmp_path)
    store.ensure_layout()
    b = store.builder("r1")
    old = {"claim_id": "c1", "article_id": "a1", "field": "body", "speaker": "she", "speaker_name": None,
           "speaker_entity_id": None, "speaker_mention_id": None, "cue": "said", "cue_start": 0, "cue_end": 4,
           "content": "it rains", "start": 10, "end": 18, "kind": "indirect", "polarity": "assert",
           "confidence": 0.8, "rule": "verb:ccomp", "cluster_id": "k1", "pipeline_version": "v0", "run_id": "r1"}
    older = pa.schema([f for f in CLAIMS.schema if f.name not in {"statement_id", "part"}])
    path = b.new_part("claims")
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist([old], schema=older), path)
    b.added("claims", path)
    generation = b.commit()
    # written by the older version, whose generations did not say every part has the declared columns
    meta = json.loads((generation.path / META).read_text())
    del meta["columns"]
    (generation.path / META).write_text(json.dumps(meta))
    nxt = store.builder("r2")
    for part in generation.parts("claims"):
        nxt.keep("claims", part)
    nxt.commit()
    claims = pl.read_parquet(tmp_path / "claims")
    assert claims.columns == CLAIMS.columns
    assert claims.select("statement_id", "part").rows() == [("c1", 0)]


def test_a_kept_part_of_a_generation_that_declares_its_columns_is_linked_unread(tmp_path):
    """A generation's metadata says every part of each table has the declared columns, so a run
    carrying its parts over reads no footer (a million articles: 250 parts, 0.1 s a run)."""
    store = CuratedStore(tmp_path)
    store.ensure_layout()
    b = store.builder("r1")
    b.add("entity_keys", pa.table({"family": ["PERSON"], "key": ["ada"], "entity_id": ["00000000000000e1"]}))
    generation = b.commit()
    assert generation.columns["entity_keys"] == TABLES["entity_keys"].columns
    (part,) = generation.parts("entity_keys")
    part.write_bytes(b"no footer to read")  # the same file in every generation (hard links)
    nxt = store.builder("r2")
    nxt.keep("entity_keys", part)
    assert (nxt.path / "entity_keys" / part.name).samefile(part)
