"""What a run knows about its raw files on the way through: the plan, each batch's work, the
manifest rows it leaves behind. Plain data, passed between the flow, its batches and publishing."""

from __future__ import annotations

from dataclasses import dataclass, field

from tasks.plan import Known, RawFile


@dataclass(frozen=True)
class FileRecord:
    """One raw file as the manifest remembers it (a row of `schemas.tables.MANIFEST`)."""

    source_uri: str
    size: int
    mtime_ns: int
    content_hash: str
    article_ids: list[str]
    status: str  # curated | quarantined


@dataclass(frozen=True)
class BatchPlan:
    """One batch of raw files to read. `known` holds what the manifest knows of contents of the
    same sizes (same bytes have the same size), so a file whose bytes are already curated by this
    pipeline version is recorded without being curated again, unless `forced`."""

    index: int
    files: list[RawFile]
    known: dict[str, Known] = field(default_factory=dict)
    forced: frozenset[str] = frozenset()


@dataclass(frozen=True)
class BatchResult:
    index: int
    records: list[FileRecord]  # every file of the batch
    duplicates: list[str]  # files recorded without curating: their bytes were curated already
    n_articles: int
    n_quarantined: int
    n_words: int
    seconds: dict[str, float]  # per stage: read, strip, nlp, extract, stage
    skipped: dict[str, list[str]] = field(default_factory=dict)  # reason -> archives of records not read as articles


@dataclass
class RunPlan:
    """What a run reads, from the raw folder's file stats and the last manifest."""

    files: int = 0
    unchanged: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # in the manifest, gone from the raw folder
    stale: int = 0  # files an older pipeline version curated, re-curated now
    deferred: int = 0  # such files beyond this run's bound
    prune: bool = False  # drop the rows of missing files
    to_read: list[RawFile] = field(default_factory=list)
    forced: frozenset[str] = frozenset()  # curate again whatever the manifest says
    known: dict[str, Known] = field(default_factory=dict)  # contents of the sizes of `to_read`
    skipped: dict[str, list[str]] = field(default_factory=dict)  # reason -> entries of the raw folder not read
    bad_names: list[RawFile] = field(default_factory=list)  # new files whose names are not UTF-8 (escaped)

    def batch(self, index: int, files: list[RawFile]) -> BatchPlan:
        sizes = {f.size for f in files}
        return BatchPlan(index, files, {h: k for h, k in self.known.items() if k.size in sizes},
                         frozenset(f.rel for f in files if f.rel in self.forced))


def merge_slices(records: list[FileRecord]) -> list[FileRecord]:
    """One record per raw file: the slices of an archive (several batches) give one, with every
    article of every slice; curated when any slice gave an article."""
    by_uri: dict[str, list[FileRecord]] = {}
    for r in records:
        by_uri.setdefault(r.source_uri, []).append(r)
    out = []
    for uri, parts in by_uri.items():
        if len(parts) == 1:
            out.append(parts[0])
            continue
        ids = sorted({a for p in parts for a in p.article_ids})
        first = parts[0]
        out.append(FileRecord(uri, first.size, first.mtime_ns, first.content_hash, ids,
                              "curated" if ids else "quarantined"))
    return out
