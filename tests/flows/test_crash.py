"""kill -9 at any moment: every table readable with its previous or its new rows, all tables from
the same state, and the next run converges to exactly the result of an uninterrupted run."""

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.helpers import ROOT, SAMPLE, same_tables, snapshot

FAILPOINTS = ["store.wrote-articles", "store.wrote-mentions", "publish.before-commit", "store.before-rename",
              "store.before-swap", "store.after-swap"]


def same(a: dict, b: dict) -> bool:
    return same_tables(a, b) == []


@pytest.fixture(scope="module")
def states(prefect_harness, tmp_path_factory):
    """State 1 (part of the sample), and the raw folder and result of an uninterrupted run 2."""
    from prefect.settings import PREFECT_API_URL

    base = tmp_path_factory.mktemp("crash")
    raw1, raw2 = base / "raw1", base / "raw2"
    raw1.mkdir()
    files = sorted(p for p in SAMPLE.iterdir() if p.is_file())
    for p in files[:3]:
        shutil.copy2(p, raw1 / p.name)
    shutil.copytree(SAMPLE, raw2)
    first = raw2 / files[0].name
    first.write_text(first.read_text(encoding="utf-8").replace("six hours", "seven hours"), encoding="utf-8")
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    run(env, raw1, base / "state1")
    previous = snapshot(base / "state1")
    shutil.copytree(base / "state1", base / "expected", symlinks=True)
    run(env, raw2, base / "expected")
    expected = snapshot(base / "expected")
    assert not same(previous, expected)
    return {"env": env, "raw2": raw2, "state1": base / "state1", "previous": previous, "expected": expected}


def run(env, raw: Path, curated: Path, failpoint: str | None = None) -> subprocess.Popen:
    env = {**env, **({"NEWSETL_FAILPOINT": failpoint} if failpoint else {})}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "newsetl"), "run", "--raw", str(raw),
                             "--curated", str(curated)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=ROOT)
    if failpoint is None:
        assert proc.wait(timeout=600) == 0
    return proc


def check_crash(states, curated: Path) -> str:
    now = snapshot(curated)  # every table readable
    if same(now, states["previous"]):
        seen = "previous"
    elif same(now, states["expected"]):
        seen = "new"
    else:
        pytest.fail("tables hold neither the previous nor the new rows (a partial write or a mix)")
    run(states["env"], states["raw2"], curated)
    assert same(snapshot(curated), states["expected"]), "the next run did not converge"
    return seen


def fresh_copy(states, tmp_path) -> Path:
    dest = tmp_path / "curated"
    shutil.copytree(states["state1"], dest, symlinks=True)
    return dest


@pytest.mark.slow
@pytest.mark.parametrize("point", ["store.before-rename", "store.before-swap", "store.after-swap"])
def test_kill_at_commit_phases(states, tmp_path, point):
    curated = fresh_copy(states, tmp_path)
    proc = run(states["env"], states["raw2"], curated, failpoint=point)
    assert proc.wait(timeout=600) == -signal.SIGKILL
    seen = check_crash(states, curated)
    assert seen == ("new" if point == "store.after-swap" else "previous")


@pytest.mark.slow
@pytest.mark.parametrize("point", [p for p in FAILPOINTS if p not in
                                   {"store.before-rename", "store.before-swap", "store.after-swap"}])
def test_kill_while_writing_parts(states, tmp_path, point):
    curated = fresh_copy(states, tmp_path)
    proc = run(states["env"], states["raw2"], curated, failpoint=point)
    seen = workers_until_exit(proc)
    assert proc.returncode == -signal.SIGKILL
    assert seen, "the run started no worker process (the validator's, at least)"
    deadline = time.monotonic() + 30
    while any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in seen) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [p.pid for p in seen if p.is_running() and p.status() != psutil.STATUS_ZOMBIE], \
        "worker processes outlived the killed run"
    assert check_crash(states, curated) == "previous"


def workers_until_exit(proc: subprocess.Popen) -> list:
    """The run's child processes seen while it ran (they start at different times)."""
    seen = {}
    while proc.poll() is None:
        try:
            seen.update({c.pid: c for c in psutil.Process(proc.pid).children(recursive=True)})
        except psutil.NoSuchProcess:
            break
        time.sleep(0.1)
    proc.wait(timeout=600)
    return list(seen.values())


@pytest.mark.slow
def test_kill_at_random_moments(states, tmp_path):
    # how long an uninterrupted run takes here, to spread the kills over it
    curated = fresh_copy(states, tmp_path / "timing")
    t0 = time.monotonic()
    run(states["env"], states["raw2"], curated)
    duration = time.monotonic() - t0
    rng = random.Random(20261122)
    outcomes = []
    for trial in range(24):
        curated = fresh_copy(states, tmp_path / f"trial{trial}")
        proc = run(states["env"], states["raw2"], curated, failpoint="none")
        time.sleep(rng.uniform(0.3, duration * 1.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        outcomes.append(check_crash(states, curated))
    assert len(outcomes) >= 20
    print("outcomes:", {o: outcomes.count(o) for o in set(outcomes)})
