"""The run report: written next to the tables, self-contained, and its plots render in a real
headless browser (Debian's chromium)."""

import re
import shutil
import subprocess

import pytest
from PIL import Image


def test_report_is_written_next_to_the_tables_and_self_contained(sample_run):
    curated, summary = sample_run
    path = curated / "reports" / f"run-{summary['run_id']}.html"
    assert summary["report"] == str(path) and path.exists()
    page = path.read_text(encoding="utf-8")
    assert page.count("<svg") >= 4
    assert not re.search(r"<script|src=\"http|href=\"http|<link ", page), "the report must not load anything"
    for heading in ("Claims per outlet", "Claims per week", "Top speakers", "Denials", "Entities", "Quarantine",
                    "Validation", "corroborated"):
        assert heading in page
    docs = curated / "data_docs" / summary["run_id"] / "index.html"
    assert summary["data_docs"] == str(docs) and docs.exists()
    assert f"href='../data_docs/{summary['run_id']}/index.html'" in page


def chromium(*args: str) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    return subprocess.run(["chromium", *flags, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="Debian's chromium is not installed (make test installs it where it can: needs root)")
def test_report_loads_and_its_plots_render_in_headless_chromium(sample_run, tmp_path):
    curated, summary = sample_run
    url = (curated / "reports" / f"run-{summary['run_id']}.html").resolve().as_uri()
    dom = chromium(f"--user-data-dir={tmp_path / 'profile-dom'}", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert f"newsetl run {summary['run_id']}" in dom.stdout
    assert dom.stdout.count("<svg") >= 4
    shot = tmp_path / "report.png"
    out = chromium(f"--user-data-dir={tmp_path / 'profile-shot'}", "--window-size=1200,4000",
                   f"--screenshot={shot}", url)
    assert out.returncode == 0 and shot.exists(), out.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    pixels = list(image.getdata())
    bar_blue = sum(1 for r, g, b in pixels if abs(r - 0x4C) < 12 and abs(g - 0x72) < 12 and abs(b - 0xB0) < 12)
    bar_red = sum(1 for r, g, b in pixels if abs(r - 0xC4) < 12 and abs(g - 0x4E) < 12 and abs(b - 0x52) < 12)
    ink = sum(1 for p in pixels if p != (255, 255, 255))
    assert ink > 0.03 * len(pixels), "the page rendered almost blank"
    assert bar_blue > 5000 and bar_red > 1000, "the bar charts did not render"


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="Debian's chromium is not installed (make test installs it where it can: needs root)")
def test_the_runs_data_docs_load_in_headless_chromium(sample_run, tmp_path):
    curated, summary = sample_run
    dom = chromium(f"--user-data-dir={tmp_path / 'profile-docs'}", "--dump-dom",
                   (curated / "data_docs" / summary["run_id"] / "index.html").resolve().as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    for table in ("articles", "claims", "mentions", "entities", "segments"):
        assert f"{table}-suite" in dom.stdout, table
    assert summary["run_id"] in dom.stdout  # this run's validation results are listed
