"""Attributions in PolNeAR articles: precision, speech recall, speaker accuracy (score_polnear.py).
Developed on train (840 articles), checked on dev (84): both hold their floors."""

import pytest

from tests.golden.helpers import FLOORS, check, curate, summary

pytestmark = pytest.mark.golden


@pytest.mark.parametrize(("split", "text", "gold", "floors"), [
    ("dev", "claims-dev/dev/text", "claims-dev/dev_gold.jsonl", "polnear"),
    ("train", "claims-train/text", "claims-train/train_gold.jsonl", "polnear_train"),
])
def test_polnear_claims_hold_their_floors(prefect_harness, shared, tmp_path, split, text, gold, floors):
    bench = shared / "bench"
    curate(bench / text, tmp_path / "curated")
    scores = summary(shared / "eval" / "score_polnear.py", str(tmp_path / "curated"), str(bench / gold))
    assert check(scores, FLOORS[floors]) == []
