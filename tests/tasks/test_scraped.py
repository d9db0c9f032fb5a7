"""Scrapers' JSON records: which field holds the article, its link, title, date and outlet."""

from tasks.scraped import Record, json_records, record_fields


def test_news_please_record():
    rec = {"maintext": "The council voted.", "title": "Ferry saved", "date_publish": "2026-11-01 08:30:00",
           "date_download": "2026-11-02 10:15:02", "url": "https://post.example/ferry",
           "source_domain": "post.example", "text": None}
    assert record_fields(rec) == Record("The council voted.", url="https://post.example/ferry", title="Ferry saved",
                                        published="2026-11-01 08:30:00")


def test_trafilatura_json_record_names_its_link_source_and_its_outlet_source_hostname():
    rec = {"text": "Body.", "raw_text": "Body raw.", "source": "https://site.example/a", "source-hostname": "The Site",
           "hostname": "site.example", "date": "2026-03-04", "title": "A"}
    got = record_fields(rec)
    assert (got.body, got.url, got.publisher, got.published) == ("Body.", "https://site.example/a", "The Site",
                                                                  "2026-03-04")


def test_html_wins_over_text_and_an_outlet_object_gives_its_name():
    got = record_fields({"content": "plain", "html": "<p>rich</p>", "source": {"id": None, "name": "BBC News"}})
    assert got.is_html and got.body == "<p>rich</p>" and got.publisher == "BBC News" and got.url is None


def test_markdown_only_and_blank_fields_are_skipped():
    got = record_fields({"text": "  ", "markdown": "# Head\n\nBody.", "source": "Wire Service"})
    assert got.is_markdown and got.body.startswith("# Head") and got.publisher == "Wire Service"
    assert isinstance(record_fields({"title": "only a title", "text": ""}), str)


def test_json_records_of_an_object_an_array_and_a_wrapped_array():
    one = {"text": "x"}
    assert json_records(one) == [one]
    assert json_records([one, {"text": "y"}]) == [one, {"text": "y"}]
    assert json_records({"status": "ok", "totalResults": 2, "articles": [one, one]}) == [one, one]
    assert "without an article" in json_records({"a": [one], "b": [one]})
    assert json_records([]) == "an empty JSON array"
    assert json_records(3) == "a JSON number, not an article record or an array of them"
    assert json_records(None).startswith("a JSON null")


def test_a_text_an_api_cut_short_is_no_article():
    rec = {"title": "T", "content": "The council voted on Tuesday to keep the night ferry… [+2345 chars]",
           "url": "https://p.example/f"}
    assert record_fields(rec) == ("carries a text its source cut short ('[+2345 chars]'), not the article: "
                                  "fetch its link")
    assert isinstance(record_fields({"text": "He wrote [+3 chars] in the margin, then left."}), Record)
    assert json_records(rec) == [rec]  # a file of one such record: its reason, not "no article"


def test_authors_as_a_name_a_list_or_objects_with_names():
    assert record_fields({"text": "x", "authors": ["Mara Lind", "Tom Berg"]}).author == "Mara Lind, Tom Berg"
    assert record_fields({"text": "x", "author": "Ann Lee"}).author == "Ann Lee"
    assert record_fields({"text": "x", "authors": [{"name": "Jo Bo"}, {"name": "Jo Bo"}, 5]}).author == "Jo Bo"
    assert record_fields({"text": "x", "authors": []}).author is None


def test_an_address_or_a_link_is_no_author():
    rec = {"text": "x", "authors": ["Https", "Www.Facebook.Com Bbcnews", "desk@post.example", "Ann Lee"]}
    assert record_fields(rec).author == "Ann Lee"
    assert record_fields({"text": "x", "authors": ["https://twitter.com/annlee"]}).author is None
    assert record_fields({"text": "x", "author": "Ann Lee / Reuters"}).author == "Ann Lee / Reuters"
