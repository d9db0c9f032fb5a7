"""Every quotation typography news sites use: the same 52 statements (bench/typography.py, our own
text) rendered in each, cue after, cue before a colon, interrupted by its cue; recall in every
form within 0.03 of the “…” form."""

import pytest

from bench.typography import TYPOGRAPHIES, recall


@pytest.fixture(scope="module")
def base(nlp, lexicon):
    value = recall("“…”", nlp, lexicon)
    assert value >= 0.95
    return value


@pytest.mark.parametrize("form", [f for f in TYPOGRAPHIES if f != "“…”"])
def test_every_typography_is_found_as_well_as_curly_double_quotes(nlp, lexicon, base, form):
    assert recall(form, nlp, lexicon) >= base - 0.03
