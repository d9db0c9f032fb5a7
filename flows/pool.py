"""One pipeline per core: on several cores, each worker process reads, strips, parses and
extracts whole batches with its own copy of the model.

    flow process                 worker 1 … worker K (spawned once per run; K = NEWSETL_N_PROCESS,
                                 at most one per batch)
    ------------                 ----------------------------------------------------------------
    submit every batch plan ---> the next free worker takes the next batch: read, strip, parse on
                                 one process, extract, stage the rows as Parquet; returns its
    collect the results    <---  `BatchResult` (counts and file records, never the docs)

A parsed doc never crosses a process boundary: the helper design (flows/helper.py) parsed with
spaCy's own processes and handed every doc to the helper, serialising it twice, while stripping
and extraction competed with the parse for the same cores. The batches are those of a run in one
process (`NEWSETL_BATCH_SIZE` consecutive files), so the tables are the same whatever the number of
workers; the price is a last batch that may run alone (at most one batch of parsing on one core).
"""

from __future__ import annotations

from concurrent.futures import Future

from flows.batch import curate_loaded
from flows.children import worker_pool
from flows.records import BatchPlan
from flows.settings import Settings
from flows.staging import Staging
from tasks.rows import Stamp


# -- in the flow's process
class Workers:
    """The worker processes of one run (use as a context manager)."""

    def __init__(self, settings: Settings, stamp: Stamp, staging: Staging, batches: int):
        self.workers = max(1, min(settings.n_process, batches))  # never a worker (and a model) without a batch
        self.settings = settings.overridden(n_process=1)  # each worker parses on its own process
        self.stamp, self.staging = stamp, staging
        self._pool = worker_pool(self.workers)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def curate(self, plan: BatchPlan) -> Future:
        """Queue one batch; the future gives its `BatchResult`."""
        return self._pool.submit(curate_loaded, plan, self.settings, self.stamp, self.staging)
