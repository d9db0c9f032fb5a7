"""The tables derived from the live rows: entity ids of mentions (entity merging), entities,
speaker entities and clusters of claims, the claim clusters, and the two indexes behind them.

`rederive` rebuilds them all from every live row (`newsetl compact`, a store without the indexes
in their present layout, and a run that curates again an article the store holds): slim columns
of the live rows are read part by part (memory follows the number of names and claims, not whole
rows), then mentions and claims are rewritten part by part.

`extend` serves a run that adds, replaces or removes articles: the mention and claim parts
holding no removed article are kept as they are, new mentions resolve through the registry of
name keys (`entity_keys`), new statements through the index of MinHash bands (`claim_index`),
removed ones are taken out of their entities and clusters (flows/retract.py), and only the
entity and cluster rows they touch are rewritten — a run's cost follows what changes, not the
archive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from flows.keyfiles import candidates
from flows.memory import release_freed_memory
from flows.retract import ARTICLE_FACTS, emptied, live_joins, refreshed
from flows.staging import without
from flows.store import Builder, Generation, conform, holding_parts, read_parts, scan_parts
from flows.validation import Checked
from schemas.tables import TABLES, staging_schema
from tasks.cluster_index import INDEX_SCHEMA, candidate_rows, early_candidates, from_stored, merge_clusters, to_stored
from tasks.clusters import cluster_statements, content_bands, content_hashes, statements_of
from tasks.entities import canonicalize_occurrences, keyed, merge_occurrences, occurrences
from tasks.registry import apply_deltas, combined, extend_entities, registry_rows, retracted
from tasks.rows import Stamp

ROWS_PER_PART = 200_000
HOT_ENTITIES = 20_000  # the most mentioned entities, in a part of their own (`_add_entities`)
SLIM_MENTIONS = ["mention_id", "article_id", "label", "text", "gazetteer_name", "descriptor"]
SLIM_CLAIMS = ["statement_id", "part", "article_id", "content", "polarity", "speaker_name", "speaker_mention_id"]


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
    entities, links, keys = canonicalize_occurrences(names, with_keys=True)
    del names
    builder.add("entity_keys", keys.sort("family", "key").to_arrow())
    del keys
    release_freed_memory()
    lap("entities")
    _rewrite(builder, "mentions", live_parts(base, "mentions", remove, new_mentions),
             lambda df: df.drop("entity_id").join(links, on="mention_id", how="left"))
    table = _stamped(entities, "entities", stamp).to_arrow().cast(staging_schema(TABLES["entities"]))
    _add_entities(builder, checked.rows("entities", table))
    release_freed_memory()
    with_speakers = _speakers(links)
    claims = _frame(live_parts(base, "claims", remove, new_claims, SLIM_CLAIMS), "claims", SLIM_CLAIMS)
    statements = with_speakers(statements_of(claims))
    del claims
    lap("write")
    live_articles = pl.concat([pl.from_arrow(without(base.read("articles", ARTICLE_FACTS), remove)),
                               pl.from_arrow(new_articles.select(ARTICLE_FACTS))], how="vertical_relaxed")
    clusters, cluster_links, index = cluster_statements(statements, live_articles, with_index=True)
    del statements
    release_freed_memory()
    lap("clusters")
    _rewrite(builder, "claims", live_parts(base, "claims", remove, new_claims),
             lambda df: with_speakers(df).drop("cluster_id").join(cluster_links, on="statement_id", how="left"))
    builder.add("claim_clusters", _stamped(clusters, "claim_clusters", stamp).to_arrow())
    builder.add("claim_index", to_stored(index).to_arrow())


def incremental(base: Generation) -> bool:
    """Whether a run can update the derived tables in place (`extend`): the store's generation
    has the indexes in their present layout (stores of older versions get them from one full
    rebuild)."""
    if base.path is None:
        return False
    if not all((base.path / t).is_dir() for t in ("entity_keys", "claim_index")):
        return False
    if base.columns.get("claim_index") == TABLES["claim_index"].columns:
        return True  # the generation's metadata says every part has them: no footer read
    return all(pq.read_schema(part).names == TABLES["claim_index"].columns for part in base.parts("claim_index"))


@dataclass
class Lookups:
    """The rows of the stored indexes a run's new rows may need, being read in threads."""

    index: Future  # of the claim index (`_index_hits`)
    registry: Future | None  # of the registry of name keys (`_registry`); None: read when needed


def look_up(base: Generation, mention_files: list[Path], claim_files: list[Path]) -> Lookups | None:
    """Start reading the stored claim index's rows that the statements of `claim_files` may join
    and the registry's rows that the names of `mention_files` may resolve to, in threads (polars
    reads off the GIL); None when the store has no indexes in the present layout. Publishing
    starts them on the run's staged rows before they are validated (a superset of the rows that
    land, so of the index and registry rows they can use): the reads, whose cost grows with the
    archive, then overlap validation, where this process mostly waits for its validator process.
    The validated statements' bands and names' keys are computed again (0.08 s per 1,000 articles)."""
    if base.path is None or not base.parts("claim_index") or not incremental(base):
        return None
    return Lookups(_in_thread(_staged_hits, base, claim_files), _in_thread(_staged_registry, base, mention_files))


def _staged_hits(base: Generation, claim_files: list[Path]) -> pl.DataFrame:
    claims = _frame((pq.read_table(p, columns=SLIM_CLAIMS) for p in claim_files), "claims", SLIM_CLAIMS)
    statements = statements_of(claims)
    bands = content_bands(content_hashes(statements["content"]))
    return _index_hits(base, early_candidates(statements, bands), bands["band"])


def _staged_registry(base: Generation, mention_files: list[Path]) -> pl.DataFrame:
    return _registry(base, registry_rows(keyed(_names(mention_files))))


def _names(mention_files: list[Path]) -> pl.DataFrame:
    """The names (`merge_occurrences`) of the mentions of `mention_files`."""
    return merge_occurrences(occurrences(read_parts(p, columns=SLIM_MENTIONS).rename(
        {"gazetteer_name": "ruler_id"})) for p in mention_files)


def _in_thread(function: Callable, *args) -> Future:
    pool = ThreadPoolExecutor(1, thread_name_prefix="claim-index")
    try:
        return pool.submit(function, *args)
    finally:
        pool.shutdown(wait=False)  # the thread ends with its one task


def extend(builder: Builder, base: Generation, remove: set[str], new_mentions: list[Path], new_claims: list[Path],
           new_articles: pa.Table, checked: Checked, stamp: Stamp, lap: Callable[[str], None],
           lookup: Lookups | None = None) -> None:
    """Add the derived rows of new articles to the base generation's, less those of the `remove`d
    articles (see the module's doc; `remove` and the new articles share no id). `lookup`: the
    index and registry rows the new rows may use, from `look_up`."""
    gone = {t: _take(builder, base, t, "article_id", remove) for t in ("mentions", "claims")}
    for part in base.parts("claim_index"):
        builder.keep("claim_index", part)
    touched, dead, holding_touched = emptied(base, gone["claims"])
    claims = _frame((pq.read_table(p, columns=SLIM_CLAIMS) for p in new_claims), "claims", SLIM_CLAIMS)
    statements = statements_of(claims)
    del claims
    hashes = content_hashes(statements["content"])
    if lookup is None:  # not started earlier: read the index while entities are merged, at least
        bands = content_bands(hashes)
        lookup = Lookups(_in_thread(_index_hits, base, early_candidates(statements, bands), bands["band"]), None)
    links, dead_entities = _extend_entities(builder, base, new_mentions, gone["mentions"], checked, stamp, lap,
                                            lookup.registry)
    with_speakers = _speakers(links)
    clusters, cluster_links, index = cluster_statements(
        with_speakers(statements), pl.from_arrow(new_articles.select(ARTICLE_FACTS)), with_index=True,
        hashes=hashes)
    del statements, hashes
    hits = lookup.index.result().filter(candidate_rows(index.cast(INDEX_SCHEMA)))
    joins, holding = live_joins(base, index, hits, dead)
    existing = _take(builder, base, "claim_clusters", "cluster_id", set(joins.values()) | touched,
                     holding | holding_touched)
    existing = existing.drop("pipeline_version")
    if touched:
        mine = pl.col("cluster_id").is_in(pl.Series(sorted(touched), dtype=pl.String).implode())
        existing = pl.concat([existing.filter(~mine),
                              refreshed(base, existing.filter(mine), gone["claims"], dead_entities)],
                             how="vertical_relaxed")
    joined = pl.col("cluster_id").is_in(pl.Series(sorted(set(joins.values())), dtype=pl.String).implode())
    merged = merge_clusters(existing.filter(joined), clusters, joins)
    fresh = clusters.filter(~pl.col("cluster_id").is_in(list(joins)))
    builder.add("claim_clusters", _stamped(pl.concat([existing.filter(~joined), merged, fresh], how="vertical_relaxed"),
                                           "claim_clusters", stamp).to_arrow())
    rename = pl.col("cluster_id").replace(joins) if joins else pl.col("cluster_id")
    builder.add("claim_index", to_stored(index.with_columns(cluster_id=rename).unique().sort("band", "cluster_id"))
                .to_arrow())
    cluster_links = cluster_links.with_columns(cluster_id=rename)
    lap("clusters")
    for part in new_claims:
        builder.add("claims", with_speakers(read_parts(part)).drop("cluster_id")
                    .join(cluster_links, on="statement_id", how="left").to_arrow())
    lap("write")


def _extend_entities(builder: Builder, base: Generation, new_mentions: list[Path], gone: pl.DataFrame,
                     checked: Checked, stamp: Stamp, lap: Callable[[str], None], registry: Future | None
                     ) -> tuple[pl.DataFrame, set[str]]:
    """Entities of the new mentions through the registry, less the `gone` mentions of removed
    articles; writes the touched and new entities (an entity left without mentions goes, with its
    registry keys), the new registry keys and the new mentions; returns the new mentions' links to
    entities, and the entities that went."""
    names = _names(new_mentions)
    with_keys = keyed(names)
    # `registry`: the rows of the registry the names of a superset of the new mentions may use
    stored = registry.result() if registry is not None else _registry(base, registry_rows(with_keys))
    links, new_entities, new_keys, deltas = extend_entities(names, stored, with_keys)
    del names, with_keys
    lap("entities")
    if gone.height:
        deltas = combined(deltas, retracted(gone.select("entity_id", "article_id")))
    touched = apply_deltas(_take(builder, base, "entities", "entity_id", set(deltas["entity_id"].to_list())), deltas)
    dead = set(touched.filter(pl.col("n_mentions") <= 0)["entity_id"].to_list())
    rows = pl.concat([touched.filter(pl.col("n_mentions") > 0).drop("pipeline_version"), new_entities],
                     how="vertical_relaxed")
    _add_entities(builder, checked.rows("entities", _stamped(rows, "entities", stamp).to_arrow()
                                        .cast(staging_schema(TABLES["entities"]))))
    _take(builder, base, "entity_keys", "entity_id", dead)  # the keys of entities that went go with them
    builder.add("entity_keys", new_keys.to_arrow())
    for part in new_mentions:
        builder.add("mentions", read_parts(part).drop("entity_id")
                    .join(links, on="mention_id", how="left").to_arrow())
    lap("write")
    return links, dead


def _add_entities(builder: Builder, rows: pa.Table) -> None:
    """Entity rows written most mentioned first: the first HOT_ENTITIES in a part of their own,
    the rest in parts of ROWS_PER_PART. A run that adds articles rewrites every part holding an
    entity its mentions touch, and new articles mostly name the entities the archive names most:
    those sit in the small part (on a million articles, the part they shared had 693,000 rows,
    rewritten by every run)."""
    rows = rows.take(pc.sort_indices(rows, [("n_mentions", "descending"), ("entity_id", "ascending")]))
    builder.add("entities", rows.slice(0, HOT_ENTITIES))
    for offset in range(HOT_ENTITIES, rows.num_rows, ROWS_PER_PART):
        builder.add("entities", rows.slice(offset, ROWS_PER_PART))


def _registry(base: Generation, rows: pl.Expr) -> pl.DataFrame:
    """The `rows` of the stored registry of name keys (a filtered polars scan: a million articles'
    1.6M keys are read in ~0.1 s, and only the new names' rows are kept, so the joins that
    resolve them no longer hash every key of the corpus). Every part has the declared columns
    (the table has had no other layout), so no `conform`."""
    columns = TABLES["entity_keys"].columns
    parts = base.parts("entity_keys")
    if not parts:
        return pl.from_arrow(TABLES["entity_keys"].schema.empty_table())
    return scan_parts(parts).select(columns).filter(rows).collect()


def _speakers(links: pl.DataFrame) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """A function giving claims the entity of their speaker's mention."""
    speaker_links = links.rename({"mention_id": "speaker_mention_id", "entity_id": "_eid"})

    def with_speakers(df: pl.DataFrame) -> pl.DataFrame:
        return df.join(speaker_links, on="speaker_mention_id", how="left").with_columns(
            speaker_entity_id=pl.col("_eid")).drop("_eid")
    return with_speakers


def _stamped(rows: pl.DataFrame, table: str, stamp: Stamp) -> pl.DataFrame:
    return rows.with_columns(pipeline_version=pl.lit(stamp.pipeline_version)).select(TABLES[table].columns)


def _take(builder: Builder, base: Generation, table: str, key: str, ids: set[str],
          holding: set[str] | None = None) -> pl.DataFrame:
    """The base rows of `table` whose `key` is in `ids`; every other row carries over (parts
    without such rows kept as they are, the others rewritten without them). Polars finds the
    parts holding them in one scan of the key column (unless the caller knows them: `holding`)
    and reads those parts (a million articles' entities: 0.05 s and 0.07 s a part, against 0.3 s
    and 0.5-0.75 s through pyarrow)."""
    parts = base.parts(table)
    holding = holding_parts(parts, key, ids) if holding is None else holding
    wanted = pl.Series(key, sorted(ids), pl.String)
    schema = TABLES[table].schema
    hit = pl.col(key).is_in(wanted.implode())
    taken = []
    for part in parts:
        if str(part) not in holding:
            builder.keep(table, part)
            continue
        rows = read_parts(part)
        taken.append(conform(rows.filter(hit).to_arrow(), schema).cast(schema))
        builder.add(table, conform(rows.filter(~hit).to_arrow(), schema))
    return pl.from_arrow(pa.concat_tables(taken) if taken else schema.empty_table())


def _index_hits(base: Generation, rows: pl.Expr, bands: pl.Series) -> pl.DataFrame:
    """The `rows` of the stored claim index, each of one of the `bands`, with their cluster ids
    (`INDEX_SCHEMA`): a filtered scan (only those rows are kept in memory) of the parts whose key
    files hold one of the bands: the cost follows the parts the run's statements may join, not
    the archive (at a million articles the whole index is 44M rows, 0.55-1.1 core-seconds a scan;
    statements that join no stored cluster read none of it)."""
    parts = candidates(base.parts("claim_index"), "band", bands)
    if not parts:
        return pl.DataFrame(schema=INDEX_SCHEMA)
    return from_stored(scan_parts(parts).filter(rows).collect())
