"""The position look-ups that keep claim extraction linear in an article's length give the same
answers as walking every item, on random spans of every shape (nested, touching, empty, out of order)."""

import random
from dataclasses import dataclass

import numpy as np
import pytest

from tasks.arrays import member
from tasks.claims.assemble import Claim, _without_redundant_nesting
from tasks.claims.quotes import Quote, Quotes, quote_at, quotes_overlapping
from tasks.claims.speakers import Resolver, _ByPosition, _merged, _Subjects
from tasks.claims.syntax import np_span


def _walked_nesting(claims):
    """The rule of `_without_redundant_nesting`, walking every pair."""
    out = []
    for c in claims:
        outer = [o for o in claims if o.statement != c.statement and o.start <= c.cue_start < o.end
                 and o.start <= c.start and c.end <= o.end]
        if outer and (c.speaker_name is None or any(o.speaker_name == c.speaker_name for o in outer)):
            continue
        out.append(c)
    return out


def _claim(rng: random.Random) -> Claim:
    start = rng.randrange(0, 60)
    end = start + rng.randrange(1, 40)
    cue = rng.randrange(0, 100)
    return Claim("body", None, rng.choice([None, "Lind", "Holm"]), None, "said", cue, cue + 4, "x", start, end,
                 "indirect", "asserted", 0.8, "verb", statement=rng.choice([(start, cue), (0, 0), (start, 0)]))


@pytest.mark.parametrize("seed", range(30))
def test_redundant_nesting_as_walking_every_pair(seed):
    rng = random.Random(seed)
    claims = [_claim(rng) for _ in range(rng.randrange(0, 25))]
    assert _without_redundant_nesting(claims) == _walked_nesting(claims)


def _quotes(rng: random.Random, apart: bool) -> list[Quote]:
    out, pos = [], 0
    for _ in range(rng.randrange(0, 12)):
        pos += rng.randrange(0, 6) if apart else -rng.randrange(0, 20)
        outer = max(0, pos)
        inner = outer + rng.randrange(0, 2)
        end = inner + rng.randrange(0, 10)
        closed = rng.random() < 0.7
        outer_end = end + rng.randrange(1, 3) if closed else end
        out.append(Quote(inner, end, outer, outer_end, closed))
        pos = outer_end
    return out


@pytest.mark.parametrize("seed", range(30))
def test_quote_look_ups_as_walking_every_quote(seed):
    rng = random.Random(seed)
    quotes = _quotes(rng, apart=seed % 3 != 0)
    indexed = Quotes(quotes)
    if seed % 3:
        assert indexed.apart
    for pos in range(-2, 90):
        assert quote_at(indexed, pos) is quote_at(quotes, pos)
        for end in range(pos, pos + 15, 3):
            assert quotes_overlapping(indexed, pos, end) == quotes_overlapping(quotes, pos, end)


@dataclass(frozen=True)
class _At:
    pos: int


@pytest.mark.parametrize("seed", range(20))
def test_antecedents_by_position_in_the_order_they_came(seed):
    rng = random.Random(seed)
    items = [_At(rng.randrange(0, 50)) for _ in range(rng.randrange(0, 30))]
    by = _ByPosition(items[:5])
    for a in items[5:]:
        by.add(a)
    for lo in range(-3, 55, 4):
        for hi in range(lo, lo + 30, 7):
            assert [id(a) for a in by.between(lo, hi)] == [id(a) for a in items if lo < a.pos < hi]


@pytest.mark.parametrize("spans", [[(10, 20), (12, 15), (18, 30), (40, 41), (50, 50), (60, 55), (70, 80)],
                                   [(60, 55), (56, 58), (0, 3), (3, 6), (5, 5)], []])
def test_a_position_is_quoted_when_any_span_holds_it(spans):
    resolver = Resolver.__new__(Resolver)  # only the quoted spans matter here
    resolver._quoted = _merged(spans)
    for pos in range(-1, 90):
        assert resolver._in_quote(pos) == any(s <= pos < e for s, e in spans)


@pytest.mark.parametrize("seed", range(10))
def test_membership_as_numpy_isin(seed):
    rng = np.random.default_rng(seed)
    column = rng.integers(0, 2**64 - 1, size=rng.integers(0, 40), dtype=np.uint64, endpoint=True)
    ids = [int(v) for v in rng.choice(column, size=min(len(column), 5))] if len(column) else []
    ids += [int(v) for v in rng.integers(0, 2**64 - 1, size=rng.integers(0, 6), dtype=np.uint64, endpoint=True)]
    ids += [2**64 - 1, 0][:seed % 3]  # the extremes of the range, and none at all
    assert member(column, ids).tolist() == np.isin(column, np.array(ids, dtype=np.uint64)).tolist()


ARTICLE = (
    "The harbour board, which met on Monday, said the quota would stay. Its chair, Maren Holm of Skagen, "
    "told reporters that nothing had changed. \u201cWe will wait,\u201d she said. Fishermen who had "
    "sailed from Hirtshals since dawn, angry and tired, disagreed. The ministry in Copenhagen, asked about "
    "the talks that collapsed in May, declined to comment, and its spokesman, a former diplomat, said "
    "they would resume. Officials said he was wrong. The mayor, Birgitte Lind, warned that they "
    "would lose their boats if the board did not act before the winter storms came to the coast."
)


def test_subjects_described_as_needed_as_all_of_them(nlp, lexicon):
    """Describing a subject when a window first reaches it finds, for every window, the subjects
    that describing them all up front finds, in the same order."""
    doc = nlp(ARTICLE)
    resolver = Resolver(doc, lexicon)
    heads = [t for t in doc if t.dep_ in {"nsubj", "nsubjpass"} and t.pos_ in {"NOUN", "PROPN"}]
    assert len(heads) >= 6 and any(t.left_edge.i < t.i for t in heads)
    every = _ByPosition([a for t in heads if (a := resolver._describe(np_span(t), t)) is not None])
    lazy = _Subjects(doc, lambda t: resolver._describe(np_span(t), t))
    n = len(ARTICLE)
    for lo in range(-5, n + 5, 7):
        for hi in (lo, lo + 1, lo + 40, lo + 150, lo + 1500):
            assert lazy.between(lo, hi) == every.between(lo, hi), (lo, hi)
