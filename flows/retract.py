"""What removed articles take from the claim clusters, in runs that replace or remove articles
without rebuilding the derived tables (`flows.derive.extend`).

An article that goes (its file changed, was pruned, or its rows failed validation) takes its
statements out of their clusters: a cluster left with none goes too; one left with some is
summed up again from the statements it keeps (wording, speaker, articles, outlets, date), as a
full rebuild sums up a cluster, or, past what a run sums up again (REFRESH_BUDGET statements,
smallest clusters first), only loses them from its lists. What stays until the next `newsetl
compact`: which statements share a cluster (a statement that bridged two others does not split
them when it goes), the wording, speaker, outlets and date of the clusters past the budget, and
the removed statements' rows in the claim index.
The index is read through `live_joins`, so a cluster that went is never joined again.
"""

from __future__ import annotations

import polars as pl

from flows.store import Generation, holders, scan_parts
from tasks.cluster_index import match_existing, withdraw
from tasks.clusters import statement_groups, statements_of, summarize

ARTICLE_FACTS = ["article_id", "publisher", "source_uri", "published"]  # what clusters take from articles
REFRESH_BUDGET = 100_000  # statements a run reads to sum touched clusters up again; the rest: lists alone
_MEMBER = ["statement_id", "part", "article_id", "content", "polarity", "speaker_name", "speaker_entity_id"]


def emptied(base: Generation, gone: pl.DataFrame) -> tuple[set[str], set[str], set[str]]:
    """(touched, dead, holding): the clusters of the removed statements (`gone`: statement_id,
    cluster_id), those of them left with none (as many statements removed as they have), and
    the paths of the parts holding them: one scan of the cluster ids and sizes."""
    removed = gone.drop_nulls("cluster_id").group_by("cluster_id").agg(_gone=pl.col("statement_id").n_unique())
    if removed.height == 0:
        return set(), set(), set()
    rows = scan_parts(base.parts("claim_clusters"), include_file_paths="_part") \
        .select("cluster_id", "n_statements", "_part") \
        .filter(pl.col("cluster_id").is_in(removed["cluster_id"].sort().implode())).collect() \
        .join(removed, on="cluster_id")
    dead = rows.filter(pl.col("n_statements") <= pl.col("_gone"))["cluster_id"]
    return set(rows["cluster_id"].to_list()), set(dead.to_list()), set(rows["_part"].to_list())


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


def refreshed(base: Generation, rows: pl.DataFrame, gone: pl.DataFrame, dead_entities: set[str]) -> pl.DataFrame:
    """The clusters `rows` (claim_clusters rows) without the `gone` statements (statement_id,
    article_id of the removed claims); those left with none are dropped. The touched clusters,
    smallest first, are summed up again from the statements they keep (`summarize`: they and their
    articles read with filtered scans) while those add up to at most REFRESH_BUDGET; the others
    lose the statements and articles from their lists, the rest kept until the next compaction
    (`withdraw`: summing up a cluster of millions read every claim of it, 16 GB at a million
    synthetic articles, and a re-curation spread over that archive touched clusters enough to
    read 3.7 GB). The cost follows the clusters touched, bounded, not the archive."""
    statements, articles = gone["statement_id"], gone["article_id"]
    rows = rows.sort("n_statements", "cluster_id")
    fits = pl.col("n_statements").cast(pl.Int64).cum_sum() <= REFRESH_BUDGET
    small = rows.filter(fits)
    large = withdraw(rows.filter(~fits).drop("pipeline_version", strict=False),
                     statements, articles, pl.Series(sorted(dead_entities), dtype=pl.String))
    kept = small.select("cluster_id", statement_id="statement_ids").explode("statement_id") \
        .filter(~pl.col("statement_id").is_in(statements.unique().sort().implode()))
    if kept.height == 0:
        return large
    ids = kept["statement_id"].unique().sort().implode()
    claims = scan_parts(base.parts("claims")).select(_MEMBER).filter(pl.col("statement_id").is_in(ids)).collect()
    members = statements_of(claims).join(kept, on="statement_id")
    facts = scan_parts(base.parts("articles")).select(ARTICLE_FACTS).filter(
        pl.col("article_id").is_in(members["article_id"].unique().sort().implode())).collect()
    return pl.concat([summarize(statement_groups(members, by=("cluster_id",)), facts), large], how="vertical_relaxed")
