"""Worker processes of a run (the helper, the validator) that never outlive it."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor


def _die_with(parent: int) -> None:
    """In the worker: exit as soon as the process that started it is gone. A worker blocked on its
    call queue never sees the parent die by itself (kill -9, out of memory) and would linger."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def worker_pool(workers: int = 1) -> ProcessPoolExecutor:
    """Spawned worker processes that exit with this process, however it ends."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_die_with,
                               initargs=(os.getpid(),))
