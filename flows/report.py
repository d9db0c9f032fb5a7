"""Writing a run's HTML report next to the tables (curated/reports/run-<id>.html), atomically."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from tasks.report import build_report

REPORTS = "reports"


def write_report(curated: Path | str, run_id: str) -> Path:
    curated = Path(curated)
    read = lambda t, cols=None: pl.read_parquet(curated / t, columns=cols)  # noqa: E731
    runs = read("runs").filter(pl.col("run_id") == run_id)
    run = runs.row(0, named=True) if runs.height else {"run_id": run_id}
    page = build_report(run, read("articles", ["article_id", "publisher"]),
                        read("claims", ["article_id", "speaker", "speaker_name", "cue", "content", "polarity"]),
                        read("entities"), read("quarantine", ["reason"]), read("claim_clusters"))
    folder = curated / REPORTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"run-{run_id}.html"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return path
