"""Scale-out: the same tables from batches on a local Dask cluster of 2 processes as from one process."""

import os
from pathlib import Path

import polars as pl

from schemas.tables import TABLES

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "raw"


def tables(curated: Path) -> dict[str, pl.DataFrame]:
    return {name: pl.read_parquet(curated / name).drop("run_id", strict=False).sort(list(t.key))
            for name, t in TABLES.items() if name != "runs"}


def test_dask_runner_gives_the_default_runners_tables(prefect_harness, tmp_path, monkeypatch):
    from prefect.settings import PREFECT_API_URL

    from flows.curate import curate_articles
    from flows.server import dask_runner

    # Dask workers are other processes: they reach the test's Prefect server through the environment
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    monkeypatch.setenv("NEWSETL_BATCH_SIZE", "2")
    curate_articles(raw=str(SAMPLE), curated=str(tmp_path / "default"))
    flow = curate_articles.with_options(task_runner=dask_runner(None, 2, str(tmp_path / "dask-scratch")))
    summary = flow(raw=str(SAMPLE), curated=str(tmp_path / "dask"))
    assert summary["n_curated"] == 8
    default, dask = tables(tmp_path / "default"), tables(tmp_path / "dask")
    for name in default:
        assert default[name].equals(dask[name]), name
    assert os.environ["PREFECT_API_URL"]
