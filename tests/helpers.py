"""Helpers shared by the tests."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from schemas.tables import TABLES

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "raw"


def snapshot(curated: Path) -> dict[str, pl.DataFrame]:
    """Every table as an analyst reads it, run metadata aside (the `runs` table, `run_id`), in key order."""
    return {name: pl.read_parquet(curated / name).drop("run_id", strict=False).sort(list(table.key))
            for name, table in TABLES.items() if name != "runs"}


def same_tables(a: dict[str, pl.DataFrame], b: dict[str, pl.DataFrame]) -> list[str]:
    """The tables that differ between two snapshots (none: they are equal)."""
    return sorted(k for k in a.keys() | b.keys() if k not in a or k not in b or not a[k].equals(b[k]))
