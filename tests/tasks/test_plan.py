import pyarrow as pa

from tasks.plan import RawFile, known_contents, plan_intake

MANIFEST = pa.Table.from_pylist([
    {"source_uri": "a.txt", "size": 10, "mtime_ns": 1, "content_hash": "h1", "article_ids": ["x"],
     "status": "curated", "pipeline_version": "v1", "run_id": "r"},
    {"source_uri": "gone.txt", "size": 5, "mtime_ns": 1, "content_hash": "h2", "article_ids": ["y"],
     "status": "curated", "pipeline_version": "v1", "run_id": "r"},
])


def test_unchanged_files_are_skipped_without_reading():
    plan = plan_intake([RawFile("a.txt", 10, 1), RawFile("b.txt", 3, 1)], MANIFEST, "v1")
    assert plan.unchanged == ["a.txt"]
    assert [f.rel for f in plan.to_read] == ["b.txt"]
    assert plan.missing == ["gone.txt"]


def test_touched_changed_stale_or_forced_files_are_read():
    assert [f.rel for f in plan_intake([RawFile("a.txt", 10, 2)], MANIFEST, "v1").to_read] == ["a.txt"]
    assert [f.rel for f in plan_intake([RawFile("a.txt", 11, 1)], MANIFEST, "v1").to_read] == ["a.txt"]
    assert [f.rel for f in plan_intake([RawFile("a.txt", 10, 1)], MANIFEST, "v2").to_read] == ["a.txt"]
    forced = plan_intake([RawFile("a.txt", 10, 1)], MANIFEST, "v1", force=frozenset({"a.txt"}))
    assert [f.rel for f in forced.to_read] == ["a.txt"]


def test_known_contents_by_hash():
    assert known_contents(MANIFEST)["h1"].article_ids == ("x",)


def test_stale_versions_are_recurated_in_bounded_batches():
    files = [RawFile("a.txt", 10, 1)]
    assert plan_intake(files, MANIFEST, "v2", max_stale=1).stale == ["a.txt"]
    bounded = plan_intake(files, MANIFEST, "v2", max_stale=0)
    assert bounded.to_read == [] and bounded.deferred == ["a.txt"]
