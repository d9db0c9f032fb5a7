"""The deployments of prefect.yaml on a real Prefect server and process worker (marked integration)."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import polars as pl
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def server(tmp_path):
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"),
           "PREFECT_API_URL": f"http://127.0.0.1:{port}/api", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "DO_NOT_TRACK": "1"}
    proc = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, "the Prefect server exited"
                time.sleep(1)
        else:
            pytest.fail("the Prefect server did not become healthy in 120 s")
        yield env
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def prefect(env, *args, timeout=300) -> str:
    out = subprocess.run([str(BIN / "prefect"), *args], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=timeout)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def api(env, path: str, body: dict | None = None):
    req = urllib.request.Request(env["PREFECT_API_URL"] + path, method="POST" if body is not None else "GET",
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def test_deploy_trigger_and_run_on_a_worker(server, tmp_path):
    curated = tmp_path / "curated"
    prefect(server, "work-pool", "create", "newsetl", "--type", "process")
    prefect(server, "--no-prompt", "deploy", "--all")
    names = {d["name"] for d in api(server, "/deployments/filter", {})}
    assert {"curate-scheduled", "reprocess"} <= names
    out = prefect(server, "deployment", "run", "curate-articles/curate-scheduled",
                  "--param", f"curated={curated}", "--param", f"raw={ROOT / 'data' / 'raw'}")
    run_id = next(line.split("/flow-run/")[1].strip() for line in out.splitlines() if "/flow-run/" in line)
    prefect(server, "worker", "start", "--pool", "newsetl", "--run-once", timeout=600)
    run = api(server, f"/flow_runs/{run_id}")
    assert run["state"]["type"] == "COMPLETED", run["state"]
    assert pl.read_parquet(curated / "articles").height == 10  # the bundled sample's articles
    assert pl.read_parquet(curated / "runs")["flow_run_id"].to_list() == [run_id]
    artifacts = api(server, "/artifacts/filter", {"artifacts": {"key": {"any_": ["curate-run-summary"]}}})
    assert artifacts and "Quarantine reasons" in artifacts[0]["data"] and "Data Docs:" in artifacts[0]["data"]
