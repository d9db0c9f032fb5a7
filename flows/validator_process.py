"""The validator process of a run: great-expectations and the suites in a process of their own.

Kept apart from flows/validation.py so that the process imports only what validating needs
(great-expectations, pyarrow, the table declarations), not the NLP the run's modules bring in.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pyarrow as pa

from flows.children import worker_pool
from schemas.tables import TABLES
from tasks.validate import Outcome, Validator, check_columns, outcome, summary_of

DATA_DOCS = "data_docs"
KEEP_DATA_DOCS = 5  # runs whose Data Docs sites stay next to the tables

_PRESTARTED: list[ValidatorProcess] = []  # started before the run, for it to adopt (flows/validation.py)


def prestart_validator() -> None:
    """Start the validator process of the run this process is about to make (`newsetl run`
    calls it first thing, so that the import overlaps Prefect's start-up too); the run adopts
    it, or stops it at once when it has nothing to validate."""
    if "great_expectations" not in sys.modules and not _PRESTARTED:
        _PRESTARTED.append(ValidatorProcess())


# -- in the validator process
_HERE: list[Validator] = []


def _build() -> dict[str, list[str]]:
    _HERE.append(Validator(TABLES))
    return {name: _HERE[0].read_columns(name) for name in TABLES}


def _failures(name: str, rows: pa.Table, run_name: str | None, part: int) -> tuple[dict[int, list[str]], dict]:
    return _HERE[0].failures(name, rows, run_name, part)


def _data_docs(curated: str, run_id: str) -> str:
    return str(write_docs(_HERE[0].context, curated, run_id))


# -- in the run's process
class ValidatorProcess:
    """A validator in a process of its own: `split` and the Data Docs as the in-process one, only
    the columns the suites read cross over (never bodies)."""

    def __init__(self) -> None:
        self._pool = worker_pool()
        self._columns = self._pool.submit(_build)

    def ready(self) -> None:
        """Wait until the suites are built (raises what building them raised)."""
        self._columns.result()

    def split(self, name: str, rows: pa.Table, run_name: str | None = None, part: int = 0) -> Outcome:
        if rows.num_rows == 0:
            return Outcome(rows, {}, summary_of(0))
        check_columns(TABLES[name], rows)
        read = self._columns.result()[name]
        failures, summary = self._pool.submit(_failures, name, rows.select(read), run_name, part).result()
        return outcome(rows, failures, summary)

    def data_docs(self, curated: Path | str, run_id: str) -> Path:
        return Path(self._pool.submit(_data_docs, str(curated), run_id).result())

    def close(self, now: bool = False) -> None:
        """Stop the process: once its work is done, or `now` (it may still be importing)."""
        if now:
            for proc in list((getattr(self._pool, "_processes", None) or {}).values()):
                proc.terminate()
        self._pool.shutdown(wait=not now, cancel_futures=True)


def write_docs(ctx, curated: Path | str, run_id: str) -> Path:
    """Render the run's results held by a great-expectations context as a Data Docs site."""
    store = ctx.validation_results_store
    for k in store.list_keys():  # results a failed run of this process left behind are not this run's
        if getattr(k.run_id, "run_name", None) != run_id:
            store.remove_key(k)
    folder = Path(curated) / DATA_DOCS / run_id
    try:
        site = f"newsetl-{run_id}"
        ctx.add_data_docs_site(site, {"class_name": "SiteBuilder",
                                      "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                                      "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                                                        "base_directory": str(folder) + "/"}})
        try:
            ctx.build_data_docs(site_names=[site])
        finally:
            ctx.delete_data_docs_site(site)
    finally:
        for k in store.list_keys():  # rendered: they leave the store
            store.remove_key(k)
    _prune(Path(curated) / DATA_DOCS, keep=KEEP_DATA_DOCS)
    return folder / "index.html"


def _prune(root: Path, keep: int) -> None:
    sites = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.name)  # run ids sort by time
    for old in sites[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
