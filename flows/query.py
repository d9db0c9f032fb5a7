"""SQL over the curated tables with DuckDB: one view per table, named after it, and `statements`
(the claims' quoted parts joined per statement)."""

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
        parts = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
        if parts:
            # the part files by name, not a glob pattern: DuckDB would read "[", "*" and "?" in the
            # curated folder's own path as one, and find no files
            files = ", ".join("'" + str(part).replace("'", "''") + "'" for part in parts)
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{files}], union_by_name = true)")
    if "claims" in {r[0] for r in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}:
        con.execute(STATEMENTS)
    return con


# one row per statement: its quoted parts joined in order (what PolNeAR-style annotation calls one attribution)
STATEMENTS = """
CREATE VIEW statements AS
SELECT statement_id, article_id, field,
       first(speaker ORDER BY part) AS speaker, first(speaker_name ORDER BY part) AS speaker_name,
       first(speaker_entity_id ORDER BY part) AS speaker_entity_id, first(cue ORDER BY part) AS cue,
       string_agg(content, ' ' ORDER BY part) AS content, min(start) AS start, max("end") AS "end",
       count(*) AS n_parts, CASE WHEN count(DISTINCT kind) = 1 THEN first(kind) ELSE 'mixed' END AS kind,
       first(polarity ORDER BY part) AS polarity, first(cluster_id ORDER BY part) AS cluster_id,
       list(claim_id ORDER BY part) AS claim_ids
FROM claims GROUP BY statement_id, article_id, field
"""


def catalogue(curated: Path | str) -> str:
    lines = []
    for name in TABLES:
        parts = sorted((Path(curated) / name).glob("*.parquet"))
        cols = pq.read_schema(parts[0]).names if parts else TABLES[name].columns
        lines.append(f"  {name}({', '.join(cols)})")
    lines.append("  statements(statement_id, article_id, field, speaker, speaker_name, speaker_entity_id, cue, "
                 "content, start, end, n_parts, kind, polarity, cluster_id, claim_ids)")
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
