"""The validator process a run starts: the same outcome as validating here, bodies never cross."""

import pyarrow as pa
import pytest

from flows.validation import _SERVICES, validator, write_data_docs
from flows.validator_process import ValidatorProcess
from schemas.tables import CLAIMS, TABLES, staging_schema
from tasks.validate import SchemaMismatch, Validator
from tests.tasks.test_validate import claim


@pytest.fixture(scope="module")
def service():
    proc = ValidatorProcess()
    yield proc
    proc.close()


def test_a_process_splits_rows_as_this_process_does(service):
    rows = pa.Table.from_pylist([claim(), claim(claim_id="c2", kind="rumour"), claim(claim_id="c3", end=5),
                                 claim(claim_id="c4", content=None), claim(claim_id="c5")],
                                schema=staging_schema(CLAIMS))
    there, here = service.split("claims", rows, run_name="r1"), Validator(TABLES).split("claims", rows)
    assert there.good.equals(here.good)
    assert there.failures == here.failures and set(there.failures) == {1, 2, 3}
    assert there.summary == here.summary
    assert service.split("claims", rows.slice(0, 0)).good.num_rows == 0
    with pytest.raises(SchemaMismatch):
        service.split("claims", pa.table({"claim_id": ["x"]}))


def test_the_run_finds_its_process_and_its_data_docs_come_from_there(service, tmp_path):
    service.split("claims", pa.Table.from_pylist([claim(claim_id="c9", kind="rumour")], schema=staging_schema(CLAIMS)),
                  run_name="run-x")
    _SERVICES["run-x"] = service
    try:
        assert validator("run-x") is service and validator("run-y") is not service
        page = write_data_docs(tmp_path, "run-x")
    finally:
        _SERVICES.pop("run-x")
    assert page.is_file() and "claims-suite" in "".join(p.read_text(errors="ignore")
                                                         for p in page.parent.rglob("*.html"))


def test_data_docs_land_under_a_relative_curated_folder(service, tmp_path, monkeypatch):
    """`make run` passes data/curated: great-expectations refuses a relative site folder."""
    service.split("claims", pa.Table.from_pylist([claim(claim_id="c8")], schema=staging_schema(CLAIMS)),
                  run_name="run-rel")
    _SERVICES["run-rel"] = service
    monkeypatch.chdir(tmp_path)
    try:
        page = write_data_docs("cur", "run-rel")
    finally:
        _SERVICES.pop("run-rel")
    assert page == tmp_path / "cur" / "data_docs" / "run-rel" / "index.html" and page.is_file()
