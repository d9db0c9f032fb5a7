"""Markdown pages, as scrapers write them out, read as their visible text."""

import json

import pytest

from tasks.intake import Document, Rejected, read_documents
from tasks.markdown import markdown_headline, markdown_text

PAGE = """[Skip to content](#main)

* [Home](https://courier.example/)
* [News](https://courier.example/news "News")

# Ferry service *returns* to the harbour

**By Ana Silva** | 3 March 2026

![A ferry at the quay](https://courier.example/img/ferry.jpg)
*The ferry at the north quay.*

The ferry service between the two banks resumed on Monday, the
[operator](https://courier.example/tags/operator_(company)) said, after a winter of repairs.

> "We are glad to be back," said the captain, who has sailed the route for \\*twenty\\* years.

## Fares

| route | fare |
|---|---|
| north–south | 3 euros |

```
timetable: 7:00 9:00
```

[1]: https://courier.example/ref
"""


def test_visible_text_one_block_per_line():
    text, captions = markdown_text(PAGE)
    assert captions == ("The ferry at the north quay.",)  # the emphasised line under the image
    assert text.split("\n\n") == [
        "Skip to content", "• Home", "• News",
        "Ferry service returns to the harbour",
        "By Ana Silva | 3 March 2026",
        "The ferry at the north quay.",
        "The ferry service between the two banks resumed on Monday, the operator said, after a winter of repairs.",
        "\"We are glad to be back,\" said the captain, who has sailed the route for *twenty* years.",
        "Fares", "route | fare", "north–south | 3 euros", "timetable: 7:00 9:00",
    ]


@pytest.mark.parametrize(("page", "headline"), [
    (PAGE, "Ferry service returns to the harbour"),
    ("## Section\n\nSome text.\n\nThe headline\n============\n", "The headline"),
    ("### Only a third-level one\n\ntext", "Only a third-level one"),
    ("No heading at all.", None),
])
def test_headline_is_the_first_level_one_heading(page, headline):
    assert markdown_headline(page) == headline


def test_a_markdown_file_and_a_json_line_of_markdown_are_read_as_their_text():
    (doc,) = read_documents("ferry.md", PAGE.encode(), max_bytes=2**20)
    assert isinstance(doc, Document) and doc.format == "markdown" and not doc.is_html
    assert doc.title == "Ferry service returns to the harbour" and "](" not in doc.text
    assert doc.captions == ("The ferry at the north quay.",)
    line = json.dumps({"url": "https://courier.example/ferry", "markdown": PAGE})
    (rec,) = read_documents("crawl.jsonl", line.encode(), max_bytes=2**20)
    assert rec.format == "jsonl" and rec.text == doc.text and rec.title == doc.title
    (empty,) = read_documents("x.md", b"![only an image](a.png)\n", max_bytes=2**20)
    assert isinstance(empty, Rejected) and "no visible text in the Markdown" in empty.reason


@pytest.mark.parametrize("header", [
    "---\ntitle: \"Ferry service returns\"\ndate: 2026-03-03\nurl: https://courier.example/ferry\ntags: [ferry]\n"
    "author: Eva Lund\n---\n",
    "Title: Ferry service returns\n\nURL Source: https://courier.example/ferry\n\nPublished Time: 2026-03-03\n\n"
    "Markdown Content:\n",
])
def test_the_header_of_a_markdown_page_gives_its_title_link_and_date(header):
    # YAML front matter (static sites, exporters) or Jina Reader's lines before 'Markdown Content:'
    (doc,) = read_documents("ferry.md", (header + "The ferry service resumed on Monday, the operator said.\n").encode(),
                            max_bytes=2**20)
    assert (doc.title, doc.url, doc.published) == ("Ferry service returns", "https://courier.example/ferry",
                                                   "2026-03-03")
    assert doc.text == "The ferry service resumed on Monday, the operator said."
    assert doc.author == ("Eva Lund" if header.startswith("---") else None)


def test_two_rules_around_a_paragraph_are_not_front_matter():
    page = "---\n\nThe ferry service resumed on Monday, the operator said.\n\n---\n\nMore text follows here."
    assert read_documents("ferry.md", page.encode(), max_bytes=2**20)[0].text.startswith("The ferry service resumed")


def test_an_images_caption_is_kept_apart_from_the_body(lexicon):
    from tasks.curate import strip_document

    page = strip_document(read_documents("ferry.md", PAGE.encode(), max_bytes=2**20)[0], lexicon,
                          max_body_chars=200_000).page
    assert page.captions == ("The ferry at the north quay.",) and "north quay" not in page.body
    assert page.body.startswith("The ferry service between the two banks resumed on Monday")
