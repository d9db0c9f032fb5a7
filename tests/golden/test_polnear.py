"""Attributions in PolNeAR dev articles: precision, speech recall, speaker accuracy (score_polnear.py)."""

import pytest

from tests.golden.helpers import FLOORS, check, curate, summary

pytestmark = pytest.mark.golden


def test_polnear_claims_hold_their_floors(prefect_harness, shared, tmp_path):
    bench = shared / "bench" / "claims-dev"
    curate(bench / "dev" / "text", tmp_path / "curated")
    scores = summary(shared / "eval" / "score_polnear.py", str(tmp_path / "curated"), str(bench / "dev_gold.jsonl"))
    assert check(scores, FLOORS["polnear"]) == []
