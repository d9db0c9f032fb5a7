"""Fuzzing the per-article path (decode → strip → parse → mentions → claims) with generated news
text: every quotation typography news sites use, unbalanced marks, 500-word sentences, garbage
and empty lines, right-to-left and CJK text, emoji, control characters, odd file names. No step
may raise (fault isolation would hide it as a quarantine row: here no article may need it) and
every span indexes its text. The time per article is a benchmark figure, not a test's
(`python -m bench.fuzz`: CPU seconds per article over the same generated corpus)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.curate import curate_documents
from tasks.intake import read_documents
from tasks.rows import Stamp

QUOTES = [("“", "”"), ("‘", "’"), ('"', '"'), ("'", "'"), ("‘‘", "’’"), ("``", "''"), ("«", "»"), ("»", "«"),
          ("„", "“"), ("‚", "‘"), ("「", "」"), ("— ", ""), ("“", ""), ("", "”"), ("”", "“")]
NAMES = ["Anna Lind", "the minister", "she", "He", "a spokesman for Fjord Line", "Oslo", "the ministry", "they",
         "Teresa Nielsen Hayden", "Mr. O'Neil-Smith", "Jean-Yves Le Drian", "the 39-year-old founder"]
CUES = ["said", "says", "told reporters", "denied", "warned", "added", "explained", "wrote on Twitter", "according to"]
WORDS = ["port", "quota", "talks", "Bergen", "the", "of", "will", "not", "ferry", "storm", "deal", "Monday", "2025",
         "U.S.", "$3.5bn", "N.A.T.O.", "e-mail", "co-operate", "...", "—", "(left)", "#tag", "@user", "https://x.io/a"]
ARTICLE_WORDS = 1500  # news-sized (a 500-word sentence included); spaCy alone takes ~0.3 s
ODD = ["مرحبا بالعالم", "שלום עולם", "北京市的天气很好。", "東京都", "😀🎉👍🏽", "\u200b\u200e\u202e", "\x07\x1b[31m",
       "\ufeff", "a\u0301", "ﬁ ﬂ", "\U0001F1F3\U0001F1F4", "~~~", "|||", "* * *", "1.", "•", ""]


@st.composite
def sentence(draw) -> str:
    n = draw(st.sampled_from([2, 6, 12, 25, 25, 60, 60, 500]))
    words = draw(st.lists(st.sampled_from(WORDS + ODD[:6]), min_size=n, max_size=n))
    text = " ".join(words)
    kind = draw(st.integers(0, 4))
    open_, close = draw(st.sampled_from(QUOTES))
    who, cue = draw(st.sampled_from(NAMES)), draw(st.sampled_from(CUES))
    if kind == 0:
        return f"{open_}{text},{close} {who} {cue}."
    if kind == 1:
        return f"{who} {cue}: {open_}{text}.{close}"
    if kind == 2:
        return f"{who} {cue} that {text}."
    if kind == 3:
        return f"{open_}{text},{close} {cue} {who}. {open_}{text}.{close}"
    return text


@st.composite
def article(draw) -> str:
    lines = [draw(st.text(min_size=0, max_size=60))]  # a title of anything
    words = 0
    for _ in range(draw(st.integers(1, 10))):
        kind = draw(st.sampled_from([0, 0, 0, 0, 1, 2, 3]))
        if kind == 0 and words < ARTICLE_WORDS:  # news-sized: up to a few thousand words
            lines.append(" ".join(draw(st.lists(sentence(), min_size=1, max_size=3))))
            words += len(lines[-1].split())
        elif kind == 1:
            lines.append(draw(st.sampled_from(ODD)))
        elif kind == 2:
            lines.append(draw(st.text(st.characters(codec="utf-8"), max_size=200)))  # garbage, controls
        else:
            lines.append("")
    return draw(st.sampled_from(["\n\n", "\n", "\r\n", "\n\n\n"])).join(lines)


NAMES_OF_FILES = st.sampled_from(["a.txt", "gazette#2025.txt", "news/ø é.txt", "x.html", "_y.txt", "feed.jsonl",
                                  "a b;c$(d).txt", "page.htm"])


def check(nlp, lexicon, name: str, text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    docs = read_documents(name, data, max_bytes=20 * 2**20)
    rows = curate_documents(docs, nlp, lexicon, Stamp("v", "r"))
    errors = [q["reason"] for q in rows.quarantine if q["error_digest"] or "does not index" in q["reason"]]
    assert errors == [], errors
    fields = {a["article_id"]: {"title": a["title"] or "", "dek": "\n".join(a["dek"]), "body": a["body"]}
              for a in rows.articles}
    for m in rows.mentions:
        assert fields[m["article_id"]][m["field"]][m["start"]:m["end"]] == m["text"]
    for c in rows.claims:
        text_of = fields[c["article_id"]][c["field"]]
        assert text_of[c["start"]:c["end"]] == c["content"] and text_of[c["cue_start"]:c["cue_end"]] == c["cue"]
        assert c["start"] < c["end"] and c["cue_start"] < c["cue_end"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
          derandomize=True)
@given(name=NAMES_OF_FILES, text=article())
def test_no_article_makes_a_step_fail(nlp, lexicon, name, text):
    check(nlp, lexicon, name, text)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(name=NAMES_OF_FILES, text=article())
def test_no_article_makes_a_step_fail_thousands(nlp, lexicon, name, text):
    check(nlp, lexicon, name, text)
