"""Scale simulation: the cost of publishing K new articles into a store of N curated articles.

    python -m bench.scale --sizes 10000 100000 1000000 --k 1000     (default: 10,000 and 100,000)

1. A template: a real run of the flow over `--template` generated articles (bench/corpus.py), so
   the numbers of mentions and claims per article, their columns and their shapes are real.
2. For each N, curated state for N articles is synthesised from the template without NLP: each
   article copies a template article's rows under a new id, outlet and date; every mention's name
   is drawn from a Zipf-like vocabulary of names (of its label), every claim's content and speaker
   from a Zipf-like vocabulary of statements and speakers, so entities and clusters repeat across
   articles as in a news archive. Derived tables (entities, clusters) are built by newsetl's own
   full rebuild (`newsetl compact`), timed as such.
3. K new generated articles are curated by the real flow (own process, Prefect API warmed up
   first) into an empty store and into each store of N (a hard-linked copy): run seconds, the
   publishing seconds, and the process's peak RSS.

Prints a Markdown table and writes bench/out/scale.json. Never part of the tests.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import write_corpus  # noqa: E402
from bench.run import child  # noqa: E402

SYLLABLES = ("ka ri mo ta len vor sa el din mar co bru na tis gel ha pra zu fen lo qui ber do sun "
             "av mil ros tan ye").split()


def _names(rng: np.random.Generator, n: int, words: int) -> list[str]:
    """n distinct made-up names of `words` capitalised words."""
    out: set[str] = set()
    syllables = 3  # a word of 3 syllables has 27,000 forms: longer words where more names are asked for
    while len(SYLLABLES) ** (syllables * words) < 2 * n and syllables < 8:
        syllables += 1
    while len(out) < n:
        parts = rng.integers(0, len(SYLLABLES), size=(n, words, syllables))
        for row in parts:
            out.add(" ".join("".join(SYLLABLES[s] for s in w).capitalize() for w in row))
            if len(out) >= n:
                break
    return sorted(out)


def _zipf(rng: np.random.Generator, size: int, vocabulary: int, a: float = 1.15) -> np.ndarray:
    """Indices into a vocabulary with Zipf-like frequencies (rank 0 most frequent)."""
    ranks = rng.zipf(a, size=size) - 1
    return np.where(ranks < vocabulary, ranks, rng.integers(0, vocabulary, size=size))


def synthesise(template: Path, dest: Path, n: int, seed: int = 5) -> dict:
    """Write curated state for n articles into dest (a fresh store) and return its row counts."""
    from flows.compact import compact_store
    from flows.store import CuratedStore
    from schemas.tables import MANIFEST, TABLES

    rng = np.random.default_rng(seed)
    base = CuratedStore(template).current()
    arts = pl.from_arrow(base.read("articles")).with_row_index("t")
    t_of = dict(zip(arts["article_id"], arts["t"]))
    version = arts["pipeline_version"][0]
    n_t = arts.height
    ids = pl.DataFrame({"i": np.arange(n)}).with_columns(
        t=(pl.col("i") % n_t).cast(pl.UInt32), sim=pl.format("sim{}", pl.col("i").cast(pl.String).str.zfill(8)))
    outlets = [f"{w} Post" for w in _names(rng, 500, 1)]
    articles = ids.join(arts, on="t").sort("i").with_columns(
        article_id=pl.col("sim"), source_uri=pl.format("sim/{}.txt", pl.col("sim")),
        publisher=pl.Series([outlets[k] for k in _zipf(rng, n, len(outlets))]),
        published=pl.Series([f"2026-{m:02d}-{d:02d}" for m, d in zip(rng.integers(1, 13, n), rng.integers(1, 29, n))]),
        run_id=pl.lit("sim"))
    articles = articles.with_columns(source_uris=pl.concat_list("source_uri"))

    def per_article(table: str) -> pl.DataFrame:
        rows = pl.from_arrow(base.read(table)).with_columns(
            t=pl.col("article_id").replace_strict(t_of, return_dtype=pl.UInt32))
        out = ids.join(rows, on="t").with_columns(article_id=pl.col("sim"), run_id=pl.lit("sim"))
        return out.with_row_index("_r")

    mentions = per_article("mentions")
    vocab = {label: _names(rng, max(50, n // 5), 2 if label == "PERSON" else 1)
             for label in mentions["label"].unique().to_list()}
    texts = np.empty(mentions.height, dtype=object)
    labels = mentions["label"].to_numpy()
    for label, names in vocab.items():
        where = np.flatnonzero(labels == label)
        texts[where] = np.asarray(names, dtype=object)[_zipf(rng, len(where), len(names))]
    mentions = mentions.with_columns(text=pl.Series(texts, dtype=pl.String), gazetteer_name=pl.lit(None, pl.String),
                                     mention_id=pl.format("{}-m{}", "sim", "_r"))
    claims = per_article("claims")
    n_statements = max(100, claims.height // 2)
    lexicon = [w.lower() for w in _names(rng, 20_000, 1)]
    words = _zipf(rng, n_statements * 14, len(lexicon), a=1.05).reshape(n_statements, 14)
    statements = [" ".join(lexicon[w] for w in row[:8 + i % 7]) for i, row in enumerate(words)]
    speakers = vocab.get("PERSON") or _names(rng, 100, 2)
    claims = claims.with_columns(
        content=pl.Series(np.asarray(statements, dtype=object)[_zipf(rng, claims.height, n_statements)],
                          dtype=pl.String),
        speaker_name=pl.Series(np.asarray(speakers, dtype=object)[_zipf(rng, claims.height, len(speakers))],
                               dtype=pl.String),
        speaker_mention_id=pl.lit(None, pl.String),
        claim_id=pl.format("{}-c{}", "sim", "_r"), statement_id=pl.format("{}-s{}-{}", "sim", "t", "statement_id"))
    segments = per_article("segments").with_columns(segment_id=pl.format("{}-g{}", "sim", "_r"))

    store = CuratedStore(dest)
    store.ensure_layout()
    builder = store.builder("sim")
    for name, frame in (("articles", articles), ("segments", segments), ("mentions", mentions), ("claims", claims)):
        table = TABLES[name]
        for offset in range(0, frame.height, 500_000):
            builder.add(name, frame.slice(offset, 500_000).select(table.columns).to_arrow())
    manifest = articles.select(
        "source_uri", size=pl.lit(1000, pl.Int64), mtime_ns=pl.lit(0, pl.Int64), content_hash="article_id",
        article_ids=pl.concat_list("article_id"), status=pl.lit("curated"), pipeline_version=pl.lit(version),
        run_id=pl.lit("sim")).to_arrow().cast(MANIFEST)
    builder.set_manifest(manifest)
    builder.commit()
    counts = {"articles": n, "mentions": mentions.height, "claims": claims.height, "segments": segments.height}
    del articles, mentions, claims, segments
    t0 = time.perf_counter()
    compact_store(dest, "sim-compact")
    counts["compact_seconds"] = time.perf_counter() - t0
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--k", type=int, default=1000, help="new articles published into each store")
    ap.add_argument("--template", type=int, default=300, help="generated articles the synthetic state copies")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "scale.json"))
    ap.add_argument("--synthesise", nargs=3, metavar=("TEMPLATE", "DEST", "N"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.synthesise:
        template, dest, n = a.synthesise
        print(json.dumps(synthesise(Path(template), Path(dest), int(n))))
        return
    results: dict = {"k": a.k, "template": a.template, "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="newsetl-scale-") as tmp:
        tmp = Path(tmp)
        write_corpus(tmp / "raw-template", a.template, seed=3)
        write_corpus(tmp / "raw-new", a.k, seed=99)
        print(f"template: {a.template} articles through the flow ...", flush=True)
        child("e2e", str(tmp / "raw-template"), str(tmp / "template"))
        print(f"K={a.k} new articles into an empty store ...", flush=True)
        empty = child("e2e", str(tmp / "raw-new"), str(tmp / "empty"))
        results["empty"] = _figures(empty)
        for n in a.sizes:
            print(f"N={n}: synthesising ...", flush=True)
            store = tmp / f"store-{n}"
            t0 = time.perf_counter()
            # in its own process: a child inherits its parent's peak RSS through exec (Linux), so the
            # parent must stay small for the runs' peaks to be their own
            out = subprocess.run([sys.executable, "-m", "bench.scale", "--synthesise", str(tmp / "template"),
                                  str(store), str(n)], check=True, capture_output=True, text=True, cwd=ROOT)
            counts = json.loads(out.stdout.strip().splitlines()[-1])
            counts["synthesis_seconds"] = time.perf_counter() - t0
            copy = tmp / f"run-{n}"
            subprocess.run(["cp", "-al", str(store), str(copy)], check=True)
            print(f"N={n}: K={a.k} new articles ...", flush=True)
            run = child("e2e", str(tmp / "raw-new"), str(copy))
            results["sizes"][str(n)] = {**counts, **_figures(run)}
            shutil.rmtree(store)
            shutil.rmtree(copy)
            Path(a.out).parent.mkdir(parents=True, exist_ok=True)
            Path(a.out).write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(table(results))


def _figures(run: dict) -> dict:
    publish = sum(v for k, v in run["timings"].items() if k.startswith("publish_"))
    return {"seconds": run["seconds"], "publish_seconds": publish, "peak_rss_mb": run["peak_rss_mb"],
            "main_peak_rss_mb": run.get("main_peak_rss_mb"), "helper_peak_rss_mb": run.get("helper_peak_rss_mb"),
            "articles": run["articles"], "publish": {k: v for k, v in run["timings"].items()
                                                     if k.startswith("publish_")}}


def table(r: dict) -> str:
    e = r["empty"]
    lines = ["| store | run (s) | publishing (s) | × empty (run) | × empty (publishing) | peak RSS (MB) |",
             "|---|---|---|---|---|---|",
             f"| empty | {e['seconds']:.1f} | {e['publish_seconds']:.1f} | 1.00 | 1.00 | {e['peak_rss_mb']:.0f} |"]
    for n, s in r["sizes"].items():
        lines.append(f"| N = {int(n):,} ({s['mentions']:,} mentions, {s['claims']:,} claims) | {s['seconds']:.1f} | "
                     f"{s['publish_seconds']:.1f} | {s['seconds'] / e['seconds']:.2f} | "
                     f"{s['publish_seconds'] / e['publish_seconds']:.2f} | {s['peak_rss_mb']:.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
