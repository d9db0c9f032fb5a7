"""newsetl's flows: orchestration and I/O around the pure steps of `tasks/`."""

import os

# polars allocates through its own jemalloc, which keeps freed pages for about ten seconds by
# default, so the peaks of successive publishing stages stack up; return them at once. Read when
# polars first allocates, so it is set before anything here imports polars.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
