"""Claim clusters of new articles, through the persisted index of MinHash bands (incremental runs).

A full rebuild (`cluster_statements(..., with_index=True)`) stores the MinHash bands of every
distinct statement with its cluster. A run that only adds articles clusters its new statements
among themselves by the same rules, then looks their bands up in the index: a new cluster that
shares a band with an existing cluster of the same polarity and an agreeing speaker (or none)
joins it — the one sharing most bands — and only the clusters joined are rewritten.

Approximate where the full rebuild is exact: candidates come from bands (Jaccard similarity of
shingles), not from the containment the full rebuild verifies, so a short excerpt of a long
statement may stay apart, and two existing clusters a new statement would bridge stay two.
`newsetl compact` rebuilds them exactly.
"""

from __future__ import annotations

import polars as pl

from tasks.clusters import name_key

INDEX_SCHEMA = {"band": pl.Int64, "cluster_id": pl.String, "polarity": pl.String, "speaker": pl.String}


def to_stored(index: pl.DataFrame) -> pl.DataFrame:
    """Index rows as the `claim_index` table stores them: the cluster id (16 hex digits) as a
    number, so the lookup every run makes through the whole index decodes no strings but speakers."""
    return index.select("band", cluster=pl.col("cluster_id").str.to_integer(base=16, dtype=pl.UInt64),
                        polarity="polarity", speaker="speaker")


def from_stored(rows: pl.DataFrame) -> pl.DataFrame:
    """Stored index rows (the few a lookup keeps) with their cluster ids again, as in `INDEX_SCHEMA`."""
    ids = pl.Series("cluster_id", [f"{n:016x}" for n in rows["cluster"].to_list()], dtype=pl.String)
    return rows.with_columns(ids).select(list(INDEX_SCHEMA)).cast(INDEX_SCHEMA)


def candidate_rows(index: pl.DataFrame) -> pl.Expr:
    """A filter on the stored index keeping every row `match_existing` can pair with the new
    clusters' bands: their bands, and of those only rows without a speaker, rows of a speaker a
    new cluster has, and rows of bands a new cluster without a speaker has. (A popular statement
    carries a row per cluster, one per speaker quoted with it: the others can never match.)"""
    unnamed = index.filter(pl.col("speaker").is_null())
    return _rows_of(index["band"], index["speaker"], unnamed["band"])


def early_candidates(statements: pl.DataFrame, bands: pl.DataFrame) -> pl.Expr:
    """The filter of `candidate_rows` from what is known before the new statements' speakers are
    resolved to entities (so the index can be read while entities are merged): it keeps the rows
    of any entity speaker too, so every row `candidate_rows` will keep.

    statements: content, speaker_name of the new statements; bands: `content_bands` of them.
    """
    keys = statements.select("content", key=name_key())
    unnamed = bands.join(keys.filter(pl.col("key").is_null()).select("content").unique(), on="content")
    return _rows_of(bands["band"], keys["key"], unnamed["band"], any_entity=True)


def _rows_of(bands: pl.Series, speakers: pl.Series, unnamed_bands: pl.Series, *, any_entity: bool = False) -> pl.Expr:
    """Index rows of `bands` whose speaker is none, one of `speakers` (or any entity), or any
    speaker on `unnamed_bands` (bands of new clusters without a speaker)."""
    speaker = pl.col("speaker")
    agrees = (speaker.is_null() | speaker.is_in(speakers.drop_nulls().unique().implode())
              | pl.col("band").is_in(unnamed_bands.unique().implode()))
    if any_entity:
        agrees = agrees | speaker.str.starts_with("e:")
    return pl.col("band").is_in(bands.unique().implode()) & agrees


def match_existing(index: pl.DataFrame, hits: pl.DataFrame) -> dict[str, str]:
    """New cluster id -> the existing cluster it joins.

    index: the new clusters' bands (band, cluster_id, polarity, speaker);
    hits: rows of the stored index whose band is among them (all of them, or those
    `candidate_rows` keeps: the result is the same).
    """
    if index.height == 0 or hits.height == 0:
        return {}
    # joined on the speaker where both have one: a statement many speakers made (one cluster per
    # speaker) would otherwise pair every new such cluster with every old one before the filter
    new_named = index.filter(pl.col("speaker").is_not_null())
    new_unnamed = index.filter(pl.col("speaker").is_null())
    old_named = hits.filter(pl.col("speaker").is_not_null())
    old_unnamed = hits.filter(pl.col("speaker").is_null())
    keep = ["band", "cluster_id", "cluster_id_old"]
    pairs = pl.concat([
        new_named.join(old_named, on=["band", "polarity", "speaker"], suffix="_old").select(keep),
        new_named.join(old_unnamed, on=["band", "polarity"], suffix="_old").select(keep),
        new_unnamed.join(hits, on=["band", "polarity"], suffix="_old").select(keep)])
    best = pairs.group_by("cluster_id", "cluster_id_old").agg(shared=pl.col("band").n_unique()) \
        .sort(["cluster_id", "shared", "cluster_id_old"], descending=[False, True, False]) \
        .unique("cluster_id", keep="first")
    return dict(zip(best["cluster_id"].to_list(), best["cluster_id_old"].to_list()))


def merge_clusters(existing: pl.DataFrame, new: pl.DataFrame, joins: dict[str, str]) -> pl.DataFrame:
    """Rows of the existing clusters that new clusters join, with those clusters' statements,
    articles and outlets added (content, polarity and speaker stay the existing cluster's; a
    speaker it lacked is taken from the new ones)."""
    if not joins or existing.height == 0:
        return existing.clear()
    joining = new.filter(pl.col("cluster_id").is_in(list(joins))).with_columns(
        cluster_id=pl.col("cluster_id").replace_strict(joins, return_dtype=pl.String))
    both = pl.concat([existing.with_columns(_old=pl.lit(True)), joining.with_columns(_old=pl.lit(False))],
                     how="vertical_relaxed").sort("cluster_id", "_old", descending=[False, True])
    out = both.group_by("cluster_id", maintain_order=True).agg(
        pl.col("content").first(), pl.col("polarity").first(),
        pl.col("speaker_name").drop_nulls().first(), pl.col("speaker_entity_id").drop_nulls().first(),
        outlets=pl.col("outlets").explode().unique().sort(),
        article_ids=pl.col("article_ids").explode().unique().sort(),
        statement_ids=pl.col("statement_ids").explode().unique().sort(),
        first_published=pl.col("first_published").min(),
    ).with_columns(n_statements=pl.col("statement_ids").list.len().cast(pl.Int32),
                   n_articles=pl.col("article_ids").list.len().cast(pl.Int32),
                   n_outlets=pl.col("outlets").list.len().cast(pl.Int32))
    return out.join(existing.select("cluster_id"), on="cluster_id", how="semi").select(existing.columns)


def withdraw(rows: pl.DataFrame, statements: pl.Series, articles: pl.Series, entities: pl.Series) -> pl.DataFrame:
    """Existing cluster rows without the `statements` of removed `articles` (an article goes whole,
    so its id leaves `article_ids` too); rows left with no statement are dropped. Content,
    polarity, speaker, outlets and first date stay (as `merge_clusters` keeps them) until the next
    full rebuild, but a speaker entity among the `entities` that went is cleared. For clusters too
    large to sum up again from their statements (flows/retract.py)."""
    gone = statements.unique().sort().implode()
    out = rows.with_columns(
        statement_ids=pl.col("statement_ids").list.set_difference(gone).list.sort(),
        article_ids=pl.col("article_ids").list.set_difference(articles.unique().sort().implode()).list.sort(),
        speaker_entity_id=pl.when(pl.col("speaker_entity_id").is_in(entities.unique().sort().implode()))
        .then(pl.lit(None, pl.String)).otherwise("speaker_entity_id"),
    ).with_columns(n_statements=pl.col("statement_ids").list.len().cast(pl.Int32),
                   n_articles=pl.col("article_ids").list.len().cast(pl.Int32))
    return out.filter(pl.col("n_statements") > 0).select(rows.columns)
