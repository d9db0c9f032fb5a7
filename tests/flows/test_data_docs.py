"""Great Expectations' Data Docs of a run's validation: every table's suite, failing rows' samples,
next to the tables, the store emptied once rendered, the last few runs kept."""

import pyarrow as pa

import flows.validation
from flows.validation import Checked, data_docs_path, validator, write_data_docs
from flows.validator_process import KEEP_DATA_DOCS
from schemas.tables import CLAIMS, staging_schema
from tasks.rows import Stamp
from tests.tasks.test_validate import claim


def test_a_runs_results_become_a_data_docs_site_with_the_failing_values(tmp_path):
    rows = pa.Table.from_pylist([claim(), claim(claim_id="c2", kind="rumour")], schema=staging_schema(CLAIMS))
    out = validator().split("claims", rows, run_name="20250101T000000-aaaaaa")
    assert out.summary["failed_rows"] == 1
    index = write_data_docs(tmp_path, "20250101T000000-aaaaaa")
    assert index == data_docs_path(tmp_path, "20250101T000000-aaaaaa") and index.exists()
    pages = list((index.parent / "validations" / "claims-suite").rglob("*.html"))
    assert len(pages) == 1
    page = pages[0].read_text(encoding="utf-8")
    assert "rumour" in page  # the failing value, sampled
    assert (index.parent / "expectations" / "articles-suite.html").exists()  # every table's suite
    assert "claims-suite" in index.read_text(encoding="utf-8")
    assert validator().context.validation_results_store.list_keys() == []


def test_only_the_last_runs_sites_are_kept(tmp_path):
    for i in range(KEEP_DATA_DOCS + 2):
        rows = pa.Table.from_pylist([claim()], schema=staging_schema(CLAIMS))
        validator().split("claims", rows, run_name=f"2025010{i}T000000-aaaaaa")
        write_data_docs(tmp_path, f"2025010{i}T000000-aaaaaa")
    kept = sorted(p.name for p in (tmp_path / "data_docs").iterdir())
    assert kept == [f"2025010{i}T000000-aaaaaa" for i in range(2, KEEP_DATA_DOCS + 2)]


def test_each_chunk_of_a_table_has_its_page_and_a_failing_one_stays(tmp_path, monkeypatch):
    # a run's rows of a table are validated in chunks; a later chunk that passes must not hide
    # an earlier one that failed (one result per suite and run would keep only the last)
    monkeypatch.setattr(flows.validation, "VALIDATION_CHUNK", 1)
    rows = pa.Table.from_pylist([claim(kind="rumour"), claim(claim_id="c2")], schema=staging_schema(CLAIMS))
    checked = Checked(Stamp("v", "20250101T000000-bbbbbb"))
    assert checked.rows("claims", rows).num_rows == 1
    index = write_data_docs(tmp_path, "20250101T000000-bbbbbb")
    pages = [p.read_text(encoding="utf-8") for p in (index.parent / "validations" / "claims-suite").rglob("*.html")]
    assert len(pages) == 2
    assert sum("rumour" in page for page in pages) == 1
