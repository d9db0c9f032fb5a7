"""The `curate-articles` flow: raw folder -> validated curated tables, incrementally, atomically.

    plan-run        stat the raw files; compare with the manifest: what is new or changed
    queue-batch     (one Prefect task per batch of files, default task runner, several cores)
                    one worker process per core reads, strips, parses and extracts whole
                    batches, each taking the next when free (flows/pool.py); rows are staged
                    as Parquet under the curated root's hidden staging folder (flows/staging.py)
    parse-batch     (the same on one core) parse with spaCy here while a helper process reads
                    and strips the next batch and extracts and stages the last one
                    (flows/helper.py)
    curate-batch    the same, all in one process: a single batch, NEWSETL_HELPER=false, or on
                    Dask, whose workers each take the next batch when free (batches shrink
                    toward the end of the run so that the workers finish together)
    publish-tables  validate, merge entities, write the next generation and swap it in
    write-report    the run's HTML report next to the tables

Everything that touches the file system lives here and in `flows/`; the steps themselves are
the pure functions of `tasks/`.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import time
from concurrent.futures import Future
from concurrent.futures import as_completed as as_completed_futures
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.utilities.annotations import quote

from flows.batch import curate_loaded
from flows.helper import Helper
from flows.model import pipeline, pipeline_version
from flows.pool import Workers
from flows.publish import publish_tables, record_failed_run
from flows.records import BatchPlan, BatchResult, RunPlan
from flows.scan import check_roots, scan_raw
from flows.settings import Settings
from flows.staging import Staging
from flows.store import CuratedStore, locked
from flows.validation import validation_for
from flows.warc import file_sha256, slices
from tasks.plan import RawFile, known_contents, plan_reads, split_batches
from tasks.rows import Stamp
from tasks.warc import is_warc


@dataclass(frozen=True)
class Selection:
    """Raw files to curate again whatever their state: all of them, a glob (or a file's exact
    name: "art [1].txt" is no glob of itself, `[1]` matching "1"), or modified since."""

    all: bool = False
    glob: str | None = None
    since: datetime | None = None

    def picks(self, f: RawFile) -> bool:
        if self.all:
            return True
        if self.glob and (f.rel == self.glob or fnmatch.fnmatch(f.rel, self.glob)):
            return True
        return self.since is not None and f.mtime_ns >= int(self.since.timestamp() * 1e9)


def _is_transient(task, task_run, state) -> bool:
    """Retry on I/O errors the file system may not repeat (NFS hiccups, EAGAIN), not on bugs."""
    try:
        state.result()
    except (TimeoutError, BlockingIOError, InterruptedError, ConnectionError):
        return True
    except OSError as exc:
        return exc.errno in {5, 11, 110, 116}  # EIO, EAGAIN, ETIMEDOUT, ESTALE
    except Exception:  # noqa: BLE001 - anything else is not transient
        return False
    return False


@task(name="plan-run", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2, retry_condition_fn=_is_transient)
def plan_run(settings: Settings, version: str, force: frozenset[str] = frozenset(),
             selection: Selection | None = None, prune: bool = False) -> RunPlan:
    """What this run reads, from file stats and the manifest alone; only WARC archives larger
    than a slice are read here: hashed, and cut at record boundaries into slices."""
    manifest = CuratedStore(settings.curated).current().manifest()
    scan = scan_raw(settings.raw, settings.curated, follow_outside_links=settings.follow_outside_links)
    files = sorted(scan.files + scan.bad_names, key=lambda f: f.rel)
    if selection is not None:
        force = force | {f.rel for f in files if selection.picks(f)}
    reads = plan_reads(files, manifest, version, force=force, max_stale=settings.max_stale)
    bad = {f.rel for f in scan.bad_names}
    to_read = [f for f in reads.to_read if f.rel not in bad]
    to_read = [s for f in to_read for s in _archive_slices(f, settings)]
    return RunPlan(files=len(files), unchanged=reads.unchanged + reads.deferred, missing=reads.missing,
                   stale=len(reads.stale), deferred=len(reads.deferred), prune=prune, to_read=to_read,
                   forced=frozenset(force), known=known_contents(manifest, version, {f.size for f in to_read}),
                   skipped=scan.skipped, bad_names=[f for f in reads.to_read if f.rel in bad])


def _archive_slices(f: RawFile, settings: Settings) -> list[RawFile]:
    """A large WARC archive as slices of records (each a batch of its own), with its hash; one
    whose bytes were curated already stays whole (its batch records it without reading it)."""
    if not is_warc(f.rel) or f.size <= settings.warc_slice_bytes:
        return [f]
    path = settings.raw / f.rel
    digest = file_sha256(path)
    cuts = slices(path, f.size, settings.warc_slice_bytes)
    if len(cuts) == 1:
        return [replace(f, digest=digest)]
    return [replace(f, start=a, stop=b, digest=digest) for a, b in cuts]


@task(name="curate-batch", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2, retry_condition_fn=_is_transient)
def curate_batch(plan: BatchPlan, settings: Settings, stamp: Stamp, staging: Staging) -> BatchResult:
    """Read, strip, parse and extract one batch of raw files here; stage the rows as Parquet."""
    return curate_loaded(plan, settings, stamp, staging)


@task(name="parse-batch", cache_policy=NO_CACHE)
def parse_batch(helper: Helper, texts: list[str], uris: list[str], index: int) -> Future:
    """Parse one batch here while the helper process strips the next; the helper then extracts
    and stages this one (the returned future; the flow waits for all of them before publishing)."""
    return helper.parse_and_extract(pipeline(helper.settings.model), texts, uris, index)


@task(name="queue-batch", cache_policy=NO_CACHE)
def queue_batch(workers: Workers, plan: BatchPlan) -> Future:
    """Hand one batch to the next free worker process, which reads, strips, parses, extracts and
    stages it (the returned future; the flow waits for all of them before publishing)."""
    return workers.curate(plan)


@task(name="publish-tables", cache_policy=NO_CACHE)
def publish(settings: Settings, stamp: Stamp, plan: RunPlan, batches: list[BatchResult], staging: Staging,
            started_at: datetime, flow_run_id: str | None) -> dict:
    """Validate, derive, write the next generation and its report, swap it in."""
    return publish_tables(CuratedStore(settings.curated), staging, plan, batches, stamp, settings,
                          started_at, flow_run_id, logger=get_run_logger())


def _dask_slots() -> int:
    """Task slots (worker threads) of the Dask cluster this flow run's task runner uses; 0 when
    its task runner is not Dask."""
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    if ctx is None or type(ctx.task_runner).__name__ != "DaskTaskRunner":
        return 0
    return max(1, sum(ctx.task_runner.client.nthreads().values()))


def _pipelined(plans: list[BatchPlan], settings: Settings, stamp: Stamp, staging: Staging,
               progress) -> list[BatchResult]:
    """Batches over two processes: this one parses batch i while the helper strips batch i+1 and
    extracts batch i-1 (see flows/helper.py)."""
    extracted: list[Future] = []
    with Helper(settings, stamp, staging) as helper:
        stripped = helper.strip(plans[0])
        clock = time.perf_counter()
        pipeline(settings.model)  # while the helper starts
        load_model = time.perf_counter() - clock
        for i, plan in enumerate(plans, start=1):
            texts, uris = _helped(stripped, i)
            if i < len(plans):
                stripped = helper.strip(plans[i])
            extracted.append(parse_batch(helper, texts, uris, i))
            progress(i, len(plan.files))
        batches = [_helped(f, i) for i, f in enumerate(extracted, start=1)]
    batches[0].seconds["load_model"] = load_model
    return batches


def _pooled(plans: list[BatchPlan], settings: Settings, stamp: Stamp, staging: Staging,
            progress) -> list[BatchResult]:
    """Batches over one pipeline per core (see flows/pool.py)."""
    with Workers(settings, stamp, staging, len(plans)) as workers:
        futures = {queue_batch(workers, p): p for p in plans}
        batches = []
        for future in as_completed_futures(futures):
            batches.append(_helped(future, futures[future].index))
            progress(len(batches), len(futures[future].files))
    return sorted(batches, key=lambda b: b.index)


def _helped(future: Future, index: int):
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise RuntimeError(
            f"a worker process could not start or died on batch {index} ({exc}). Out of memory? A script that "
            "runs the flow needs the `if __name__ == '__main__':` guard, as for any multiprocessing; "
            "NEWSETL_HELPER=false runs every batch in this process.") from exc


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + os.urandom(3).hex()


def _curate(settings: Settings, *, force: frozenset[str] = frozenset(), selection: Selection | None = None,
            prune: bool = False) -> dict:
    """The body both flows share: plan, curate in batches, publish, report."""
    from prefect.runtime import flow_run

    logger = get_run_logger()
    started_at = datetime.now(UTC)
    stamp = Stamp(pipeline_version(settings.model), new_run_id())
    check_roots(settings.raw, settings.curated)
    store = CuratedStore(settings.curated)
    with locked(store.root, wait=settings.lock_wait):
        store.ensure_layout()
        staging = Staging.for_run(store.root, stamp.run_id)
        try:
            summary = _run(settings, stamp, store, staging, force, selection, prune, started_at, logger)
        except BaseException as exc:
            # not about one article (store, disk, a bug, an interrupt): the tables stay as they were
            shutil.rmtree(staging.path, ignore_errors=True)
            if isinstance(exc, Exception):
                try:
                    record_failed_run(store, stamp, settings, started_at, flow_run.get_id(), exc)
                except Exception as again:  # noqa: BLE001 - a full disk: the error is the only record
                    logger.error("the failed run could not be recorded in runs: %s", again)
            raise
    logger.info("run %s: %s", stamp.run_id, {k: v for k, v in summary.items() if k.startswith("n_")})
    if summary.get("report_error"):
        logger.warning("run %s landed without its report: %s", stamp.run_id, summary["report_error"])
    try:
        create_markdown_artifact(key="curate-run-summary", markdown=summary_markdown(summary),
                                 description=f"newsetl run {stamp.run_id}")
        if summary.get("report"):
            create_link_artifact(key="curate-run-report", link=Path(summary["report"]).resolve().as_uri(),
                                 link_text="run report (HTML)", description=f"newsetl run {stamp.run_id}")
        if summary.get("data_docs"):
            create_link_artifact(key="curate-run-data-docs", link=Path(summary["data_docs"]).resolve().as_uri(),
                                 link_text="validation: Great Expectations Data Docs",
                                 description=f"newsetl run {stamp.run_id}")
    except Exception as exc:  # noqa: BLE001 - the artifacts are a courtesy; the tables are written
        logger.warning("could not publish the run artifacts: %s", exc)
    return summary


def _run(settings: Settings, stamp: Stamp, store: CuratedStore, staging: Staging, force: frozenset[str],
         selection: Selection | None, prune: bool, started_at: datetime, logger) -> dict:
    """Plan, curate the batches, publish (holding the lock)."""
    from prefect.runtime import flow_run

    plan = plan_run(settings, stamp.pipeline_version, force, selection, prune)
    logger.info("%d raw files: %d unchanged, %d to read (%d of an older pipeline version, %d left for later "
                "runs), %d gone from the raw folder%s",
                plan.files, len(plan.unchanged), len(plan.to_read), plan.stale, plan.deferred,
                len(plan.missing), " (pruned)" if prune and plan.missing else " (kept)" if plan.missing else "")
    slots = _dask_slots()
    if slots and "n_process" not in settings.model_fields_set:
        settings = settings.overridden(n_process=1)  # the Dask workers are the processes
    # files in batches, the same whatever the number of processes (stripping's cross-page evidence,
    # repetition within a batch, and so the tables, do not depend on the cores); each slice of a
    # large archive a batch of its own
    groups = split_batches([f for f in plan.to_read if not f.is_slice], settings.batch_size, slots)
    groups += [[f] for f in plan.to_read if f.is_slice]
    plans = [plan.batch(i, files) for i, files in enumerate(groups, start=1)]
    # one pipeline per core for more than a batch; a single batch is parsed here (starting the
    # workers and a model in each would cost more than the parse they share)
    pooled = not slots and settings.helper and settings.n_process > 1 and len(plans) > 1
    t0, done = time.monotonic(), 0

    def progress(i: int, size: int) -> None:
        nonlocal done
        done += size
        rate = done / max(time.monotonic() - t0, 1e-9)
        logger.info("batch %d/%d: %d/%d files, %.1f files/s, about %.0f s left", i, len(plans), done,
                    len(plan.to_read), rate, (len(plan.to_read) - done) / rate)

    with validation_for(stamp.run_id, when=bool(plan.to_read)):  # nothing to read: nothing to validate yet
        batches = _curate_batches(plans, slots, pooled, settings, stamp, staging, progress)
        # quoted: Prefect would otherwise walk every element of the plan (its lists of unchanged and
        # missing files grow with the store: 12 s at a million) looking for futures
        return publish(settings, stamp, quote(plan), quote(batches), staging, started_at, flow_run.get_id())


def _curate_batches(plans: list[BatchPlan], slots: int, pooled: bool, settings: Settings, stamp: Stamp,
                    staging: Staging, progress) -> list[BatchResult]:
    batches: list[BatchResult] = []
    if slots:
        # every batch at once; Dask gives each worker the next one when it is free
        futures = [curate_batch.submit(p, settings, stamp, staging) for p in plans]
        for future in as_completed(futures):
            result = future.result()
            batches.append(result)
            progress(len(batches), len(result.records))
        batches.sort(key=lambda b: b.index)
    elif pooled:
        batches = _pooled(plans, settings, stamp, staging, progress)
    elif settings.helper and len(plans) > 1:
        batches = _pipelined(plans, settings, stamp, staging, progress)
    else:
        for p in plans:
            batches.append(curate_batch(p, settings, stamp, staging))
            progress(p.index, len(p.files))
    return batches


@flow(name="curate-articles", log_prints=True)
def curate_articles(
    raw: str | None = None,
    curated: str | None = None,
    model: str | None = None,
    batch_size: int | None = None,
    reprocess: list[str] | None = None,
    prune: bool = False,
) -> dict:
    """Curate new or changed raw files under `raw` into the tables under `curated`.

    Unchanged files are skipped from the manifest alone; files an older pipeline version
    curated are re-curated, a bounded number per run. `reprocess` lists raw paths to curate
    again anyway; `prune` drops the rows of raw files that are gone (kept by default).
    """
    settings = Settings().overridden(raw=raw, curated=curated, model=model, batch_size=batch_size)
    return _curate(settings, force=frozenset(reprocess or ()), prune=prune)


@flow(name="reprocess-articles", log_prints=True)
def reprocess_articles(
    raw: str | None = None,
    curated: str | None = None,
    all: bool = False,
    source: str | None = None,
    since: str | None = None,
    prune: bool = False,
    model: str | None = None,
) -> dict:
    """Curate a chosen set of raw files again: all, those matching a glob (`source`), or those
    modified on or after a date (`since`, ISO 8601). New rows replace the old ones."""
    if not (all or source or since):
        raise ValueError("choose what to reprocess: all=True, source=GLOB or since=DATE")
    when = datetime.fromisoformat(since) if since else None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    settings = Settings().overridden(raw=raw, curated=curated, model=model)
    return _curate(settings, selection=Selection(all=all, glob=source, since=when), prune=prune)


def summary_markdown(summary: dict) -> str:
    lines = [f"# newsetl run `{summary['run_id']}`", ""]
    if summary.get("report"):
        lines += [f"Report: [{summary['report']}]({Path(summary['report']).resolve().as_uri()})", ""]
    if summary.get("data_docs"):
        lines += [f"Data Docs: [{summary['data_docs']}]({Path(summary['data_docs']).resolve().as_uri()})", ""]
    lines += ["| count | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in summary.items() if k.startswith("n_")]
    lines += ["", "## Quarantine reasons", "", "| reason | rows |", "|---|---|"]
    lines += [f"| {r} | {n} |" for r, n in summary.get("quarantine_reasons", {}).items()] or ["| none | 0 |"]
    lines += ["", "## Validation", "", "| table | rows | failed rows | expectations | failed |",
              "|---|---|---|---|---|"]
    for t, v in summary.get("validation", {}).items():
        lines.append(f"| {t} | {v['rows']} | {v['failed_rows']} | {v['expectations']} | {'; '.join(v['failed'])} |")
    return "\n".join(lines)


__all__ = ["curate_articles", "reprocess_articles"]
