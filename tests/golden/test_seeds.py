"""The seeds' hand-made gold: boilerplate, titles, publishers, entities, claims (score_seeds.py)."""

import pytest

from tests.golden.helpers import FLOORS, check, curate, summary

pytestmark = pytest.mark.golden


@pytest.fixture(scope="module")
def seeds_run(prefect_harness, shared, tmp_path_factory):
    curated = tmp_path_factory.mktemp("seeds-curated")
    curate(shared / "seeds", curated)
    return curated


def test_seed_scores_hold_their_floors(seeds_run, shared):
    scores = summary(shared / "eval" / "score_seeds.py", str(seeds_run))
    assert check(scores, FLOORS["seeds"]) == []
