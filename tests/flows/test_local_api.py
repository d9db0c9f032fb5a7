"""The local Prefect API a `newsetl run` keeps up: the next run reuses it, it stops once idle, and
never while a run is using it."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.helpers import ROOT, SAMPLE

pytestmark = pytest.mark.slow


def environment(home: Path, idle: float) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return {**env, "PREFECT_HOME": str(home), "NEWSETL_KEEP_API": str(idle)}


def newsetl_run(raw: Path, curated: Path, env: dict) -> None:
    subprocess.run([str(Path(sys.executable).parent / "newsetl"), "run", "--raw", str(raw), "--curated", str(curated)],
                   env=env, cwd=ROOT, check=True, capture_output=True, timeout=600)


def state(home: Path) -> dict | None:
    try:
        return json.loads((home / "newsetl-api.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def wait_gone(home: Path, pid: int, timeout: float = 150.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if state(home) is None and not psutil.pid_exists(pid):
            return True
        time.sleep(0.5)
    return False


def test_the_next_run_reuses_the_api_and_it_stops_once_idle(tmp_path):
    from flows.local_api import _healthy

    raw = tmp_path / "raw"
    raw.mkdir()
    first = sorted(p for p in SAMPLE.iterdir() if p.suffix == ".txt")[:2]
    (raw / first[0].name).write_bytes(first[0].read_bytes())
    home = tmp_path / "prefect"
    # the idle time must outlast starting the next run's process (imports take seconds on a loaded
    # machine: with 4 s a busy CI machine let the API stop between the two runs)
    env = environment(home, idle=30)
    newsetl_run(raw, tmp_path / "curated", env)
    kept = state(home)
    assert kept is not None and _healthy(kept["url"]) and psutil.pid_exists(kept["pid"])

    (raw / first[1].name).write_bytes(first[1].read_bytes())
    newsetl_run(raw, tmp_path / "curated", env)
    assert state(home) == kept  # the same API, no second keeper
    import polars as pl

    assert pl.read_parquet(tmp_path / "curated" / "articles").height == 2
    newsetl_run(raw, tmp_path / "curated", env)  # nothing new: the validator started up front is stopped
    assert pl.read_parquet(tmp_path / "curated" / "articles").height == 2

    assert wait_gone(home, kept["pid"]), "the kept API did not stop after its idle time"
    assert not _healthy(kept["url"])


def test_the_api_stays_up_while_a_run_uses_it_past_the_idle_time(tmp_path):
    home = tmp_path / "prefect"
    script = ("import sys, time; from flows.local_api import kept_api, _healthy\n"
              "with kept_api(1.0) as url:\n"
              "    time.sleep(6)\n"
              "    print(url, _healthy(url))\n")
    out = subprocess.run([sys.executable, "-c", script], env=environment(home, idle=1), cwd=ROOT, check=True,
                         capture_output=True, text=True, timeout=600).stdout.split()
    assert out[-1] == "True", out
    kept = state(home)
    assert kept is not None and kept["url"] == out[-2]
    assert wait_gone(home, kept["pid"])


def test_without_keeping_nothing_is_left_running(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    sample = sorted(p for p in SAMPLE.iterdir() if p.suffix == ".txt")[0]
    (raw / sample.name).write_bytes(sample.read_bytes())
    home = tmp_path / "prefect"
    newsetl_run(raw, tmp_path / "curated", environment(home, idle=0))
    assert state(home) is None and not (home / "newsetl-api.lock").exists()


def test_stop_api_stops_the_kept_api(tmp_path):
    home = tmp_path / "prefect"
    env = environment(home, idle=600)
    subprocess.run([sys.executable, "-c", "from flows.local_api import kept_api\nwith kept_api(600): pass"],
                   env=env, cwd=ROOT, check=True, timeout=600)
    kept = state(home)
    assert kept is not None
    out = subprocess.run([str(Path(sys.executable).parent / "newsetl"), "stop-api"], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    assert kept["url"] in out
    assert wait_gone(home, kept["pid"], timeout=30)


def test_runs_on_the_kept_api_send_no_heartbeats_unless_the_user_set_them(tmp_path, monkeypatch):
    """Nothing on the kept API acts on flow-run heartbeats, so a run's end need not wait for the
    heartbeat thread; a heartbeat setting of the user's stays, and so does everything after."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings, temporary_settings

    from flows.local_api import HEARTBEAT_SETTINGS, _pointed_at

    for name in HEARTBEAT_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    before, url = get_current_settings().flows.heartbeat_frequency, os.environ.get("PREFECT_API_URL")
    pointed = _pointed_at("http://127.0.0.1:9/api", tmp_path)
    assert next(pointed) == "http://127.0.0.1:9/api"
    assert get_current_settings().flows.heartbeat_frequency is None
    assert os.environ["PREFECT_API_URL"] == "http://127.0.0.1:9/api"
    pointed.close()
    assert get_current_settings().flows.heartbeat_frequency == before and os.environ.get("PREFECT_API_URL") == url

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 45}):  # as from a Prefect profile
        pointed = _pointed_at("http://127.0.0.1:9/api", tmp_path)
        next(pointed)
        assert get_current_settings().flows.heartbeat_frequency == 45
        pointed.close()
    monkeypatch.setenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "60")
    pointed = _pointed_at("http://127.0.0.1:9/api", tmp_path)
    next(pointed)
    assert get_current_settings().flows.heartbeat_frequency == 60
    pointed.close()
