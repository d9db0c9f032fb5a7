"""The HTML route's ensemble on tiny literal pages: blocks, evidence, alignment, decision."""

from tasks.boilerplate.blocks import comment_author
from tasks.boilerplate.ensemble import BASE, OTHER, Unit, _Index, decide, units
from tasks.boilerplate.features import BlockEvidence, coverage, shingles
from tasks.boilerplate.model import probability, write_weights
from tasks.boilerplate.segment import html_blocks
from tasks.html import extract_html, one_document, readability_text
from tasks.lexicon import parse_weights

BODY = [
    "The council approved the new bridge on Tuesday after a long debate about its cost and its route.",
    "Residents had asked for a crossing for years, and the vote ended a dispute that began in spring.",
    "Work starts in March and the bridge should open to traffic before the end of next year.",
]
PAGE = f"""<html><head><title>Council approves bridge</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article><h1>Council approves bridge</h1>
<div class="story-body"><p>{BODY[0]}</p><p>{BODY[1]}</p><p>{BODY[2]}</p></div></article>
<footer><p>Copyright 2025 Riverside Gazette. All rights reserved.</p></footer>
</body></html>"""


def test_blocks_in_document_order_with_their_place():
    blocks = html_blocks(PAGE)
    texts = [b.text for b in blocks]
    assert texts[:3] == ["Home", "News", "Sport"]
    assert texts.index(BODY[0]) < texts.index(BODY[1]) < texts.index(BODY[2])
    home = blocks[0]
    assert home.link_chars == len("Home") and "nav" in home.ancestors and home.tag == "li"
    paragraphs = [b for b in blocks if b.text in BODY]
    assert {b.parent for b in paragraphs} == {paragraphs[0].parent}  # one container
    assert {"story", "body"} <= paragraphs[0].words


def test_blocks_of_unreadable_html_are_none():
    assert html_blocks("") == []
    assert html_blocks("<?xml version='1.0' encoding='utf-8'?><html><body><p>Hi there</p></body></html>")[0].text == \
        "Hi there"


def test_coverage_counts_shared_four_word_shingles():
    kept = shingles("one two three four five")
    assert coverage("one two three four five", kept) == 1.0
    assert coverage("one two three four nine", kept) == 0.5
    assert coverage("", kept) == 0.0


def test_units_align_base_lines_to_blocks_and_add_what_it_left_out(lexicon):
    blocks = [BlockEvidence(t) for t in ("Home", *BODY, "Copyright 2025 Riverside Gazette.")]
    found = units(blocks, {BASE: "\n".join(BODY[:2]), OTHER: "\n".join(BODY)}, lexicon)
    assert [u.text for u in found] == ["Home", *BODY, "Copyright 2025 Riverside Gazette."]
    assert [u.from_base for u in found] == [False, True, True, False, False]
    third = found[3].features
    assert third[f"vote_{OTHER}"] == 1.0 and third[f"vote_{BASE}"] == 0.0


def test_a_paragraph_the_base_split_in_two_lines_is_one_unit_of_its_whole_text(lexicon):
    whole = BODY[0] + " " + BODY[1]
    blocks = [BlockEvidence(whole, tag="p"), BlockEvidence(BODY[2], tag="p")]
    words = whole.split()
    halves = "\n".join([" ".join(words[:20]), " ".join(words[20:]), BODY[2]])
    assert [u.text for u in units(blocks, {BASE: halves, OTHER: ""}, lexicon)] == [whole, BODY[2]]
    # not a container's text: a <div> holding far more than the line stays the line
    page = [BlockEvidence(" ".join(BODY * 2), tag="div")]
    assert [u.text for u in units(page, {BASE: BODY[0], OTHER: ""}, lexicon)] == [BODY[0]]


def test_short_lines_of_the_base_belong_to_the_blocks_in_reading_order(lexicon):
    # a menu's "List" comes first on the page; the base's "list: [" lines are the article's code
    code = "config: { list: [ list: [ ] ] }"
    blocks = [BlockEvidence("List", tag="li"), BlockEvidence(BODY[0], tag="p"), BlockEvidence(code, tag="pre"),
              BlockEvidence("Hardware", tag="h2"), BlockEvidence(BODY[1], tag="p")]
    base = "\n".join([BODY[0], "config: {", "list: [", "list: [", "]", "]", "}", "Hardware", BODY[1]])
    found = units(blocks, {BASE: base, OTHER: ""}, lexicon)
    assert [(u.text, u.from_base) for u in found] == [
        ("List", False), (BODY[0], True), (code, True), ("Hardware", True), (BODY[1], True)]
    # a short line far from the last one placed is matched by its words, as before
    far = units(blocks, {BASE: "Hardware", OTHER: ""}, lexicon)
    assert [u.text for u in far if u.from_base] == ["Hardware"]


def test_a_base_line_spanning_several_blocks_is_split_into_them(lexicon):
    blocks = [BlockEvidence(BODY[0], parent=1), BlockEvidence(BODY[1], parent=1)]
    found = units(blocks, {BASE: BODY[0] + " " + BODY[1], OTHER: ""}, lexicon)
    assert [u.text for u in found] == BODY[:2] and all(u.from_base for u in found)


def test_decide_uses_the_thresholds_of_the_weights(lexicon):
    blocks = [BlockEvidence(t) for t in BODY]
    found = units(blocks, {BASE: BODY[0], OTHER: ""}, lexicon)
    keep_all = decide(found, {"bias": 0.0, "threshold_keep_base": 0.4, "threshold_add": 0.4})
    assert all(keep for _, keep, _ in keep_all)  # p = 0.5 everywhere
    base_only = decide(found, {"bias": 0.0, "threshold_keep_base": 0.4, "threshold_add": 0.6})
    assert [keep for _, keep, _ in base_only] == [True, False, False]
    assert "left out by the base" in found[1].evidence(0.5)


def test_a_heading_left_out_between_kept_units_is_a_subheading():
    weights = {"bias": 0.0, "threshold_keep_base": 0.4, "threshold_add": 0.6, "threshold_subheading": 0.45}
    para = Unit(BODY[0], True, {"bias": 1.0})
    heading = Unit("Eve Valkyrie ($60)", False, {"bias": 1.0, "heading": 1.0})
    advert = Unit("Advertisement", False, {"bias": 1.0, "phrase_rule": 1.0})
    line = Unit("Eve Valkyrie ($60)", False, {"bias": 1.0})  # the same words, not a heading
    keeps = [keep for _, keep, _ in decide([para, heading, advert, para, line, para, heading], weights)]
    assert keeps == [True, True, False, True, False, True, False]  # the last heading has no unit kept after it
    assert "a heading between kept units" in decide([para, heading, para], weights)[1][0].evidence(0.5)
    low = {**weights, "threshold_subheading": 0.55}  # the model must still give it some weight
    assert [keep for _, keep, _ in decide([para, heading, para], low)] == [True, False, True]


def test_the_list_a_kept_line_ending_in_a_colon_introduces_comes_in():
    weights = {"bias": 1.0, "threshold_keep_base": 0.4, "threshold_add": 0.6}  # p 0.73 or 0.27
    para = Unit(BODY[0], True, {"bias": 1.0})
    intro = Unit("Other deals:", True, {"bias": 1.0})
    item = Unit('- 15" laptop, 8GB RAM, for $550 with free shipping', True, {"bias": -1.0, "list_item": 1.0})
    teaser = Unit("Ferry strike ends", False, {"bias": -1.0})
    related = Unit("Related content:", True, {"bias": 1.0, "phrase_rule": 1.0})
    kept_item = Unit("- Router with four antennas for $140", True, {"bias": 1.0, "list_item": 1.0})
    decided = decide([para, intro, item, kept_item, item, teaser, related, item, para, item], weights)
    assert [keep for _, keep, _ in decided] == [True, True, True, True, True, False, True, False, True, False]
    assert decided[2][0].evidence(0.27).startswith("p=0.27 base an item of the list a kept line introduces")


def test_weights_round_trip_and_probability():
    text = write_weights({"bias": -1.0, "vote_trafilatura": 2.0}, "html", ["dev"])
    weights = parse_weights(text)
    assert weights == {"bias": -1.0, "vote_trafilatura": 2.0}
    assert probability({"bias": 1.0, "vote_trafilatura": 0.5}, weights) == 0.5
    assert probability({"bias": 1.0, "vote_trafilatura": 1e9}, weights) > 0.999999


def test_readability_reads_the_article_paragraphs():
    lines = readability_text(PAGE).split("\n")
    assert all(p in lines for p in BODY)
    assert readability_text("") == ""


def test_extract_html_keeps_the_article_and_says_why_the_rest_went(lexicon):
    page = extract_html(PAGE, "https://gazette.example/bridge", lexicon)
    assert page.title == "Council approves bridge"
    body = [line for (keep, _), line in zip(page.decisions, page.text.split("\n\n")[1:]) if keep]
    assert body[:3] == BODY
    dropped = [evidence for keep, evidence in page.decisions if not keep]
    assert all(e.startswith("p=") for e in dropped)


def test_a_title_naming_only_the_site_gives_way_to_the_headline_that_tells_the_story(lexicon):
    # an old page's <title> and <h1> are the site's name; its headline is a plain block above the story
    page = PAGE.replace("<title>Council approves bridge</title>", "<title>Riverside Gazette</title>").replace(
        "<h1>Council approves bridge</h1>", "<h1>Riverside Gazette</h1><div class='hed'>Council approves new bridge "
        "after years of debate</div>")
    assert extract_html(page, None, lexicon).title == "Council approves new bridge after years of debate"


def test_a_byline_the_story_names_its_writer_in_is_never_the_headline(lexicon):
    # "Maria Lindqvist reports:" opens the story, so the byline shares the story's words too
    page = PAGE.replace("<title>Council approves bridge</title>", "<title>Riverside Gazette</title>").replace(
        "<h1>Council approves bridge</h1>", "<h1>Riverside Gazette</h1><div class='hed'>Council approves new bridge "
        "after years of debate</div><div class='by'>By Maria Lindqvist</div>").replace(
        f"<p>{BODY[0]}</p>", f"<p>Maria Lindqvist reports:</p><p>{BODY[0]}</p>")
    assert extract_html(page, None, lexicon).title == "Council approves new bridge after years of debate"


def test_a_paragraph_keeps_the_words_after_an_empty_widget_the_base_extractor_loses(lexicon):
    # trafilatura drops the text after an empty <span> it removes inside a paragraph (a stock ticker)
    told = ("The bridge is built by a venture of Alder Bridges AG's steel unit and Birch Works's Danish arm, "
            "which won the tender in May after a long contest with three other firms from the north of the country.")
    widget = '<span data-widget="ticker" data-ticker-name="AB"></span>'
    paragraph = (f'<p>The bridge is built by a venture of <a href="/q?s=AB">Alder Bridges</a> AG\'s {widget} steel '
                 f'unit and <a href="/q?s=BW">Birch Works</a>\'s {widget} Danish arm, which won the tender in May after a long '
                 'contest with three other firms from the north of the country.</p>')
    # the base's line is "... Alder Bridges AG's Birch Works's": its paragraph holds over twice its words
    page = PAGE.replace(f"<p>{BODY[0]}</p>", f"<p>{BODY[0]}</p>{paragraph}")
    lines = extract_html(page, None, lexicon).text.split("\n\n")
    assert told in lines and lines.count(told) == 1
    assert not any(line.startswith("The bridge is built") and line != told for line in lines)


def test_a_brief_of_one_paragraph_is_what_every_extractor_agrees_on(lexicon):
    # the model, fitted on whole pages, keeps nothing of a one-paragraph brief that both extractors find
    brief = ("<html><head><title>Bridge to close</title></head><body><h1>Bridge to close</h1><p>The city council "
             "voted on Tuesday to close the old bridge over the Wen river for repairs, Mayor Ada Lind said.</p>"
             "</body></html>")
    out = extract_html(brief, None, lexicon)
    assert out.title == "Bridge to close" and out.text.endswith("Mayor Ada Lind said.")
    assert out.decisions[0][0] and out.decisions[0][1].startswith("every extractor (the model kept nothing)")
    date_only = brief.replace(brief[brief.index("<p>"):brief.index("</p>") + 4], "<p>Tuesday 15 January 2008</p>")
    assert extract_html(date_only, None, lexicon).text == ""


def test_a_page_that_goes_on_after_its_first_html_end_tag_is_read_whole(lexicon):
    # two documents served as one: the site's header, then the article, as a browser shows them
    header = ("<html><head><title>Riverside Gazette</title></head><body><table><tr><td>Riverside, 3 May</td>"
              "<td>Weather: 12°, cloudy</td></tr></table></body></html>\n")
    out = extract_html(header + PAGE.replace("<html>", "<!DOCTYPE html><html>"), None, lexicon)
    body = [line for (keep, _), line in zip(out.decisions, out.text.split("\n\n")[1:]) if keep]
    assert body[:3] == BODY
    assert one_document(PAGE + "\n<script></script>\n") == PAGE + "\n<script></script>\n"  # only markup after it


def test_a_page_its_script_renders_gives_the_article_of_its_json_ld(lexicon):
    ld = ('{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Council approves bridge", '
          '"articleBody": "' + "\\n\\n".join(BODY[:2]) + '<p>' + BODY[2] + '</p>"}')
    page = f"""<html><head><script type="application/ld+json">{ld}</script></head>
<body><div id="app"></div><script src="/app.js"></script></body></html>"""
    out = extract_html(page, None, lexicon)
    assert out.text.split("\n\n") == ["Council approves bridge", *BODY]
    assert out.decisions == ((True, "json-ld articleBody"),) * 3
    assert extract_html(page.replace("articleBody", "description"), None, lexicon).text == ""


def test_comment_author_is_a_name_not_a_clause(lexicon):
    assert comment_author(lexicon, "Jane Doe says:")
    assert comment_author(lexicon, "Jane on May 3, 2021 said:")
    assert comment_author(lexicon, "In an interview, the president said:") is None
    assert comment_author(lexicon, "The mayor of the small northern town said:") is None



def test_the_shingle_index_finds_what_comparing_with_every_block_finds():
    texts = ["The pier closes on Monday for six weeks of repairs.", "Ferries will use the fish market quay.",
             "The pier closes on Monday for six weeks of repairs.", "", "Subscribe", "Ferries will use the quay."]
    block_sh = [shingles(t) for t in texts]
    index = _Index(block_sh)
    for line in ["The pier closes on Monday, the council said.", "Ferries will use the fish market quay.", "Nothing"]:
        own = shingles(line)
        naive = {i: len(own & sh) for i, sh in enumerate(block_sh) if own & sh}
        found = {i: n for g, n in index.shared(own).items() for i in index.members[g]}
        assert found == naive
    assert index.members[0] == [0, 2]  # one text, one group: a page repeating a paragraph stays linear


def test_author_metadata_as_credit_without_the_bylines_dates_and_labels(lexicon):
    from tasks.html import metadata_credit

    assert metadata_credit("Mike Wuerthele; Malcolm Owen Monday; November", lexicon) == "Mike Wuerthele, Malcolm Owen"
    assert metadata_credit("Jeffrey Gettleman; JEFFREY GETTLEMAN", lexicon) == "Jeffrey Gettleman"
    assert metadata_credit("Detroit News wire services Published", lexicon) == "Detroit News wire services"
    assert metadata_credit("Theresa May", lexicon) == "Theresa May"  # "May" is a name too
    assert metadata_credit("Published January", lexicon) is None
    assert metadata_credit(None, lexicon) is None


def test_a_page_without_a_byline_line_takes_its_author_metadata(lexicon):
    from tasks.curate import strip_document
    from tasks.intake import read_documents

    para = "<p>" + "The harbour board voted on Monday to close the old pier after a long debate. " * 4 + "</p>"
    page = (f"<html><head><title>Pier closes</title><meta name='author' content='Liv Dahl; Published Monday'>"
            f"</head><body><article><h1>Pier closes</h1>{para * 3}</article></body></html>")
    (doc,) = read_documents("pier.html", page.encode(), max_bytes=2**20)
    assert strip_document(doc, lexicon, max_body_chars=10**6).page.credit == "Liv Dahl"


def test_figure_captions_of_the_article_are_captions_not_body(lexicon):
    from tasks.curate import strip_document
    from tasks.intake import read_documents

    lead, inner = "The old bridge seen from the east bank on Monday. Photo: Jane Roe", "Engineers inspect a pillar."
    para = "<p>" + "The council voted on Tuesday to close the old bridge after engineers found cracks. " * 3 + "</p>"
    page = (f"<html><head><title>Bridge closed</title></head><body>"
            f"<figure><img src='t.jpg'><figcaption>A teaser about another story</figcaption></figure>"
            f"<article><h1>Bridge closed</h1><figure><img src='a.jpg'><figcaption>{lead}</figcaption></figure>"
            f"{para * 2}<figure><img src='b.jpg'><figcaption>{inner}</figcaption></figure>{para * 2}</article>"
            f"<footer><figure><figcaption>A picture of the next story</figcaption></figure></footer></body></html>")
    assert extract_html(page, None, lexicon).captions == (lead, inner)
    (doc,) = read_documents("bridge.html", page.encode(), max_bytes=2**20)
    out = strip_document(doc, lexicon, max_body_chars=10**6).page
    assert out.captions == (lead, inner)
    assert "Engineers" not in out.body and "Jane Roe" not in out.body and "teaser" not in out.body
    rules = {s.text: s.rule for s in out.segments}
    assert rules[lead] == rules[inner] == "caption:markup"
    assert rules["A teaser about another story"].startswith("html:ensemble")
