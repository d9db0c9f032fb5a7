"""Scale-out: the same tables from batches on a local Dask cluster of 2 processes as from one process."""

import pytest

from tests.helpers import SAMPLE, same_tables, snapshot


@pytest.mark.slow
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
    assert summary["n_curated"] == 10  # the bundled sample's articles
    assert same_tables(snapshot(tmp_path / "default"), snapshot(tmp_path / "dask")) == []
