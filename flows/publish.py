"""Publishing a run: validate the staged rows, derive what depends on every row, write the next
generation and swap it in.

    articles, segments, comments   per article: unchanged part files are kept (hard links), parts
                                   holding replaced or gone articles rewritten
    mentions, entities, claims,    derived (flows/derive.py): extended when a run only adds
    claim clusters, their indexes  articles, rebuilt from every live row when it replaces or removes any
    quarantine                     the latest word on every file this run looked at
    runs, manifest                 one row for this run; one row per raw file seen
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from flows.derive import extend, incremental, look_up, rederive
from flows.keyfiles import candidates
from flows.memory import older_objects_frozen, release_freed_memory
from flows.records import BatchResult, FileRecord, RunPlan, merge_slices
from flows.report import build_from, report_path, write_report
from flows.settings import Settings
from flows.staging import Staging, without
from flows.store import Builder, CuratedStore, Generation, failpoint, holders, holding_parts, scan_parts
from flows.validation import Checked, prepare_validator, write_data_docs
from schemas.tables import MANIFEST, TABLES, staging_schema
from tasks.rows import Stamp, quarantine_row

DERIVED = ("mentions", "entities", "claims", "claim_clusters", "entity_keys", "claim_index")


class Clock:
    """Seconds per publishing stage."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self._last
        self._last = now


def _carry(builder: Builder, base: Generation, table: str, remove: set[str], patch: dict[str, list[str]] | None = None,
           column: str = "article_id", holding: set[str] | None = None) -> None:
    """Keep the base generation's parts of `table`, rewriting only those holding rows to drop or
    patch (`holding`: their paths, when the caller knows them; else one scan of the ids)."""
    if holding is None:
        holding = holding_parts(base.parts(table), column, remove | set(patch or ()))
    for part in base.parts(table):
        if str(part) in holding:
            rows = without(pq.read_table(part), remove, column)
            if patch:
                rows = _patch_uris(rows, patch)
            builder.add(table, rows)
        else:
            builder.keep(table, part)


def _patch_uris(rows: pa.Table, patch: dict[str, list[str]]) -> pa.Table:
    df = pl.from_arrow(rows)
    updated = pl.DataFrame({"article_id": list(patch), "_uris": list(patch.values())},
                           schema={"article_id": pl.String, "_uris": pl.List(pl.String)})
    df = df.join(updated, on="article_id", how="left").with_columns(
        source_uris=pl.coalesce("_uris", "source_uris")).drop("_uris")
    return df.to_arrow()


def _read_rows(records: list[FileRecord], stamp: Stamp) -> pa.Table:
    """The manifest's rows of the files this run read (or looked at)."""
    return pa.Table.from_pylist([{**asdict(r), "pipeline_version": stamp.pipeline_version, "run_id": stamp.run_id}
                                 for r in records], schema=MANIFEST)


def _duplicates(batches: list[BatchResult]) -> int:
    """Files whose bytes were curated already, before this run or by another file of it."""
    read: Counter[str] = Counter()
    for b in batches:
        recorded = set(b.duplicates)
        read.update(r.content_hash for r in b.records if r.source_uri not in recorded)
    return sum(len(b.duplicates) for b in batches) + sum(n - 1 for n in read.values())


@dataclass
class _Articles:
    """The articles this run publishes, and what they replace."""

    good: pa.Table  # validated new articles
    uris: dict[str, str]  # new article id -> the raw path its row names
    bad_ids: set[str]  # new articles that failed validation: none of their rows land
    copies: dict[str, set[str]]  # batch file -> articles whose rows another batch provides
    remove: set[str]  # articles of the base generation whose rows go
    patch: dict[str, list[str]]  # kept articles whose raw names changed


def named_records(files: list[str], records: set[str]) -> list[str]:
    """An article's names: each raw file the manifest gives it, or, for a file of several records
    (JSON lines, WARC), the records of it the article came from (a page crawled twice: both)."""
    out: set[str] = set()
    for f in files:
        mine = {r for r in records if r.startswith(f + "#") and r not in files}
        out |= mine or {f}
    return sorted(out)


def _staged_articles(staging: Staging, refs: dict[str, list[str]]) -> tuple[pa.Table, dict[str, set[str]]]:
    """The staged articles, one row per content, from the name that sorts first, with every name
    the manifest gives it; and per batch file, the articles whose rows another batch provides
    (the same text under two names in two batches is one article: its rows come from one batch,
    else every key would break with two copies of the same rows)."""
    staged = pl.from_arrow(staging.read("articles", part_column="_part")).sort("source_uri")
    first = staged.unique("article_id", keep="first", maintain_order=True)
    others = staged.select("article_id", "_part").join(first.select("article_id", _first="_part"), on="article_id") \
        .filter(pl.col("_part") != pl.col("_first"))
    copies = {part: set(ids) for part, ids in others.group_by("_part").agg("article_id").iter_rows()}
    # the records each article came from in this run's batches (`file#record` of multi-record files)
    records = {a: set(names) for a, names in
               staged.group_by("article_id").agg(pl.col("source_uris").list.explode().unique()).iter_rows()}
    staged = first.drop("_part")
    if staged.height:
        staged = staged.with_columns(source_uris=pl.col("article_id").map_elements(
            lambda a: named_records(refs.get(a, []), records.get(a, set())), return_dtype=pl.List(pl.String)))
        staged = staged.with_columns(source_uris=pl.when(pl.col("source_uris").list.len() > 0)
                                     .then("source_uris").otherwise(pl.concat_list("source_uri")))
    schema = staging_schema(TABLES["articles"])
    return (staged.to_arrow().cast(schema) if staged.height else schema.empty_table()), copies


def _references(base: Generation, read: pa.Table, changed: set[str]) -> tuple[dict[str, list[str]], set[str]]:
    """The raw names the manifest after this run gives each article whose names this run may
    change (those the `changed` names gave before, or the files it `read` give now), and those
    of them it gives no name any more (gone). Two filtered scans of the stored manifest's names
    and ids, each of the parts whose key files name one of them (flows/keyfiles.py): the cost
    follows the files the run read, not the size of the manifest (a million files read, exploded
    and anti-joined with every stored id: 0.3-0.8 s; scanned whole: ~0.16 s)."""
    columns = ["source_uri", "article_ids"]
    parts = base.manifest_parts()

    def stored(column: str, values: set[str] | pl.Series) -> pl.LazyFrame:  # the parts that may hold one of them
        holding = candidates(parts, column, values)
        return scan_parts(holding).select(columns) if holding else pl.LazyFrame(schema={
            "source_uri": pl.String, "article_ids": pl.List(pl.String)})

    names = pl.Series(sorted(changed), dtype=pl.String).implode()
    before = stored("source_uri", changed).filter(pl.col("source_uri").is_in(names)).collect()["article_ids"] \
        .explode().drop_nulls()
    now = pl.from_arrow(read.select(columns))
    ids = pl.concat([before, now["article_ids"].explode().drop_nulls()]).unique()
    wanted = ids.implode()
    others = stored("article_ids", ids).filter(
        ~pl.col("source_uri").is_in(names) & pl.col("article_ids").list.eval(pl.element().is_in(wanted)).list.any()
    ).collect()
    refs = pl.concat([others, now]).explode("article_ids").filter(pl.col("article_ids").is_in(wanted)) \
        .group_by("article_ids").agg(pl.col("source_uri").sort())
    named = dict(zip(refs["article_ids"].to_list(), refs["source_uri"].to_list()))
    return named, set(before.to_list()) - set(named)


def _publish_articles(builder: Builder, base: Generation, staging: Staging, read: pa.Table, changed: set[str],
                      checked: Checked, clock: Clock) -> _Articles:
    """Articles, segments and comments: validated new rows, the base's rows of replaced, gone or
    renamed articles rewritten, the rest kept."""
    refs, gone = _references(base, read, changed)
    staged, copies = _staged_articles(staging, refs)
    checked.uris.update(zip(staged["article_id"].to_pylist(), staged["source_uri"].to_pylist()))
    checked.files.update({aid: names[0] for aid, names in refs.items()})
    clock.lap("write")
    good = checked.rows("articles", staged)
    clock.lap("validate")
    new_ids = set(good["article_id"].to_pylist())
    bad_ids = set(checked.uris) - new_ids

    # of the articles this run may change or replace, those stored (not every stored id: a run's
    # cost follows what it read)
    found = holders(base.parts("articles"), "article_id", gone | new_ids | bad_ids | set(refs))
    part_of = dict(zip(found["article_id"].to_list(), found["_part"].to_list()))
    remove = set(part_of) & (gone | new_ids | bad_ids)
    patch = {}
    mine = _raw_names(base, {aid: part for aid, part in part_of.items() if aid in refs})
    for aid, names in zip(mine["article_id"].to_pylist(), mine["source_uris"].to_pylist()):
        if aid not in remove:
            named = named_records(refs[aid], set(names))
            if sorted(names) != named:
                patch[aid] = named
    _carry(builder, base, "articles", remove, patch, holding={part_of[aid] for aid in remove | set(patch)})
    builder.add("articles", good)
    for table in ("segments", "comments"):
        rows = without(staging.read(table, drop=copies), bad_ids)
        _carry(builder, base, table, remove)
        clock.lap("write")
        rows = checked.rows(table, rows)
        clock.lap("validate")
        builder.add(table, rows)
    clock.lap("write")
    return _Articles(good, dict(checked.uris), bad_ids, copies, remove, patch)


def _raw_names(base: Generation, part_of: dict[str, str]) -> pa.Table:
    """`article_id` and `source_uris` of stored articles, given the part (path as a string)
    holding each: only those parts are read."""
    if not part_of:
        return pa.table({"article_id": pa.array([], pa.string()), "source_uris": pa.array([], pa.list_(pa.string()))})
    wanted = pa.array(sorted(part_of), pa.string())
    holding = set(part_of.values())
    found = []
    for part in (p for p in base.parts("articles") if str(p) in holding):
        rows = base.read_part("articles", part, ["article_id", "source_uris"])
        found.append(rows.filter(pc.is_in(rows["article_id"], wanted)))
    return pa.concat_tables(found)


def _publish_quarantine(builder: Builder, base: Generation, staging: Staging, records: list[FileRecord],
                        remove: set[str], checked: Checked) -> tuple[Counter, int]:
    """The latest word on every file this run looked at; rows of dropped articles go. Returns the
    count of each reason and the number of rows an error put there."""
    seen_files = {r.source_uri for r in records}
    staged = staging.read("quarantine").to_pylist() + checked.quarantine
    new = pa.Table.from_pylist(staged, schema=staging_schema(TABLES["quarantine"]))
    new = pl.from_arrow(new).unique("quarantine_id", keep="first", maintain_order=True).to_arrow()
    old = base.read("quarantine")
    # rows older than the source_file column name their file in source_uri (a record: `<file>#<n>`)
    files_of_old = pc.coalesce(old["source_file"],
                               pc.list_element(pc.split_pattern(old["source_uri"], "#", max_splits=1), 0))
    stale = pc.or_(pc.is_in(files_of_old, pa.array(sorted(seen_files), pa.string())),
                   pc.is_in(old["article_id"], pa.array(sorted(remove), pa.string())))
    if old.num_rows and pc.any(stale).as_py():
        builder.add("quarantine", old.filter(pc.invert(pc.fill_null(stale, False))))
    else:
        _carry(builder, base, "quarantine", set())
    builder.add("quarantine", new)
    reasons = Counter(r["reason"] if r["stage"] != "validate" else "validation: " + r["reason"] for r in staged)
    return reasons, sum(r["error_digest"] is not None for r in staged)


def _publish_changes(builder: Builder, base: Generation, staging: Staging, records: list[FileRecord],
                     read: pa.Table, pruned: set[str], stamp: Stamp, clock: Clock
                     ) -> tuple[set[str], dict, Counter, int]:
    checked = Checked(stamp)
    prepare_validator(stamp.run_id)  # timed apart from the rows it checks
    clock.lap("validate")
    # the names whose articles may change: those read, and those pruned (the only names the
    # manifest drops; comparing both manifests' names took 0.3 s at a million files)
    changed = {r.source_uri for r in records} | pruned
    lookup = look_up(base, staging.batch_files("mentions"), staging.batch_files("claims"))  # beside validation
    articles = _publish_articles(builder, base, staging, read, changed, checked, clock)
    drop = {name: articles.copies.get(name, set()) | articles.bad_ids
            for name in {p.name for t in ("mentions", "claims") for p in staging.batch_files(t)}}
    new_mentions = checked.staged(staging, "mentions", drop, {"entity_id": "pending"})
    new_claims = checked.staged(staging, "claims", drop, {"cluster_id": "pending"})
    release_freed_memory()
    clock.lap("validate")
    new_ids = set(articles.good["article_id"].to_pylist())
    # a run that curates again an article the store holds (its ids come back the same) rebuilds;
    # renamed articles (`patch`) change no derived row: the tables take an article's first name
    if (new_ids or articles.remove) and not new_ids & articles.remove and incremental(base):
        extend(builder, base, articles.remove, new_mentions, new_claims, articles.good, checked, stamp, clock.lap,
               lookup)
    elif articles.remove or new_ids or not base.parts("entities"):
        rederive(builder, base, articles.remove, new_mentions, new_claims, articles.good, checked, stamp, clock.lap)
    else:
        for table in DERIVED:
            _carry(builder, base, table, set())
    reasons, errors = _publish_quarantine(builder, base, staging, records, articles.remove, checked)
    clock.lap("write")
    return new_ids, checked.summary, reasons, errors


def _timings(batches: list[BatchResult], publish: dict[str, float]) -> dict[str, float]:
    """Seconds per stage, summed over batches (as if run one after another), then publishing."""
    out: dict[str, float] = {}
    for b in batches:
        for k, v in b.seconds.items():
            out[k] = out.get(k, 0.0) + v
    for k, v in publish.items():
        out[f"publish_{k}"] = v
    return {k: round(v, 3) for k, v in out.items()}


BAD_NAME = "file name is not valid UTF-8 (shown with its bytes escaped): rename the file to curate it"


def _skipped(skipped: dict[str, list[str]]) -> str:
    return json.dumps({reason: {"count": len(paths), "paths": paths[:20]} for reason, paths in skipped.items()},
                      sort_keys=True, ensure_ascii=False)


def publish_tables(store: CuratedStore, staging: Staging, plan: RunPlan, batches: list[BatchResult], stamp: Stamp,
                   settings: Settings, started_at: datetime, flow_run_id: str | None, *, logger=None) -> dict:
    """Publish the run's staged rows as the next generation, with the run's report; returns the
    run's summary."""
    release_freed_memory()
    with older_objects_frozen():  # each collection of the stages below: ~0.3 s less
        return _publish(store, staging, plan, batches, stamp, settings, started_at, flow_run_id, logger)


def _publish(store: CuratedStore, staging: Staging, plan: RunPlan, batches: list[BatchResult], stamp: Stamp,
             settings: Settings, started_at: datetime, flow_run_id: str | None, logger) -> dict:
    # entries of the raw folder not read, and records of archives that are no article
    skipped = {reason: list(paths) for reason, paths in plan.skipped.items()}
    for b in batches:
        for reason, where in b.skipped.items():
            skipped.setdefault(reason, []).extend(where)
    clock = Clock()  # every stage of publishing, from the manifest's merge to the commit
    base = store.current()
    builder = store.builder(stamp.run_id)
    # the manifest after this run decides which articles are live and under which names
    records = merge_slices([r for b in batches for r in b.records])
    records += [FileRecord(f.rel, f.size, f.mtime_ns, "unread:name-not-utf8", [], "quarantined")
                for f in plan.bad_names]
    # files with undecodable names: reported with the batches' quarantine rows (as batch 0)
    staging.write_batch("quarantine", 0, [quarantine_row(stamp, f.rel, "intake", BAD_NAME) for f in plan.bad_names])
    pruned = set(plan.missing) if plan.prune else set()
    read_rows = _read_rows(records, stamp)
    clock.lap("manifest")

    changed = bool(records or pruned or base.path is None)
    if changed:
        new_ids, validation, reasons, errors = _publish_changes(builder, base, staging, records, read_rows,
                                                                pruned, stamp, clock)
    else:
        # nothing new, changed or gone: the tables stay as they are (hard links), no table is read
        for table in TABLES:
            if table != "runs":
                _carry(builder, base, table, set())
        new_ids, validation, reasons, errors = set(), {}, Counter(), 0
    builder.update_manifest(read_rows, {r.source_uri for r in records} | pruned)
    clock.lap("manifest")

    timings = _timings(batches, clock.seconds)  # the runs row's: all but the report and the commit
    run = {
        "run_id": stamp.run_id, "flow_run_id": flow_run_id, "started_at": started_at,
        "finished_at": datetime.now(UTC), "pipeline_version": stamp.pipeline_version,
        "raw_root": str(settings.raw), "n_files": plan.files, "n_unchanged": len(plan.unchanged),
        "n_duplicates": _duplicates(batches), "n_curated": len(new_ids),
        "n_stale": plan.stale, "n_deferred": plan.deferred, "n_missing": len(plan.missing),
        "pruned": bool(plan.prune),
        "n_quarantined_files": sum(r.status == "quarantined" for r in records),
        "n_quarantined_rows": sum(v["failed_rows"] for v in validation.values()), "n_errors": errors,
        "n_skipped": sum(len(p) for p in skipped.values()), "skipped": _skipped(skipped),
        "status": "succeeded", "error": None, "report": None, "report_error": None, "data_docs": None,
        "validation": json.dumps(validation, sort_keys=True), "settings": settings.model_dump_json(),
        "timings": json.dumps(timings, sort_keys=True),
    }
    page = None
    if changed:
        # GX's Data Docs of this run's validation, then the report of the generation about to land
        # (it links them); neither fails the run when it fails
        try:
            run["data_docs"] = str(write_data_docs(store.root, stamp.run_id))
        except Exception as exc:  # noqa: BLE001 - logged; the report says the docs are missing
            if logger is not None:
                logger.warning("the Data Docs could not be built (the tables land anyway): %s: %s",
                               type(exc).__name__, exc)
        try:
            page = build_from(builder.path, run, new_ids)
            run["report"] = str(report_path(store.root, stamp.run_id))
        except Exception as exc:  # noqa: BLE001 - recorded in runs and logged; the tables still land
            run["report_error"] = f"{type(exc).__name__}: {' '.join(str(exc).split())[:500]}"
            if logger is not None:
                logger.warning("the run report could not be built (the tables land anyway): %s", run["report_error"])
    _carry(builder, base, "runs", set())
    clock.lap("report")
    builder.add("runs", pa.Table.from_pylist([run], schema=TABLES["runs"].schema))
    failpoint("publish.before-commit")
    builder.commit()
    store.collect_garbage()
    clock.lap("commit")
    if page is not None:
        try:
            write_report(store.root, stamp.run_id, page)
        except OSError as exc:
            if logger is not None:
                logger.warning("the run report could not be written to %s: %s", run["report"], exc)
    return {**{k: v for k, v in run.items() if k.startswith("n_") or k == "run_id"},
            "timings": _timings(batches, clock.seconds),
            "n_words": sum(b.n_words for b in batches),
            "quarantine_reasons": dict(reasons.most_common()), "validation": validation,
            "curated": str(store.root), "changed": changed, "report": run["report"], "data_docs": run["data_docs"],
            "report_error": run["report_error"], "skipped": {k: len(v) for k, v in skipped.items()}}


def record_failed_run(store: CuratedStore, stamp: Stamp, settings: Settings, started_at: datetime,
                      flow_run_id: str | None, error: BaseException) -> None:
    """After a run failed for a reason that is not about one article (store, disk, a bug): a
    generation with the same tables and one more `runs` row saying so. Best effort: when even this
    cannot be written (a full disk), the error stays the run's only record."""
    base = store.current()
    builder = store.builder(stamp.run_id)
    for table in TABLES:
        _carry(builder, base, table, set())
    run = {name: 0 for name in TABLES["runs"].columns if name.startswith("n_")}
    run.update({
        "run_id": stamp.run_id, "flow_run_id": flow_run_id, "started_at": started_at, "finished_at": datetime.now(UTC),
        "pipeline_version": stamp.pipeline_version, "raw_root": str(settings.raw), "pruned": False,
        "skipped": "{}", "status": "failed", "error": f"{type(error).__name__}: {' '.join(str(error).split())[:500]}",
        "report": None, "report_error": None, "validation": "{}", "settings": settings.model_dump_json(),
        "timings": "{}",
    })
    builder.add("runs", pa.Table.from_pylist([run], schema=TABLES["runs"].schema))
    builder.keep_manifest()
    builder.commit()
