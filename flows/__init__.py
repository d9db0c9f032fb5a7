"""newsetl's flows: orchestration and I/O around the pure steps of `tasks/`."""

import os
import sys

# polars allocates through its own jemalloc, which keeps freed pages for about ten seconds by
# default, so the peaks of successive publishing stages stack up; return them at once. Read when
# polars first allocates, so it is set before anything here imports polars.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")

# Arrow's default pool in its Linux wheels is mimalloc, which here took ~10x longer than jemalloc or
# glibc's malloc to hand out fresh memory: reading a million rows of the manifest (190 MB) while
# the last read was still alive, 2.6-2.9 s against 0.25-0.34 s (publishing as a whole: within the
# noise of single runs into an empty store). Arrow's jemalloc, then, unless the environment names
# a pool; set before pyarrow picks its default (and our processes inherit it).
if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
    os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "jemalloc"
    if "pyarrow" in sys.modules:  # imported before us: its default may be chosen already
        import pyarrow as pa

        try:
            pa.set_memory_pool(pa.jemalloc_memory_pool())
        except NotImplementedError:  # a build without jemalloc
            pa.set_memory_pool(pa.system_memory_pool())
