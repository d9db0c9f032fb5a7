"""Entities and clusters of new articles through the indexes a full rebuild leaves (tiny literal data)."""

from __future__ import annotations

import polars as pl

from tasks.cluster_index import candidate_rows, early_candidates, from_stored, match_existing, merge_clusters, to_stored
from tasks.clusters import cluster_statements, content_bands, content_hashes
from tasks.entities import canonicalize_occurrences, keyed, occurrences
from tasks.registry import apply_deltas, extend_entities, registry_rows


def _mentions(rows):
    return pl.DataFrame([{"mention_id": f"{a}-{i}", "article_id": a, "label": label, "text": text, "ruler_id": None}
                         for i, (a, label, text) in enumerate(rows)])


def _full(rows):
    return canonicalize_occurrences(occurrences(_mentions(rows)), with_keys=True)


def test_new_mentions_take_the_entity_their_key_or_surname_already_has():
    ents, _, keys = _full([("a1", "PERSON", "Sergei Lavrov"), ("a1", "GPE", "Oslo")])
    new = _mentions([("a2", "PERSON", "LAVROV"), ("a2", "PERSON", "sergei lavrov"), ("a3", "PERSON", "Lavrov"),
                     ("a3", "PERSON", "Ada Quist"), ("a3", "PERSON", "Quist"), ("a3", "GPE", "Bergen")])
    links, new_ents, new_keys, deltas = extend_entities(occurrences(new), keys)
    lavrov = ents.filter(pl.col("canonical_name") == "Sergei Lavrov")["entity_id"][0]
    by_mention = dict(zip(links["mention_id"], links["entity_id"]))
    assert by_mention["a2-0"] == by_mention["a2-1"] == by_mention["a3-2"] == lavrov
    assert by_mention["a3-3"] == by_mention["a3-4"] != lavrov  # a new person, short form in its article
    assert sorted(new_ents["canonical_name"]) == ["Ada Quist", "Bergen"]
    assert ("PERSON", "lavrov") in set(zip(new_keys["family"], new_keys["key"]))
    updated = apply_deltas(ents, deltas).filter(pl.col("entity_id") == lavrov).row(0, named=True)
    assert (updated["n_mentions"], updated["n_articles"]) == (4, 3)
    assert updated["aliases"] == ["LAVROV", "Lavrov", "sergei lavrov"]


def test_a_surname_two_registered_people_share_starts_an_entity_of_its_own():
    _, _, keys = _full([("a1", "PERSON", "Ann Berg"), ("a2", "PERSON", "Ola Berg")])
    links, new_ents, _, deltas = extend_entities(occurrences(_mentions([("a3", "PERSON", "Berg")])), keys)
    assert deltas.height == 0 and new_ents["canonical_name"].to_list() == ["Berg"]


def test_the_registry_rows_a_run_reads_resolve_its_names_as_the_whole_registry_does():
    _, _, keys = _full([("a1", "PERSON", "Sergei Lavrov"), ("a1", "GPE", "Oslo"), ("a2", "PERSON", "Ann Berg"),
                        ("a3", "PERSON", "Ola Berg"), ("a4", "ORG", "Harbour Board"), ("a5", "PERSON", "Liv Dahl")])
    occ = occurrences(_mentions([("b1", "PERSON", "Lavrov"), ("b1", "GPE", "OSLO"), ("b2", "PERSON", "Berg"),
                                 ("b3", "PERSON", "Ada Quist"), ("b3", "ORG", "Port Authority")]))
    with_keys = keyed(occ)
    rows = keys.filter(registry_rows(with_keys))
    # the keys of the new names and the full names their surnames end; not the rest of the corpus
    assert sorted(rows["key"]) == ["ann berg", "ola berg", "oslo", "sergei lavrov"]
    whole = extend_entities(occ, keys)
    for got, want in zip(extend_entities(occ, rows, with_keys), whole):
        assert got.sort(got.columns).equals(want.sort(want.columns))
    assert whole[3].height == 2  # Lavrov and Oslo resolved; Berg (two people) did not


def _statements(rows):
    return pl.DataFrame([{"statement_id": s, "article_id": a, "content": c, "polarity": "assert",
                          "speaker_name": sp, "speaker_entity_id": None} for s, a, c, sp in rows])


ARTICLES = pl.DataFrame({"article_id": ["a1", "a2", "a3"], "publisher": ["P", "Q", "R"], "source_uri": ["x", "y", "z"],
                         "published": ["2026-01-02", "2026-01-01", None]})
TALKS = "the talks on the fishing quota will resume in Oslo next week"


def test_a_new_statement_joins_the_stored_cluster_it_shares_bands_with():
    old, _, index = cluster_statements(_statements([("s1", "a1", TALKS, "Ann Berg"),
                                                    ("s2", "a1", "the harbour will close for repairs", None)]),
                                       ARTICLES, with_index=True)
    new, links, new_index = cluster_statements(_statements([("s3", "a2", TALKS + " she said", "Ann Berg"),
                                                            ("s4", "a3", TALKS, "Ola Dahl")]),
                                               ARTICLES, with_index=True)
    joins = match_existing(new_index, index)
    talks = old.filter(pl.col("statement_ids").list.contains("s1"))["cluster_id"][0]
    s3 = links.filter(pl.col("statement_id") == "s3")["cluster_id"][0]
    s4 = links.filter(pl.col("statement_id") == "s4")["cluster_id"][0]
    assert joins == {s3: talks}  # another speaker's identical words stay apart
    merged = merge_clusters(old.filter(pl.col("cluster_id") == talks), new, joins).row(0, named=True)
    assert merged["statement_ids"] == ["s1", "s3"] and merged["outlets"] == ["P", "Q"]
    assert (merged["n_statements"], merged["first_published"], merged["speaker_name"]) == (2, "2026-01-01", "Ann Berg")
    assert s4 not in joins


def test_a_statement_many_speakers_made_joins_each_speaker_to_their_own_cluster():
    # one band shared by every cluster: the pairs are matched on the speaker where both have one
    # (joining on the band alone paired every new cluster with every old one: memory grew with
    # the product, the cause of an out-of-memory kill on a store of 10,000 articles)
    def index(rows):
        return pl.DataFrame(rows, schema=["band", "cluster_id", "polarity", "speaker"], orient="row")

    old = index([(7, f"old-{k}", "asserted", f"n:speaker {k}") for k in range(300)]
                + [(7, "old-unnamed", "asserted", None), (7, "old-denied", "denied", None)])
    new = index([(7, f"new-{k}", "asserted", f"n:speaker {k}") for k in (1, 2, 999)]
                + [(7, "new-unnamed", "asserted", None), (7, "new-denied", "denied", "n:speaker 5")])
    joins = match_existing(new, old)
    assert joins["new-1"] == "old-1" and joins["new-2"] == "old-2"
    assert joins["new-999"] == "old-unnamed"  # an unnamed cluster agrees with any speaker
    assert joins["new-unnamed"] == "old-0"  # ties go to the smallest id, as before
    assert joins["new-denied"] == "old-denied"  # polarity must agree; a named speaker meets an unnamed one


def test_the_stored_index_is_read_through_a_filter_that_keeps_every_row_that_can_match():
    def index(rows):
        return pl.DataFrame(rows, schema=["band", "cluster_id", "polarity", "speaker"], orient="row")

    old = index([(7, f"old-{k}", "asserted", f"n:speaker {k}") for k in range(300)]
                + [(7, "old-unnamed", "asserted", None), (8, "old-other-band", "asserted", "n:speaker 9"),
                   (9, "old-far", "asserted", None)])
    new = index([(7, "new-1", "asserted", "n:speaker 1"), (7, "new-2", "denied", "n:speaker 2"),
                 (8, "new-unnamed", "asserted", None)])
    kept = old.filter(candidate_rows(new))
    # band 7: the new clusters' speakers and the unnamed row; band 8: any speaker (a new cluster
    # there has none); band 9: no new cluster has it
    assert sorted(kept["cluster_id"]) == ["old-1", "old-2", "old-other-band", "old-unnamed"]
    assert match_existing(new, kept) == match_existing(new, old) == {"new-1": "old-1", "new-unnamed": "old-other-band"}


def test_bands_known_before_the_speakers_are_those_of_the_index_and_the_early_filter_keeps_every_candidate():
    rows = [("s1", "a2", TALKS + " she said", "Ann Berg"), ("s2", "a3", "The Talks, on the fishing quota!", None),
            ("s3", "a3", "the harbour will close for repairs", "Ola Dahl"), ("s4", "a2", "", None)]
    statements = _statements(rows).with_columns(
        speaker_entity_id=pl.when(pl.col("statement_id") == "s3").then(pl.lit("ent-7")))
    hashes = content_hashes(statements["content"])
    plain = cluster_statements(statements, ARTICLES, with_index=True)
    given = cluster_statements(statements, ARTICLES, with_index=True, hashes=hashes)
    for a, b in zip(plain, given):  # the hashes passed in change nothing
        assert a.equals(b)
    index = plain[2]
    bands = content_bands(hashes)
    assert set(bands["band"]) == set(index["band"])
    # a stored index: rows of the new bands under every kind of speaker, and a band no new statement has
    band = index["band"].to_list()
    stored = pl.DataFrame({"band": band * 4 + [12345],
                           "cluster_id": [f"old-{k}" for k in range(len(band) * 4 + 1)],
                           "polarity": ["assert"] * (len(band) * 4 + 1),
                           "speaker": ["n:ann berg"] * len(band) + [None] * len(band) + ["e:ent-9"] * len(band)
                           + ["n:someone else"] * len(band) + [None]})
    early = stored.filter(early_candidates(statements.select("content", "speaker_name"), bands))
    late = stored.filter(candidate_rows(index))
    assert set(late["cluster_id"]) <= set(early["cluster_id"])
    assert f"old-{len(band) * 4}" not in set(early["cluster_id"])  # a band no new statement has
    assert match_existing(index, early.filter(candidate_rows(index))) == match_existing(index, stored)


def test_the_stored_index_holds_cluster_ids_as_numbers_and_gives_them_back():
    index = pl.DataFrame({"band": [-5, 9], "cluster_id": ["ffff73c0a0c250f7", "0003129160e65088"],
                          "polarity": ["assert", "deny"], "speaker": ["n:ana", None]})
    stored = to_stored(index)
    assert stored.columns == ["band", "cluster", "polarity", "speaker"]
    assert stored["cluster"].dtype == pl.UInt64 and stored["cluster"].to_list() == [0xFFFF73C0A0C250F7, 0x3129160E65088]
    assert from_stored(stored).equals(index)
    assert from_stored(stored.clear()).columns == index.columns


def test_the_mentions_of_removed_articles_take_back_what_they_added():
    from tasks.registry import combined, retracted

    ents, links, keys = _full([("a1", "PERSON", "Sergei Lavrov"), ("a2", "PERSON", "Lavrov"),
                               ("a2", "PERSON", "Lavrov"), ("a2", "GPE", "Oslo")])
    gone = links.join(_mentions([("a1", "PERSON", "Sergei Lavrov"), ("a2", "PERSON", "Lavrov"),
                                 ("a2", "PERSON", "Lavrov"), ("a2", "GPE", "Oslo")]), on="mention_id") \
        .filter(pl.col("article_id") == "a2")
    new = _mentions([("a3", "PERSON", "Sergei Lavrov")])
    _, _, _, added = extend_entities(occurrences(new), keys)
    rows = apply_deltas(ents, combined(added, retracted(gone.select("entity_id", "article_id"))))
    counts = dict(zip(rows["canonical_name"], zip(rows["n_mentions"], rows["n_articles"])))
    # a2's two mentions and one article gone; the name stays the one they made most frequent (until a rebuild)
    assert counts == {"Lavrov": (2, 2), "Oslo": (0, 0)}


def test_a_large_cluster_loses_the_statements_and_articles_of_removed_articles_from_its_lists():
    from tasks.cluster_index import withdraw

    rows, _ = cluster_statements(_statements([("s1", "a1", TALKS, "Ann Berg"), ("s2", "a2", TALKS, "Ann Berg"),
                                              ("s3", "a3", TALKS + " she said", "Ann Berg"),
                                              ("s4", "a2", "the harbour will close for repairs", None)]), ARTICLES)
    rows = rows.with_columns(speaker_entity_id=pl.lit("e1"))
    out = withdraw(rows, pl.Series(["s2", "s4"]), pl.Series(["a2", "a2"]), pl.Series(["e1"], dtype=pl.String))
    talks = out.row(0, named=True)
    assert out.height == 1  # the cluster of s4 alone went with article a2
    assert (talks["statement_ids"], talks["article_ids"], talks["n_statements"], talks["n_articles"]) == \
        (["s1", "s3"], ["a1", "a3"], 2, 2)
    assert talks["speaker_entity_id"] is None and talks["speaker_name"] == "Ann Berg"  # its entity went
    assert talks["outlets"] == ["P", "Q", "R"]  # kept until a compaction
