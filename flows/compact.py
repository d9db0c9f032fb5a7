"""`newsetl compact`: rebuild the derived tables of a store from every live row.

Runs that only add articles extend entities and claim clusters through their indexes
(flows/derive.py `extend`), which cannot merge two entities or clusters the store already had
nor re-decide a canonical name as counts shift. A compaction rebuilds mentions' entity ids,
entities, claims' clusters, claim clusters and both indexes globally, as a full rebuild does, and
publishes them as a new generation (atomically, under the store's lock); the per-article tables,
quarantine, runs and manifest carry over unchanged (hard links).
"""

from __future__ import annotations

from flows.derive import rederive
from flows.model import pipeline_version
from flows.publish import DERIVED, Clock
from flows.settings import Settings
from flows.store import CuratedStore, StoreLayoutError, locked
from flows.validation import Checked
from schemas.tables import TABLES, staging_schema
from tasks.rows import Stamp


def compact_store(curated, run_id: str, *, model: str | None = None, lock_wait: float = 0.0) -> dict:
    """Rebuild the derived tables of the store at `curated`; returns seconds per stage."""
    store = CuratedStore(curated)
    if not store.current().path:
        raise StoreLayoutError(f"{store.root} holds no curated tables to compact")
    stamp = Stamp(pipeline_version(model or Settings().model), run_id)
    clock = Clock()
    with locked(store.root, wait=lock_wait):
        base = store.current()
        builder = store.builder(run_id)
        for table in TABLES:
            if table not in DERIVED:
                for part in base.parts(table):
                    builder.keep(table, part)
        empty = staging_schema(TABLES["articles"]).empty_table()
        rederive(builder, base, set(), [], [], empty, Checked(stamp), stamp, clock.lap)
        builder.set_manifest(base.manifest())
        builder.commit()
        store.collect_garbage()
    clock.lap("write")
    return {k: round(v, 3) for k, v in clock.seconds.items()}
