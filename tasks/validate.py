"""Validation: a great-expectations suite per curated table, generated from `schemas/`.

For each field: not-null unless nullable, value set (`allowed`), lower bound (`min`); per
table: the exact column set, a unique key, `end > start` for every span. `Validator.split`
runs the suite on a batch of rows and returns the passing rows and, for each failing row,
the expectations it broke. Runs in an ephemeral (in-memory) context: no files.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pyarrow as pa
from schemas.tables import Table, field_meta


class SchemaMismatch(RuntimeError):
    """Rows do not have the table's columns: a bug in the pipeline, not bad input."""


def expectations_for(table: Table) -> list:
    """The expectation objects of a table's suite, derived from its schema declaration."""
    import great_expectations as gx

    ex = gx.expectations
    out: list = []  # the column set itself is checked before the suite runs (SchemaMismatch)
    for f in table.schema:
        meta = field_meta(f)
        if not f.nullable:
            out.append(ex.ExpectColumnValuesToNotBeNull(column=f.name))
        if "allowed" in meta:
            out.append(ex.ExpectColumnValuesToBeInSet(column=f.name, value_set=meta["allowed"].split(",")))
        if "min" in meta:
            out.append(ex.ExpectColumnValuesToBeBetween(column=f.name, min_value=int(meta["min"])))
    if len(table.key) == 1:
        out.append(ex.ExpectColumnValuesToBeUnique(column=table.key[0]))
    else:
        out.append(ex.ExpectCompoundColumnsToBeUnique(column_list=list(table.key)))
    for span in table.spans:
        out.append(ex.ExpectColumnPairValuesAToBeGreaterThanB(column_A=span.end, column_B=span.start))
    return out


def _columns_of(expectation) -> list[str]:
    one = [getattr(expectation, k, None) for k in ("column", "column_A", "column_B")]
    return [c for c in one if c] + list(getattr(expectation, "column_list", None) or [])


def describe(expectation) -> str:
    cfg = expectation if isinstance(expectation, dict) else expectation.configuration
    kwargs = {k: v for k, v in dict(cfg["kwargs"]).items() if k in {"column", "column_list", "column_A", "column_B",
                                                                     "value_set", "min_value"}}
    args = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    return f"{cfg['type']}({args})"


@dataclass
class Outcome:
    good: pa.Table
    failures: dict[int, list[str]]  # row position in the input -> broken expectations
    summary: dict = field(default_factory=dict)


class Validator:
    """Holds one ephemeral great-expectations context and a validation definition per table."""

    def __init__(self, tables: dict[str, Table]):
        import great_expectations as gx

        for name in ("great_expectations", "great_expectations.data_context.types.base"):
            logging.getLogger(name).setLevel(logging.ERROR)
        self._ctx = gx.get_context(mode="ephemeral")
        self._ctx.variables.progress_bars = {"globally": False}
        source = self._ctx.data_sources.add_pandas("newsetl")
        self._defs = {}
        self._read: dict[str, list[str]] = {}  # the columns the suite reads: only these go to pandas (not bodies)
        self.tables = tables
        for name, table in tables.items():
            batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
            suite = self._ctx.suites.add(gx.ExpectationSuite(name=f"{name}-suite"))
            expectations = expectations_for(table)
            for e in expectations:
                suite.add_expectation(e)
            read = {c for e in expectations for c in _columns_of(e)}
            self._read[name] = [c for c in table.columns if c in read]
            self._defs[name] = self._ctx.validation_definitions.add(
                gx.ValidationDefinition(name=f"{name}-validation", data=batch, suite=suite))

    @property
    def context(self):
        """The great-expectations context: its validation results store holds every result of
        `split` (under its `run_name`) until they are rendered (flows/validation.py, Data Docs)."""
        return self._ctx

    def read_columns(self, name: str) -> list[str]:
        """The columns of `name` its suite reads (bodies are not among them)."""
        return self._read[name]

    def split(self, name: str, rows: pa.Table, run_name: str | None = None, part: int = 0) -> Outcome:
        """Run the table's suite on `rows`; return passing rows and failures per row."""
        if rows.num_rows == 0:
            return Outcome(rows, {}, summary_of(0))
        check_columns(self.tables[name], rows)
        failures, summary = self.failures(name, rows.select(self._read[name]), run_name, part)
        return outcome(rows, failures, summary)

    def failures(self, name: str, rows: pa.Table, run_name: str | None = None, part: int = 0
                 ) -> tuple[dict[int, list[str]], dict]:
        """Run the table's suite on `rows` (its `read_columns`): the expectations each failing row
        broke, by row position, and a summary. `part`: which of a run's chunks of the table these
        rows are; each chunk's result is stored apart (great-expectations keys a result by suite,
        run name and run time: the same key would keep only the last chunk's, and a failing
        chunk's would vanish from the Data Docs under a later passing one's)."""
        summary = summary_of(rows.num_rows)
        if rows.num_rows == 0:
            return {}, summary
        from great_expectations.core.run_identifier import RunIdentifier

        frame = _to_pandas(rows)
        run_id = RunIdentifier(run_name=run_name, run_time=run_time_of(run_name) + timedelta(microseconds=part)) \
            if run_name else None
        # whether every row passes, first: half the cost of the failing rows' positions, which only
        # a suite that fails is run again for (its result then replaces the first in the store)
        for detail in ("BOOLEAN_ONLY", "COMPLETE"):
            result = self._defs[name].run(batch_parameters={"dataframe": frame},
                                          result_format={"result_format": detail}, run_id=run_id)
            if result.success:
                break
        failures: dict[int, list[str]] = {}
        summary["expectations"] = len(result.results)
        for r in result.results:
            if r.success:
                continue
            what = describe(r.expectation_config.to_json_dict())
            summary["failed"].append(what)
            idx = (r.result or {}).get("unexpected_index_list")
            if idx is None:
                raise SchemaMismatch(f"{name}: table-level expectation failed: {what}")
            for i in idx:
                failures.setdefault(int(i["index"] if isinstance(i, dict) else i), []).append(what)
        summary["failed_rows"] = len(failures)
        return failures, summary


def run_time_of(run_name: str) -> datetime:
    """The time a run id names (`YYYYmmddTHHMMSS-...`, flows/curate.py), else now. Given to
    great-expectations with the name: without a time it reads the name with dateutil, which takes
    a run id's random suffix for a date and an offset at times ('-8796ad': an offset of 87 hours,
    ValueError: about one run in 2,000 failed whole)."""
    try:
        return datetime.strptime(run_name.partition("-")[0], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return datetime.now(UTC)


def summary_of(rows: int) -> dict:
    """The summary of a suite run over `rows` rows, before any result."""
    return {"rows": rows, "failed_rows": 0, "expectations": 0, "failed": []}


def check_columns(table: Table, rows: pa.Table) -> None:
    """Raise SchemaMismatch unless `rows` has exactly the table's columns, in order."""
    if rows.column_names != table.columns:
        missing = sorted(set(table.columns) - set(rows.column_names))
        extra = sorted(set(rows.column_names) - set(table.columns))
        raise SchemaMismatch(f"{table.name}: missing columns {missing}, unexpected {extra}")


def outcome(rows: pa.Table, failures: dict[int, list[str]], summary: dict) -> Outcome:
    """The rows that passed, the failures and the summary of one suite run."""
    if not failures:
        return Outcome(rows, failures, summary)
    keep = [i for i in range(rows.num_rows) if i not in failures]
    return Outcome(rows.take(pa.array(keep, pa.int64())), failures, summary)


def _to_pandas(rows: pa.Table):
    import pandas as pd  # here: batch workers import this module but do not validate

    frame = rows.to_pandas(types_mapper=pd.ArrowDtype)
    frame.index = range(rows.num_rows)
    return frame
