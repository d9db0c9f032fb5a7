"""RSS and Atom feeds read item by item."""

import pytest

from tasks.feeds import FeedError, feed_items, looks_like_feed
from tasks.intake import Document, Rejected, read_documents

STORY = ("<p>The ferry service between the two banks resumed on Monday after a winter of repairs, the operator "
         "said.</p><p>The captain said the crossing would run every hour until the autumn.</p>")
RSS = f"""<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Harbour Notes</title><link>https://harbour.example/</link>
<item><title>Ferry returns</title><link>https://harbour.example/ferry</link>
<pubDate>Mon, 02 Mar 2026 08:00:00 GMT</pubDate><description>The ferry is back.</description>
<content:encoded><![CDATA[{STORY}]]></content:encoded></item>
<item><title>Quay repairs</title><guid>https://harbour.example/quay</guid><description>Teaser only.</description></item>
<item><title>Long summary</title><link>https://harbour.example/long</link>
<description>{"The council met again on Friday. " * 20}</description></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Notes</title>
<entry><title>Ferry returns</title><link rel="self" href="https://harbour.example/feed/1"/>
<link rel="alternate" href="https://harbour.example/ferry"/><published>2026-03-02T08:00:00Z</published>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>The ferry is back on the river.</p></div></content>
</entry></feed>"""


def test_rss_items_with_their_article_link_title_and_date():
    first, teaser, long = feed_items(RSS)
    assert (first.title, first.url, first.published) == ("Ferry returns", "https://harbour.example/ferry",
                                                          "Mon, 02 Mar 2026 08:00:00 GMT")
    assert first.body == STORY and first.is_html and first.publisher == "Harbour Notes"  # the channel's title
    assert teaser.body is None and teaser.url == "https://harbour.example/quay"
    assert "summary of 2 words, not the article" in teaser.reason
    assert long.body.startswith("The council met again") and not long.is_html  # 120 words: the article


def test_atom_entry_takes_the_alternate_link_and_its_xhtml_content():
    (entry,) = feed_items(ATOM)
    assert entry.url == "https://harbour.example/ferry" and entry.published == "2026-03-02T08:00:00Z"
    assert "The ferry is back on the river." in entry.body and entry.is_html and entry.publisher == "Harbour Notes"


def test_no_external_entity_is_read():
    evil = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<rss><channel><item><title>&x;</title><description>' + "word " * 90 + "</description></item></channel></rss>")
    (item,) = feed_items(evil)
    assert "root:" not in (item.title or "")


@pytest.mark.parametrize(("name", "text", "feed"), [
    ("news.xml", RSS, True), ("news.txt", ATOM, True), ("a.rss", "anything", True),
    ("page.txt", "<p>not a feed</p>", False), ("page.xml", "<?xml version='1.0'?><note/>", False),
])
def test_a_feed_is_known_by_its_name_or_its_root(name, text, feed):
    assert looks_like_feed(name, text) is feed


def test_intake_makes_an_article_of_each_full_item_and_says_why_of_the_rest():
    docs = read_documents("harbour.rss", RSS.encode("utf-8"), max_bytes=2**20)
    assert [type(d) for d in docs] == [Document, Rejected, Document]
    assert docs[0].source_uri == "harbour.rss#1" and docs[0].format == "feed" and docs[0].title == "Ferry returns"
    assert docs[1].source_file == "harbour.rss" and "fetch its link" in docs[1].reason
    (broken,) = read_documents("bad.rss", b"<rss><channel><item>", max_bytes=2**20)
    assert isinstance(broken, Rejected) and broken.reason.startswith("not a readable feed")
    with pytest.raises(FeedError):
        feed_items("<rss><channel>")


def test_a_title_its_text_does_not_repeat_is_the_articles(lexicon):
    from tasks.curate import strip_document

    out = strip_document(read_documents("harbour.rss", RSS.encode("utf-8"), max_bytes=2**20)[0], lexicon,
                         max_body_chars=200_000)
    assert out.page.title == "Ferry returns" and out.page.body.startswith("The ferry service")
    assert out.page.publisher == "Harbour Notes"


def test_an_items_authors_dc_creator_atom_name_or_rss_address_with_a_name():
    body = "<p>" + "The quay reopened on Monday after repairs. " * 12 + "</p>"
    rss = f"""<rss xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Harbour Notes</title>
<item><title>A</title><dc:creator>Ann Lee</dc:creator><dc:creator>Bo Ek</dc:creator><description>{body}</description></item>
<item><title>B</title><author>desk@harbour.example (Cara Moe)</author><description>{body}</description></item>
<item><title>C</title><author>desk@harbour.example</author><description>{body}</description></item>
</channel></rss>"""
    assert [i.author for i in feed_items(rss)] == ["Ann Lee, Bo Ek", "Cara Moe", None]
    atom = ATOM.replace("<entry>", "<entry><author><name>Dee  Roe</name><email>d@harbour.example</email></author>")
    assert feed_items(atom)[0].author == "Dee Roe"
