"""A run's HTML report, built from the generation the run is about to publish and written next to
the tables (curated/reports/run-<id>.html) once the generation is in place."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from schemas.tables import TABLES
from tasks.report import build_report

REPORTS = "reports"


def _read(folder: Path, table: str, columns: list[str] | None = None) -> pl.DataFrame:
    parts = sorted((folder / table).glob("*.parquet")) if (folder / table).is_dir() else []
    if not parts:
        return pl.from_arrow(TABLES[table].schema.empty_table()).select(columns or TABLES[table].columns)
    return pl.read_parquet(parts, columns=columns)


def build_from(generation: Path, run: dict) -> str:
    """The report of a run whose tables are in `generation` (a folder of table folders)."""
    return build_report(run, _read(generation, "articles", ["article_id", "publisher", "published"]),
                        _read(generation, "claims", ["statement_id", "part", "article_id", "speaker", "speaker_name",
                                                     "cue", "content", "polarity"]),
                        _read(generation, "entities"), _read(generation, "quarantine", ["reason"]),
                        _read(generation, "claim_clusters"))


def report_path(curated: Path | str, run_id: str) -> Path:
    return Path(curated) / REPORTS / f"run-{run_id}.html"


def write_report(curated: Path | str, run_id: str, page: str) -> Path:
    """Write the page atomically (a reader never sees half a report)."""
    path = report_path(curated, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return path
