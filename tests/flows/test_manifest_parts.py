"""The manifest in parts: a run writes the rows of the files it read, rewrites only the parts
holding a name it replaces, and the parts stay few (each new part absorbs the small ones)."""

import pyarrow as pa
import pyarrow.parquet as pq

from flows.store import MANIFEST_DIR, MANIFEST_FILE, CuratedStore
from schemas.tables import MANIFEST


def rows(names: list[str], run: str) -> pa.Table:
    return pa.Table.from_pylist([{"source_uri": n, "size": 1, "mtime_ns": 0, "content_hash": f"h-{n}-{run}",
                                  "article_ids": [f"a-{n}"], "status": "curated", "pipeline_version": "v",
                                  "run_id": run} for n in names], schema=MANIFEST)


def run(store: CuratedStore, run_id: str, names: list[str], replaced: set[str] = frozenset()):
    builder = store.builder(run_id)
    builder.update_manifest(rows(names, run_id), set(names) | set(replaced))
    return builder.commit()


def as_dict(gen) -> dict[str, str]:
    table = gen.manifest()
    return dict(zip(table["source_uri"].to_pylist(), table["run_id"].to_pylist()))


def test_runs_of_new_files_keep_few_parts_and_every_row(tmp_path):
    store = CuratedStore(tmp_path)
    store.ensure_layout()
    gen = run(store, "r000", [f"f{i:04d}" for i in range(1000)])
    for k in range(1, 41):  # forty runs of ten new files each
        gen = run(store, f"r{k:03d}", [f"n{k:03d}-{i}" for i in range(10)])
        sizes = sorted(pq.ParquetFile(p).metadata.num_rows for p in gen.manifest_parts())
        # the biggest part is more than twice the rest's sum only where they did not absorb it
        assert len(sizes) <= 7, sizes
    assert len(as_dict(gen)) == 1000 + 400
    assert 1000 in sizes  # the first run's part was never rewritten by runs that added a few files


def test_a_file_read_again_rewrites_only_the_part_that_held_it(tmp_path):
    store = CuratedStore(tmp_path)
    store.ensure_layout()
    run(store, "r1", [f"old{i}" for i in range(300)])
    gen = run(store, "r2", [f"mid{i}" for i in range(100)])  # too small to absorb 300 rows: two parts
    before = {pq.ParquetFile(p).metadata.num_rows: p.stat().st_ino for p in gen.manifest_parts()}
    assert sorted(before) == [100, 300]
    gen = run(store, "r3", ["mid7", "brand-new"], replaced={"gone"})
    after = {pq.ParquetFile(p).metadata.num_rows: p.stat().st_ino for p in gen.manifest_parts()}
    assert sorted(after) == [2, 99, 300]
    assert after[300] == before[300]  # the part without a replaced name: a hard link, not rewritten
    manifest = as_dict(gen)
    assert len(manifest) == 401 and manifest["mid7"] == "r3" and manifest["mid8"] == "r2"
    assert manifest["brand-new"] == "r3" and manifest["old5"] == "r1"


def test_a_store_with_the_one_file_manifest_of_before_goes_on_from_it(tmp_path):
    store = CuratedStore(tmp_path)
    store.ensure_layout()
    gen = run(store, "r1", ["a", "b"])
    # a generation as older versions wrote it: the manifest in one file beside the tables
    legacy = gen.path / MANIFEST_FILE
    pq.write_table(pq.read_table(gen.manifest_parts()[0]), legacy)
    for part in gen.manifest_parts():
        if part != legacy:
            part.unlink()
    (gen.path / MANIFEST_DIR).rmdir()
    assert as_dict(store.current()) == {"a": "r1", "b": "r1"}
    gen = run(store, "r2", ["b", "c"])
    assert as_dict(gen) == {"a": "r1", "b": "r2", "c": "r2"}
    assert not (gen.path / MANIFEST_FILE).exists()


def test_without_drops_the_named_rows_keeps_nulls_and_returns_an_untouched_table_as_it_is():
    from flows.staging import without

    table = pa.table({"article_id": ["a", None, "b", "c"], "n": [1, 2, 3, 4]})
    assert without(table, {"b", "zz"}).to_pydict() == {"article_id": ["a", None, "c"], "n": [1, 2, 4]}
    assert without(table, {"zz"}) is table
    assert without(table, set()) is table
