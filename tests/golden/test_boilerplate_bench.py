"""Article extraction on the boilerplate benchmarks' pages, text dumps and HTML (score_boilerplate.py):
boilerplate-dev, and boilerplate-wide in total and per sub-dataset (L3S-GN1, Dragnet, Readability)."""

import pytest

from tests.golden.helpers import FLOORS, check, curate, gold_by_sub_dataset, summary

pytestmark = pytest.mark.golden


@pytest.mark.parametrize("route", ["text", "html"])
def test_boilerplate_bench_holds_its_floor(prefect_harness, shared, tmp_path, route):
    bench = shared / "bench" / "boilerplate-dev"
    curate(bench / route, tmp_path / "curated")
    scores = summary(shared / "eval" / "score_boilerplate.py", str(tmp_path / "curated"), str(bench / "gold"))
    assert check(scores, FLOORS[f"boilerplate_{route}"]) == []


@pytest.mark.slow
@pytest.mark.parametrize("route", ["text", "html"])
def test_boilerplate_wide_holds_its_floors_on_every_sub_dataset(prefect_harness, shared, tmp_path, route):
    bench = shared / "bench" / "boilerplate-wide"
    curate(bench / route, tmp_path / "curated")
    scorer = shared / "eval" / "score_boilerplate.py"
    floors = FLOORS[f"boilerplate_wide_{route}"]
    bad = check(summary(scorer, str(tmp_path / "curated"), str(bench / "gold")), floors["all"])
    for sub, gold in gold_by_sub_dataset(bench / "gold", tmp_path / "gold").items():
        bad += [f"{sub}: {b}" for b in check(summary(scorer, str(tmp_path / "curated"), str(gold)), floors[sub])]
    assert bad == []
