"""Validating a run's rows with the suites generated from `schemas/` (tasks/validate.py): rows
that pass go on; rows that fail become quarantine rows naming the expectations they broke."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa

from flows.staging import Staging
from flows.validator_process import _PRESTARTED, DATA_DOCS, ValidatorProcess, write_docs
from schemas.tables import TABLES
from tasks.rows import Stamp, quarantine_row
from tasks.validate import Validator, summary_of

VALIDATION_CHUNK = 50_000  # rows per suite run: each run has a fixed cost; memory stays small

_LOCAL = threading.local()
_SERVICES: dict[str, ValidatorProcess] = {}  # run id -> the validator process of that run


def validator(run_id: str | None = None) -> Validator | ValidatorProcess:
    """The run's validator process if it has one (`validation_for`), else this thread's validator:
    building one (a great-expectations context and a suite per table) takes about half a second,
    so a long-lived process (`newsetl serve`) builds it once."""
    if run_id in _SERVICES:
        return _SERVICES[run_id]
    if getattr(_LOCAL, "validator", None) is None:
        _LOCAL.validator = Validator(TABLES)
    return _LOCAL.validator


def prepare_validator(run_id: str) -> None:
    """Build the run's validator, or wait until its process has built it."""
    v = validator(run_id)
    if isinstance(v, ValidatorProcess):
        v.ready()


@contextmanager
def validation_for(run_id: str, when: bool = True) -> Iterator[None]:
    """Within: the run's rows are validated in a process of its own (the one `prestart_validator`
    started, else one started now) if this process
    has not imported great-expectations yet (a `newsetl run`): importing it and building the suites
    (~2.5 s, more than a small run's parse) then overlaps planning, loading the model and parsing
    instead of following them. A process that has (`newsetl serve`, the tests) validates in its
    own threads, as it did; so does a run with nothing to read (`when` false)."""
    adopted = _PRESTARTED.pop() if _PRESTARTED else None
    if not when or "great_expectations" in sys.modules:
        if adopted is not None:
            adopted.close(now=True)
        yield
        return
    service = adopted or ValidatorProcess()
    _SERVICES[run_id] = service
    try:
        yield
    finally:
        _SERVICES.pop(run_id, None)
        service.close()


class Checked:
    """The validation of one run: a summary per table and the quarantine rows of failing rows."""

    def __init__(self, stamp: Stamp):
        self.stamp = stamp
        self.uris: dict[str, str] = {}  # article id -> the source its row names
        self.files: dict[str, str] = {}  # article id -> a raw file it came from
        self.summary: dict[str, dict] = {}
        self.quarantine: list[dict] = []
        self._chunks: dict[str, int] = {}  # table -> chunks validated so far (each its own Data Docs page)

    def rows(self, table: str, rows: pa.Table) -> pa.Table:
        """The rows of `table` that pass its suite, checked in bounded chunks."""
        kept = []
        agg = self.summary.setdefault(table, summary_of(0))
        for offset in range(0, rows.num_rows, VALIDATION_CHUNK):
            chunk = rows.slice(offset, VALIDATION_CHUNK)
            part = self._chunks[table] = self._chunks.get(table, -1) + 1
            out = validator(self.stamp.run_id).split(table, chunk, run_name=self.stamp.run_id, part=part)
            kept.append(out.good)
            self._failures(table, chunk, out.failures)
            agg["rows"] += out.summary["rows"]
            agg["failed_rows"] += out.summary["failed_rows"]
            agg["expectations"] = out.summary["expectations"]
            agg["failed"] = sorted(set(agg["failed"]) | set(out.summary["failed"]))
        return pa.concat_tables(kept) if kept else rows

    def staged(self, staging: Staging, table: str, drop: dict[str, set[str]], fill: dict[str, str]) -> list[Path]:
        """Validate the run's staged rows of `table` in bounded chunks, straight from the batch
        files, writing the rows that pass back to staging: the new rows are never all in memory."""
        out: list[Path] = []
        buffer: list[pa.Table] = []

        def flush() -> None:
            if not buffer:
                return
            rows = pa.concat_tables(buffer)
            buffer.clear()
            for column, value in fill.items():  # filled in by publishing, after validation
                rows = rows.set_column(rows.schema.get_field_index(column), column,
                                       pa.array([value] * rows.num_rows, pa.string()))
            good = self.rows(table, rows)
            if good.num_rows:
                out.append(staging.write_validated(table, good))

        for _name, rows in staging.batches(table, drop=drop):
            buffer.append(rows)
            if sum(t.num_rows for t in buffer) >= VALIDATION_CHUNK:
                flush()
        flush()
        return out

    def _failures(self, table: str, rows: pa.Table, failures: dict[int, list[str]]) -> None:
        if not failures:
            return
        positions = sorted(failures)  # only the failing rows become Python objects
        for i, row in zip(positions, rows.take(pa.array(positions, pa.int64())).to_pylist()):
            aid = row.get("article_id")
            self.quarantine.append(quarantine_row(self.stamp, self.uris.get(aid, row.get("source_uri") or "?"),
                                                  "validate", "failed " + "; ".join(failures[i]),
                                                  source_file=self.files.get(aid), article=aid, table=table,
                                                  row=row))


def data_docs_path(curated: Path | str, run_id: str) -> Path:
    return Path(curated) / DATA_DOCS / run_id / "index.html"


def write_data_docs(curated: Path | str, run_id: str) -> Path:
    """Great Expectations' own Data Docs site of this run's validation results (every table's
    suite, every expectation, samples of failing rows) under `curated/data_docs/<run_id>/`, next
    to the tables; older runs' sites beyond the last few are removed. The results leave the
    context's store once rendered (a long-lived process does not accumulate them)."""
    curated = Path(curated).resolve()  # great-expectations wants an absolute folder, resolved here (not in its process)
    service = _SERVICES.get(run_id)
    if service is not None:
        return service.data_docs(curated, run_id)
    return write_docs(validator().context, curated, run_id)
