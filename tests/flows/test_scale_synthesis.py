"""`bench/scale.py`'s synthesis of a store grown slice by slice, on the bundled sample as its
template: no timing here (the figures are `make bench`'s), only that it runs and gives a store
that holds together. It failed at a million only (a second slice) when the derived tables'
`extend` took a new argument, so a whole `make bench` crashed after an hour."""

from __future__ import annotations

import polars as pl

from bench.scale import synthesise
from flows.store import CuratedStore


def test_a_store_synthesised_over_several_slices_holds_every_article_once(sample_run, tmp_path):
    curated, _ = sample_run
    counts = synthesise(curated, tmp_path / "store", 30, slice_size=12)  # a first slice, then two grown
    assert counts["slices"] == 3 and counts["articles"] == 30
    gen = CuratedStore(tmp_path / "store").current()
    articles = pl.read_parquet(gen.parts("articles"))
    assert articles.height == 30 and articles["article_id"].n_unique() == 30
    mentions = pl.read_parquet(gen.parts("mentions"))
    claims = pl.read_parquet(gen.parts("claims"))
    assert mentions.height == counts["mentions"] and claims.height == counts["claims"]
    assert set(mentions["article_id"]) <= set(articles["article_id"])
    # every mention and claim of the grown slices is resolved, none left pending
    entities = set(pl.read_parquet(gen.parts("entities"))["entity_id"])
    assert set(mentions["entity_id"]) <= entities
    assert "pending" not in set(claims["cluster_id"])
