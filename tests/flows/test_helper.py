"""Batches split over two processes (parse here; read, strip, extract in the helper) give exactly
the tables of batches run in one process: the parse crosses over as `Doc.to_bytes` intact."""

from tests.helpers import SAMPLE, same_tables, snapshot


def test_helper_process_gives_the_same_tables_as_one_process(prefect_harness, tmp_path, monkeypatch):
    from flows.curate import curate_articles

    monkeypatch.setenv("NEWSETL_BATCH_SIZE", "2")
    monkeypatch.setenv("NEWSETL_HELPER", "false")
    alone = curate_articles(raw=str(SAMPLE), curated=str(tmp_path / "alone"))
    monkeypatch.setenv("NEWSETL_HELPER", "true")
    helped = curate_articles(raw=str(SAMPLE), curated=str(tmp_path / "helped"))
    assert "send" in helped["timings"] and "receive" in helped["timings"]  # the helper did the work
    assert "send" not in alone["timings"]
    assert helped["n_curated"] == alone["n_curated"] == 8
    one, two = snapshot(tmp_path / "alone"), snapshot(tmp_path / "helped")
    assert [name for name, df in one.items() if df.height == 0] == ["quarantine"]
    assert same_tables(one, two) == []
