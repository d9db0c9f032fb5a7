"""Publishing a run: validate the staged rows, merge entities, write and swap in a generation.

Per-article tables (articles, segments, comments) keep their unchanged part files (hard
links) and rewrite only parts holding replaced articles. Mentions, claims and entities carry
entity ids derived from all mentions, so they are rebuilt whenever anything changed.
"""

from __future__ import annotations

import ctypes
import gc
import json
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from flows.settings import Settings
from flows.store import Builder, CuratedStore, Generation, conform, failpoint
from schemas.tables import TABLES, staging_schema
from tasks.clusters import cluster_claims
from tasks.curate import Stamp, quarantine_row
from tasks.entities import canonicalize_occurrences, merge_occurrences, occurrences
from tasks.validate import Validator

ROWS_PER_PART = 200_000
VALIDATION_CHUNK = 50_000  # rows per suite run: each run has a fixed cost; memory stays small


@dataclass(frozen=True)
class FileRecord:
    """One raw file as the manifest remembers it."""

    source_uri: str
    size: int
    mtime_ns: int
    content_hash: str
    article_ids: list[str]
    status: str  # curated | quarantined


@dataclass(frozen=True)
class BatchResult:
    index: int
    records: list[FileRecord]
    n_articles: int
    n_quarantined: int
    n_words: int
    seconds: dict[str, float]  # per stage: read, strip, nlp, extract, stage


def _staged(staging: Path, table: str, copies: dict[str, set[str]] | None = None, part: str | None = None
            ) -> pa.Table:
    """Every batch's staged rows of `table`, minus the rows of articles another batch provides
    (`copies`); with `part`, a column of that name says which batch file each row came from."""
    parts = sorted((staging / table).glob("*.parquet"))
    schema = staging_schema(TABLES[table])
    tables = [_without(pq.read_table(p).cast(schema), (copies or {}).get(p.name, set())) for p in parts]
    rows = pa.concat_tables(tables) if tables else schema.empty_table()
    if part:
        rows = rows.append_column(part, pa.array([p.name for p, t in zip(parts, tables) for _ in range(t.num_rows)],
                                                 pa.string()))
    return rows


def _copies(staged: pl.DataFrame, first: pl.DataFrame) -> dict[str, set[str]]:
    """Per batch file (`_part`), the articles whose rows another batch provides. The same text
    under two names in two batches is one article (its id derives from the text): its rows are
    kept from the batch of the row in `first`, and dropped from the other batches' files, which
    would otherwise break every key with two copies of the same rows."""
    others = staged.select("article_id", "_part").join(first.select("article_id", _first="_part"), on="article_id") \
        .filter(pl.col("_part") != pl.col("_first"))
    return {part: set(ids) for part, ids in others.group_by("_part").agg("article_id").iter_rows()}


def _without(rows: pa.Table, ids: set[str], column: str = "article_id") -> pa.Table:
    if not ids or rows.num_rows == 0:
        return rows
    return rows.filter(pc.invert(pc.is_in(rows[column], pa.array(sorted(ids), pa.string()))))


class _Quarantine:
    def __init__(self, stamp: Stamp):
        self.stamp = stamp
        self.rows: list[dict] = []

    def add_failures(self, table: str, rows: pa.Table, failures: dict[int, list[str]], uris: dict[str, str]) -> None:
        if not failures:
            return
        positions = sorted(failures)  # only the failing rows become Python objects
        for i, row in zip(positions, rows.take(pa.array(positions, pa.int64())).to_pylist()):
            aid = row.get("article_id")
            self.rows.append(quarantine_row(self.stamp, uris.get(aid, row.get("source_uri") or "?"), "validate",
                                            "failed " + "; ".join(failures[i]), article=aid, table=table, row=row))


def _validate(validator: Validator, table: str, rows: pa.Table, quarantine: _Quarantine, uris: dict[str, str],
              summary: dict) -> pa.Table:
    """Validated rows of `table` in chunks; failures go to quarantine with the broken expectations."""
    kept = []
    agg = summary.setdefault(table, {"rows": 0, "failed_rows": 0, "expectations": 0, "failed": []})
    for offset in range(0, max(rows.num_rows, 1), VALIDATION_CHUNK):
        chunk = rows.slice(offset, VALIDATION_CHUNK)
        if chunk.num_rows == 0:
            continue
        out = validator.split(table, chunk)
        kept.append(out.good)
        quarantine.add_failures(table, chunk, out.failures, uris)
        agg["rows"] += out.summary["rows"]
        agg["failed_rows"] += out.summary["failed_rows"]
        agg["expectations"] = out.summary["expectations"]
        agg["failed"] = sorted(set(agg["failed"]) | set(out.summary["failed"]))
    return pa.concat_tables(kept) if kept else rows


def _carry(builder: Builder, base: Generation, table: str, remove: set[str], patch: dict[str, list[str]] | None = None,
           column: str = "article_id") -> None:
    """Keep the base generation's parts of `table`, rewriting only those holding rows to drop or patch."""
    touched = remove | set(patch or ())
    for part in base.parts(table):
        if touched:
            ids = set(pq.read_table(part, columns=[column])[column].to_pylist())
            if ids & touched:
                rows = _without(pq.read_table(part), remove, column)
                if patch and ids & set(patch):
                    rows = _patch_uris(rows, patch)
                builder.add(table, rows)
                continue
        builder.keep(table, part)


def _patch_uris(rows: pa.Table, patch: dict[str, list[str]]) -> pa.Table:
    df = pl.from_arrow(rows)
    updated = pl.DataFrame({"article_id": list(patch), "_uris": list(patch.values())},
                           schema={"article_id": pl.String, "_uris": pl.List(pl.String)})
    df = df.join(updated, on="article_id", how="left").with_columns(
        source_uris=pl.coalesce("_uris", "source_uris")).drop("_uris")
    return df.to_arrow()


def _live_parts(base: Generation, table: str, remove: set[str], new: list[Path], columns: list[str] | None = None):
    """The rows of `table` that stay (a row group at a time, minus removed articles), then the new
    rows (validated parts written to staging), with only `columns`."""
    schema = staging_schema(TABLES[table])
    for part in base.parts(table):
        file = pq.ParquetFile(part)
        for group in range(file.num_row_groups):
            rows = _without(file.read_row_group(group), remove)
            if rows.num_rows:
                yield conform(rows, schema).cast(schema).select(columns or schema.names)
    for part in new:
        yield pq.read_table(part, columns=columns or schema.names)


def _validate_staged(validator: Validator, staging: Path, table: str, bad_ids: set[str], copies: dict[str, set[str]],
                     fill: dict[str, str], quarantine, uris: dict[str, str], validation: dict) -> list[Path]:
    """Validate the run's staged rows of `table` in bounded chunks, straight from the batch files,
    writing the rows that pass back to staging: the new rows are never all in memory at once."""
    schema = staging_schema(TABLES[table])
    out_dir = staging / "validated" / table
    out: list[Path] = []
    buffer: list[pa.Table] = []
    size = 0

    def flush() -> None:
        nonlocal buffer, size
        if not buffer:
            return
        rows = pa.concat_tables(buffer)
        for column, value in fill.items():
            rows = rows.set_column(rows.schema.get_field_index(column), column,
                                   pa.array([value] * rows.num_rows, pa.string()))
        good = _validate(validator, table, rows, quarantine, uris, validation)
        if good.num_rows:
            path = out_dir / f"part-{len(out):05d}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(good, path)
            out.append(path)
        buffer, size = [], 0

    for part in sorted((staging / table).glob("*.parquet")):
        rows = _without(pq.read_table(part).cast(schema), bad_ids | copies.get(part.name, set()))
        buffer.append(rows)
        size += rows.num_rows
        if size >= VALIDATION_CHUNK:
            flush()
    flush()
    return out


def _frame(parts, table: str, columns: list[str]) -> pl.DataFrame:
    """One frame of the given columns from parts (empty, with its types, when there are none)."""
    frames = [pl.from_arrow(t) for t in parts]
    if not frames:
        return pl.from_arrow(staging_schema(TABLES[table]).empty_table().select(columns))
    return pl.concat(frames, how="vertical_relaxed")


def _rewrite(builder: Builder, table: str, parts, transform) -> None:
    """Transform rows part by part, streamed into part files of at most ROWS_PER_PART rows."""
    with builder.stream(table, ROWS_PER_PART) as write:
        for rows in parts:
            write(transform(pl.from_arrow(rows)).to_arrow())


def _manifest(base: Generation, records: list[FileRecord], stamp: Stamp, drop: set[str]) -> pa.Table:
    old = base.manifest()
    kept = _without(old, {r.source_uri for r in records} | drop, "source_uri")
    new = pa.Table.from_pylist([{**asdict(r), "pipeline_version": stamp.pipeline_version, "run_id": stamp.run_id}
                                for r in records], schema=old.schema)
    return pa.concat_tables([kept, new]).sort_by("source_uri")


@dataclass
class _Changes:
    new_ids: set[str]
    validation: dict
    reasons: Counter
    seconds: dict[str, float]


def publish_tables(store: CuratedStore, staging: Path, intake, batches: list[BatchResult], stamp: Stamp,
                   settings: Settings, started_at: datetime, flow_run_id: str | None) -> dict:
    release_freed_memory()
    base = store.current()
    builder = store.builder(stamp.run_id)

    # -- the manifest after this run decides which articles are live and under which names
    records = [r for b in batches for r in b.records] + list(intake.known)
    by_path = {r.source_uri: r for r in records}
    for f, digest, first in intake.same_as:
        ids = by_path[first].article_ids if first in by_path else []
        records.append(FileRecord(f.rel, f.size, f.mtime_ns, digest, ids, by_path[first].status if first in by_path
                                  else "quarantined"))
    pruned = set(intake.missing) if intake.prune else set()
    manifest = _manifest(base, records, stamp, pruned)

    changed = bool(records or pruned or base.path is None)
    if changed:
        changes = _publish_changes(builder, base, staging, records, manifest, stamp)
    else:
        # nothing new, changed or gone: the tables stay as they are (hard links), no table is read
        for table in TABLES:
            if table != "runs":
                _carry(builder, base, table, set())
        changes = _Changes(set(), {}, Counter(), {})

    timings = _timings(batches, changes.seconds)
    run = {
        "run_id": stamp.run_id, "flow_run_id": flow_run_id, "started_at": started_at,
        "finished_at": datetime.now(UTC), "pipeline_version": stamp.pipeline_version,
        "raw_root": str(settings.raw), "n_files": intake.files, "n_unchanged": len(intake.unchanged),
        "n_duplicates": len(intake.known) + len(intake.same_as), "n_curated": len(changes.new_ids),
        "n_stale": intake.stale, "n_deferred": intake.deferred, "n_missing": len(intake.missing),
        "pruned": bool(intake.prune),
        "n_quarantined_files": sum(r.status == "quarantined" for r in records),
        "n_quarantined_rows": sum(v["failed_rows"] for v in changes.validation.values()),
        "validation": json.dumps(changes.validation, sort_keys=True), "settings": settings.model_dump_json(),
        "timings": json.dumps(timings, sort_keys=True),
    }
    _carry(builder, base, "runs", set())
    builder.add("runs", pa.Table.from_pylist([run], schema=TABLES["runs"].schema))
    builder.set_manifest(manifest)
    failpoint("publish.before-commit")
    builder.commit()
    store.collect_garbage()
    return {**{k: v for k, v in run.items() if k.startswith("n_") or k == "run_id"},
            "timings": timings,
            "n_words": sum(b.n_words for b in batches),
            "quarantine_reasons": dict(changes.reasons.most_common()), "validation": changes.validation,
            "curated": str(store.root), "changed": changed}


def release_freed_memory() -> None:
    """Hand back to the OS the memory that freed objects left in glibc's heap and in Arrow's pool
    (both keep it otherwise), so that each publishing stage starts from what is live, not from
    the previous stage's high-water mark."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


_LOCAL = threading.local()


def _validator() -> Validator:
    """This thread's validator: building one (a great-expectations context and a suite per
    table) takes about half a second, so a long-lived process (`newsetl serve`) builds it once."""
    if getattr(_LOCAL, "validator", None) is None:
        _LOCAL.validator = Validator(TABLES)
    return _LOCAL.validator


class _Clock:
    """Seconds per publishing stage."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self._last
        self._last = now


def _timings(batches: list[BatchResult], publish: dict[str, float]) -> dict[str, float]:
    """Seconds per stage, summed over batches (as if run one after another), then publishing."""
    out: dict[str, float] = {}
    for b in batches:
        for k, v in b.seconds.items():
            out[k] = out.get(k, 0.0) + v
    for k, v in publish.items():
        out[f"publish_{k}"] = v
    return {k: round(v, 3) for k, v in out.items()}


def _publish_changes(builder: Builder, base: Generation, staging: Path, records: list[FileRecord],
                     manifest: pa.Table, stamp: Stamp) -> _Changes:
    clock = _Clock()
    quarantine = _Quarantine(stamp)
    validation: dict = {}
    refs: dict[str, list[str]] = {}
    for uri, ids in zip(manifest["source_uri"].to_pylist(), manifest["article_ids"].to_pylist()):
        for aid in ids:
            refs.setdefault(aid, []).append(uri)
    live = set(refs)

    # -- new articles: one row per content (from the name that sorts first), every name recorded, then validated
    staged = pl.from_arrow(_staged(staging, "articles", part="_part")).sort("source_uri")
    first = staged.unique("article_id", keep="first", maintain_order=True)
    copies = _copies(staged, first)
    staged = first.drop("_part")
    del first
    if staged.height:
        staged = staged.with_columns(source_uris=pl.col("article_id").map_elements(
            lambda a: sorted(refs.get(a, [])), return_dtype=pl.List(pl.String)))
        staged = staged.with_columns(source_uris=pl.when(pl.col("source_uris").list.len() > 0)
                                     .then("source_uris").otherwise(pl.concat_list("source_uri")))
    staged_arrow = staged.to_arrow().cast(staging_schema(TABLES["articles"])) if staged.height else \
        staging_schema(TABLES["articles"]).empty_table()
    uris = dict(zip(staged_arrow["article_id"].to_pylist(), staged_arrow["source_uri"].to_pylist()))
    clock.lap("write")
    validator = _validator()
    clock.lap("validate")
    good_articles = _validate(validator, "articles", staged_arrow, quarantine, uris, validation)
    clock.lap("validate")
    new_ids = set(good_articles["article_id"].to_pylist())
    bad_ids = set(uris) - new_ids

    old_articles = base.read("articles", ["article_id", "source_uris"])
    old_ids = set(old_articles["article_id"].to_pylist())
    remove = (old_ids - live) | (old_ids & new_ids) | (old_ids & bad_ids)
    patch = {aid: sorted(refs[aid]) for aid, names in zip(old_articles["article_id"].to_pylist(),
                                                           old_articles["source_uris"].to_pylist())
             if aid in live and aid not in remove and sorted(names) != sorted(refs[aid])}

    _carry(builder, base, "articles", remove, patch)
    builder.add("articles", good_articles)
    for table in ("segments", "comments"):
        rows = _without(_staged(staging, table, copies), bad_ids)
        _carry(builder, base, table, remove)
        clock.lap("write")
        rows = _validate(validator, table, rows, quarantine, uris, validation)
        clock.lap("validate")
        builder.add(table, rows)
    clock.lap("write")

    # -- mentions, entities and claims: entity ids derive from every live mention
    new_mentions = _validate_staged(validator, staging, "mentions", bad_ids, copies, {"entity_id": "pending"},
                                    quarantine, uris, validation)
    new_claims = _validate_staged(validator, staging, "claims", bad_ids, copies, {"cluster_id": "pending"},
                                  quarantine, uris, validation)
    release_freed_memory()
    clock.lap("validate")
    if remove or new_ids or patch or not base.parts("entities"):
        # entity ids and clusters derive from every live row: read slim columns, then rewrite the
        # tables part by part, so memory follows the number of names and claims, not whole rows
        slim_m = ["mention_id", "article_id", "label", "text", "gazetteer_name", "descriptor"]
        names = merge_occurrences(occurrences(pl.from_arrow(part).rename({"gazetteer_name": "ruler_id"}))
                                  for part in _live_parts(base, "mentions", remove, new_mentions, slim_m))
        clock.lap("write")
        entities, links = canonicalize_occurrences(names)
        del names
        release_freed_memory()
        clock.lap("entities")
        _rewrite(builder, "mentions", _live_parts(base, "mentions", remove, new_mentions),
                 lambda df: df.drop("entity_id").join(links, on="mention_id", how="left"))
        builder.add("entities", _validate(validator, "entities", _entities_table(entities, stamp), quarantine, {},
                                          validation))
        release_freed_memory()
        speaker_links = links.rename({"mention_id": "speaker_mention_id", "entity_id": "_eid"})

        def with_speakers(df: pl.DataFrame) -> pl.DataFrame:
            return df.join(speaker_links, on="speaker_mention_id", how="left").with_columns(
                speaker_entity_id=pl.col("_eid")).drop("_eid")

        slim_c = ["claim_id", "article_id", "content", "polarity", "speaker_name", "speaker_mention_id"]
        claims = with_speakers(_frame(_live_parts(base, "claims", remove, new_claims, slim_c), "claims", slim_c))
        clock.lap("write")
        live_articles = pl.concat([
            pl.from_arrow(_without(base.read("articles", ["article_id", "publisher", "source_uri", "published"]),
                                   remove)),
            pl.from_arrow(good_articles.select(["article_id", "publisher", "source_uri", "published"])),
        ], how="vertical_relaxed")
        clusters, cluster_links = cluster_claims(claims, live_articles)
        del claims
        release_freed_memory()
        clock.lap("clusters")
        _rewrite(builder, "claims", _live_parts(base, "claims", remove, new_claims),
                 lambda df: with_speakers(df).drop("cluster_id").join(cluster_links, on="claim_id", how="left"))
        builder.add("claim_clusters", clusters.with_columns(pipeline_version=pl.lit(stamp.pipeline_version))
                    .select(TABLES["claim_clusters"].columns).to_arrow())
    else:
        for table in ("mentions", "entities", "claims", "claim_clusters"):
            _carry(builder, base, table, set())

    # -- quarantine: the latest word on every file this run looked at; rows of dropped articles go
    seen_files = {r.source_uri for r in records}
    staged_q = _staged(staging, "quarantine").to_pylist() + quarantine.rows
    new_q = pa.Table.from_pylist(staged_q, schema=staging_schema(TABLES["quarantine"]))
    new_q = pl.from_arrow(new_q).unique("quarantine_id", keep="first", maintain_order=True).to_arrow()
    old_q = base.read("quarantine")
    files_of_old = pc.list_element(pc.split_pattern(old_q["source_uri"], "#", max_splits=1), 0)
    stale_q = pc.or_(pc.is_in(files_of_old, pa.array(sorted(seen_files), pa.string())),
                     pc.is_in(old_q["article_id"], pa.array(sorted(remove), pa.string())))
    if old_q.num_rows and pc.any(stale_q).as_py():
        builder.add("quarantine", old_q.filter(pc.invert(pc.fill_null(stale_q, False))))
    else:
        _carry(builder, base, "quarantine", set())
    builder.add("quarantine", new_q)
    clock.lap("write")
    reasons = Counter(r["reason"] if r["stage"] != "validate" else "validation: " + r["reason"] for r in staged_q)
    return _Changes(new_ids, validation, reasons, clock.seconds)


def _entities_table(entities: pl.DataFrame, stamp: Stamp) -> pa.Table:
    return entities.with_columns(pipeline_version=pl.lit(stamp.pipeline_version)).select(
        TABLES["entities"].columns).to_arrow().cast(staging_schema(TABLES["entities"]))
