"""Article extraction on the boilerplate benchmark's dev pages, text dumps and HTML (score_boilerplate.py)."""

import pytest

from tests.golden.helpers import FLOORS, check, curate, summary

pytestmark = pytest.mark.golden


@pytest.mark.parametrize("route", ["text", "html"])
def test_boilerplate_bench_holds_its_floor(prefect_harness, shared, tmp_path, route):
    bench = shared / "bench" / "boilerplate-dev"
    curate(bench / route, tmp_path / "curated")
    scores = summary(shared / "eval" / "score_boilerplate.py", str(tmp_path / "curated"), str(bench / "gold"))
    assert check(scores, FLOORS[f"boilerplate_{route}"]) == []
