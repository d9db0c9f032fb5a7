from datetime import UTC, datetime

import pyarrow as pa
import pytest

from schemas.tables import CLAIMS, TABLES, staging_schema
from tasks.validate import SchemaMismatch, Validator, expectations_for, run_time_of


@pytest.fixture(scope="module")
def validator():
    return Validator({"claims": CLAIMS})


def claim(**over):
    row = {"claim_id": "c1", "article_id": "a1", "field": "body", "speaker": "she", "speaker_name": None,
           "speaker_entity_id": None, "speaker_mention_id": None, "cue": "said", "cue_start": 0, "cue_end": 4,
           "content": "it rains", "start": 10, "end": 18, "kind": "indirect", "polarity": "assert",
           "confidence": 0.8, "rule": "verb:ccomp", "statement_id": "s1", "part": 0, "cluster_id": "k1", "pipeline_version": "v", "run_id": "r"}
    row.update(over)
    return row


def test_suite_is_generated_from_the_schema():
    kinds = [type(e).__name__ for e in expectations_for(CLAIMS)]
    assert kinds.count("ExpectColumnValuesToNotBeNull") == sum(not f.nullable for f in CLAIMS.schema)
    assert "ExpectColumnPairValuesAToBeGreaterThanB" in kinds
    assert "ExpectColumnValuesToBeUnique" in kinds
    for table in TABLES.values():
        assert expectations_for(table)


def test_failing_rows_are_split_off_with_reasons(validator):
    rows = pa.Table.from_pylist(
        [claim(), claim(claim_id="c2", kind="rumour"), claim(claim_id="c3", end=5), claim(claim_id="c4", cue=None),
         claim(claim_id="c5")],
        schema=staging_schema(CLAIMS))
    out = validator.split("claims", rows)
    assert out.good["claim_id"].to_pylist() == ["c1", "c5"]
    assert set(out.failures) == {1, 2, 3}
    assert "expect_column_values_to_be_in_set(column=kind" in out.failures[1][0]
    assert "greater_than_b" in out.failures[2][0]
    assert "not_be_null(column=cue)" in out.failures[3][0]
    assert out.summary["failed_rows"] == 3


def test_duplicate_keys_fail_both_rows(validator):
    rows = pa.Table.from_pylist([claim(), claim()], schema=staging_schema(CLAIMS))
    assert set(validator.split("claims", rows).failures) == {0, 1}


def test_wrong_columns_are_a_bug_not_bad_input(validator):
    with pytest.raises(SchemaMismatch):
        validator.split("claims", pa.table({"claim_id": ["x"]}))


@pytest.mark.parametrize("run_id", ["20261203T050806-8796ad", "20261203T050806-38a06a", "run-x"])
def test_any_run_id_validates(validator, run_id):
    # great-expectations reads a run name without a time with dateutil: '-8796ad' became an
    # offset of 87 hours and the whole run failed (about one random run id in 2,000)
    rows = pa.Table.from_pylist([claim()], schema=staging_schema(CLAIMS))
    assert validator.split("claims", rows, run_name=run_id).good.num_rows == 1
    assert run_time_of("20261203T050806-8796ad") == datetime(2026, 12, 3, 5, 8, 6, tzinfo=UTC)
