"""Incremental intake: which raw files a run must read, from file stats and the manifest.

A file is unchanged when the manifest holds its path with the same size and modification
time and the current pipeline version: it is skipped without being read. Everything else is
read once, by its batch, which hashes it: content the manifest knows as curated by this version
(under another name, or the same name only touched) is recorded without being curated again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
import pyarrow as pa


@dataclass(frozen=True)
class RawFile:
    rel: str  # path relative to the raw root, with forward slashes
    size: int
    mtime_ns: int
    # a slice of a large archive: the records starting in [start, stop) (stop None: to the end),
    # and the archive's SHA-256, which planning computed when it cut the archive
    start: int = 0
    stop: int | None = None
    digest: str | None = None

    @property
    def is_slice(self) -> bool:
        return self.start > 0 or self.stop is not None


@dataclass
class ReadPlan:
    unchanged: list[str] = field(default_factory=list)
    to_read: list[RawFile] = field(default_factory=list)  # new, changed, forced, or stale within the bound
    stale: list[str] = field(default_factory=list)  # curated by another pipeline version, re-curated now
    deferred: list[str] = field(default_factory=list)  # stale beyond this run's bound: a later run's work
    missing: list[str] = field(default_factory=list)  # in the manifest, gone from the raw folder


def plan_reads(files: list[RawFile], manifest: pa.Table, version: str, *, force: frozenset[str] = frozenset(),
               max_stale: int | None = None) -> ReadPlan:
    """Split the raw files into unchanged ones and ones to read.

    New and changed files are always read, and so are `force`d paths. Files unchanged since
    another pipeline version curated them are re-curated at most `max_stale` per run (in path
    order), so a scheduled run after an upgrade stays bounded; the rest wait for later runs.
    """
    # columnar: the manifest holds every file ever curated, a run reads few; Python sees only the
    # raw folder's files, never a row per curated file
    listed = pl.from_arrow(manifest.select(["source_uri", "size", "mtime_ns", "pipeline_version"])) \
        .unique("source_uri", keep="last", maintain_order=True)
    here = pl.DataFrame({"source_uri": [f.rel for f in files], "_size": [f.size for f in files],
                         "_mtime": [f.mtime_ns for f in files]},
                        schema={"source_uri": pl.String, "_size": pl.Int64, "_mtime": pl.Int64})
    state = here.join(listed, on="source_uri", how="left", maintain_order="left").select(
        same=((pl.col("size") == pl.col("_size")) & (pl.col("mtime_ns") == pl.col("_mtime"))).fill_null(False),
        current=(pl.col("pipeline_version") == version).fill_null(False))
    plan = ReadPlan()
    for f, same_file, current in zip(files, state["same"].to_list(), state["current"].to_list()):
        if f.rel in force or not same_file:
            plan.to_read.append(f)
        elif not current:
            if max_stale is None or len(plan.stale) < max_stale:
                plan.stale.append(f.rel)
                plan.to_read.append(f)
            else:
                plan.deferred.append(f.rel)
        else:
            plan.unchanged.append(f.rel)
    plan.missing = listed.join(here, on="source_uri", how="anti")["source_uri"].sort().to_list()
    return plan


@dataclass(frozen=True)
class Known:
    """Content the manifest knows as curated by this pipeline version: its articles."""

    article_ids: tuple[str, ...]
    size: int


def known_contents(manifest: pa.Table, version: str, sizes: set[int]) -> dict[str, Known]:
    """Content hash -> what it gave, for contents of the given sizes curated by `version` (same
    bytes have the same size, so only the sizes of files about to be read can match)."""
    rows = pl.from_arrow(manifest.select(["content_hash", "article_ids", "status", "pipeline_version", "size"])) \
        .filter(pl.col("size").is_in(pl.Series(sorted(sizes), dtype=pl.Int64).implode())
                & (pl.col("status") == "curated") & (pl.col("pipeline_version") == version)) \
        .unique("content_hash", keep="first", maintain_order=True)
    return {h: Known(tuple(ids), size) for h, ids, size in
            zip(rows["content_hash"].to_list(), rows["article_ids"].to_list(), rows["size"].to_list())}


def split_batches(items: list, size: int, slots: int = 1) -> list[list]:
    """Consecutive batches of at most `size` items for `slots` workers that each take the next
    batch when free. With one slot, as few batches as `size` allows, as even as can be (130 items
    in batches of at most 64 are 43 + 43 + 44, not 64 + 64 + 2: no batch of a few pages without
    the cross-page evidence of the others, and workers that finish closer together). With more,
    guided self-scheduling: each batch holds about a (2 × slots)th of what remains, at most
    `size` and at least `size // 8`, so the batches shrink toward the end and the workers finish
    close together instead of one running a whole last batch alone."""
    if slots <= 1:
        n = -(-len(items) // size)
        return [items[len(items) * k // n:len(items) * (k + 1) // n] for k in range(n)]
    smallest = max(1, size // 8)
    out, i = [], 0
    while i < len(items):
        n = min(size, max(smallest, -(-(len(items) - i) // (2 * slots))))
        out.append(items[i:i + n])
        i += n
    return out
