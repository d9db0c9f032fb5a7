"""The tables derived from every live row: entity ids of mentions (entity merging), entities,
speaker entities and clusters of claims, and the claim clusters.

Entity ids and clusters derive from all mentions and claims, so a run that changes anything
rebuilds them: slim columns of the live rows are read part by part (memory follows the number of
names and claims, not whole rows), then mentions and claims are rewritten part by part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from flows.memory import release_freed_memory
from flows.staging import without
from flows.store import Builder, Generation, conform
from flows.validation import Checked
from schemas.tables import TABLES, staging_schema
from tasks.clusters import cluster_statements
from tasks.entities import canonicalize_occurrences, merge_occurrences, occurrences
from tasks.rows import Stamp

ROWS_PER_PART = 200_000
SLIM_MENTIONS = ["mention_id", "article_id", "label", "text", "gazetteer_name", "descriptor"]
SLIM_CLAIMS = ["statement_id", "part", "article_id", "content", "polarity", "speaker_name", "speaker_mention_id"]
ARTICLE_FACTS = ["article_id", "publisher", "source_uri", "published"]


def live_parts(base: Generation, table: str, remove: set[str], new: list[Path], columns: list[str] | None = None
               ) -> Iterator[pa.Table]:
    """The rows of `table` that stay (a row group at a time, minus removed articles), then the new
    rows (validated parts written to staging), with only `columns`."""
    schema = staging_schema(TABLES[table])
    for part in base.parts(table):
        file = pq.ParquetFile(part)
        for group in range(file.num_row_groups):
            rows = without(file.read_row_group(group), remove)
            if rows.num_rows:
                yield conform(rows, schema).cast(schema).select(columns or schema.names)
    for part in new:
        yield pq.read_table(part, columns=columns or schema.names)


def _frame(parts: Iterator[pa.Table], table: str, columns: list[str]) -> pl.DataFrame:
    """One frame of the given columns from parts (empty, with its types, when there are none)."""
    frames = [pl.from_arrow(t) for t in parts]
    if not frames:
        return pl.from_arrow(staging_schema(TABLES[table]).empty_table().select(columns))
    return pl.concat(frames, how="vertical_relaxed")


def _rewrite(builder: Builder, table: str, parts: Iterator[pa.Table],
             transform: Callable[[pl.DataFrame], pl.DataFrame]) -> None:
    """Transform rows part by part, streamed into part files of at most ROWS_PER_PART rows."""
    with builder.stream(table, ROWS_PER_PART) as write:
        for rows in parts:
            write(transform(pl.from_arrow(rows)).to_arrow())


def rederive(builder: Builder, base: Generation, remove: set[str], new_mentions: list[Path], new_claims: list[Path],
             new_articles: pa.Table, checked: Checked, stamp: Stamp, lap: Callable[[str], None]) -> None:
    """Write mentions, entities, claims and claim clusters of every live article into `builder`:
    the base generation's rows minus the `remove`d articles, plus the new validated parts."""
    names = merge_occurrences(occurrences(pl.from_arrow(part).rename({"gazetteer_name": "ruler_id"}))
                              for part in live_parts(base, "mentions", remove, new_mentions, SLIM_MENTIONS))
    lap("write")
    entities, links = canonicalize_occurrences(names)
    del names
    release_freed_memory()
    lap("entities")
    _rewrite(builder, "mentions", live_parts(base, "mentions", remove, new_mentions),
             lambda df: df.drop("entity_id").join(links, on="mention_id", how="left"))
    table = entities.with_columns(pipeline_version=pl.lit(stamp.pipeline_version)).select(
        TABLES["entities"].columns).to_arrow().cast(staging_schema(TABLES["entities"]))
    builder.add("entities", checked.rows("entities", table))
    release_freed_memory()
    speaker_links = links.rename({"mention_id": "speaker_mention_id", "entity_id": "_eid"})

    def with_speakers(df: pl.DataFrame) -> pl.DataFrame:
        return df.join(speaker_links, on="speaker_mention_id", how="left").with_columns(
            speaker_entity_id=pl.col("_eid")).drop("_eid")

    claims = _frame(live_parts(base, "claims", remove, new_claims, SLIM_CLAIMS), "claims", SLIM_CLAIMS)
    statements = with_speakers(claims.sort("statement_id", "part").group_by("statement_id", maintain_order=True).agg(
        pl.col("article_id").first(), pl.col("content").str.join(" "), pl.col("polarity").first(),
        pl.col("speaker_name").first(), pl.col("speaker_mention_id").first()))
    del claims
    lap("write")
    live_articles = pl.concat([pl.from_arrow(without(base.read("articles", ARTICLE_FACTS), remove)),
                               pl.from_arrow(new_articles.select(ARTICLE_FACTS))], how="vertical_relaxed")
    clusters, cluster_links = cluster_statements(statements, live_articles)
    del statements
    release_freed_memory()
    lap("clusters")
    _rewrite(builder, "claims", live_parts(base, "claims", remove, new_claims),
             lambda df: with_speakers(df).drop("cluster_id").join(cluster_links, on="statement_id", how="left"))
    builder.add("claim_clusters", clusters.with_columns(pipeline_version=pl.lit(stamp.pipeline_version))
                .select(TABLES["claim_clusters"].columns).to_arrow())
