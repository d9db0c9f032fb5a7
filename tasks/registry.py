"""Entities of new articles, from the registry of keys the corpus already knows (incremental runs).

A full rebuild (`canonicalize_occurrences(..., with_keys=True)`) records which entity every name
key of the corpus went to. A run that only adds articles resolves its new mentions against that
registry instead of merging the whole corpus again:

1. a mention's key (gazetteer name, the full name a short form stands for in its article, else
   the folded name) that the registry knows takes that entity;
2. a surname alone takes the one entity whose full names in the registry end with it, when no
   new full name ends with it too;
3. the rest are merged among themselves by the same rules as a full rebuild (new entities, new
   registry keys).

What this cannot do, and a full rebuild (`newsetl compact`) does: merge two entities the
corpus already had (a new spelling variant that would join them), change an existing entity's
canonical name or label as counts shift, or re-decide a surname once a second full name ends
with it. Those wait for the next compaction; nothing is lost meanwhile.
"""

from __future__ import annotations

import polars as pl

from tasks.entities import KEY_SCHEMA, canonicalize_occurrences, keyed

SURNAME_REASON = "surname of the only full name that ends with it"
SAME_NAME_REASON = "same name up to case, diacritics or punctuation"
DELTA_SCHEMA = {"entity_id": pl.String, "n_mentions": pl.Int64, "n_articles": pl.Int64,
                "forms": pl.List(pl.String), "reasons": pl.List(pl.String)}


def registry_rows(df: pl.DataFrame) -> pl.Expr:
    """The rows of the registry `extend_entities` can use for occurrences `df` (`keyed`): those of
    their keys, and the full person names ending in one of their one-word person keys. A run
    reads only those (a filtered scan), not every key of the corpus."""
    wanted = pl.col("key").is_in(df["_ckey"].unique().sort().implode())
    surnames = df.filter((pl.col("_family") == "PERSON") & ~pl.col("_ckey").str.contains(" "))["_ckey"].unique()
    if surnames.len():
        last = pl.col("key").str.extract(r" ([^ ]+)$", 1)
        wanted = wanted | ((pl.col("family") == "PERSON") & last.is_in(surnames.sort().implode()))
    return wanted


def extend_entities(occ: pl.DataFrame, registry: pl.DataFrame, keyed_occ: pl.DataFrame | None = None
                    ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(links, new_entities, new_keys, deltas) for the occurrences of new articles.

    occ: `occurrences` of the new mentions (their articles are new to the corpus); `keyed_occ`:
    `keyed(occ)` when the caller has it already.
    registry: family, key, entity_id of the corpus so far, or at least its `registry_rows(keyed(occ))`.
    links: mention_id -> entity_id of every new mention; new_entities: rows of entities the corpus
    did not have; new_keys: registry rows to add; deltas: per existing entity, what the new
    mentions add (n_mentions, n_articles, forms, reasons) — see `apply_deltas`.
    """
    empty_links = pl.DataFrame(schema={"mention_id": pl.String, "entity_id": pl.String})
    if occ.height == 0:
        ents, links, keys = canonicalize_occurrences(occ, with_keys=True)
        return links, ents, keys, pl.DataFrame(schema=DELTA_SCHEMA)
    df = keyed(occ) if keyed_occ is None else keyed_occ
    known = registry.select(_family="family", _ckey="key", entity_id="entity_id")
    matched = df.join(known, on=["_family", "_ckey"], how="inner")
    rest = df.join(known, on=["_family", "_ckey"], how="anti")
    by_surname, rest = _surnames(rest, registry)
    matched = pl.concat([matched, by_surname], how="diagonal_relaxed")

    ents, new_links, keys = canonicalize_occurrences(rest.select(occ.columns), with_keys=True)
    links = pl.concat([matched.select("mention_ids", "entity_id").explode("mention_ids")
                       .rename({"mention_ids": "mention_id"}), new_links], how="vertical_relaxed") \
        if matched.height else new_links
    new_keys = pl.concat([keys, by_surname.select(family="_family", key="_ckey", entity_id="entity_id").unique()],
                         how="vertical_relaxed").unique(["family", "key"], keep="first").cast(KEY_SCHEMA)
    deltas = matched.group_by("entity_id").agg(
        n_mentions=pl.col("n").sum().cast(pl.Int64), n_articles=pl.col("article_id").n_unique().cast(pl.Int64),
        forms=pl.col("text").unique().sort(), reasons=pl.col("_reason").drop_nulls().unique().sort(),
    ).sort("entity_id") if matched.height else pl.DataFrame(schema=DELTA_SCHEMA)
    return (links if links.height else empty_links), ents, new_keys, deltas.cast(DELTA_SCHEMA)


def _surnames(rest: pl.DataFrame, registry: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows of `rest` that are a surname alone of exactly one registered person (with its
    entity_id and reason), and the rows left."""
    alone = (rest["_family"] == "PERSON") & ~rest["_ckey"].str.contains(" ")
    if not alone.any():
        return rest.clear().with_columns(entity_id=pl.lit(None, pl.String)), rest
    surnames = rest.filter(alone)["_ckey"].unique()
    full = registry.filter((pl.col("family") == "PERSON") & pl.col("key").str.contains(" ")).with_columns(
        last=pl.col("key").str.split(" ").list.last()).filter(pl.col("last").is_in(surnames.implode()))
    new_full = rest.filter((pl.col("_family") == "PERSON") & pl.col("_ckey").str.contains(" ")).select(
        last=pl.col("_ckey").str.split(" ").list.last()).unique()
    only = full.group_by("last").agg(pl.col("entity_id").unique()).filter(pl.col("entity_id").list.len() == 1) \
        .join(new_full, on="last", how="anti").select(_ckey="last", entity_id=pl.col("entity_id").list.first())
    hit = rest.filter(alone).join(only, on="_ckey", how="inner").with_columns(_reason=pl.lit(SURNAME_REASON))
    left = rest.join(hit.select("article_id", "text", "label"), on=["article_id", "text", "label"], how="anti")
    return hit, left


def retracted(mentions: pl.DataFrame) -> pl.DataFrame:
    """What the mentions of removed articles (entity_id, article_id) took from their entities, as
    deltas (`DELTA_SCHEMA`) that subtract: every mention, and every article (an article goes whole,
    so each counted once for each entity it named)."""
    return mentions.group_by("entity_id").agg(
        n_mentions=-pl.len().cast(pl.Int64), n_articles=-pl.col("article_id").n_unique().cast(pl.Int64),
    ).with_columns(forms=pl.lit([], pl.List(pl.String)), reasons=pl.lit([], pl.List(pl.String))) \
        .sort("entity_id").cast(DELTA_SCHEMA)


def combined(*deltas: pl.DataFrame) -> pl.DataFrame:
    """Deltas of the same entities added up: one row per entity (`DELTA_SCHEMA`)."""
    return pl.concat(deltas, how="vertical_relaxed").group_by("entity_id").agg(
        pl.col("n_mentions").sum(), pl.col("n_articles").sum(),
        forms=pl.col("forms").explode().drop_nulls().unique().sort(),
        reasons=pl.col("reasons").explode().drop_nulls().unique().sort(),
    ).sort("entity_id").cast(DELTA_SCHEMA)


def apply_deltas(rows: pl.DataFrame, deltas: pl.DataFrame) -> pl.DataFrame:
    """Existing entity rows with what new mentions add (or removed ones take, `retracted`): counts
    summed (the new articles are new to the corpus), new surface forms among the aliases, new
    merge reasons. Canonical name, label and the forms of removed mentions stay until the next
    full rebuild; an entity left without mentions (n_mentions 0) is the caller's to drop."""
    if deltas.height == 0:
        return rows
    joined = rows.join(deltas, on="entity_id", how="left")
    out = joined.with_columns(
        n_mentions=(pl.col("n_mentions") + pl.col("n_mentions_right").fill_null(0)).cast(pl.Int32),
        n_articles=(pl.col("n_articles") + pl.col("n_articles_right").fill_null(0)).cast(pl.Int32),
        aliases=pl.concat_list("aliases", pl.col("forms").fill_null(pl.lit([], pl.List(pl.String))))
        .list.unique().list.sort().list.set_difference(pl.concat_list("canonical_name")).list.sort(),
        merge_reasons=pl.concat_list("merge_reasons", pl.col("reasons").fill_null(pl.lit([], pl.List(pl.String))))
        .list.unique().list.sort(),
    )
    out = out.with_columns(merge_reasons=pl.when((pl.col("aliases").list.len() > 0)
                                                 & (pl.col("merge_reasons").list.len() == 0))
                           .then(pl.lit([SAME_NAME_REASON], pl.List(pl.String))).otherwise("merge_reasons"))
    return out.select(rows.columns)
