"""SQL over the curated tables with DuckDB: one view per table, named after it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from schemas.tables import TABLES


class QueryError(ValueError):
    """The SQL did not run; the message names the tables and columns that exist."""


def require_tables(curated: Path | str) -> None:
    """Refuse a folder that holds no curated tables (a mistyped path, a raw folder)."""
    curated = Path(curated)
    if not curated.is_dir() or not any((curated / name).is_dir() for name in TABLES):
        raise QueryError(f"no curated tables at {curated}: run `newsetl run` first or pass --curated")


def connect(curated: Path | str) -> duckdb.DuckDBPyConnection:
    curated = Path(curated)
    require_tables(curated)
    con = duckdb.connect()
    for name in TABLES:
        folder = curated / name
        if folder.is_dir() and any(folder.glob("*.parquet")):
            glob = str(folder / "*.parquet").replace("'", "''")
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{glob}', union_by_name = true)")
    return con


def catalogue(curated: Path | str) -> str:
    lines = []
    for name in TABLES:
        parts = sorted((Path(curated) / name).glob("*.parquet"))
        cols = pq.read_schema(parts[0]).names if parts else TABLES[name].columns
        lines.append(f"  {name}({', '.join(cols)})")
    return "tables:\n" + "\n".join(lines)


def run_query(curated: Path | str, sql: str) -> pa.Table:
    con = connect(curated)
    try:
        return con.sql(sql).to_arrow_table()
    except duckdb.Error as exc:
        raise QueryError(f"{str(exc).strip()}\n\n{catalogue(curated)}") from None
    finally:
        con.close()


def write(result: pa.Table, fmt: str, output: Path | None) -> str | None:
    """Write csv/json/parquet to `output` (or return csv/json text when there is none)."""
    import polars as pl

    df = pl.from_arrow(result)
    if fmt == "parquet":
        if output is None:
            raise QueryError("--format parquet needs --output FILE")
        df.write_parquet(output)
        return None
    if fmt == "csv":
        # CSV has no lists: join them ("Asbarez; Mirror-Spectator")
        lists = [name for name, dtype in df.schema.items() if isinstance(dtype, pl.List)]
        df = df.with_columns(pl.col(c).cast(pl.List(pl.String)).list.join("; ") for c in lists)
    text = df.write_csv() if fmt == "csv" else df.write_json()
    if output is None:
        return text
    output.write_text(text, encoding="utf-8")
    return None
