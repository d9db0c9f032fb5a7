"""One batch of raw files around the pure steps: read each file once, curate, stage the rows.

`read_batch` reads and hashes every file of a `BatchPlan` once: bytes the manifest knows as
curated (or that an earlier file of the batch has) are recorded, not curated again; the rest
are decoded into documents. `stage_rows` writes the batch's rows to the run's staging folder and
says, per raw file, what became of it. `curate_here` does all of it in this process; the
helper process (`flows/helper.py`) does the same split over two processes.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from spacy.language import Language

from flows.model import lexicon, pipeline
from flows.records import BatchPlan, BatchResult, FileRecord
from flows.settings import Settings
from flows.staging import Staging, to_arrow
from flows.warc import read_archive
from tasks.curate import curate_documents
from tasks.faults import Failure, Fault, failure
from tasks.intake import Document, Gunzip, IntakeError, Rejected, read_documents, sha256
from tasks.plan import RawFile
from tasks.rows import ARTICLE_TABLES, BatchRows, Stamp, failure_row
from tasks.warc import Skipped, is_warc


@dataclass
class ReadBatch:
    """A batch's files, read: documents to curate and the files recorded without curating."""

    plan: BatchPlan
    docs: list[Document | Rejected] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)  # raw path -> content hash, for files read
    origin: dict[str, str] = field(default_factory=dict)  # document source_uri -> its raw file's path
    recorded: list[FileRecord] = field(default_factory=list)  # bytes curated already: nothing to do
    same_as: list[tuple[RawFile, str]] = field(default_factory=list)  # (file, the batch's file with its bytes)
    skipped: dict[str, list[str]] = field(default_factory=dict)  # reason -> archives of records that are no article


def read_batch(settings: Settings, plan: BatchPlan, seconds: dict[str, float]) -> ReadBatch:
    clock = time.perf_counter()
    out = ReadBatch(plan)
    first_with: dict[str, str] = {}
    fault = settings.fault_hook()
    for f in plan.files:
        if is_warc(f.rel):
            try:
                _read_warc(settings, f, out, first_with, fault)
            except Exception as exc:  # noqa: BLE001 - one archive's failure is its quarantine row
                _failed(out, f, None, exc)
            continue
        if f.size > settings.max_file_bytes:  # refused from its size: never read
            out.hashes[f.rel] = f"unread:too-large:{f.size}"
            out.docs.append(Rejected(f.rel, None, f"file of {f.size:,} bytes exceeds the limit of "
                                     f"{settings.max_file_bytes:,} bytes (NEWSETL_MAX_FILE_BYTES)"))
            out.origin[f.rel] = f.rel
            continue
        try:
            digest, data, gunzipped = _read_bytes(settings.raw / f.rel, settings.max_file_bytes)
        except OSError as exc:
            out.hashes[f.rel] = "unreadable:" + f.rel
            out.docs.append(Rejected(f.rel, None, f"cannot read the file: {exc.strerror or exc}"))
            out.origin[f.rel] = f.rel
            continue
        try:
            _read_file(settings, f, digest, data, gunzipped, out, first_with, fault)
        except Exception as exc:  # noqa: BLE001 - one file's failure is its quarantine row
            _failed(out, f, digest, exc)
    seconds["read"] = time.perf_counter() - clock
    return out


def _failed(out: ReadBatch, f: RawFile, digest: str | None, exc: Exception) -> None:
    """A file whose reading raised: its documents so far are dropped for one quarantine row."""
    failed = failure("intake", exc)
    out.hashes.setdefault(f.rel, digest or "unreadable:" + f.rel)
    out.docs = [d for d in out.docs if out.origin.get(d.source_uri) != f.rel]
    out.docs.append(Rejected(f.rel, digest, failed.reason, error_digest=failed.digest))
    out.origin[f.rel] = f.rel


def _read_warc(settings: Settings, f: RawFile, out: ReadBatch, first_with: dict[str, str], fault: Fault) -> None:
    """A WARC archive (or a slice of one), streamed: its records' documents and rejections, its
    skipped records counted; the size limit applies per record. An archive whose bytes were
    curated already is recorded without curating (planning hashed the large ones: not read)."""
    if f.digest is not None and not f.is_slice and not _first_reading(f, f.digest, out, first_with, fault):
        return
    state, items = read_archive(settings.raw / f.rel, f.rel, settings.max_file_bytes, f.start, f.stop)
    docs: list[Document | Rejected] = []
    for item in items:
        if isinstance(item, Skipped):
            out.skipped.setdefault(item.reason, []).append(f.rel)
        else:
            docs.append(item)
    if f.is_slice:  # one part of an archive: its hash is the archive's; other slices are no twins
        out.hashes[f.rel] = f.digest
        fault("intake", f.rel)
    elif f.digest is None and not _first_reading(f, state["sha"], out, first_with, fault):
        return
    if not docs and not f.is_slice:
        docs.append(Rejected(f.rel, out.hashes[f.rel], "WARC archive without an HTML response record of status 200"))
    for doc in docs:
        out.origin[doc.source_uri] = f.rel
        out.docs.append(doc)


def _read_bytes(path: Path, limit: int) -> tuple[str, bytes | IntakeError, bool]:
    """(SHA-256 of the file, its bytes, False) in one read; a `.gz` file is decompressed as it is
    read (its bytes are then the decompressed ones, True), or the reason it cannot be."""
    if not path.name.lower().endswith(".gz"):
        data = path.read_bytes()
        return sha256(data), data, False
    h, gz, error = hashlib.sha256(), Gunzip(limit), None
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            if error is None:
                try:
                    gz.feed(chunk)
                except IntakeError as exc:
                    error = exc
    if error is None:
        try:
            return h.hexdigest(), gz.result(), True
        except IntakeError as exc:
            error = exc
    return h.hexdigest(), error, True


def _first_reading(f: RawFile, digest: str, out: ReadBatch, first_with: dict[str, str], fault: Fault) -> bool:
    """Whether the file's bytes are to be curated: not when the manifest knows them as curated
    (recorded) or an earlier file of the batch has them (its twin)."""
    known = out.plan.known.get(digest) if f.rel not in out.plan.forced else None
    if known is not None:
        out.recorded.append(FileRecord(f.rel, f.size, f.mtime_ns, digest, list(known.article_ids), "curated"))
        return False
    if digest in first_with:
        out.same_as.append((f, first_with[digest]))
        return False
    first_with[digest] = f.rel
    out.hashes[f.rel] = digest
    fault("intake", f.rel)
    return True


def _read_file(settings: Settings, f: RawFile, digest: str, data: bytes | IntakeError, gunzipped: bool,
               out: ReadBatch, first_with: dict[str, str], fault: Fault) -> None:
    """One file's bytes: recorded when they were curated already, else decoded."""
    if not _first_reading(f, digest, out, first_with, fault):
        return
    if isinstance(data, IntakeError):
        out.docs.append(Rejected(f.rel, digest, data.reason))
        out.origin[f.rel] = f.rel
        return
    for doc in read_documents(f.rel, data, max_bytes=settings.max_file_bytes, digest=digest,
                              decompressed=gunzipped):
        out.origin[doc.source_uri] = f.rel
        out.docs.append(doc)


def _convert(rows: BatchRows, read: ReadBatch, stamp: Stamp, fault: Fault) -> dict[str, pa.Table]:
    """The batch's rows as Arrow tables. An article whose rows cannot be written (a value no
    column can hold) is dropped with a quarantine row: found by converting article by article
    when the whole batch does not convert."""
    failed: dict[str, Failure] = {}
    for a in rows.articles:
        try:
            fault("stage", a["source_uri"])
        except Exception as exc:  # noqa: BLE001 - that article's failure
            failed[a["article_id"]] = failure("stage", exc)
    for attempt in ("batch", "articles"):
        _drop_failed(rows, read, stamp, failed)
        try:
            return {name: to_arrow(name, table_rows) for name, table_rows in rows.tables().items()}
        except (pa.ArrowException, ValueError, TypeError, OverflowError, UnicodeError):
            if attempt == "articles":
                raise  # not about one article: a bug in the batch's own rows
        for aid in {a["article_id"] for a in rows.articles}:
            try:
                for name in ARTICLE_TABLES:
                    to_arrow(name, [r for r in getattr(rows, name) if r["article_id"] == aid])
            except (pa.ArrowException, ValueError, TypeError, OverflowError, UnicodeError) as exc:
                failed[aid] = failure("stage", exc)
    raise AssertionError("unreachable")


def _drop_failed(rows: BatchRows, read: ReadBatch, stamp: Stamp, failed: dict[str, Failure]) -> None:
    gone = {a["article_id"] for a in rows.articles} & set(failed)
    for a in rows.articles:
        if a["article_id"] in gone:
            for uri in a["source_uris"]:
                rows.quarantine.append(failure_row(stamp, uri, read.origin.get(uri, uri), failed[a["article_id"]],
                                                   article=a["article_id"], content_hash=a["content_hash"]))
    rows.drop_articles(gone)


def stage_rows(rows: BatchRows, read: ReadBatch, staging: Staging, stamp: Stamp, seconds: dict[str, float],
               fault: Fault) -> BatchResult:
    """Write the batch's rows under staging; one record per raw file (curated, quarantined, or
    recorded because its bytes were curated already)."""
    clock = time.perf_counter()
    index = read.plan.index
    for name, table in _convert(rows, read, stamp, fault).items():
        staging.write_batch(name, index, table)
    curated_ids: dict[str, set[str]] = {}
    for a in rows.articles:
        for uri in a["source_uris"]:
            curated_ids.setdefault(read.origin[uri], set()).add(a["article_id"])
    records = list(read.recorded)
    by_path: dict[str, FileRecord] = {}
    for f in read.plan.files:
        if f.rel in read.hashes:
            ids = sorted(curated_ids.get(f.rel, ()))
            by_path[f.rel] = FileRecord(f.rel, f.size, f.mtime_ns, read.hashes[f.rel], ids,
                                        "curated" if ids else "quarantined")
            records.append(by_path[f.rel])
    for f, first in read.same_as:
        twin = by_path[first]
        records.append(FileRecord(f.rel, f.size, f.mtime_ns, twin.content_hash, twin.article_ids, twin.status))
    seconds.update(rows.seconds)
    seconds["stage"] = time.perf_counter() - clock
    return BatchResult(index=index, records=sorted(records, key=lambda r: r.source_uri),
                       duplicates=sorted([r.source_uri for r in read.recorded] + [f.rel for f, _ in read.same_as]),
                       n_articles=len(rows.articles), n_quarantined=len(rows.quarantine),
                       n_words=sum(a["n_words"] for a in rows.articles), seconds=seconds, skipped=read.skipped)


def curate_here(nlp: Language, plan: BatchPlan, settings: Settings, stamp: Stamp, staging: Staging,
                seconds: dict[str, float]) -> BatchResult:
    """Read, strip, parse, extract and stage one batch in this process."""
    read = read_batch(settings, plan, seconds)
    fault = settings.fault_hook()
    rows = curate_documents(read.docs, nlp, lexicon(), stamp, max_body_chars=settings.max_body_chars,
                            languages=frozenset(settings.languages), n_process=settings.n_process,
                            batch_size=settings.nlp_batch_size, batch_chars=settings.nlp_batch_chars, fault=fault)
    return stage_rows(rows, read, staging, stamp, seconds, fault)


def curate_loaded(plan: BatchPlan, settings: Settings, stamp: Stamp, staging: Staging) -> BatchResult:
    """`curate_here` with this process's model (loaded by its first batch, reused by the next)."""
    clock = time.perf_counter()
    nlp = pipeline(settings.model)
    return curate_here(nlp, plan, settings, stamp, staging, {"load_model": time.perf_counter() - clock})
