"""Handing memory back to the operating system between the stages of a long run."""

from __future__ import annotations

import ctypes
import gc

import pyarrow as pa


def release_freed_memory() -> None:
    """Hand back to the OS the memory that freed objects left in glibc's heap and in Arrow's pool
    (both keep it otherwise), so that each publishing stage starts from what is live, not from
    the previous stage's high-water mark."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass
