import polars as pl

from tasks.clusters import cluster_statements


def claims(rows):
    return pl.DataFrame(
        [{"statement_id": f"c{i}", "article_id": a, "content": t, "polarity": p, "speaker_name": s,
          "speaker_entity_id": e} for i, (a, t, p, s, e) in enumerate(rows)],
        schema={"statement_id": pl.String, "article_id": pl.String, "content": pl.String, "polarity": pl.String,
                "speaker_name": pl.String, "speaker_entity_id": pl.String})


ARTICLES = pl.DataFrame({"article_id": ["a1", "a2", "a3"], "publisher": ["Gazette", "Ledger", None],
                         "source_uri": ["a1.txt", "a2.txt", "feeds/a3.txt"], "published": ["2025-10-02", None, "2025-10-01"]})


def test_containment_matches_a_longer_or_shorter_quote_of_the_same_statement():
    c = claims([
        ("a1", "the region could become a “launch pad” for Islamist militants to enter Russia", "assert", None, None),
        ("a2", 'warned that the region could become a "launch pad" for Islamist militants to enter Russia, he said',
         "assert", None, None),
        ("a3", "the talks on the mackerel quota broke off after six hours", "assert", None, None),
    ])
    clusters, links = cluster_statements(c, ARTICLES)
    assert sorted(clusters["n_statements"]) == [1, 2]
    cluster = dict(zip(links["statement_id"], links["cluster_id"]))
    assert cluster["c0"] == cluster["c1"] != cluster["c2"]


def test_clusters_count_articles_and_outlets_and_respect_speakers_and_polarity():
    text = "Denmark had offered three compromises and Oslo had rejected all of them"
    c = claims([
        ("a1", text, "assert", "Mads Kjeldsen", "e1"),
        ("a2", "Denmark had offered three compromises and that Oslo had rejected all of them", "assert", None, None),
        ("a3", text, "assert", "Mads Kjeldsen", "e1"),
        ("a3", text, "deny", "Mads Kjeldsen", "e1"),  # a denial is not the same claim
        ("a2", text, "assert", "Ingrid Solberg", "e2"),  # another speaker is not the same claim
    ])
    clusters, links = cluster_statements(c, ARTICLES)
    top = clusters.row(0, named=True)
    assert (top["n_statements"], top["n_articles"], top["n_outlets"]) == (3, 3, 3)
    assert top["outlets"] == ["Gazette", "Ledger", "unknown (feeds)"]
    assert top["speaker_name"] == "Mads Kjeldsen" and top["first_published"] == "2025-10-01"
    assert clusters.height == 3 and links.height == 5


def test_nested_layers_in_one_article_stay_apart_and_ids_are_stable():
    c = claims([
        ("a1", "Lavrov told Cavusoglu that Moscow was ready to continue its mediation efforts", "assert",
         None, None),
        ("a1", "Moscow was ready to continue its mediation efforts", "assert", "Sergei Lavrov", "e3"),
    ])
    first, _ = cluster_statements(c, ARTICLES)
    again, _ = cluster_statements(c.reverse(), ARTICLES)
    assert first.height == 2
    assert sorted(first["cluster_id"]) == sorted(again["cluster_id"])


def test_a_cluster_summed_up_from_the_statements_it_keeps_is_the_cluster_they_would_form():
    from tasks.clusters import statement_groups, summarize

    text = "Denmark had offered three compromises and Oslo had rejected all of them"
    c = claims([
        ("a1", text, "assert", "Mads Kjeldsen", "e1"),
        ("a2", "Denmark had offered three compromises and that Oslo had rejected all of them", "assert", None, None),
        ("a3", text, "assert", "M. Kjeldsen", "e1"),
        ("a2", text + ", he said", "assert", "Mads Kjeldsen", "e1"),
    ])
    whole, links = cluster_statements(c, ARTICLES)
    assert whole.height == 1
    members = c.join(links, on="statement_id")
    assert summarize(statement_groups(members, by=("cluster_id",)), ARTICLES).equals(whole)
    # without the first statement (its article removed): what the three left would form, but the id
    kept = c.filter(pl.col("article_id") != "a1")
    alone, _ = cluster_statements(kept, ARTICLES)
    again = summarize(statement_groups(members.filter(pl.col("article_id") != "a1"), by=("cluster_id",)), ARTICLES)
    assert again.drop("cluster_id").equals(alone.drop("cluster_id"))
    assert again.row(0, named=True)["outlets"] == ["Ledger", "unknown (feeds)"]
