"""The README stays true: its table reference is the schema, its examples run on the sample."""

import re
from pathlib import Path

import duckdb
import pytest

from schemas.docs import data_dictionary

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_table_reference_is_printed_from_the_schemas():
    section = README.split("<!-- tables:start -->\n", 1)[1].split("<!-- tables:end -->", 1)[0]
    assert section == data_dictionary(), "README tables section is stale: python -m schemas.docs"


def test_readme_names_the_two_commands():
    assert "make run" in README and "make test" in README


@pytest.mark.parametrize("sql", re.findall(r"```sql\n(.*?)```", README, re.S))
def test_sql_examples_run_on_the_sample(sample_run, sql, monkeypatch):
    curated = sample_run[0]
    monkeypatch.chdir(curated.parent)
    sql = sql.replace("data/curated", curated.name)
    rows = duckdb.sql(sql).fetchall()
    assert rows, sql


@pytest.mark.parametrize("code", re.findall(r"```python\n(.*?)```", README, re.S))
def test_python_examples_run_on_the_sample(sample_run, code):
    code = code.replace('cur = "data/curated"', f"cur = {str(sample_run[0])!r}")
    namespace: dict = {}
    exec(compile(code, "README", "exec"), namespace)
