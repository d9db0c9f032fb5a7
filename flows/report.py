"""A run's HTML report, built from the generation the run is about to publish and written next to
the tables (curated/reports/run-<id>.html) once the generation is in place."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from flows.store import scan_parts
from schemas.tables import TABLES
from tasks.report import build_report

REPORTS = "reports"


def build_from(generation: Path, run: dict, articles: set[str] | None = None) -> str:
    """The report of a run whose tables are in `generation` (a folder of table folders).

    Its sections cover the run's `articles` (all articles when None): what is new, read from the
    part files this run wrote, so the report costs what the run added, not the archive; the
    corpus's sizes come from the files' metadata."""
    run_id = run.get("run_id", "")

    def rows(table: str, columns: list[str] | None = None, key: str = "article_id",
             ids: set[str] | None = articles) -> pl.DataFrame:
        folder = generation / table
        parts = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
        if ids is not None:
            parts = [p for p in parts if p.name.startswith(f"part-{run_id}-")]
        if not parts:
            return pl.from_arrow(TABLES[table].schema.empty_table()).select(columns or TABLES[table].columns)
        scan = scan_parts(parts)
        scan = scan.select(columns) if columns else scan
        if ids is not None:
            # filtered while read: a run that replaced articles spread over the archive rewrote every
            # mentions and claims part, and reading them whole to keep its own rows took 5.4 GB at a
            # million articles
            scan = scan.filter(pl.col(key).is_in(pl.Series(sorted(ids), dtype=pl.String).implode()))
        return scan.collect()

    claims = rows("claims", ["statement_id", "part", "article_id", "speaker", "speaker_name", "cue", "content",
                             "polarity", "cluster_id"])
    touched = rows("mentions", ["article_id", "entity_id"])["entity_id"].unique().to_list()
    totals = {t: sum(pq.ParquetFile(p).metadata.num_rows for p in (generation / t).glob("*.parquet"))
              for t in ("articles", "claims", "entities", "claim_clusters")}
    return build_report(run, rows("articles", ["article_id", "publisher", "published"]), claims.drop("cluster_id"),
                        rows("entities", key="entity_id", ids=None if articles is None else set(touched)),
                        rows("quarantine", ["reason"], ids=None),
                        rows("claim_clusters", key="cluster_id",
                             ids=None if articles is None else set(claims["cluster_id"].drop_nulls())),
                        totals=totals)


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
