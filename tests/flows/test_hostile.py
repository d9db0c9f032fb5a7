"""What a hostile (or just unlucky) user does to a run: odd file names, odd folders, odd links,
huge files, readers holding file lists, full disks. Each case: the run lands what it can, and
every file it does not curate has a row saying why."""

import errno
import json
import os
import shutil

import duckdb
import polars as pl
import pyarrow.dataset as ds
import pytest

from tests.helpers import SAMPLE

ARTICLE = """Harbour board votes to close the old pier

The harbour board of {town} voted on Monday to close the old pier, its chairwoman Liv Dahl said.

“We could not ask people to walk on it any longer,” Dahl told reporters after the vote.

© 2025 The {publisher}
"""


def write(folder, name, town="Bergen", publisher="Harbour News"):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ARTICLE.format(town=town, publisher=publisher), encoding="utf-8")
    return path


def run(raw, curated, **kwargs):
    from flows.curate import curate_articles

    return curate_articles(raw=str(raw), curated=str(curated), **kwargs)


def read(curated, table):
    return pl.read_parquet(curated / table)


def manifest(curated):
    from flows.store import CuratedStore

    return pl.from_arrow(CuratedStore(curated).current().manifest())


def test_any_character_in_a_file_name_works(prefect_harness, tmp_path):
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    write(raw, "gazette#2025.txt", town="Tromsø")
    write(raw, "100% news ;&|$(x).txt", town="Bodø")
    first = run(raw, curated)
    assert first["n_curated"] == 2 and read(curated, "quarantine").height == 0
    assert set(manifest(curated)["status"]) == {"curated"}
    write(raw, "later.txt", town="Molde")  # a changing run must keep them
    assert run(raw, curated)["n_curated"] == 1
    assert sorted(read(curated, "articles")["source_uri"]) == ["100% news ;&|$(x).txt", "gazette#2025.txt",
                                                                "later.txt"]
    assert run(raw, curated)["n_unchanged"] == 3


def test_folders_whose_names_look_like_globs_work(prefect_harness, tmp_path):
    # polars expands glob characters in paths unless told not to: a store under "news [2026]" was unreadable
    raw, curated = tmp_path / "raw [a-z]*?", tmp_path / "news [2026] [odd] *?" / "curated"
    write(raw, "a.txt", town="Tromsø")
    assert run(raw, curated)["n_curated"] == 1
    write(raw, "b [1].txt", town="Molde")  # a run that adds an article reads the registry and the index
    summary = run(raw, curated)
    assert summary["n_curated"] == 1 and summary["report_error"] is None
    assert sorted(read(curated, "articles")["source_uri"]) == ["a.txt", "b [1].txt"]
    assert read(curated, "quarantine").height == 0 and read(curated, "claims").height >= 2
    from flows.query import run_query  # DuckDB reads "[" and "*" in a path as a pattern too

    assert run_query(curated, "SELECT count(*) AS n FROM articles").column("n").to_pylist() == [2]
    # and the command line shows such names as they are: Rich took "[odd]" for markup and printed
    # "news [2026]  *?", and dropped "[sic]" from a query's cells
    from typer.testing import CliRunner

    from flows.cli import app

    out = CliRunner().invoke(app, ["run", "--raw", str(raw), "--curated", str(curated)])
    assert out.exit_code == 0 and f"tables under {curated}" in out.stdout
    out = CliRunner().invoke(app, ["query", "SELECT source_uri, '[sic]' AS note FROM articles ORDER BY 1",
                                   "--curated", str(curated)])
    assert out.exit_code == 0 and "b [1].txt" in out.stdout and "[sic]" in out.stdout


def test_a_file_name_that_is_not_utf8_is_quarantined_by_its_escaped_name(prefect_harness, tmp_path):
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    write(raw, "ok.txt")
    fd = os.open(os.fsencode(str(raw)) + b"/caf\xe9.txt", os.O_WRONLY | os.O_CREAT)
    os.write(fd, ARTICLE.format(town="Hamar", publisher="x").encode())
    os.close(fd)
    summary = run(raw, curated)
    assert summary["n_curated"] == 1 and summary["n_files"] == 2
    q = read(curated, "quarantine").row(0, named=True)
    assert (q["source_uri"], q["stage"]) == ("caf\\xe9.txt", "intake") and "not valid UTF-8" in q["reason"]
    again = run(raw, curated)
    assert again["n_unchanged"] == 2 and read(curated, "quarantine").height == 1


def test_labels_are_plain_text_and_a_failing_report_never_fails_the_run(prefect_harness, tmp_path, monkeypatch):
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    write(raw, "tex.txt", publisher=r"$\undefinedcmd$ Times")
    summary = run(raw, curated)
    assert summary["report_error"] is None and os.path.exists(summary["report"])
    assert read(curated, "articles")["publisher"].to_list() == [r"The $\undefinedcmd$ Times"]

    import flows.publish

    def broken(*args, **kwargs):
        raise ValueError("no room for plots")

    monkeypatch.setattr(flows.publish, "build_from", broken)
    write(raw, "second.txt", town="Narvik")
    summary = run(raw, curated)
    assert summary["n_curated"] == 1 and summary["report"] is None
    runs = read(curated, "runs").sort("started_at")
    assert runs["report_error"].to_list()[-1] == "ValueError: no room for plots"
    assert runs["status"].to_list() == ["succeeded", "succeeded"]


def test_a_curated_folder_inside_the_raw_folder_is_skipped_and_counted(prefect_harness, tmp_path):
    raw = tmp_path / "raw"
    write(raw, "a.txt")
    curated = raw / "out"
    run(raw, curated)
    second = run(raw, curated)
    assert second["n_curated"] == 0 and second["n_files"] == 1  # the first run's report is not an article
    skipped = json.loads(read(curated, "runs").sort("started_at")["skipped"][-1])
    assert skipped["the curated folder inside the raw folder"]["paths"] == ["out/"]


@pytest.mark.parametrize("where", ["same", "raw inside curated"])
def test_overlapping_roots_are_refused_before_anything_is_written(prefect_harness, tmp_path, where):
    from flows.scan import RootsOverlap

    curated = tmp_path / "curated"
    raw = curated if where == "same" else curated / "raw"
    write(raw, "a.txt")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with pytest.raises(RootsOverlap):
        run(raw, curated)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_paths_a_reader_listed_stay_readable_for_a_generation(prefect_harness, tmp_path):
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    shutil.copytree(SAMPLE, raw)
    run(raw, curated)
    listed = {t: ds.dataset(str(curated / t)).files for t in ("articles", "mentions", "claims", "quarantine")}
    lazy = pl.scan_parquet(str(curated / "claims" / "*.parquet"))
    text = (raw / "001_harbour_gazette_quota_talks.txt").read_text(encoding="utf-8")
    (raw / "001_harbour_gazette_quota_talks.txt").write_text(text.replace("six hours", "seven hours"),
                                                             encoding="utf-8")
    assert run(raw, curated)["n_curated"] == 1  # rewrites articles' parts and every derived table
    for table, files in listed.items():
        rows = ds.dataset(files).to_table()  # the paths listed before the run: all still open
        assert rows.num_rows <= read(curated, table).height, table
    assert lazy.collect().height <= read(curated, "claims").height
    con = duckdb.connect()
    con.execute("SELECT count(*) FROM read_parquet(?)", [listed["mentions"]]).fetchone()
    write(raw, "third.txt")
    run(raw, curated)  # a generation later the stand-ins are gone: the guarantee is one generation
    assert not all(os.path.exists(f) for f in listed["mentions"])


def test_an_oversized_file_is_refused_from_its_size_without_being_read(prefect_harness, tmp_path, monkeypatch):
    import gzip
    import pathlib

    raw, curated = tmp_path / "raw", tmp_path / "curated"
    write(raw, "ok.txt")
    (raw / "big.txt").write_bytes(b"The harbour board met. " * 1000)
    (raw / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * 10_000_000))
    opened = []
    real_open = pathlib.Path.open

    def spy(self, *args, **kwargs):
        opened.append(self.name)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", spy)
    monkeypatch.setenv("NEWSETL_MAX_FILE_BYTES", "20000")
    run(raw, curated)
    assert "big.txt" not in opened
    reasons = dict(read(curated, "quarantine").select("source_uri", "reason").rows())
    assert "exceeds the limit of 20,000 bytes" in reasons["big.txt"]
    assert "decompressed size exceeds the limit" in reasons["bomb.txt.gz"]


def test_every_entry_not_read_is_counted_with_its_reason(prefect_harness, tmp_path):
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    write(raw, "_underscore.txt", town="Bodø")
    write(raw, "_drafts/inside.txt", town="Molde")
    write(raw, ".hidden.txt")
    os.mkfifo(raw / "pipe")
    os.symlink("nowhere.txt", raw / "dangling.txt")
    os.symlink("loop-b.txt", raw / "loop-a.txt")
    os.symlink("loop-a.txt", raw / "loop-b.txt")
    outside = write(tmp_path, "secret.txt", town="Hamar")
    os.symlink(outside, raw / "outside.txt")
    os.symlink(raw / "_underscore.txt", raw / "inside-link.txt")
    summary = run(raw, curated)
    assert sorted(read(curated, "articles")["source_uris"].list.explode()) == [
        "_drafts/inside.txt", "_underscore.txt", "inside-link.txt"]  # a link inside the folder is followed
    skipped = json.loads(read(curated, "runs")["skipped"][0])
    by_path = {p: reason for reason, v in skipped.items() for p in v["paths"]}
    assert by_path == {".hidden.txt": "hidden (name starts with '.')",
                       "pipe": "not a regular file (FIFO, socket or device)", "dangling.txt": "link to nothing",
                       "loop-a.txt": "link loop", "loop-b.txt": "link loop",
                       "outside.txt": "link leaving the raw folder (not followed; NEWSETL_FOLLOW_OUTSIDE_LINKS=true "
                                      "follows it)"}
    assert summary["skipped"] and read(curated, "runs")["n_skipped"][0] == 6


def test_a_run_that_fails_on_a_full_disk_leaves_no_debris_and_records_itself(prefect_harness, tmp_path,
                                                                            monkeypatch):
    import flows.store

    raw, curated = tmp_path / "raw", tmp_path / "curated"
    write(raw, "a.txt")
    run(raw, curated)
    before = read(curated, "articles")
    write(raw, "b.txt", town="Molde")
    real_add = flows.store.Builder.add

    def full(self, table, rows, name=None):
        if table == "mentions":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_add(self, table, rows, name)

    monkeypatch.setattr(flows.store.Builder, "add", full)
    monkeypatch.setattr(flows.store.Builder, "stream", _failing_stream)
    with pytest.raises(OSError, match="No space left"):
        run(raw, curated)
    assert not (curated / ".staging").exists() or not any((curated / ".staging").iterdir())
    assert read(curated, "articles").equals(before)
    runs = read(curated, "runs").sort("started_at")
    assert runs["status"].to_list() == ["succeeded", "failed"]
    assert "No space left on device" in runs["error"][-1]


def _failing_stream(self, table, rows_per_part):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_command_line_mistakes_get_one_clear_line_and_create_nothing(prefect_harness, tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    cli = CliRunner()
    raw = tmp_path / "raw"
    write(raw, "a.txt")
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    out = cli.invoke(app, ["run", "--raw", str(raw), "--curated", str(a_file)])
    assert out.exit_code == 2 and "is a file, not a folder" in out.stdout and "Traceback" not in out.stdout
    out = cli.invoke(app, ["run", "--raw", str(a_file), "--curated", str(tmp_path / "new")])
    assert out.exit_code == 2 and "raw folder" in out.stdout and "is a file" in out.stdout
    assert not (tmp_path / "new").exists()
    out = cli.invoke(app, ["run", "--raw", str(tmp_path / "nope"), "--curated", str(tmp_path / "new")])
    assert out.exit_code == 2 and "does not exist" in out.stdout and not (tmp_path / "new").exists()
    for command in (["tables"], ["query", "SELECT 1"]):
        out = cli.invoke(app, [*command, "--curated", str(tmp_path / "mistyped")])
        assert out.exit_code == 2 and "no curated tables at" in out.stdout, command
