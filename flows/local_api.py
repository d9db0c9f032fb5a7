"""A local Prefect API kept between runs, so that a run after a run does not start one again.

Without PREFECT_API_URL, Prefect starts a temporary API server for every process that runs a flow
and stops it at exit: ~5-8 s of a small run's ~10 s. `kept_api` instead reuses the API a previous
`newsetl` run left up, or starts one in a detached keeper process (`python -m flows.local_api`) that
stops it once no run has used it for `idle` seconds. The API is the same one Prefect would start
(its ephemeral server on the SQLite database under PREFECT_HOME), on 127.0.0.1 only.

Coordination, all through files in PREFECT_HOME (POSIX `flock`):
- `newsetl-api.lock`, held exclusively while a client looks for the API or starts a keeper, so two
  runs starting together share one;
- `newsetl-api.inuse`, held shared by every run for as long as it uses the API; the keeper stops the
  server only once it can take it exclusively (no run is using it) and the idle time has passed, and
  holds it until the server is down and `newsetl-api.json` removed;
- `newsetl-api.json`, the running API: its URL, the keeper's pid, the Python that started it (a run
  of another environment starts its own rather than use a server of other versions).
A keeper killed without cleanup leaves a stale json: its URL fails the health check and is replaced.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.server import free_port

STATE, LOCK, INUSE, USED = "newsetl-api.json", "newsetl-api.lock", "newsetl-api.inuse", "newsetl-api.used"
HEARTBEAT_SETTINGS = {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY"}


def _home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or Path.cwd() / ".prefect")


def _healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


def _state(home: Path) -> dict | None:
    try:
        state = json.loads((home / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and state.get("python") == sys.executable else None


def _configured_url() -> str | None:
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


@contextmanager
def kept_api(idle: float, startup_timeout: float = 120.0) -> Iterator[str | None]:
    """Within: PREFECT_API_URL points at a local API kept up for `idle` seconds after the last run.

    Yields the URL, or None where nothing is done: a configured PREFECT_API_URL (a server, a test
    harness) is used as it is, and `idle` 0 leaves Prefect to start its temporary server."""
    if idle <= 0 or _configured_url():
        yield None
        return
    home = _home()
    home.mkdir(parents=True, exist_ok=True)
    inuse = (home / INUSE).open("a")
    try:
        with (home / LOCK).open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            fcntl.flock(inuse, fcntl.LOCK_SH)  # blocks while a keeper is stopping its server
            (home / USED).touch()
            state = _state(home)
            url = state["url"] if state and _healthy(state["url"]) else _start_keeper(home, idle, startup_timeout)
        yield from _pointed_at(url, home)
    finally:
        inuse.close()  # releases the shared lock


def _user_heartbeats() -> bool:
    """The user set a flow-run heartbeat frequency (environment, Prefect profile, pyproject), which
    runs keep."""
    from prefect.settings import get_current_settings
    from prefect.settings.models.flows import FlowsSettings

    default = FlowsSettings.model_fields["heartbeat_frequency"].default
    return bool(HEARTBEAT_SETTINGS & set(os.environ)) or get_current_settings().flows.heartbeat_frequency != default


def _pointed_at(url: str, home: Path) -> Iterator[str]:
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    updates = {PREFECT_API_URL: url}
    if not _user_heartbeats():
        # nothing on the kept API acts on flow-run heartbeats (Prefect's zombie detection is an
        # automation made by hand on a server), so runs there send none, and a run's end no longer
        # waits for the heartbeat thread's next second
        updates[PREFECT_FLOWS_HEARTBEAT_FREQUENCY] = None
    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url  # for processes this one starts (Dask workers)
    try:
        with temporary_settings(updates=updates):
            yield url
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before
        (home / USED).touch()


def _start_keeper(home: Path, idle: float, timeout: float) -> str:
    (home / STATE).unlink(missing_ok=True)
    log = home / "newsetl-api.log"
    with log.open("ab") as out:
        keeper = subprocess.Popen([sys.executable, "-m", "flows.local_api", "--home", str(home), "--idle", str(idle)],
                                  stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True, cwd=Path(__file__).resolve().parent.parent)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = _state(home)
        if state and state.get("pid") == keeper.pid and _healthy(state["url"]):
            return state["url"]
        if keeper.poll() is not None:
            break
        time.sleep(0.2)
    keeper.kill()
    raise RuntimeError(f"the local Prefect API did not start; see {log}")


_asked_to_stop = False


def keep(home: Path, idle: float, poll: float = 1.0) -> None:
    """The keeper: serve Prefect's API until no run has used it for `idle` seconds, or until asked to
    stop (SIGUSR1) and no run is using it. SIGTERM stops it at once."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    # the command and environment Prefect's own temporary server runs with (no UI, ephemeral mode)
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
                               "--host", "127.0.0.1", "--port", str(port), "--log-level", "error",
                               "--lifespan", "on"], env=env, stdin=subprocess.DEVNULL)
    try:
        while not _healthy(url):
            if server.poll() is not None:
                raise SystemExit(f"the Prefect API server exited with code {server.returncode}")
            time.sleep(0.1)
        tmp = home / f"{STATE}.{os.getpid()}"
        tmp.write_text(json.dumps({"url": url, "pid": os.getpid(), "python": sys.executable}), encoding="utf-8")
        os.replace(tmp, home / STATE)
        with (home / INUSE).open("a") as inuse:
            while server.poll() is None:
                time.sleep(poll)
                try:
                    idle_for = time.time() - (home / USED).stat().st_mtime
                except OSError:
                    idle_for = idle
                if idle_for < idle and not _asked_to_stop:
                    continue
                try:
                    fcntl.flock(inuse, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a run is using it
                _stop(server, home)  # under the exclusive lock: no run starts on a server going down
                return
    finally:
        _stop(server, home)


def _stop(server: subprocess.Popen, home: Path) -> None:
    state = _state(home)
    if state and state.get("pid") == os.getpid():
        (home / STATE).unlink(missing_ok=True)
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def stop_kept(home: Path | None = None, timeout: float = 30.0) -> str | None:
    """Stop the kept API of this PREFECT_HOME once no run uses it (waits up to `timeout` seconds for
    that); its URL, None if none was running."""
    import signal

    home = home or _home()
    state = _state(home)
    if state is None:
        return None
    try:
        os.kill(state["pid"], signal.SIGUSR1)
    except ProcessLookupError:
        (home / STATE).unlink(missing_ok=True)
        return None
    deadline = time.monotonic() + timeout
    while (home / STATE).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return state["url"]


def main() -> None:
    import signal

    ap = argparse.ArgumentParser(description="Keep a local Prefect API up while newsetl runs use it.")
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--idle", type=float, required=True)
    a = ap.parse_args()

    def stop(signum, frame):
        raise SystemExit(128 + signum)  # unwinds through keep(): the server goes down with the keeper

    def stop_when_unused(signum, frame):
        global _asked_to_stop
        _asked_to_stop = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGUSR1, stop_when_unused)
    keep(a.home, a.idle)


if __name__ == "__main__":
    main()
