import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.boilerplate import Hints, fold, page_furniture, strip_boilerplate
from tasks.boilerplate.blocks import headline_shaped

PAGE = """Harbour Board Votes to Close the Old Pier

The old pier at dawn (left) with the new ferry terminal
The old pier at dawn (left) with the new ferry terminal

The old pier at dawn (left) with the new ferry terminal

  • Vote passed by seven to two
  • Repairs would have cost more than a new pier

The harbour board voted on Monday to close the old pier, its chairwoman Liv Dahl said.

“We could not ask people to walk on it any longer,” Dahl told reporters after the vote.

Read also: Ferry timetable changes from March

The board asked the council to

  1. Fence off the pier by the end of the month
  2. Publish the engineers' report in full

2 15

Get the Harbour Notes Weekly in your inbox:

Discussion Policy

Comments are welcome. The Harbour Notes reserves the right to remove comments that include personal attacks.

  1. Old Sailor said:

    Sad day. My grandfather built that pier.

    It deserved better.

  2. J. Berg said:

    About time.

Leave a Reply

Your email address will not be published. Required fields are marked *

© 2025 Harbour Notes. All rights reserved.
"""


@pytest.fixture(scope="module")
def page(lexicon):
    return strip_boilerplate(PAGE, lexicon)


def test_title_dek_and_one_caption_for_all_quote_styles(page):
    assert page.title == "Harbour Board Votes to Close the Old Pier"
    assert page.dek == ("Vote passed by seven to two", "Repairs would have cost more than a new pier")
    assert page.captions == ("The old pier at dawn (left) with the new ferry terminal",)


def test_body_keeps_prose_and_the_numbered_list(page):
    assert page.body.splitlines()[0].startswith("The harbour board voted on Monday")
    assert "1. Fence off the pier by the end of the month" in page.body
    assert "2. Publish the engineers' report in full" in page.body
    assert "The board asked the council to" in page.body
    for leaked in ("Read also", "2 15", "inbox", "Discussion Policy", "reserves the right", "Sad day",
                   "Leave a Reply", "email address", "©", "(left)"):
        assert leaked not in page.body


def test_comments_are_their_own_rows(page):
    assert [(c.seq, c.author) for c in page.comments] == [(1, "Old Sailor"), (2, "J. Berg")]
    assert page.comments[0].text == "Sad day. My grandfather built that pier.\n\nIt deserved better."


def test_every_stripped_segment_has_a_label_kind_and_rule(page):
    kinds = {(s.label, s.kind) for s in page.segments}
    assert {("boilerplate", "related"), ("boilerplate", "counter"), ("boilerplate", "newsletter"),
            ("boilerplate", "comment_policy"), ("boilerplate", "reply_form"), ("boilerplate", "copyright"),
            ("caption", None), ("dek", None), ("title", None), ("comment", "author")} <= kinds
    for s in page.segments:
        assert s.rule and PAGE[s.start:s.end] == s.text


def test_publisher_from_the_page_itself(page):
    assert page.publisher == "Harbour Notes"
    assert "©" in page.publisher_evidence


@pytest.mark.parametrize(
    ("lines", "publisher"),
    [
        (["Copyright Greenvalleyherald 2023", "The Green Valley Herald learned that the mill will close."],
         "Green Valley Herald"),
        (["Copyright 2026 Wen Valley Courier. All rights reserved. Privacy Terms"], "Wen Valley Courier"),
        (["All rights reserved © 2026 Wen Valley Courier"], "Wen Valley Courier"),
        (["© 2026 Harbour Media Ltd | Privacy Policy | Cookie settings"], "Harbour Media"),
        (["Sign up to receive the Valley Post Daily in your inbox"], "Valley Post"),
        (["Riverside Radio with AFP"], "Riverside Radio"),
        (["Comments are moderated. Northwind News reserves the right to delete comments."], "Northwind News"),
    ],
)
def test_publisher_evidence_kinds(lexicon, lines, publisher):
    text = "A Headline About the Mill\n\n" + "The mill will close in spring, the owners said on Friday.\n\n" + "\n\n".join(lines)
    assert strip_boilerplate(text, lexicon).publisher == publisher


def test_metadata_hints_win(lexicon):
    text = "Mill to close\n\nThe mill will close in spring, the owners said on Friday."
    page = strip_boilerplate(text, lexicon, Hints(title="Mill to close", sitename="Valley Post"))
    assert (page.title, page.publisher) == ("Mill to close", "Valley Post")


def test_bulleted_subheadings_inside_the_body(lexicon):
    text = ("Port reopens\n\nThe port reopened on Monday after a week of repairs, officials said.\n\n"
            "  • What changes for ferries\n\nFerries will dock at the new quay from Tuesday, the operator said.")
    page = strip_boilerplate(text, lexicon)
    assert page.subheadings == ("What changes for ferries",)
    assert "What changes" not in page.body


def test_a_list_above_the_headline_is_the_menu_not_the_standfirst(lexicon):
    text = ("• Home\n\n• News\n\nPort reopens after repairs\n\n• Ferries return on Tuesday\n\n"
            "The port reopened on Monday after a week of repairs, officials said on Monday evening.\n\n"
            "Ferries will dock at the new quay from Tuesday, the operator said in a statement.")
    page = strip_boilerplate(text, lexicon, Hints(title="Port reopens after repairs"))
    assert page.dek == ("Ferries return on Tuesday",)
    assert "Home" not in page.body + " ".join(page.subheadings)

def test_headline_and_credit_spaced_like_the_body(lexicon):
    # a no-break or thin space, or a run of spaces, reads as one space in every text field, as in
    # the body: a search for "warns of floods" finds the headline
    text = ("Mayor\u00a0warns  of\u2009floods\n\nBy\u00a0Jane  Doe\n\n"
            "The mayor of Riverton warned on Tuesday that the river could burst its banks within days.\n\n"
            "Crews worked through the night to shore up the levees near the old mill, the fire chief said.")
    page = strip_boilerplate(text, lexicon)
    assert (page.title, page.credit) == ("Mayor warns of floods", "By Jane Doe")


DUMP = """Harbour Board Votes to Close the Old Pier | Coastline Daily
Home
News
Sport
Business
Weather
Opinion
Culture
Harbour Board Votes to Close the Old Pier
Liv Dahl
Updated 3 hours ago
Email This Post
The old pier at dawn. Photo: Coastline Daily
The harbour board voted on Monday to close the old pier, its chairwoman said after a long meeting.
Engineers had found the piles rotten below the waterline, and repairs would have cost more than a new pier.
The council will fence off the pier by the end of the month and publish the engineers' report in full.
"""


def test_a_dumped_pages_headline_stands_above_its_byline_and_buttons(lexicon):
    # a name ("Liv Dahl"), a time ("Updated 3 hours ago"), a button ("Email This Post") or a
    # caption between the headline and the article is no headline
    page = strip_boilerplate(DUMP, lexicon)
    assert page.title == "Harbour Board Votes to Close the Old Pier"
    assert page.body.startswith("The harbour board voted on Monday") and "Email" not in page.body


def test_the_headline_is_the_line_above_the_article_that_tells_its_story(lexicon):
    # buttons and widgets between the headline and the article share no words with the story
    text = DUMP.replace("Email This Post\n", "Font Size: Decrease Increase\nPrinter friendly version\n")
    page = strip_boilerplate(text, lexicon)
    assert page.title == "Harbour Board Votes to Close the Old Pier"
    assert [s.rule for s in page.segments if s.label == "title"] == ["title:tells-the-story"]


def test_credit_lines_and_page_widgets_above_the_article_are_no_headline(lexicon):
    # a headline that shares no words with the story is the nearest headline-like line above it;
    # a photo credit ("name / agency"), a "Posted by" or "Special to" byline, a login box or a
    # skip link between them is none, whatever its shape
    text = DUMP.split("\n", 1)[1].replace("Harbour Board Votes to Close the Old Pier\nLiv Dahl\nUpdated 3 hours ago\nEmail This Post\n",
                        "A Sad Day for Anglers\nSpecial to The Coastline Daily\nPosted by Liv Dahl\n"
                        "Username Password Remember me\nAnn Lee / AP\n")
    page = strip_boilerplate("Skip to contentSkip to site index\n" + text, lexicon)
    assert page.title == "A Sad Day for Anglers"
    labels = {s.text: (s.label, s.rule) for s in page.segments}
    assert labels["Special to The Coastline Daily"] == labels["Posted by Liv Dahl"] == ("credit", "credit:byline")
    assert labels["Ann Lee / AP"][0] != "title"
    assert labels["Username Password Remember me"] == labels["Skip to contentSkip to site index"] == \
        ("boilerplate", "phrase:navigation")


def test_a_headline_repeated_on_the_page_is_still_the_headline_and_its_copies_no_captions(lexicon):
    # sites repeat the headline in a breadcrumb or a share box; a repeated line is otherwise taken
    # for a caption
    text = DUMP + "Harbour Board Votes to Close the Old Pier\nMore from Coastline Daily\n"
    page = strip_boilerplate(text, lexicon)
    assert page.title == "Harbour Board Votes to Close the Old Pier"
    assert not any("Harbour Board" in c for c in page.captions)
    assert ("boilerplate", "repeat:headline") in [(s.label, s.rule) for s in page.segments]


def test_the_headline_shares_most_of_its_words_with_the_story_not_a_teaser_nearer_it(lexicon):
    # a teaser between the headline and the article shares a few of its many words with the story;
    # the headline shares most of its own
    text = DUMP.replace("Email This Post\n", "Also read: harbour fees rise again as the board approves a budget "
                        "for new ferries and a museum\n")
    page = strip_boilerplate(text, lexicon)
    assert page.title == "Harbour Board Votes to Close the Old Pier"


def test_a_breadcrumb_or_a_menu_line_is_no_headline_though_it_names_the_story(lexicon):
    # "Home » Harbour » Old Pier" shares two words with the story, the headline none of its own
    text = DUMP.split("\n", 1)[1].replace("Liv Dahl\nUpdated 3 hours ago\nEmail This Post\n", "Home » Harbour » Old Pier\n") \
        .replace("Harbour Board Votes to Close the Old Pier\n", "A Sad Day for Anglers\n")
    page = strip_boilerplate(text, lexicon)
    assert page.title == "A Sad Day for Anglers"
    assert headline_shaped("Obama > Romney in the latest poll", 6, lexicon)
    assert not headline_shaped("News | Sport | Harbour Pier", 6, lexicon)


def test_a_headline_may_end_in_an_initialisms_full_stop_but_not_in_a_sentences(lexicon):
    # "... Underneath N.Y.C." is a headline (a text dump's date is looked for under its headline)
    assert headline_shaped("How Winter Wreaks Havoc on What's Underneath N.Y.C.", 8, lexicon)
    assert headline_shaped("Talks Resume in Washington, D.C.", 5, lexicon)
    assert not headline_shaped("The council voted to close the pier.", 7, lexicon)
    assert not headline_shaped("The pier closes in the U.S. Then what.", 8, lexicon)


def test_an_article_found_from_its_headline_keeps_the_headline_out_of_the_body(lexicon):
    # no line above the article tells its story, and the article found begins with the headline
    # (a long headline reads like prose)
    headline = "The harbour board votes to close the old pier after its engineers found the piles rotten, and a new one"
    lines = DUMP.splitlines()
    text = "\n".join([*lines[1:8], "Follow Us", headline, *lines[13:]])
    page = strip_boilerplate(text, lexicon)
    assert page.title == headline
    assert page.body.startswith("The harbour board voted on Monday")


def test_a_date_line_under_the_headline_of_bare_article_text_is_its_dateline_not_body(lexicon):
    text = ("Clinton, Obama Spar\n\n3 days ago\n\nNovember 5, 2012, 4:00 pm\n\n"
            "The two candidates clashed on Monday over the war, in a debate that ran past midnight.\n\n"
            "Their campaigns said afterwards that each had won, and both asked supporters for money.")
    page = strip_boilerplate(text, lexicon)
    assert page.title == "Clinton, Obama Spar"  # a comma: a headline, not a name
    assert page.body.startswith("The two candidates") and "ago" not in page.body and "2012" not in page.body
    assert [(s.kind, s.rule) for s in page.segments if s.label == "boilerplate"] == \
        [("dateline", "dateline:under-headline")] * 2

BLOCKS = st.sampled_from([
    "A plain sentence of the article body that ends with a period.",
    "“A quoted sentence,” the minister said on Tuesday.",
    "Read also: something else entirely",
    "Share",
    "12 Comments",
    "  • A bullet line",
    "  3. A numbered item of a list",
    "Copyright 2024 Example News",
    "Short caption line here",
    "   ",
    "\u00a0",
])


@settings(max_examples=60, deadline=None)
@given(st.lists(BLOCKS, min_size=1, max_size=25))
def test_every_non_blank_character_is_body_or_accounted_for(lexicon, blocks):
    text = "\n\n".join(blocks)
    page = strip_boilerplate(text, lexicon)
    covered = [False] * len(text)
    for s in page.segments:
        assert text[s.start:s.end] == s.text
        for i in range(s.start, s.end):
            covered[i] = True
    body_parts = page.body.split("\n\n") if page.body else []
    for part in body_parts:
        assert part.strip() and part in text
    stripped_text = "".join(c for i, c in enumerate(text) if not covered[i])
    assert fold(re.sub(r"\s+", " ", stripped_text)) == fold(" ".join(body_parts))


def test_short_lines_shared_by_several_pages_are_site_furniture_but_shared_paragraphs_stay(lexicon):
    wire = "The port of Bergen reopened on Monday after three days of storms, the harbour master said."
    pages = [f"Headline number {i}\n\nFerries and Tides\n\n{wire}\n\nHarbour Town Sailing Club" for i in range(3)]
    furniture = page_furniture(pages)
    assert fold("Ferries and Tides") in furniture
    assert fold(wire) not in furniture
    page = strip_boilerplate(pages[0], lexicon, Hints(furniture=furniture))
    assert page.body == wire
    assert {s.kind for s in page.segments if s.label == "boilerplate"} >= {"site_furniture"}


def test_readers_comments_after_the_article_never_win_the_page(lexicon):
    article = [
        "The council of Eastvale voted on Tuesday to close the old ferry pier for repairs.",
        "Repairs will take six weeks and cost about 40,000 euros, the mayor's office said.",
        "Ferries will dock at the fish market quay in the meantime.",
    ]
    comments = [
        "I have taken that ferry every morning for twenty years and the pier was always a disgrace, "
        "frankly it is a wonder nobody fell through the planks before now, and the council knew it.",
        "Six weeks? They said the same about the bridge and that took a year and a half to finish, "
        "so I would not count on seeing the pier open again before next summer at the earliest.",
        "Good news for the fish market at least, they will get more customers while the pier is shut, "
        "which is something the council never thinks about when it makes these decisions.",
        "Does anyone know whether the night ferry still runs during the repairs or is it cancelled?",
    ]
    text = "\n\n".join(["Pier to close for repairs", *article, "Comments", *comments])
    page = strip_boilerplate(text, lexicon)
    assert page.body == "\n\n".join(article)
    assert any(s.text == "Comments" and s.kind == "comment_header" for s in page.segments)


def test_a_comments_link_above_the_byline_does_not_end_the_article(lexicon):
    # a sign-in box (prose enough to pass for an article), then the article's toolbar link
    # "Comments" over its headline and byline: the comment section has not opened there
    sign_in = [
        "Forgot your username or password? We can send a new one to the address you gave us.",
        "Don't have an account? Register now for free, it only takes a minute of your time.",
        "Or sign in with any of the services you already use, and we will remember you next time.",
    ]
    article = [
        "The council of Eastvale voted on Tuesday to close the old ferry pier for six weeks of repairs.",
        "Ferries will dock at the fish market quay in the meantime, the harbour master said on Wednesday.",
        "The night ferry will keep its timetable, and tickets bought for the pier stay valid at the quay.",
        "Residents asked the council whether the works could wait until the end of the tourist season.",
    ]
    text = "\n\n".join(["Sign in", *sign_in, "Comments", "Pier to close for six weeks of repairs",
                         "By Ann Lee, Eastvale Post", *article])
    page = strip_boilerplate(text, lexicon)
    assert page.body == "\n\n".join(article)
    assert page.title == "Pier to close for six weeks of repairs"
    assert page.credit == "By Ann Lee, Eastvale Post"


def test_a_list_a_paragraph_introduces_is_the_articles_and_so_is_what_follows_it(lexicon):
    # short items ("1. Eastvale") cost like menu lines, and the paragraph after them looked like a
    # stray blurb: the article ended above the list
    intro = "The harbours of the coast were ranked as follows:"
    items = [f"{n}. {name}" for n, name in enumerate(
        ["Eastvale", "Westport", "Northby", "Southsea", "Kirkwall", "Lerwick", "Stromness", "Scalloway"], start=1)]
    after = "Eastvale came first for its new quay and for the short waits of its ferries and fishing boats."
    text = DUMP + "\n".join([intro, *items, after, "Home", "News", "Sport", "Contact", "About us", "Jobs"])
    body = strip_boilerplate(text, lexicon).body.split("\n\n")
    assert body[-len(items) - 2:] == [intro, *items, after]


def test_readers_posted_by_lines_keep_the_comment_section_open(lexicon):
    article = [
        "The council of Eastvale voted on Tuesday to close the old ferry pier for repairs.",
        "Repairs will take six weeks and cost about 40,000 euros, the mayor's office said.",
        "Ferries will dock at the fish market quay in the meantime.",
    ]
    comments = [
        "Posted by Harbourfan",
        "I have taken that ferry every morning for twenty years and the pier was always a disgrace, "
        "frankly it is a wonder nobody fell through the planks before now, and the council knew it.",
        "Posted by Old Sailor",
        "Six weeks? They said the same about the bridge and that took a year and a half to finish, "
        "so I would not count on seeing the pier open again before next summer at the earliest.",
    ]
    text = "\n\n".join(["Pier to close for repairs", *article, "Comments", *comments])
    assert strip_boilerplate(text, lexicon).body == "\n\n".join(article)


def test_story_highlights_are_the_dek_not_the_body_or_the_headline(lexicon):
    points = ["Eastvale council closes the old ferry pier for six weeks",
              "Ferries will dock at the fish market quay meanwhile",
              "Repairs will cost about 40,000 euros"]
    article = [
        "Eastvale (Eastvale Post) -- The council of Eastvale voted on Tuesday to close the old pier.",
        "Repairs will take six weeks and cost about 40,000 euros, the mayor's office said in a statement.",
        "Ferries will dock at the fish market quay in the meantime, the harbour master said on Wednesday.",
    ]
    text = "\n\n".join(["Pier shut as repairs begin", "By Ann Lee", "Story Highlights", *points, *article])
    page = strip_boilerplate(text, lexicon)
    assert page.title == "Pier shut as repairs begin"
    assert page.dek == tuple(points)
    assert page.body == "\n\n".join(article)
    assert [s.kind for s in page.segments if s.text == "Story Highlights"] == ["highlights"]


def test_a_listing_of_timestamped_headlines_is_not_the_article(lexicon):
    listing = [f"{tag} {h}:15 PM {title}" for tag, h, title in [
        ("ferries", 5, "Night Ferry Returns to Eastvale After a Winter Away"),
        ("weather", 4, "Storm Warning Lifted for the Coast, Forecasters Say Calm Ahead"),
        ("harbour", 3, "Fish Market Quay Gets a New Crane and a Longer Season"),
        ("council", 2, "Mayor Promises Answers on the Bridge Works by Spring"),
    ]]
    article = ("The council of Eastvale voted on Tuesday to close the old ferry pier for six weeks. "
               "Ferries will dock at the fish market quay in the meantime.")
    page = strip_boilerplate("\n\n".join(["Pier to close for repairs", article, "Latest", *listing]), lexicon)
    assert page.body == article
    assert [s.kind for s in page.segments if s.text in listing] == ["related"] * len(listing)
    # a sentence that names a time is prose, not a listing
    said = "At 5:15 pm The harbour master said the pier would close. Ferries will use the quay."
    assert strip_boilerplate("\n\n".join(["Pier closes", said]), lexicon).body == said


@pytest.mark.parametrize("header", ["3 Comments on “Pier to close for repairs”", "One Response to \"Pier to close\"",
                                    "12 replies to ‘Pier to close’"])
def test_wordpress_comment_headers_naming_the_post(lexicon, header):
    page = strip_boilerplate(f"Pier to close\n\nThe pier closes on Monday, the council said.\n\n{header}", lexicon)
    assert [s.kind for s in page.segments if s.text == header] == ["comment_header"]


@pytest.mark.parametrize("promo", ["GET THE HARBOUR NEWS APP ON THE GO BY CLICKING HERE",
                                   "Great season review DVDs now in stock. Click here.",
                                   "More ferry news click here"])
def test_click_here_lines_are_navigation(lexicon, promo):
    article = "The pier closes on Monday, the council said. Ferries will use the fish market quay."
    page = strip_boilerplate(f"Pier to close\n\n{article}\n\n{promo}", lexicon)
    assert page.body == article
    assert [s.kind for s in page.segments if s.text == promo] == ["navigation"]


@pytest.mark.parametrize("notice", ["© 2024 Harbour Notes Ltd", "Copyright 2024 Harbour Notes. All rights reserved.",
                                    "Photo copyright: K. Berg", "About us | Copyright | Privacy",
                                    "All right reserved by Harbour Notes"])
def test_copyright_notices_are_furniture_but_prose_naming_a_copyright_is_not(lexicon, notice):
    prose = ["The ferry company sued the painter for copyright infringement over the harbour mural, "
             "the court heard on Monday.",
             "The council, which owns the copyright to the pier's crest, said it would not object.",
             "Crew: A. Berg (c), L. Dahl, O. Lund, K. Nilsen and P. Strand sailed the pilot boat."]
    page = strip_boilerplate("\n\n".join(["Pier to close", *prose, notice]), lexicon)
    assert page.body == "\n\n".join(prose)
    assert [s.kind for s in page.segments if s.text == notice] == ["copyright"]


def test_numbered_gallery_slides_in_a_series_are_boilerplate_but_lone_fractions_stay(lexicon):
    article = "The pier closes on Monday, the council said. Ferries will use the fish market quay."
    slides = ["- 1/30 Harbour lights The new lamps on the quay were lit on Friday evening. PHOTO: K. BERG",
              "- 2/30 Ferry at dawn The morning boat leaves the old pier for the last time."]
    recipe = ["Fish soup for the ferry crews", "1/2 tsp ground cloves", "24/7 harbour radio on 96.2"]
    page = strip_boilerplate("\n\n".join(["Pier to close", article, *slides, *recipe]), lexicon)
    assert [s.kind for s in page.segments if s.text in slides] == ["gallery", "gallery"]
    assert not any(s.kind == "gallery" for s in page.segments if s.text in recipe)
    one = strip_boilerplate("\n\n".join(["Pier to close", article, slides[0]]), lexicon)
    assert not any(s.kind == "gallery" for s in one.segments)  # one numbered block is no series


def test_an_article_rendered_twice_keeps_its_first_rendering_but_repeated_captions_stay_captions(lexicon):
    paras = ["The council of Eastvale voted on Tuesday to close the old ferry pier for six weeks.",
             "Ferries will dock at the fish market quay in the meantime, the harbour master said.",
             "Repairs to the pier's timber piles are expected to cost about 2 million crowns."]
    caption = "The old ferry pier at dawn on Monday."
    menu = ["Home", "News", "Sport", "Weather", "Contact"]
    text = "\n\n".join([*menu, "Pier to close for repairs", caption, "Photo: K. Berg", *paras,
                        "Print edition", *paras, caption, "Photo: K. Berg", *menu])
    page = strip_boilerplate(text, lexicon)
    assert page.body == "\n\n".join(paras)
    assert [s.kind for s in page.segments if s.text == paras[0]] == ["duplicate"]
    assert caption not in page.body


@pytest.mark.parametrize("extracted", [False, True])
def test_a_paragraph_ending_in_a_photo_credit_is_a_caption(lexicon, extracted):
    article = ["The harbour board voted on Monday to close the old pier, its chairwoman said.",
               "Ferries will dock at the fish market quay while engineers decide what can be saved."]
    caption = "A ferry leaves the old pier in Eastvale on Sunday, Nov. 3, 2024. (AP Photo/Liv Dahl, File)"
    page = strip_boilerplate("\n\n".join(["Pier to close", article[0], caption, article[1]]), lexicon,
                             Hints(extracted=extracted))
    assert page.body == "\n\n".join(article)
    assert caption in page.captions
    # a credit in the middle of a sentence is no caption's tail
    said = "The photo (AP Photo/Liv Dahl) was shown to the board, which voted to close the pier on Monday."
    assert said in strip_boilerplate("\n\n".join(["Pier to close", said, article[1]]), lexicon).body


def test_a_paragraph_a_screen_readers_label_calls_a_caption_is_one(lexicon):
    article = ["The harbour board voted on Monday to close the old pier, its chairwoman said after the vote.",
               "Ferries will dock at the fish market quay while engineers decide what can be saved of it."]
    label = "Media caption The harbour master told reporters why the old pier had to close, and what comes next"
    page = strip_boilerplate("\n\n".join(["Pier to close", article[0], label, article[1]]), lexicon)
    assert page.body == "\n\n".join(article)
    assert label in page.captions


def test_a_video_players_menus_inside_the_article_neither_end_it_nor_join_it(lexicon):
    paras = ["The harbour board voted on Monday to close the old pier, its chairwoman told reporters after a "
             "meeting that ran late into the evening, and said the ferries would move within the month.",
             "Engineers found rot in eleven of the pier's forty oak piles in a survey last month, and the "
             "board's insurers would not cover the pier for another winter, she said.",
             "Ferries will dock at the fish market quay while engineers decide what can be saved, and the "
             "board expects repairs to take at least six weeks and cost about 40,000 euros.",
             "Fishermen who moor at the pier will be offered berths in the marina at the same rate until "
             "the work is done, the harbour master said in a letter to them on Tuesday."]
    menu = ["Play Video", "Play", "Mute", "Current Time 0:00", "/", "Duration Time 0:00", "Loaded: 0%",
            "Progress: 0%", "Remaining Time -0:00", "Fullscreen", "This is a modal window."]
    menu += ["Foreground", "---", *(["White", "Black", "Red", "Green", "Blue"] * 3), "Font Size", "50%", "75%",
             "100%", "150%", "Text Edge Style", "None", "Raised", "Depressed", "Font Family", "Default",
             "Proportional Sans-Serif", "Small Caps", "Defaults Done", "Close",
             "This is a modal window. This modal can be closed by pressing the Escape key or activating the close "
             "button."]
    nav = ["Home", "News", "Sport", "Business", "Weather"]
    page = strip_boilerplate("\n\n".join([*nav, "Pier to close", *paras[:2], *menu, *paras[2:]]), lexicon)
    assert page.body == "\n\n".join(paras)
    player = [s.text for s in page.segments if s.kind == "player"]
    assert player[0] == "Current Time 0:00" and player[-1].startswith("This is a modal window. This modal")
    assert "Small Caps" in player and "Play Video" not in player  # only what lies between two of its lines
    # the lines of a menu are the player's only between two of its own lines
    alone = strip_boilerplate("\n\n".join(["Pier to close", *paras[:2], "Close", "Small Caps"]), lexicon)
    assert not any(s.kind == "player" for s in alone.segments)


@pytest.mark.parametrize("line, kind", [
    ("More Eastvale Herald", "related_header"),
    ("Harbour Headlines", "related_header"),
    ("NHL Headlines", "related_header"),
    ("More ferry news:", "related_header"),
    ("Related to this story:", "related_header"),
    ("Watch video of the night ferry's last crossing", "related"),
    ("View the Full Gallery »", "related"),
    ("Ferries return to the old quay after a winter away, and the crews say the harbour has… Read more", "related"),
    ("The night ferry's timetable changes in March, when the harbour board... More »", "related"),
    ("No comments yet", "comment_header"),
    ("Get breaking harbour news and the latest ferry updates in your inbox.", "newsletter"),
    ("The news that matters, delivered every weekday morning.", "newsletter"),
    ("No spam. You can unsubscribe at any time.", "newsletter"),
    ("Eastvale Post writers Ann Lee and Tom Berg contributed to this report.", "contributors"),
    ("Liv Dahl contributed reporting from the harbour office.", "contributors"),
    ("Some information for this report was provided by AFP and Reuters.", "contributors"),
])
def test_section_ending_furniture_after_the_article(lexicon, line, kind):
    article = "\n\n".join(["The pier closes on Monday, the council said. Ferries will use the fish market quay.",
                           "Repairs will take six weeks and cost about 40,000 euros, the mayor's office said.",
                           "Engineers found rot in eleven of the pier's forty oak piles in a survey last month."])
    teaser = ("Night ferry returns to Eastvale after a winter away, and the crews say the harbour has never "
              "been busier than it was this autumn, with more boats than berths on most weekends.")
    page = strip_boilerplate(f"Pier to close\n\n{article}\n\n{line}\n\n{teaser}", lexicon)
    assert [s.kind for s in page.segments if s.text == line] == [kind]
    if kind in {"related_header", "comment_header"}:  # a barrier: what follows is not the article
        assert page.body == article


@pytest.mark.parametrize("menu, menu_kind", [
    ("Home | News | Sport | Harbour Money | Play for CASH! | More >", "navigation"),
    ("Sport > Sailing | Rowing | You The Skipper | Tide Tables", "navigation"),
    ("Share • Tweet • Email • Print", "navigation"),
    ("Ferry times | Pier repairs | Harbour news", None),  # three items: no menu by this rule
    ("Monday: ferries from the fish quay | Tuesday: no sailings after six | Wednesday: as usual", None),
])
def test_a_menu_written_on_one_line_is_navigation(lexicon, menu, menu_kind):
    article = ["The harbour board voted on Monday to close the old pier, its chairwoman told reporters after a "
               "meeting that ran late into the evening.",
               "Ferries will dock at the fish market quay while engineers decide what can be saved, she said."]
    page = strip_boilerplate("\n\n".join(["Pier to close", menu, *article]), lexicon, Hints(extracted=True))
    assert [s.kind for s in page.segments if s.text == menu] == ([menu_kind] if menu_kind else [])


@pytest.mark.parametrize("line", ["Back to headlines", "Harbour board makes headlines"])
def test_a_link_or_a_sentence_about_headlines_is_no_section_header(lexicon, line):
    assert not any(s.kind == "related_header" for s in strip_boilerplate(f"Pier to close\n\n{line}", lexicon).segments)


@pytest.mark.parametrize("button", ["Share to Twitter", "Share via Email", "Share on Facebook", "Tweet this"])
def test_share_buttons_are_furniture_and_no_headline(lexicon, button):
    # a share bar between a far headline and the article: its last button was once the title
    page = strip_boilerplate(DUMP.replace("Email This Post\n", f"Share to Kinja\n{button}\n"), lexicon)
    assert [s.kind for s in page.segments if s.text == button] == ["share"]
    assert page.title == "Harbour Board Votes to Close the Old Pier"


def test_a_sentence_that_trails_off_into_more_stays_in_the_body(lexicon):
    said = 'Asked what the harbour needs, the ferry captain paused: "Boats, berths and more... always more."'
    article = ["The pier closes on Monday, the council said. Ferries will use the fish market quay.", said,
               "Repairs will take six weeks and cost about 40,000 euros, the mayor's office said."]
    assert strip_boilerplate("\n\n".join(["Pier to close", *article]), lexicon).body == "\n\n".join(article)


def test_a_quote_about_contributing_to_a_report_stays_in_the_body(lexicon):
    said = '"I contributed to this report myself," the harbour master said on Monday.'
    article = ["The pier closes on Monday, the council said. Ferries will use the fish market quay.", said,
               "Repairs will take six weeks and cost about 40,000 euros, the mayor's office said."]
    assert strip_boilerplate("\n\n".join(["Pier to close", *article]), lexicon).body == "\n\n".join(article)


def test_the_body_has_one_space_between_words(lexicon):
    """Runs of spaces, tabs and no-break or thin spaces are typography: the parser would read each
    as a token of its own. Segments keep the page's own offsets."""
    article = ["The harbour board  voted on\u00a0Monday to close the old pier,\tits chairwoman said.",
               "Ferries will dock at the fish market quay\u2009\u2009while engineers decide."]
    page = strip_boilerplate("\n\n".join(["Pier to close", *article]), lexicon)
    assert page.body == ("The harbour board voted on Monday to close the old pier, its chairwoman said.\n\n"
                         "Ferries will dock at the fish market quay while engineers decide.")


def test_the_headline_of_a_story_several_outlets_carry_is_no_site_furniture(lexicon):
    # wire copy republished by three outlets in one batch: the shared headline was stripped as
    # furniture and each page's title became its outlet's name
    lead = ("The ceasefire talks in Geneva collapsed on Friday after two days of meetings, and the envoy warned "
            "that fighting could resume within days unless both sides returned to the table.")
    more = ("Delegates left the hall in the evening without a statement, while officials of the host country said "
            "they would try to bring the parties back next week for a third round of negotiations.")
    pages = [f"Ceasefire talks collapse in Geneva\n\nBy Staff Writer\n\n{lead}\n\n{more}\n\n{outlet}"
             for outlet in ("Harbour Gazette", "Nordic Ledger", "Fjord Post")]
    furniture = page_furniture(pages)
    assert fold("Ceasefire talks collapse in Geneva") not in furniture
    assert strip_boilerplate(pages[1], lexicon, Hints(furniture=furniture)).title == \
        "Ceasefire talks collapse in Geneva"
    # one site's pages of three stories with its long blurb on each: its short lines stay furniture
    blurb = ("Harbour Notes is an independent newsroom covering the fisheries, ports and coastal towns of the north "
             "since 1998, funded by its readers.")
    site = [f"Story {i} of the day\n\nFerries and Tides\n\n{lead.replace('Geneva', town)} {i}\n\n{blurb}"
            for i, town in enumerate(("Bergen", "Molde", "Alta"))]
    assert fold("Ferries and Tides") in page_furniture(site)


def test_a_headline_other_pages_of_its_site_list_among_their_latest_is_still_the_title(lexicon):
    # one outlet's pages in one batch, each listing the site's latest headlines: every headline is
    # then a short line three pages share (furniture), its own page's included
    stories = {
        "Harbour board votes to close the old pier": (
            "The harbour board voted on Monday to close the old pier after engineers found its timber piles rotten, "
            "and the board's chairwoman said ferries would dock at the fish market quay until a new pier is built.",
            "Fishermen said the closure would cost them an hour each morning, and asked the board to open the pier "
            "again for small boats while the engineers decide how much of the old structure can be saved."),
        "Storm floods the coastal road near Alta": (
            "A winter storm flooded the coastal road near Alta on Tuesday, cutting off two villages for most of the "
            "day, and road crews worked into the night to clear the stones the waves had thrown onto it.",
            "The villages' school stayed closed, and the county said it would raise the road's sea wall next summer "
            "after the third flood in as many years along the same stretch of coastal road near Alta."),
        "Ferry fares rise for the first time in six years": (
            "Ferry fares between the islands will rise by eight percent in March, the ferry company said on "
            "Wednesday, the first rise in six years, blaming the price of fuel and the cost of new crews.",
            "Island councils said the fares rise would fall hardest on commuters, and asked the company to keep the "
            "fares of the early ferry as they are for those who travel to work on the mainland each day."),
    }
    menu = "Home\n\nNews\n\nSport\n\nWeather\n\nWorld News"
    latest = "Latest\n\n" + "\n\n".join(stories)
    pages = [f"{menu}\n\n{latest}\n\nWorld News\n\n{headline}\n\n{one}\n\n{two}\n\nContact us"
             for headline, (one, two) in stories.items()]
    furniture = page_furniture(pages)
    assert {fold(h) for h in stories} <= furniture
    for page, (headline, (one, two)) in zip(pages, stories.items()):
        stripped = strip_boilerplate(page, lexicon, Hints(furniture=furniture))
        assert stripped.title == headline
        assert stripped.body == f"{one}\n\n{two}"


def test_a_headline_the_article_begins_with_is_told_by_the_paragraphs_under_its_dek_and_photo(lexicon):
    # the article found begins with its headline; under it a dek, a photo's label and caption and a
    # byline, then the story: the headline's words are in the story's paragraphs, not in those lines
    menu = "\n\n".join(["Home", "World", "Business", "Opinion", "Sport", "Arts", "Supported by"])
    text = "\n\n".join([
        menu,
        "Gulls Raid the Harbour Market: How a Mild Winter Emboldened the Birds That Live Along the Coast",
        "Traders on the quay say the seabirds grow bolder every season, and they blame the crowds of visitors "
        "who feed them scraps from the benches along the water all through the long weekends of the year.",
        "Image",
        "A trader guards a crate of herring on the quay this week, where stalls stand close to the water's edge "
        "and the thieves wait on the roofs of the sheds for anyone to turn their back for a moment.",
        "By Ada Lind",
        "Gulls raided the harbour market again on Saturday, snatching fish from the stalls, and traders said the "
        "birds had never been so bold as after this mild winter, when food was easy to find all along the coast.",
        "The market's manager said the raids cost the stalls money every week, and asked the town to put up nets "
        "over the harbour market before the summer season brings the crowds that feed the gulls each afternoon.",
    ])
    page = strip_boilerplate(text, lexicon)
    assert page.title == "Gulls Raid the Harbour Market: How a Mild Winter Emboldened the Birds That Live Along the Coast"


def test_a_byline_every_wire_story_of_the_run_shares_is_each_ones_credit(lexicon):
    # three wire stories of one batch carry the same byline: it is a short line three pages share
    stories = [("Harbour board votes to close the old pier", "The harbour board voted on Monday to close the old "
                "pier after engineers found its timber piles rotten, and its chairwoman said ferries would dock at "
                "the fish market quay."),
               ("Storm floods the coastal road near Alta", "A winter storm flooded the coastal road near Alta on "
                "Tuesday, cutting off two villages for most of the day, and road crews worked into the night to "
                "clear the stones."),
               ("Ferry fares rise for the first time in six years", "Ferry fares between the islands will rise by "
                "eight percent in March, the ferry company said on Wednesday, the first rise in six years, blaming "
                "the price of fuel.")]
    menu = "\n\n".join(["Home", "News", "Sport", "Weather", "Culture", "Opinion"])
    pages = [f"{menu}\n\n{headline}\n\nBy Press Association\n\n{lead}\n\n{lead.upper().capitalize()}\n\nContact us"
             for headline, lead in stories]
    furniture = page_furniture(pages)
    assert fold("By Press Association") in furniture
    for page, (headline, _) in zip(pages, stories):
        stripped = strip_boilerplate(page, lexicon, Hints(furniture=furniture))
        assert (stripped.title, stripped.credit) == (headline, "By Press Association")


@pytest.mark.parametrize(("line", "credit"), [("By Ann Lee with AFP", True), ("Staff writers with Reuters", True),
                                              ("Do More With Reuters", False)])
def test_a_bylines_with_names_an_agency_a_links_title_case_with_does_not(lexicon, line, credit):
    lead = ("The harbour board voted on Monday to close the old pier after engineers found its timber piles rotten, "
            "and its chairwoman said ferries would dock at the fish market quay until a new pier is built.")
    page = strip_boilerplate(f"Harbour board votes to close the old pier\n\n{line}\n\n{lead}", lexicon)
    assert (page.credit == line) is credit


@pytest.mark.parametrize("title", [None, "Pier to close for repairs"])
def test_the_ensembles_verdicts_hold_on_a_page_with_or_without_a_title_line(lexicon, title):
    # the HTML route's text: its title line (when the extractor found one), then a line per unit
    # with the ensemble's verdict; a page without a title has verdicts from its first line on
    units = [("Weather for New Glasgow today", False),
             ("The council of Eastvale voted on Tuesday to close the old ferry pier for repairs.", True),
             ("Repairs will take six weeks and cost about 40,000 euros, the mayor's office said.", True),
             ("Community Calendar | Getting Married? | News Tips", False)]
    text = "\n\n".join(([title] if title else []) + [u for u, _ in units])
    hints = Hints(title=title, extracted=True, decisions=tuple((keep, "p=0.50") for _, keep in units))
    page = strip_boilerplate(text, lexicon, hints)
    assert page.body == "\n\n".join(u for u, keep in units if keep)
    assert page.title == title


def test_a_bare_date_above_the_article_the_ensemble_kept_is_its_dateline(lexicon):
    # the HTML route's text: title line, then the units the ensemble kept
    article = ["The council of Eastvale voted on Tuesday to close the old ferry pier for six weeks of repairs, "
               "the mayor's office said.",
               "Ferries will dock at the fish market quay in the meantime, the harbour master said on Wednesday."]
    lines = ["Pier to close for repairs", "Tuesday, 3 May 2022, 10:46 GMT", *article]
    hints = Hints(title=lines[0], extracted=True, decisions=tuple((True, "p=0.90") for _ in lines[1:]))
    page = strip_boilerplate("\n\n".join(lines), lexicon, hints)
    assert page.body == "\n\n".join(article)
    assert [(s.kind, s.rule) for s in page.segments if s.text == lines[1]] == [("dateline", "dateline:under-headline")]
