"""Fault isolation: an error inside any per-article step (intake, strip, parse, mentions, claims,
stage) sets that article aside with a quarantine row naming the step, the error and its trace
digest; none of its rows land; every other article lands exactly as in a run without the
error. In one process, with the helper process, with a worker process per core, and on the Dask
runner."""

import polars as pl
import pytest

from tests.helpers import snapshot

STEPS = ["intake", "strip", "parse", "mentions", "claims", "stage"]
TOWNS = ["Bergen", "Tromsø", "Ålesund", "Bodø", "Molde", "Narvik", "Harstad", "Hamar"]


def article(i: int) -> str:
    town = TOWNS[i]
    return (f"Ferry link to {town} reopens after {i + 2} days\n\n"
            f"The ferry link between Stavanger and {town} reopened on Monday, operator Fjord Line said in a "
            f"statement on its website.\n\n"
            f"“We lost {i + 2} days of traffic to the storm in {town},” said Kari Moe, a spokeswoman for the "
            f"company. She added that the {town} quay had been inspected.\n")


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    base = tmp_path_factory.mktemp("faults")
    raw, clean = base / "raw", base / "clean-raw"
    raw.mkdir()
    clean.mkdir()
    for i, step in enumerate(STEPS):
        (raw / f"victim-{step}.txt").write_text(article(i), encoding="utf-8")
    for i in (6, 7):
        for folder in (raw, clean):
            (folder / f"ok-{i}.txt").write_text(article(i), encoding="utf-8")
    return base, raw, clean


@pytest.fixture(scope="module")
def clean_run(prefect_harness, folders):
    from flows.curate import curate_articles

    base, _, clean = folders
    curate_articles(raw=str(clean), curated=str(base / "clean"))
    return snapshot(base / "clean")


FAULTS = ",".join(f"{step}:victim-{step}" for step in STEPS)


def check(curated, summary, clean):
    quarantine = pl.read_parquet(curated / "quarantine")
    by_file = {row["source_uri"]: row for row in quarantine.iter_rows(named=True)}
    for step in STEPS:
        row = by_file[f"victim-{step}.txt"]
        assert row["stage"] == step, row
        assert f"fault injected into {step}" in row["reason"] and row["error_digest"], row
        assert row["source_file"] == f"victim-{step}.txt"
    tables = snapshot(curated)
    for name in ("articles", "segments", "comments", "mentions", "claims"):
        assert tables[name].equals(clean[name]), name  # the rest as in a run without errors, nothing partial
    assert summary["n_errors"] == len(STEPS)
    assert pl.read_parquet(curated / "runs")["n_errors"].to_list() == [len(STEPS)]
    assert summary["n_curated"] == 2


@pytest.mark.parametrize("runner", ["one-process", "helper", "workers"])
def test_an_error_in_any_step_costs_only_its_article(prefect_harness, folders, clean_run, tmp_path, monkeypatch,
                                                    runner):
    from flows.curate import curate_articles

    _, raw, _ = folders
    monkeypatch.setenv("NEWSETL_FAULT", FAULTS)
    monkeypatch.setenv("NEWSETL_HELPER", "false" if runner == "one-process" else "true")
    if runner != "one-process":
        monkeypatch.setenv("NEWSETL_N_PROCESS", "2" if runner == "workers" else "1")
    monkeypatch.setenv("NEWSETL_BATCH_SIZE", "64" if runner == "one-process" else "2")
    summary = curate_articles(raw=str(raw), curated=str(tmp_path / "curated"))
    if runner == "helper":
        assert "receive" in summary["timings"]  # the helper process did the extraction
    if runner == "workers":
        assert "receive" not in summary["timings"] and "load_model" in summary["timings"]  # a worker per core
    check(tmp_path / "curated", summary, clean_run)


@pytest.mark.slow
def test_an_error_in_any_step_costs_only_its_article_on_dask(prefect_harness, folders, clean_run, tmp_path,
                                                            monkeypatch):
    from prefect.settings import PREFECT_API_URL

    from flows.curate import curate_articles
    from flows.server import dask_runner

    _, raw, _ = folders
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    monkeypatch.setenv("NEWSETL_FAULT", FAULTS)
    monkeypatch.setenv("NEWSETL_BATCH_SIZE", "2")
    flow = curate_articles.with_options(task_runner=dask_runner(None, 2, str(tmp_path / "dask-scratch")))
    summary = flow(raw=str(raw), curated=str(tmp_path / "curated"))
    check(tmp_path / "curated", summary, clean_run)


def test_a_real_error_in_claims_costs_only_its_article(prefect_harness, tmp_path):
    """The article that sank whole runs (doubled single quotes; a speaker span without a word)
    is curated now; and were any step to raise on it, the rest of the folder would land."""
    from flows.curate import curate_articles

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "comic.txt").write_text(
        "Local comic shop marks first birthday\n\nThe shop opened last spring on Main Street.\n\n"
        "‘‘We wanted a home for independent comic books and local creators,’’ says the 39-year-old founder of "
        "Northside Press, which recently celebrated its first birthday.\n", encoding="utf-8")
    (raw / "ok.txt").write_text(article(0), encoding="utf-8")
    summary = curate_articles(raw=str(raw), curated=str(tmp_path / "curated"))
    assert summary["n_curated"] == 2 and summary["n_errors"] == 0
