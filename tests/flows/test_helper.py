"""Batches over several processes give exactly the tables of batches run in one process: with
one pipeline per core (each worker reads, strips, parses and extracts whole batches) and, on one
core, with the helper process (parse here; read, strip, extract there: the parse crosses over as
`Doc.to_bytes` intact)."""

import pytest

from tests.helpers import SAMPLE, same_tables, snapshot


@pytest.mark.parametrize("processes, marker", [("1", "receive"), ("2", None)], ids=["helper", "workers"])
def test_batches_over_processes_give_the_same_tables_as_one_process(prefect_harness, tmp_path, monkeypatch,
                                                                    processes, marker):
    from flows.curate import curate_articles

    monkeypatch.setenv("NEWSETL_BATCH_SIZE", "2")
    monkeypatch.setenv("NEWSETL_N_PROCESS", "1")
    monkeypatch.setenv("NEWSETL_HELPER", "false")
    alone = curate_articles(raw=str(SAMPLE), curated=str(tmp_path / "alone"))
    monkeypatch.setenv("NEWSETL_HELPER", "true")
    monkeypatch.setenv("NEWSETL_N_PROCESS", processes)
    helped = curate_articles(raw=str(SAMPLE), curated=str(tmp_path / "helped"))
    if marker:  # the helper did the work
        assert "send" in helped["timings"] and "receive" in helped["timings"]
    else:  # the workers did: each loaded the model, nothing was parsed here or sent over
        assert "load_model" in helped["timings"] and "send" not in helped["timings"]
    assert "send" not in alone["timings"]
    assert helped["n_curated"] == alone["n_curated"] == 10  # the bundled sample's articles
    one, two = snapshot(tmp_path / "alone"), snapshot(tmp_path / "helped")
    assert [name for name, df in one.items() if df.height == 0] == ["quarantine"]
    assert same_tables(one, two) == []
