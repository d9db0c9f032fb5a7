"""Named entities on CoNLL++ dev documents, without training on CoNLL data (conll.py)."""

import subprocess
import sys

import pytest

from tests.golden.helpers import FLOORS, check, curate, summary

pytestmark = pytest.mark.golden


def test_conll_entities_hold_their_floor(prefect_harness, shared, tmp_path):
    conll = shared / "bench" / "ner-dev" / "conllpp_dev.txt"
    raw = tmp_path / "raw"
    subprocess.run([sys.executable, str(shared / "eval" / "conll.py"), "make", str(conll), str(raw)], check=True)
    curate(raw, tmp_path / "curated")
    scores = summary(shared / "eval" / "conll.py", "score", str(conll), str(tmp_path / "curated"))
    assert check(scores, FLOORS["conll"]) == []
