"""Parsing a batch: memory bounded by characters per spaCy call, long texts in pieces joined into
one doc, and one text that cannot be parsed costing only itself."""

import pytest

from tasks.curate import parse, pieces
from tasks.faults import Failure


@pytest.mark.parametrize("text", ["a " * 150_000, "x" * 250_000, "Para one.\n\n" * 30_000,
                                  "A sentence. " * 20_000, "short", ""])
def test_pieces_join_back_into_the_text_and_respect_the_limit(text):
    out = pieces(text, 100_000)
    assert "".join(out) == text
    assert all(len(p) <= 100_000 for p in out)


def test_pieces_cut_at_paragraph_breaks_when_there_are_some():
    text = ("word " * 30 + "\n\n") * 100
    out = pieces(text, 1000)
    assert all(p.endswith("\n\n") for p in out[:-1])


class Spy:
    """The real pipeline, recording the characters of each `nlp.pipe` call."""

    def __init__(self, nlp, fail_on: str | None = None):
        self.nlp, self.fail_on, self.calls = nlp, fail_on, []

    def pipe(self, texts, **kwargs):
        texts = list(texts)
        self.calls.append(sum(map(len, texts)))
        if self.fail_on and any(self.fail_on in t for t in texts):
            raise ValueError("the model choked")
        return self.nlp.pipe(texts, **kwargs)

    def __call__(self, text):
        if self.fail_on and self.fail_on in text:
            raise ValueError("the model choked")
        return self.nlp(text)


def test_each_spacy_call_holds_at_most_the_character_budget_and_long_texts_come_back_whole(nlp):
    long = "".join(f"Paragraph {i} says the port of Bergen reopened on Monday.\n\n" for i in range(400))
    texts = ["Anna Lind said the talks would resume.", long, "The ferry left at noon.", long]
    spy = Spy(nlp)
    docs = list(parse(spy, texts, {}, batch_size=32, batch_chars=5_000))
    assert [d.text for d in docs] == texts
    assert max(spy.calls) <= 5_000 and len(spy.calls) >= 2 * len(long) // 5_000
    assert any(e.text == "Bergen" for e in docs[1].ents)
    assert [s.start_char for s in docs[1].sents][:3] == [0, long.index("Paragraph 1"), long.index("Paragraph 2")]


def test_a_text_the_model_cannot_parse_costs_only_itself(nlp):
    texts = ["Anna Lind said the talks would resume.", "POISON text here.", "The ferry left at noon."]
    docs = list(parse(Spy(nlp, fail_on="POISON"), texts, {}, batch_size=32))
    assert isinstance(docs[1], Failure) and docs[1].step == "parse" and "choked" in docs[1].error
    assert [d.text for d in (docs[0], docs[2])] == [texts[0], texts[2]]


def test_several_processes_parse_as_one_does_and_small_batches_stay_in_this_process(nlp):
    texts = [f"Anna Lind said on Monday that ferry {i} would leave Bergen at noon." for i in range(8)]
    one = [(d.text, [(e.text, e.label_) for e in d.ents]) for d in parse(nlp, texts, {}, batch_size=2)]
    two = [(d.text, [(e.text, e.label_) for e in d.ents]) for d in parse(nlp, texts, {}, batch_size=2, n_process=2)]
    assert one == two and [t for t, _ in two] == texts
    seen = []

    class Processes(Spy):
        def pipe(self, texts, **kwargs):
            seen.append(kwargs.get("n_process", 1))
            return super().pipe(texts, **kwargs)

    docs = list(parse(Processes(nlp), texts[:3], {}, batch_size=2, n_process=2))  # under two minibatches
    assert [d.text for d in docs] == texts[:3] and set(seen) == {1}
    list(parse(Processes(nlp), texts, {}, batch_size=2, n_process=2))
    assert seen[-1] == 2


def _page(depth: int) -> str:
    story = "<h1>Harbour talks resume</h1>" + "<p>The minister said on Tuesday that the quota talks would resume " \
        "next week after a long night of negotiation in the capital, and the union agreed to wait.</p>" * 3
    return "<html><head><title>Harbour talks resume</title></head><body>" + "<div>" * depth + story + \
        "</div>" * depth + "</body></html>"


@pytest.mark.parametrize("depth", [200, 300, 2000])
def test_a_page_nested_beyond_the_parsers_depth_limit_is_read_whole(lexicon, depth):
    # libxml2, which every extractor parses with, stops at 256 nested elements: such a page is
    # read again with what lies deeper moved up (tasks/html.shallower)
    from tasks.curate import strip_document
    from tasks.intake import read_documents

    (doc,) = read_documents("deep.html", _page(depth).encode(), max_bytes=2**20)
    out = strip_document(doc, lexicon, max_body_chars=200_000)
    assert not isinstance(out, str) and out.page.body.count("quota talks") == 3
    assert out.page.title == "Harbour talks resume"


def test_a_page_nested_beyond_every_limit_says_so(lexicon):
    from tasks.curate import strip_document
    from tasks.intake import read_documents

    (doc,) = read_documents("deep.html", _page(3000).encode(), max_bytes=2**20)
    out = strip_document(doc, lexicon, max_body_chars=200_000)
    assert isinstance(out, str) and "deeper than the HTML parser's limit (2,048)" in out


def test_a_records_authors_are_the_credit_when_its_text_has_no_byline(lexicon):
    import json

    from tasks.curate import strip_document
    from tasks.intake import read_documents

    text = ("The harbour council voted on Tuesday to keep the night ferry running through the winter months.\n\n"
            "The operator said fuel costs had risen by a fifth since the spring, and asked the region for help.")
    rec = {"title": "Night ferry saved", "maintext": text, "authors": ["Mara Lind"]}
    (doc,) = read_documents("ferry.json", json.dumps(rec).encode(), max_bytes=2**20)
    assert strip_document(doc, lexicon, max_body_chars=10**6).page.credit == "Mara Lind"
    rec["maintext"] = "By Tom Berg, Harbour Reporter\n\n" + text  # the text's own byline stands
    (doc,) = read_documents("ferry.json", json.dumps(rec).encode(), max_bytes=2**20)
    assert strip_document(doc, lexicon, max_body_chars=10**6).page.credit == "By Tom Berg, Harbour Reporter"


def test_text_pages_are_dated_by_the_dateline_under_their_headline_not_the_headers_date_they_share(lexicon):
    # a site's pages saved on one day carry that day's date in their header: furniture the batch's
    # pages share, not the articles' date; each article's own dateline sits under its headline
    from tasks.curate import strip_documents
    from tasks.intake import read_documents
    from tasks.rows import Stamp

    story = ("The harbour council voted on Tuesday to keep the night ferry running through the winter months, "
             "and the operator said fuel costs had risen by a fifth since the spring.\n\n"
             "Passengers who use the crossing every week welcomed the decision, which ends a year of uncertainty "
             "for the islands and the fishing crews who rely on the late boat.\n\n"
             "The region will review the subsidy next autumn, a spokeswoman for the council said.\n\n")
    docs = []
    for n, (headline, line) in enumerate([("Night ferry saved", "By Mara Lind, 3 March 2025"),
                                          ("Quay reopens in May", "Posted on March 4, 2025 at 6:02 pm"),
                                          ("Fishing quota talks stall", "OSLO, March 5, 2025"),
                                          ("Bridge tolls to rise", "")]):
        page = (f"Home\nNews\nSport\nWeather\nFriday, 7 March 2025 | Login\n\n{headline}\n\n{line}\n\n"
                + story.replace("night ferry", headline.lower()) + "Share this article\n\nMore from News\n")
        docs += read_documents(f"page{n}.txt", page.encode(), max_bytes=2**20)
    batch = strip_documents(docs, lexicon, Stamp("run", "v"))
    assert [s.published for s in batch.to_parse] == ["2025-03-03", "2025-03-04", "2025-03-05", None]
    assert {s.published_evidence for s in batch.to_parse} == {"dateline", None}


def test_a_days_stories_of_one_outlet_are_each_dated_by_the_dateline_they_share(lexicon):
    # a daily run over one outlet: its stories of one day carry the same dateline under their
    # headlines, a short line the batch's pages share as they share the header's date above them
    from tasks.curate import strip_documents
    from tasks.intake import read_documents
    from tasks.rows import Stamp

    story = ("The harbour council voted on Tuesday to keep the night ferry running through the winter months, "
             "and the operator said fuel costs had risen by a fifth since the spring.\n\n"
             "Passengers who use the crossing every week welcomed the decision, which ends a year of uncertainty "
             "for the islands and the fishing crews who rely on the late boat.\n\n")
    docs = []
    for n, headline in enumerate(["Night ferry saved", "Quay reopens in May", "Fishing quota talks stall"]):
        page = (f"Home\nNews\nSport\nWeather\nFriday, 7 March 2025 | Login\n\n{headline}\n\nMarch 4, 2025\n\n"
                + story.replace("night ferry", headline.lower()) + "Share this article\n\nMore from News\n")
        docs += read_documents(f"page{n}.txt", page.encode(), max_bytes=2**20)
    batch = strip_documents(docs, lexicon, Stamp("run", "v"))
    assert [(s.published, s.published_evidence) for s in batch.to_parse] == [("2025-03-04", "dateline")] * 3
