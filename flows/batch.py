"""One batch of raw files: reading and staging around the pure steps, in this process or split.

`curate_here` runs a batch in the calling process: read, strip, parse, extract, stage.

`Helper` splits batches over two processes so that parsing, the one irreducible cost, is all the
calling process does: one helper process (spawned once per run) reads and strips the next batch
while this one parses the current batch, then extracts the mentions and claims from the parsed
docs — sent over as `Doc.to_bytes` and rebuilt on a blank vocabulary of the model's language,
which reproduces the parse exactly (tested) — and stages the rows. A batch is handed over by its
index; the helper keeps stripped batches until their parse arrives. No Prefect here: the helper
process imports only what the steps need.
"""

from __future__ import annotations

import functools
import multiprocessing
import time
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import pyarrow as pa
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from flows.model import lexicon
from flows.publish import BatchResult, FileRecord
from flows.settings import Settings
from flows.store import write_parquet
from schemas.tables import TABLES, staging_schema
from tasks.curate import BatchRows, PreparedBatch, Stamp, curate_documents, extract_documents, parse, prepare_documents
from tasks.intake import Document, Rejected, read_documents
from tasks.plan import RawFile

Files = list[tuple[RawFile, str]]  # (file, content hash)


def read_batch(settings: Settings, files: Files, seconds: dict[str, float]) -> list[Document | Rejected]:
    clock = time.perf_counter()
    docs: list[Document | Rejected] = []
    for f, _digest in files:
        try:
            data = (settings.raw / f.rel).read_bytes()
        except OSError as exc:
            docs.append(Rejected(f.rel, None, f"cannot read the file: {exc.strerror or exc}"))
            continue
        docs.extend(read_documents(f.rel, data, max_bytes=settings.max_file_bytes))
    seconds["read"] = time.perf_counter() - clock
    return docs


def stage_rows(rows: BatchRows, files: Files, staging: Path, index: int, seconds: dict[str, float]) -> BatchResult:
    """Write the batch's rows under staging; one record per raw file (curated or quarantined)."""
    clock = time.perf_counter()
    for name, table_rows in rows.tables().items():
        if table_rows:
            table = pa.Table.from_pylist(table_rows, schema=staging_schema(TABLES[name]))
            write_parquet(table, staging / name / f"batch-{index:06d}.parquet")
    curated_ids: dict[str, list[str]] = {}
    for a in rows.articles:
        for uri in a["source_uris"]:
            curated_ids.setdefault(uri.split("#", 1)[0], []).append(a["article_id"])
    records = []
    for f, digest in files:
        ids = sorted(set(curated_ids.get(f.rel, [])))
        records.append(FileRecord(f.rel, f.size, f.mtime_ns, digest, ids, "curated" if ids else "quarantined"))
    seconds.update(rows.seconds)
    seconds["stage"] = time.perf_counter() - clock
    return BatchResult(index=index, records=records, n_articles=len(rows.articles),
                       n_quarantined=len(rows.quarantine), n_words=sum(a["n_words"] for a in rows.articles),
                       seconds=seconds)


def curate_here(nlp: Language, files: Files, settings: Settings, stamp: Stamp, staging: Path, index: int,
                seconds: dict[str, float]) -> BatchResult:
    docs = read_batch(settings, files, seconds)
    rows = curate_documents(docs, nlp, lexicon(), stamp, max_body_chars=settings.max_body_chars,
                            languages=frozenset(settings.languages), n_process=settings.n_process,
                            batch_size=settings.nlp_batch_size)
    return stage_rows(rows, files, staging, index, seconds)


# -- in the helper process
_WAITING: dict[int, tuple[PreparedBatch, dict[str, float]]] = {}  # stripped batches waiting for their parse


def _prepare(settings: Settings, stamp: Stamp, files: Files, index: int) -> list[str]:
    seconds: dict[str, float] = {}
    docs = read_batch(settings, files, seconds)
    batch = prepare_documents(docs, lexicon(), stamp, max_body_chars=settings.max_body_chars,
                              languages=frozenset(settings.languages))
    _WAITING[index] = (batch, seconds)
    return batch.texts


@functools.cache
def _vocab(lang: str) -> Vocab:
    return spacy.blank(lang).vocab


def _extract(stamp: Stamp, files: Files, staging: Path, index: int, lang: str, parsed: list[bytes],
             main_seconds: dict[str, float]) -> BatchResult:
    batch, seconds = _WAITING.pop(index)
    vocab = _vocab(lang)
    clock = time.perf_counter()
    docs = [Doc(vocab).from_bytes(b) for b in parsed]
    seconds["receive"] = time.perf_counter() - clock
    rows = extract_documents(batch, docs, lexicon(), stamp)
    return stage_rows(rows, files, staging, index, {**main_seconds, **seconds})


# -- in the parsing process
class Helper:
    """The helper process of one run (use as a context manager)."""

    def __init__(self, settings: Settings, stamp: Stamp, staging: Path):
        self.settings, self.stamp, self.staging = settings, stamp, staging
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def prepare(self, files: Files, index: int) -> Future:
        """Read and strip a batch in the helper; the future gives the texts to parse."""
        return self._pool.submit(_prepare, self.settings, self.stamp, files, index)

    def parse_and_extract(self, nlp: Language, texts: list[str], files: Files, index: int) -> Future:
        """Parse the texts here, then hand the docs to the helper to extract and stage; the future
        gives the batch's `BatchResult`."""
        seconds = {"send": 0.0}
        parsed = []
        for doc in parse(nlp, texts, seconds, batch_size=self.settings.nlp_batch_size,
                         n_process=self.settings.n_process):
            clock = time.perf_counter()
            parsed.append(doc.to_bytes(exclude=["tensor", "user_data"]))
            seconds["send"] += time.perf_counter() - clock
        return self._pool.submit(_extract, self.stamp, files, self.staging, index, nlp.lang, parsed, seconds)
