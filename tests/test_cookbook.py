"""Every query of the README's cookbook runs as written (through `newsetl query`'s views) on the
bundled sample and returns rows; the query command's errors name what exists."""

import re

import pytest
from typer.testing import CliRunner

from tests.test_readme import README

COOKBOOK = README.split("## Cookbook", 1)[1].split("\n## ", 1)[0]
QUERIES = re.findall(r"newsetl query \"(.*?)\"\n```", COOKBOOK, re.S)


@pytest.fixture(scope="module")
def sample(sample_run):
    return sample_run[0]


def test_the_cookbook_has_its_recipes():
    assert len(QUERIES) >= 6


@pytest.mark.parametrize("sql", QUERIES, ids=[f"recipe-{i}" for i in range(1, len(QUERIES) + 1)])
def test_cookbook_query_runs_on_the_sample(sample, sql):
    from flows.query import run_query

    result = run_query(sample, sql)
    assert result.num_rows > 0, sql


def test_query_command_formats_and_errors(sample, tmp_path):
    from flows.cli import app

    runner = CliRunner()
    ok = runner.invoke(app, ["query", "SELECT count(*) AS n FROM claims", "--curated", str(sample), "--format", "csv"])
    assert ok.exit_code == 0 and ok.stdout.startswith("n\n")
    lists = runner.invoke(app, ["query", "SELECT outlets FROM claim_clusters WHERE n_outlets >= 2", "--curated",
                                str(sample), "--format", "csv"])
    assert lists.exit_code == 0 and "; " in lists.stdout
    out = tmp_path / "c.parquet"
    assert runner.invoke(app, ["query", "SELECT * FROM claim_clusters", "--curated", str(sample), "--format",
                               "parquet", "--output", str(out)]).exit_code == 0 and out.exists()
    bad = runner.invoke(app, ["query", "SELECT nope FROM claimz", "--curated", str(sample)])
    assert bad.exit_code == 2
    assert "claimz" in bad.stdout and "claims(" in bad.stdout and "claim_clusters(" in bad.stdout
