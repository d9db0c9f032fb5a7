"""The run report's pure parts on literal frames."""

import polars as pl

from tasks.report import build_report, per_week, weekly_chart


def _frames():
    articles = pl.DataFrame({"article_id": ["a", "b", "c"], "publisher": ["Gazette", "Ledger", None],
                             "published": ["2025-10-14T08:00:00Z", "2025-10-22", None]})
    claims = pl.DataFrame({"statement_id": ["s1", "s2", "s3", "s4"], "part": [0, 0, 0, 0],
                           "article_id": ["a", "a", "b", "c"], "speaker": ["she"] * 4,
                           "speaker_name": ["Liv Dahl"] * 4, "cue": ["said"] * 4, "content": ["x"] * 4,
                           "polarity": ["assert"] * 4})
    return articles, claims


def test_statements_per_outlet_and_week_of_publication():
    articles, claims = _frames()
    weekly = per_week(claims, articles).with_columns(pl.col("week").cast(pl.String))
    assert weekly.to_dicts() == [{"outlet": "Gazette", "week": "2025-10-13", "len": 2},
                                 {"outlet": "Ledger", "week": "2025-10-20", "len": 1}]  # undated 'c' left out
    svg = weekly_chart(per_week(claims, articles), "Statements per week")
    assert svg.startswith("<svg") and "Gazette" in svg


def test_the_report_links_the_data_docs_and_plots_the_weeks():
    articles, claims = _frames()
    entities = pl.DataFrame({"canonical_name": ["Liv Dahl"], "label": ["PERSON"], "n_articles": [2], "n_mentions": [3]})
    clusters = pl.DataFrame({"n_outlets": [1], "n_articles": [1], "speaker_name": ["Liv Dahl"], "polarity": ["assert"],
                             "outlets": [["Gazette"]], "content": ["x"]})
    run = {"run_id": "r1", "data_docs": "/data/curated/data_docs/r1/index.html"}
    page = build_report(run, articles, claims, entities, pl.DataFrame({"reason": []}, schema={"reason": pl.String}),
                        clusters)
    assert "href='../data_docs/r1/index.html'" in page and "Claims per week" in page
    assert "No Data Docs" in build_report({"run_id": "r2"}, articles.drop("published"), claims, entities,
                                          pl.DataFrame({"reason": []}, schema={"reason": pl.String}), clusters)
