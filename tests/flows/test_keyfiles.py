"""Key files: every part of a looked-up column has one, kept parts carry theirs, and a lookup
reads only the parts they name (and those written without one)."""

import polars as pl
import pyarrow as pa

from flows.keyfiles import candidates, key_path
from flows.store import CuratedStore, holders
from schemas.tables import MANIFEST, TABLES


def keys(ids: list[str]) -> pa.Table:
    return pa.table({"family": ["PERSON"] * len(ids), "key": [f"name {i}" for i in ids], "entity_id": ids})


def manifest(names: list[str], run: str) -> pa.Table:
    return pa.Table.from_pylist([{"source_uri": n, "size": 1, "mtime_ns": 0, "content_hash": f"h-{n}",
                                  "article_ids": [f"{i:016x}"], "status": "curated", "pipeline_version": "v",
                                  "run_id": run} for i, n in enumerate(names)], schema=MANIFEST)


def two_generations(tmp_path):
    store = CuratedStore(tmp_path)
    store.ensure_layout()
    builder = store.builder("r1")
    builder.add("entity_keys", keys(["00000000000000a1", "00000000000000a2"]))
    builder.update_manifest(manifest(["news/one #1.html", "news/two.html"], "r1"), set())
    first = builder.commit()
    builder = store.builder("r2")
    builder.keep("entity_keys", first.parts("entity_keys")[0])
    builder.add("entity_keys", keys(["00000000000000b1"]))
    builder.update_manifest(manifest([], "r2"), set())
    return builder.commit()


def test_every_part_of_a_looked_up_column_has_its_key_file_and_kept_parts_keep_theirs(tmp_path):
    gen = two_generations(tmp_path)
    parts = gen.parts("entity_keys")
    assert len(parts) == 2
    for part in parts:
        assert key_path(part, "entity_id").is_file()
        assert not key_path(part, "key").exists()  # only the declared lookups
    assert TABLES["entity_keys"].lookups == ("entity_id",)
    for part in gen.manifest_parts():
        assert key_path(part, "source_uri").is_file() and key_path(part, "article_ids").is_file()
    assert candidates(gen.manifest_parts(), "source_uri", {"news/one #1.html"}) == gen.manifest_parts()
    assert candidates(gen.manifest_parts(), "article_ids", {"0000000000000001"}) == gen.manifest_parts()
    assert candidates(gen.manifest_parts(), "source_uri", {"news/three.html"}) == []


def test_a_lookup_reads_only_the_parts_whose_key_files_name_a_key(tmp_path):
    gen = two_generations(tmp_path)
    old, new = sorted(gen.parts("entity_keys"), key=lambda p: "r2" in p.name)
    old.write_bytes(b"not parquet: reading this part fails")  # the lookup below must not open it
    found = holders(gen.parts("entity_keys"), "entity_id", {"00000000000000b1", "00000000000000ff"})
    assert found.rows() == [("00000000000000b1", str(new))]
    # a part written before key files is read, as every part was
    key_path(new, "entity_id").unlink()
    assert holders([new], "entity_id", {"00000000000000b1"}).height == 1


def test_claim_index_bands_are_looked_up_by_their_numbers(tmp_path):
    store = CuratedStore(tmp_path)
    store.ensure_layout()
    builder = store.builder("r1")
    builder.add("claim_index", pa.table({"band": pa.array([-5, 9], pa.int64()), "cluster": pa.array([1, 2], pa.uint64()),
                                         "polarity": ["assert", "deny"], "speaker": [None, "n:ada"]}))
    parts = builder.commit().parts("claim_index")
    assert candidates(parts, "band", pl.Series([9, 11])) == parts
    assert candidates(parts, "band", pl.Series([-5])) == parts  # a negative band: its bits
    assert candidates(parts, "band", pl.Series([7])) == []
