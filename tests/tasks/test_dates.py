"""Publication dates from a page's own evidence (tasks/dates.py)."""

import pytest

from tasks.dates import html_published, normalise_date, text_published, url_date


@pytest.mark.parametrize("value, iso", [
    ("2021-05-03", "2021-05-03"),
    ("2021-05-03T14:02:00Z", "2021-05-03T14:02:00Z"),
    ("2021-05-03T14:02+0200", "2021-05-03T14:02:00+02:00"),
    ("May 3, 2021", "2021-05-03"),
    ("Sept. 3rd, 2021", "2021-09-03"),
    ("3 May 2021 14:02", "2021-05-03"),
    ("2021/5/3", "2021-05-03"),
    ("2021-02-30", None),
    ("1066-10-14", None),
    ("yesterday", None),
    (None, None),
])
def test_normalise_date(value, iso):
    assert normalise_date(value) == iso


def test_json_ld_first_then_meta_then_time_then_url_then_htmldate(lexicon):
    ld = '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "datePublished": "2025-10-14T08:00:00Z"}]}</script>'
    meta = '<meta property="article:published_time" content="2025-10-13">'
    time = '<time itemprop="datePublished" datetime="2025-10-12">12 Oct</time>'
    url = "https://x.example/2025/10/11/pier"
    assert html_published(ld + meta + time, url, lexicon) == ("2025-10-14T08:00:00Z", "json-ld")
    assert html_published(meta + time, url, lexicon) == ("2025-10-13", "meta:article:published_time")
    assert html_published(time, url, lexicon) == ("2025-10-12", "time element")
    assert html_published("<p>no date</p>", url, lexicon) == ("2025-10-11", "url")
    assert html_published("<p>no date</p>", None, lexicon, "2025-10-10") == ("2025-10-10", "htmldate")
    assert html_published("<p>no date</p>", None, lexicon) == (None, None)



def test_a_copyright_year_is_not_a_publication_date(lexicon):
    # htmldate reads a bare year (a copyright line) as 1 January of it: no date, unless the page writes that day
    footer = "<p>Copyright 2026 Valley Courier. All rights reserved.</p>"
    assert html_published(footer, None, lexicon, "2026-01-01") == (None, None)
    for written in ("January 1, 2026", "1 Jan 2026", "2026-01-01T09:30", "2026/1/1"):
        assert html_published(f"<p>{written}</p>" + footer, None, lexicon, "2026-01-01") == ("2026-01-01", "htmldate")

def test_a_broken_json_ld_is_no_evidence(lexicon):
    page = '<script type="application/ld+json">{"datePublished": </script><meta name="pubdate" content="2025-10-13">'
    assert html_published(page, None, lexicon) == ("2025-10-13", "meta:pubdate")


def test_url_dates():
    assert url_date("https://x.example/news/2021/05/03/story") == "2021-05-03"
    assert url_date("https://x.example/article/20210503/AP/1") == "2021-05-03"
    assert url_date("https://x.example/2021/5/3/story") == "2021-05-03"
    assert url_date("https://x.example/story-1234567") is None


def test_a_dateline_near_the_headline_dates_a_text_dump(lexicon):
    lines = ["Pier closes after 90 years", "", "Published 14 October 2025, 18:40 CET", "", "The old pier ..."]
    assert text_published(lines, lexicon) == ("2025-10-14", "dateline")
    assert text_published(["Pier closes", "2025-10-14"], lexicon) == ("2025-10-14", "dateline")


def test_a_date_inside_a_sentence_is_no_dateline(lexicon):
    lines = ["Pier closes", "The pier, built on May 3, 1935, closes on Monday after a vote."]
    assert text_published(lines, lexicon) == (None, None)
