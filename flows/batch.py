"""One batch of raw files around the pure steps: read each file once, curate, stage the rows.

`read_batch` reads and hashes every file of a `BatchPlan` once: bytes the manifest knows as
curated (or that an earlier file of the batch has) are recorded, not curated again; the rest
are decoded into documents. `stage_rows` writes the batch's rows to the run's staging folder and
says, per raw file, what became of it. `curate_here` does all of it in this process; the
helper process (`flows/helper.py`) does the same split over two processes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from spacy.language import Language

from flows.model import lexicon
from flows.records import BatchPlan, BatchResult, FileRecord
from flows.settings import Settings
from flows.staging import Staging
from tasks.curate import BatchRows, Stamp, curate_documents
from tasks.intake import Document, Rejected, read_documents, sha256
from tasks.plan import RawFile


@dataclass
class ReadBatch:
    """A batch's files, read: documents to curate and the files recorded without curating."""

    plan: BatchPlan
    docs: list[Document | Rejected] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)  # raw path -> content hash, for files read
    origin: dict[str, str] = field(default_factory=dict)  # document source_uri -> its raw file's path
    recorded: list[FileRecord] = field(default_factory=list)  # bytes curated already: nothing to do
    same_as: list[tuple[RawFile, str]] = field(default_factory=list)  # (file, the batch's file with its bytes)


def read_batch(settings: Settings, plan: BatchPlan, seconds: dict[str, float]) -> ReadBatch:
    clock = time.perf_counter()
    out = ReadBatch(plan)
    first_with: dict[str, str] = {}
    for f in plan.files:
        try:
            data = (settings.raw / f.rel).read_bytes()
        except OSError as exc:
            out.hashes[f.rel] = "unreadable:" + f.rel
            out.docs.append(Rejected(f.rel, None, f"cannot read the file: {exc.strerror or exc}"))
            out.origin[f.rel] = f.rel
            continue
        digest = sha256(data)
        known = plan.known.get(digest) if f.rel not in plan.forced else None
        if known is not None:
            out.recorded.append(FileRecord(f.rel, f.size, f.mtime_ns, digest, list(known.article_ids), "curated"))
            continue
        if digest in first_with:
            out.same_as.append((f, first_with[digest]))
            continue
        first_with[digest] = f.rel
        out.hashes[f.rel] = digest
        for doc in read_documents(f.rel, data, max_bytes=settings.max_file_bytes, digest=digest):
            out.origin[doc.source_uri] = f.rel
            out.docs.append(doc)
    seconds["read"] = time.perf_counter() - clock
    return out


def stage_rows(rows: BatchRows, read: ReadBatch, staging: Staging, seconds: dict[str, float]) -> BatchResult:
    """Write the batch's rows under staging; one record per raw file (curated, quarantined, or
    recorded because its bytes were curated already)."""
    clock = time.perf_counter()
    index = read.plan.index
    for name, table_rows in rows.tables().items():
        staging.write_batch(name, index, table_rows)
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
                       n_words=sum(a["n_words"] for a in rows.articles), seconds=seconds)


def curate_here(nlp: Language, plan: BatchPlan, settings: Settings, stamp: Stamp, staging: Staging,
                seconds: dict[str, float]) -> BatchResult:
    """Read, strip, parse, extract and stage one batch in this process."""
    read = read_batch(settings, plan, seconds)
    rows = curate_documents(read.docs, nlp, lexicon(), stamp, max_body_chars=settings.max_body_chars,
                            languages=frozenset(settings.languages), n_process=settings.n_process,
                            batch_size=settings.nlp_batch_size)
    return stage_rows(rows, read, staging, seconds)
