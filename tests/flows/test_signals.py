"""SIGTERM (a timeout, a scheduler stopping the run) or SIGINT at any stage of `newsetl run`: the
run stops, everything it started goes down with it (Prefect's temporary API server, the worker
processes), and the tables stay as they were."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import psutil
import pytest

from tests.helpers import ROOT, SAMPLE, same_tables, snapshot

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The raw folder, and how long the run the tests stop takes on this machine when left alone
    (the tests signal it at shares of that, so that a fast machine is stopped mid-run too)."""
    from bench.corpus import write_corpus

    base = tmp_path_factory.mktemp("signals")
    write_corpus(base / "raw", 150)
    for p in SAMPLE.iterdir():
        shutil.copy2(p, base / "raw" / p.name)
    curated = base / "timed"
    assert start(first_raw(base, base / "raw-first"), curated).wait(timeout=600) == 0
    clock = time.monotonic()
    assert start(base / "raw", curated).wait(timeout=600) == 0
    return base, time.monotonic() - clock


def first_raw(base: Path, folder: Path) -> Path:
    """The raw folder of the run before: all but ten articles, which the stopped run then adds."""
    shutil.copytree(base / "raw", folder, ignore=shutil.ignore_patterns("article-00*"))
    return folder


def start(raw: Path, curated: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}  # the run starts its own server
    env["NEWSETL_BATCH_SIZE"] = "32"
    return subprocess.Popen([str(Path(sys.executable).parent / "newsetl"), "run", "--raw", str(raw), "--curated",
                             str(curated)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def descendants(proc: subprocess.Popen) -> list[psutil.Process]:
    try:
        return psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


@pytest.mark.parametrize(("sig", "share"), [(signal.SIGTERM, 0.2), (signal.SIGTERM, 0.6), (signal.SIGINT, 0.4),
                                            (signal.SIGTERM, 0.85)])
def test_a_stopped_run_leaves_no_process_and_no_partial_tables(corpus, tmp_path, sig, share):
    # the signal comes at a share of the run's time on this machine: starting, parsing, publishing
    base, seconds = corpus
    curated = tmp_path / "curated"
    assert start(first_raw(base, tmp_path / "raw-first"), curated).wait(timeout=600) == 0
    before = snapshot(curated)
    proc = start(base / "raw", curated)
    seen: dict[int, psutil.Process] = {}
    deadline = time.monotonic() + share * seconds
    while time.monotonic() < deadline and proc.poll() is None:
        seen.update({p.pid: p for p in descendants(proc)})  # the server and workers start at different times
        time.sleep(0.2)
    if proc.poll() is not None:
        pytest.skip(f"the run ended before {share:.0%} of the {seconds:.1f} s it took alone: nothing to stop")
    assert seen or share < 0.3, "the run started no process of its own"  # early on, nothing is started yet
    proc.send_signal(sig)
    assert proc.wait(timeout=120) != 0
    gone, alive = psutil.wait_procs(list(seen.values()), timeout=30)
    assert alive == [], [p.cmdline() for p in alive]
    now = snapshot(curated)
    if same_tables(now, before):
        # the signal came after the run's commit, during its report and exit (a fast machine): the
        # tables must then be the whole run's, recorded as succeeded, never a part of it
        runs = pl.read_parquet(curated / "runs").sort("started_at")
        assert runs["status"].to_list() == ["succeeded", "succeeded"] and runs["n_curated"][-1] > 0, \
            "a stopped run changed the tables"
    assert not any((curated / ".staging").glob("*"))


EXIT_STOPPED = '''
import os, signal, sys


def stopped_on_the_way(self):  # Prefect's exit handler, as the stop comes
    with open(PID_FILE, "w") as f:
        f.write(str(self.server_process.pid))
    os.kill(os.getpid(), signal.SIGTERM)
    stop(self)


if __name__ == "__main__":  # not in the processes the run spawns
    from prefect.server.api.server import SubprocessASGIServer

    stop = SubprocessASGIServer.stop
    SubprocessASGIServer.stop = stopped_on_the_way
    PID_FILE, sys.argv = sys.argv[1], ["newsetl", *sys.argv[2:]]
    from flows.cli import main

    main()
'''


def test_a_stop_during_the_exit_waits_for_prefects_temporary_server_to_stop(tmp_path):
    # the command's work is done; Prefect's exit handler is about to stop its temporary server
    raw = tmp_path / "raw"
    raw.mkdir()
    for p in sorted(SAMPLE.iterdir())[:2]:
        shutil.copy2(p, raw / p.name)
    script, pid_file = tmp_path / "stopped_at_exit.py", tmp_path / "server.pid"
    script.write_text(EXIT_STOPPED)
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["NEWSETL_KEEP_API"] = "0"
    log = tmp_path / "log"
    with log.open("wb") as out:  # a file, not a pipe: a server left running would hold a pipe open
        done = subprocess.run([sys.executable, str(script), str(pid_file), "run", "--raw", str(raw), "--curated",
                               str(tmp_path / "curated")], env=env, cwd=ROOT, stdout=out, stderr=out, timeout=600)
    assert pid_file.exists(), log.read_text()[-3000:]
    server = psutil.Process(int(pid_file.read_text())) if psutil.pid_exists(int(pid_file.read_text())) else None
    if server is not None:
        server.kill()  # left running: the test fails, without leaving it behind
    assert done.returncode == 128 + signal.SIGTERM, log.read_text()[-3000:]
    assert server is None, "Prefect's temporary server outlived the stopped command"
    assert pl.read_parquet(tmp_path / "curated" / "runs")["status"].to_list() == ["succeeded"]
