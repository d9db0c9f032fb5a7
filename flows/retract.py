"""What removed articles take from the claim clusters, in runs that replace or remove articles
without rebuilding the derived tables (`flows.derive.extend`).

An article that goes (its file changed, was pruned, or its rows failed validation) takes its
statements out of their clusters: a cluster left with none goes too; one left with some is
summed up again from the statements it keeps (wording, speaker, articles, outlets, date), as a
full rebuild sums up a cluster. What stays until the next `newsetl compact`: which statements
share a cluster (a statement that bridged two others does not split them when it goes), and the
removed statements' rows in the claim index. The index is read through `live_joins`, so a
cluster that went is never joined again.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from flows.store import Generation, holders, scan_parts
from tasks.cluster_index import match_existing
from tasks.clusters import statement_groups, statements_of, summarize

ARTICLE_FACTS = ["article_id", "publisher", "source_uri", "published"]  # what clusters take from articles
_MEMBER = ["statement_id", "part", "article_id", "content", "polarity", "speaker_name", "speaker_entity_id"]


def emptied(base: Generation, gone: pl.DataFrame) -> tuple[set[str], set[str], set[str]]:
    """(touched, dead, holding): the clusters of the removed statements (`gone`: statement_id,
    cluster_id), those of them left with none, and the paths of the parts holding them. Only
    those parts are read (a scan of every part's statement ids took 1.4 s at a million articles)."""
    found = holders(base.parts("claim_clusters"), "cluster_id", set(gone["cluster_id"].drop_nulls().to_list()))
    touched, holding = set(found["cluster_id"].to_list()), set(found["_part"].to_list())
    if not touched:
        return set(), set(), set()
    rows = scan_parts([Path(p) for p in sorted(holding)]).select("cluster_id", "statement_ids") \
        .filter(pl.col("cluster_id").is_in(pl.Series(sorted(touched), dtype=pl.String).implode())).collect()
    removed = pl.Series(gone["statement_id"].unique().sort(), dtype=pl.String).implode()
    left = rows.explode("statement_ids").filter(~pl.col("statement_ids").is_in(removed))
    return touched, touched - set(left["cluster_id"].to_list()), holding


def live_joins(base: Generation, index: pl.DataFrame, hits: pl.DataFrame, dead: set[str]
               ) -> tuple[dict[str, str], set[str]]:
    """(joins, parts): the existing cluster each new cluster joins (`match_existing`), never one
    that went, and the paths of the parts holding those. The index keeps the rows of clusters that
    went until the next compaction: a join to one of them is dropped and the new cluster matched
    again among the rest (one scan of the stored cluster ids in the usual run, which finds them all)."""
    parts = base.parts("claim_clusters")
    hits = hits.filter(~pl.col("cluster_id").is_in(pl.Series(sorted(dead), dtype=pl.String).implode()))
    while True:
        joins = match_existing(index, hits)
        found = holders(parts, "cluster_id", set(joins.values()))
        missing = set(joins.values()) - set(found["cluster_id"].to_list())
        if not missing:
            return joins, set(found["_part"].to_list())
        hits = hits.filter(~pl.col("cluster_id").is_in(pl.Series(sorted(missing), dtype=pl.String).implode()))


def refreshed(base: Generation, rows: pl.DataFrame, gone: set[str]) -> pl.DataFrame:
    """The clusters `rows` (claim_clusters rows) without the `gone` statements, summed up again
    from the statements they keep (`summarize`); those left with none are dropped. The kept
    statements and their articles are read with filtered scans: the cost follows the clusters
    touched, not the archive."""
    kept = rows.select("cluster_id", statement_id="statement_ids").explode("statement_id") \
        .filter(~pl.col("statement_id").is_in(pl.Series(sorted(gone), dtype=pl.String).implode()))
    if kept.height == 0:
        return rows.clear().drop("pipeline_version", strict=False)
    ids = kept["statement_id"].unique().sort().implode()
    claims = scan_parts(base.parts("claims")).select(_MEMBER).filter(pl.col("statement_id").is_in(ids)).collect()
    statements = statements_of(claims).join(kept, on="statement_id")
    articles = scan_parts(base.parts("articles")).select(ARTICLE_FACTS).filter(
        pl.col("article_id").is_in(statements["article_id"].unique().sort().implode())).collect()
    return summarize(statement_groups(statements, by=("cluster_id",)), articles)
