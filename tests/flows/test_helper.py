"""Batches split over two processes (parse here; read, strip, extract in the helper) give exactly
the tables of batches run in one process: the parse crosses over as `Doc.to_bytes` intact."""

from pathlib import Path

import polars as pl

from schemas.tables import TABLES

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "raw"


def tables(curated: Path) -> dict[str, pl.DataFrame]:
    return {name: pl.read_parquet(curated / name).drop("run_id", strict=False).sort(list(t.key))
            for name, t in TABLES.items() if name != "runs"}


def test_helper_process_gives_the_same_tables_as_one_process(prefect_harness, tmp_path, monkeypatch):
    from flows.curate import curate_articles

    monkeypatch.setenv("NEWSETL_BATCH_SIZE", "2")
    monkeypatch.setenv("NEWSETL_HELPER", "false")
    alone = curate_articles(raw=str(SAMPLE), curated=str(tmp_path / "alone"))
    monkeypatch.setenv("NEWSETL_HELPER", "true")
    helped = curate_articles(raw=str(SAMPLE), curated=str(tmp_path / "helped"))
    assert "send" in helped["timings"] and "receive" in helped["timings"]  # the helper did the work
    assert "send" not in alone["timings"]
    assert helped["n_curated"] == alone["n_curated"] == 8
    one, two = tables(tmp_path / "alone"), tables(tmp_path / "helped")
    for name in one:
        assert one[name].height > 0 or name in {"quarantine"}, name
        assert one[name].equals(two[name]), name
