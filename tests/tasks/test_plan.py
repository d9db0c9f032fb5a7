import pyarrow as pa

from tasks.plan import RawFile, known_contents, plan_reads

MANIFEST = pa.Table.from_pylist([
    {"source_uri": "a.txt", "size": 10, "mtime_ns": 1, "content_hash": "h1", "article_ids": ["x"],
     "status": "curated", "pipeline_version": "v1", "run_id": "r"},
    {"source_uri": "gone.txt", "size": 5, "mtime_ns": 1, "content_hash": "h2", "article_ids": ["y"],
     "status": "curated", "pipeline_version": "v1", "run_id": "r"},
])


def test_unchanged_files_are_skipped_without_reading():
    plan = plan_reads([RawFile("a.txt", 10, 1), RawFile("b.txt", 3, 1)], MANIFEST, "v1")
    assert plan.unchanged == ["a.txt"]
    assert [f.rel for f in plan.to_read] == ["b.txt"]
    assert plan.missing == ["gone.txt"]


def test_touched_changed_stale_or_forced_files_are_read():
    assert [f.rel for f in plan_reads([RawFile("a.txt", 10, 2)], MANIFEST, "v1").to_read] == ["a.txt"]
    assert [f.rel for f in plan_reads([RawFile("a.txt", 11, 1)], MANIFEST, "v1").to_read] == ["a.txt"]
    assert [f.rel for f in plan_reads([RawFile("a.txt", 10, 1)], MANIFEST, "v2").to_read] == ["a.txt"]
    forced = plan_reads([RawFile("a.txt", 10, 1)], MANIFEST, "v1", force=frozenset({"a.txt"}))
    assert [f.rel for f in forced.to_read] == ["a.txt"]


def test_known_contents_by_hash_of_the_sizes_about_to_be_read_and_this_version():
    assert known_contents(MANIFEST, "v1", {10})["h1"].article_ids == ("x",)
    assert known_contents(MANIFEST, "v1", {10, 5}).keys() == {"h1", "h2"}
    assert known_contents(MANIFEST, "v1", {11}) == {}
    assert known_contents(MANIFEST, "v2", {10}) == {}


def test_stale_versions_are_recurated_in_bounded_batches():
    files = [RawFile("a.txt", 10, 1)]
    assert plan_reads(files, MANIFEST, "v2", max_stale=1).stale == ["a.txt"]
    bounded = plan_reads(files, MANIFEST, "v2", max_stale=0)
    assert bounded.to_read == [] and bounded.deferred == ["a.txt"]


def test_batches_of_one_slot_are_as_few_and_as_even_as_the_size_allows():
    from tasks.plan import split_batches

    assert split_batches(list(range(10)), 4) == [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]
    assert split_batches(list(range(8)), 4) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert [len(b) for b in split_batches(list(range(130)), 64)] == [43, 43, 44]  # not 64, 64 and a lone 2
    assert [len(b) for b in split_batches(list(range(2000)), 64)] == [62, 63] * 16
    assert split_batches([], 4) == []


def test_batches_for_several_slots_shrink_toward_the_end_and_keep_every_item_in_order():
    from tasks.plan import split_batches

    items = list(range(2000))
    out = split_batches(items, 64, slots=2)
    assert [x for b in out for x in b] == items
    sizes = [len(b) for b in out]
    assert max(sizes) == 64 and sizes[0] == 64
    assert sizes == sorted(sizes, reverse=True)
    assert min(sizes[:-1]) == 64 // 8
    assert sum(s < 64 for s in sizes) <= 16  # a short tail, not many tiny tasks
    assert [len(b) for b in split_batches(list(range(10)), 64, slots=2)] == [8, 2]
