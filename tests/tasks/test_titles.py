"""The HTML route's headline by agreement of the page's evidence (tasks/titles.py)."""

from tasks.titles import agree, choose_title, metadata_titles

BODY = "The harbour board voted on Monday to close the old pier after ninety years, its chairwoman said."


def page(title: str = "", og: str = "") -> str:
    meta = f'<meta property="og:title" content="{og}">' if og else ""
    return f"<html><head><title>{title}</title>{meta}</head><body></body></html>"


def test_metadata_titles_are_read_and_unescaped():
    assert metadata_titles(page("Pier closes &amp; more | Gazette", "Pier closes")) == \
        ("Pier closes", "", "Pier closes & more | Gazette")


def test_a_visible_headline_agreeing_with_the_metadata_wins():
    html = page("Harbour board closes old pier - Riverside Gazette")
    assert choose_title(html, ["News", "Harbour board closes the old pier"], None, "Riverside Gazette", BODY) == \
        ("Harbour board closes the old pier", "title:h1 agreeing with the metadata")


def test_the_site_name_and_section_leave_the_title():
    html = page("Riverside Gazette - Local News - Harbour board closes old pier")
    assert choose_title(html, ["Riverside Gazette"], None, "Riverside Gazette", BODY) == \
        ("Harbour board closes old pier", "title:<title>")


def test_slashes_and_joining_underscores_separate_a_titles_parts_too():
    assert choose_title(page("Riverside Gazette / Local News / Harbour board closes old pier"), [], None, None,
                        BODY)[0] == "Harbour board closes old pier"
    assert choose_title(page("Harbour board closes old pier_English_Wire"), [], None, None, BODY)[0] == \
        "Harbour board closes old pier"


def test_a_title_part_the_story_repeats_beats_a_longer_site_description():
    html = page("OLD PIER CLOSES | Football Transfer News, Fixtures, Results, Match Reports, Stats")
    assert choose_title(html, [], None, None, BODY)[0] == "OLD PIER CLOSES"


def test_a_social_title_that_disagrees_with_the_page_title_is_the_sites():
    html = page("Harbour board closes old pier - Gazette.com", og="Official Blog of the Riverside Gazette")
    assert choose_title(html, [], None, None, BODY) == ("Harbour board closes old pier", "title:<title>")
    agreeing = page("Harbour board closes old pier - Gazette.com", og="Harbour board closes the old pier")
    assert choose_title(agreeing, [], None, None, BODY) == ("Harbour board closes the old pier", "title:og:title")


def test_without_evidence_the_extractors_title_or_none():
    assert choose_title(page(), [], "Pier closes", None) == ("Pier closes", "title:extractor")
    assert choose_title(page(), [], None, None) == (None, "title:extractor")
    assert choose_title(page("style.css"), [], None, None) == (None, "title:extractor")


def test_agreement_is_symmetric_and_needs_two_words():
    assert agree("Nations at Impasse Over South China Sea, Group Warns",
                 "Nations at Impasse Over South China Sea, International Crisis Group Warns")
    assert not agree("Big Think", "Using Robots To Help Children With Autism Learn Big Think")
    assert not agree("News", "News")


def test_a_headline_holding_the_metadata_title_between_pipes_gives_that_part():
    html = page("gazette.com | Harbour board closes old pier")
    heading = "Riverside Gazette | gazette.com | Harbour board closes old pier"
    assert choose_title(html, [heading], None, "gazette.com", BODY) == \
        ("Harbour board closes old pier", "title:h1 agreeing with the metadata")
    # a headline's own dash joins its parts: it stays whole
    dashed = "Harbour board closes old pier – and the town mourns"
    assert choose_title(page("Harbour board closes old pier | Gazette"), [dashed], None, None, BODY)[0] == dashed


def test_a_dash_glued_to_the_word_before_it_separates_a_titles_parts():
    html = page("Harbour board closes old pier- Local-News-The Riverside Gazette")
    assert choose_title(html, [], None, None, BODY)[0] == "Harbour board closes old pier"


def test_no_title_longer_than_a_headline():
    script = "var s = {" + " ".join(f"this.prop{i} = '';" for i in range(60)) + "}"
    assert choose_title(page(), [], script, None, BODY) == (None, "title:extractor")
    assert choose_title(page(script), [], "Pier closes", None, BODY) == ("Pier closes", "title:extractor")
