"""A local Prefect API server for runs whose tasks execute in other processes (Dask workers):
without one, every worker process would start its own temporary server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def api_server(timeout: float = 120.0) -> Iterator[str]:
    """Yield PREFECT_API_URL: the configured one, or a server started here for the duration."""
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"]
        return
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    log = Path(os.environ.get("PREFECT_HOME", ".prefect")) / f"server-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    prefect = Path(sys.executable).with_name("prefect")
    with log.open("wb") as out:
        proc = subprocess.Popen([str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{url}/health", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the local Prefect server did not start; see {log}") from None
                time.sleep(0.5)
        os.environ["PREFECT_API_URL"] = url
        yield url
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def dask_runner(address: str | None, workers: int, local_directory: str):
    """A prefect-dask task runner: an existing cluster at `address`, or a local one of processes."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    import dask

    # the workers' statistical profiler samples the running task's stack every 10 ms from a
    # Python thread, taking the GIL from spaCy's parse (measured: the parse 4% slower); the
    # workers inherit this setting through their nannies
    dask.config.set({"distributed.worker.profile.enabled": False})
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "local_directory": local_directory, "dashboard_address": None})
