"""Publication dates from a page's own evidence (tasks/dates.py)."""

import pytest

from tasks.dates import html_published, is_date_word, normalise_date, text_published, url_date


@pytest.mark.parametrize("value, iso", [
    ("2021-05-03", "2021-05-03"),
    ("2021-05-03T14:02:00Z", "2021-05-03T14:02:00Z"),
    ("2021-05-03T14:02+0200", "2021-05-03T14:02:00+02:00"),
    ("May 3, 2021", "2021-05-03"),
    ("Sept. 3rd, 2021", "2021-09-03"),
    ("JAN. 13, 2017", "2017-01-13"),  # months in capitals, as bylines write them
    ("3 SEPT 2021", "2021-09-03"),
    ("ABC 12, 2021", None),
    ("Mayor 3, 2021", None),  # a word that only begins like a month
    ("MARCHING 12, 2021", None),
    ("3 May 2021 14:02", "2021-05-03"),
    ("2021/5/3", "2021-05-03"),
    ("5/23/2021 7:11 AM PST", "2021-05-23"),  # the day first or last: plain when one part is over 12
    ("23.05.2021", "2021-05-23"),
    ("5/3/2021", None),  # May 3 or 5 March: not guessed
    ("13/13/2021", None),
    ("2021-02-30", None),
    ("1066-10-14", None),
    ("yesterday", None),
    (None, None),
])
def test_normalise_date(value, iso):
    assert normalise_date(value) == iso


def test_a_dump_dated_by_a_numeric_dateline_under_its_headline(lexicon):
    text = ("Home\nNews\nPearl Dress Stolen From Hotel Room\n2/26/2015 7:11 AM PST BY TMZ STAFF\n"
            "The dress was taken from the room on Wednesday, sources said.")
    assert text_published(text, lexicon, headline=text.index("Pearl")) == ("2015-02-26", "dateline")


def test_a_byline_in_capitals_dates_a_dump(lexicon):
    text = ("Home\nWorld\nUnited States to Lift Sudan Sanctions\nBy ANN LEE JAN. 13, 2017\n"
            "The United States will lift sanctions on Sudan, officials said on Friday.")
    assert text_published(text, lexicon, headline=text.index("United States to")) == ("2017-01-13", "dateline")


def test_words_that_begin_like_a_month_are_no_date_words(lexicon):
    # "mayor", "decision", "mark" are no May, December or March: "MARK SMITH, Deputy Business Editor
    # January 01 2008" is a byline of five capitalised words, not a name and a date
    assert [is_date_word(w, lexicon) for w in ("january", "sept", "dec", "tuesday", "updated")] == [True] * 5
    assert [is_date_word(w, lexicon) for w in ("mayor", "decision", "mark", "junior", "novel")] == [False] * 5


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
    text = "Pier closes after 90 years\n\nPublished 14 October 2025, 18:40 CET\n\nThe old pier ..."
    assert text_published(text, lexicon) == ("2025-10-14", "dateline")
    assert text_published("Pier closes\n2025-10-14", lexicon) == ("2025-10-14", "dateline")


def test_a_date_inside_a_sentence_is_no_dateline(lexicon):
    text = "Pier closes\nThe pier, built on May 3, 1935, closes on Monday after a vote."
    assert text_published(text, lexicon) == (None, None)
    assert text_published("Pier closes\nOn May 3, 1935, the pier opened.", lexicon) == (None, None)


PAGE = """Home | News | Sport
Tuesday, 14 October 2025 | Weather
Pier closes after 90 years
by Ann Lee, 13 Oct 2025 at 6:02 pm GMT
The old pier closes on Monday after the council's vote.
"""


def test_the_dateline_is_the_one_beside_the_headline_not_the_days_date_of_the_header(lexicon):
    headline = PAGE.index("Pier closes")
    assert text_published(PAGE, lexicon, headline) == ("2025-10-13", "dateline")
    # a byline, a place or a weekday beside the date, or a label before it, still make a dateline
    for line, day in [("OSLO, Oct. 13, 2025", "2025-10-13"), ("Mon 13 October 2025 · 12 Comments", "2025-10-13"),
                      ("Last updated: Monday, October 13, 2025 | 2:21 PM ET | Tags: ports, Oslo", "2025-10-13"),
                      ("By Ann Lee @annlee October 13th, 2025 4:47am EDT", "2025-10-13")]:
        assert text_published(f"Pier closes\n{line}\nBody.", lexicon, 0) == (day, "dateline"), line
    # nothing beside the headline: the header's date is not taken for the article's
    far = PAGE.replace("by Ann Lee, 13 Oct 2025 at 6:02 pm GMT\n", "").replace("Pier closes", "Menu\nA\nB\nC\nPier")
    assert text_published(far, lexicon, far.index("Pier")) == (None, None)


def test_a_quoted_post_or_a_comment_does_not_date_the_article(lexicon):
    text = "Pier closes\nThe council said so.\n\u2014 Oslo Port (@osloport) October 12, 2025\nJane on October 15, 2025 said:"
    assert text_published(text, lexicon, 0) == (None, None)  # a tweet's signature; a comment's author line
    comment = "Posted by: jane | October 15, 2025"
    text = f"Pier closes\nThe council said so.\n{comment}\nGreat news."
    assert text_published(text, lexicon, 0) == ("2025-10-15", "dateline")
    at = text.index(comment)
    assert text_published(text, lexicon, 0, [(at, at + len(comment))]) == (None, None)  # inside the comments


def test_a_line_that_says_published_dates_the_article_wherever_it_stands(lexicon):
    story = "\n".join(f"Paragraph {k} of the story about the pier and the council's long vote." for k in range(30))
    far = f"Pier closes after 90 years\n{story}\n"
    headline = 0
    assert text_published(far + "Published: 3 Oct 2025\nPublished: 1 Sep 2025", lexicon, headline) == \
        ("2025-10-03", "dateline")  # the first such line: later ones label other stories' teasers
    assert text_published(far + "First published on Oct. 3, 2025", lexicon, headline) == ("2025-10-03", "dateline")
    # far from the headline, a reader's post, a page's last update or a bare date say nothing of it
    for line in ("Posted: 16:50 8th January 2008", "Last updated: Monday, October 13, 2025", "October 13, 2025"):
        assert text_published(far + line, lexicon, headline) == (None, None)
    # inside the page's comments (a `skip` span) a published line is a reader's
    text = far + "Published: 3 Oct 2025"
    assert text_published(text, lexicon, headline, skip=[(len(far), len(text))]) == (None, None)


@pytest.mark.parametrize("line", ["Since 1st March, 1999", "Until May 3, 2021", "From 3 May 2021", "Between 3 May 2021"])
def test_a_date_a_word_makes_a_spans_bound_is_no_dateline(lexicon, line):
    # a site's "member since", an offer's end, an event's start: not when the article was published
    assert text_published(f"Pier closes\n{line}\nThe old pier closes on Monday.", lexicon, 0) == (None, None)
    assert text_published(f"Pier closes\nOSLO, {line.split(' ', 1)[1]}\nThe pier closes.", lexicon, 0)[0]
