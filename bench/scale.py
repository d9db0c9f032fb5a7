"""Scale simulation: the cost of publishing K new articles into a store of N curated articles.

    python -m bench.scale --sizes 10000 100000 1000000 --k 1000     (the default; ~1 hour, mostly synthesis)

1. A template: a real run of the flow over `--template` generated articles (bench/corpus.py), so
   the numbers of mentions and claims per article, their columns and their shapes are real.
2. For each N, curated state for N articles is synthesised from the template without NLP: each
   article copies a template article's rows under a new id, outlet and date; every mention's name
   is drawn from a Zipf-like vocabulary of names (of its label), every claim's content from a
   Zipf-like vocabulary of statements, each statement with a speaker of its own (another one for
   one claim in ten; none where the template's claim had none), so entities and clusters repeat
   across articles as in a news archive. The most frequent names of each label are the
   template's own, the people and places an archive keeps covering: the K new articles,
   generated as the template was, name them, so their mentions resolve to existing entities,
   whose rows publishing rewrites (with made-up names only, a new article touched no entity of
   the archive and that cost went unmeasured). Statements stay made-up: with this Zipf-like law
   the top statement is drawn for one claim in seven, so a new one joining it would measure a
   cluster of millions no archive has. The store grows a slice of `--slice` articles at a time,
   as an archive does: the first slice's derived tables (entities, clusters and their indexes)
   are built by newsetl's full rebuild (`newsetl compact`), every further slice is published as
   a run that adds articles publishes them (flows/derive.py `extend`), so memory follows a
   slice, not N.
3. K new generated articles are curated by the real flow (own process, Prefect API warmed up
   first) into an empty store and into each store of N (a hard-linked copy): run seconds, the
   publishing seconds, and the process's peak RSS.
4. Then the same K files, each changed by one paragraph, are curated again into those stores:
   K articles replaced (removed and added) in a store of K and of N + K, as re-curated recent
   news is.

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
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import write_corpus  # noqa: E402
from bench.run import child  # noqa: E402

SYLLABLES = ("ka ri mo ta len vor sa el din mar co bru na tis gel ha pra zu fen lo qui ber do sun "
             "av mil ros tan ye").split()
SPEAKER_NOISE = 0.1  # share of claims whose statement another speaker is quoted with
SLICE = 100_000  # articles synthesised and published at a time: memory follows a slice, not the store


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


def file_facts(key: pl.Expr) -> dict[str, pl.Expr]:
    """A raw file's manifest facts as a real archive's are, derived from `key`: a SHA-256-like
    digest of 64 hexadecimal digits (incompressible, as real ones), a size of 2-200 kB and a
    modification time within a year; the manifest's cost follows them (made-up constants
    compressed a million rows to 0.9 MB)."""
    digest = pl.concat_str([key.hash(seed=s).cast(pl.UInt64).map_batches(_hex16, return_dtype=pl.String)
                            for s in range(4)])
    spread = (key.hash(seed=9) % 1_000_000_000_000).cast(pl.Int64)
    return {"content_hash": digest, "size": (spread % 198_000 + 2_000).cast(pl.Int64),
            "mtime_ns": (1_750_000_000 + spread % 31_536_000) * 1_000_000_000 + spread % 1_000_000_000}


def _hex16(values: pl.Series) -> pl.Series:
    return pl.Series([f"{v:016x}" for v in values.to_list()], dtype=pl.String)


def _zipf(rng: np.random.Generator, size: int, vocabulary: int, a: float = 1.15) -> np.ndarray:
    """Indices into a vocabulary with Zipf-like frequencies (rank 0 most frequent)."""
    ranks = rng.zipf(a, size=size) - 1
    return np.where(ranks < vocabulary, ranks, rng.integers(0, vocabulary, size=size))


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 of unsigned 64-bit integers: a stable pseudo-random value per key."""
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def _zipf_of(keys: np.ndarray, vocabulary: int, a: float = 1.15, salt: int = 0x5DEECE66D) -> np.ndarray:
    """`_zipf` drawn from keys instead of a generator: the same key gives the same index (a
    Zipf-like rank by inverse transform, P(rank >= r) ~ r^-(a-1); a uniform index past the end)."""
    u = (_mix(keys) >> np.uint64(11)).astype(np.float64) / float(1 << 53)  # uniform in [0, 1)
    with np.errstate(over="ignore", divide="ignore"):
        rank = np.floor(np.maximum(u, 1e-300) ** (-1 / (a - 1))) - 1
    uniform = (_mix(keys ^ np.uint64(salt)) % np.uint64(vocabulary)).astype(np.int64)
    return np.where(rank < vocabulary, rank, uniform).astype(np.int64)


class Statements:
    """A Zipf-like vocabulary of statement texts too large to hold: the text of rank k is made
    from k alone (each word drawn Zipf-like from a lexicon by a hash of k and its position), so a
    statement drawn in one slice reads the same when drawn in another."""

    def __init__(self, rng: np.random.Generator, size: int, words: int = 14, a: float = 1.05):
        self.size, self.words, self.a = size, words, a
        self.lexicon = np.asarray([w.lower() for w in _names(rng, 20_000, 1)], dtype=object)

    def texts(self, ranks: np.ndarray) -> np.ndarray:
        unique, back = np.unique(ranks, return_inverse=True)
        keys = unique.astype(np.uint64)[:, None] * np.uint64(64) + np.arange(self.words, dtype=np.uint64)
        n_words = 8 + unique % (self.words - 7)
        words = self.lexicon[_zipf_of(keys, len(self.lexicon), self.a)]
        out = np.asarray([" ".join(row[:k]) for row, k in zip(words, n_words)], dtype=object)
        return out[back]

    def speakers(self, ranks: np.ndarray, vocabulary: int) -> np.ndarray:
        """The speaker (an index into a vocabulary, Zipf-like) each statement rank belongs to: a
        statement quoted again is mostly quoted from the same speaker."""
        keys = ranks.astype(np.uint64)
        return _zipf_of(keys ^ np.uint64(0x2545F4914F6CDD1D), vocabulary,
                        salt=0x2545F4914F6CDD1D ^ 0x9FB21C651E98DF25)  # keys ^ salt: the ranks' own salt


class Template:
    """The rows of a real run over generated articles, which synthetic articles copy."""

    def __init__(self, path: Path):
        from flows.store import CuratedStore
        base = CuratedStore(path).current()
        arts = pl.from_arrow(base.read("articles")).with_row_index("t")
        self.t_of = dict(zip(arts["article_id"], arts["t"]))
        self.version = arts["pipeline_version"][0]
        self.articles = arts
        self.rows = {table: pl.from_arrow(base.read(table)).with_columns(
            t=pl.col("article_id").replace_strict(self.t_of, return_dtype=pl.UInt32))
            for table in ("segments", "mentions", "claims")}

    def claims_per_article(self) -> float:
        return self.rows["claims"].height / self.articles.height


class Synthesiser:
    """Curated state for n articles, made a slice of articles at a time from a template."""

    def __init__(self, template: Path, n: int, seed: int = 5):
        self.rng = np.random.default_rng(seed)
        self.tpl = Template(template)
        self.outlets = [f"{w} Post" for w in _names(self.rng, 500, 1)]
        mentions = self.tpl.rows["mentions"]
        self.vocab = {}
        for label in mentions["label"].unique().sort().to_list():  # the template's names first, most frequent first
            real = mentions.filter(pl.col("label") == label)["text"].value_counts(sort=True)["text"].to_list()
            made_up = _names(self.rng, max(50, n // 5), 2 if label == "PERSON" else 1)
            self.vocab[label] = np.asarray(real + made_up, dtype=object)
        self.statements = Statements(self.rng, max(100, int(n * self.tpl.claims_per_article()) // 2))
        self.speakers = self.vocab.get("PERSON")
        if self.speakers is None:
            self.speakers = np.asarray(_names(self.rng, 100, 2), dtype=object)

    def slice(self, lo: int, hi: int) -> dict[str, pl.DataFrame]:
        """Rows of articles lo..hi-1 (article ids, mention, claim and statement ids unique in the store)."""
        rng, tpl, n = self.rng, self.tpl, hi - lo
        ids = pl.DataFrame({"i": np.arange(lo, hi)}).with_columns(
            t=(pl.col("i") % tpl.articles.height).cast(pl.UInt32),
            sim=pl.format("sim{}", pl.col("i").cast(pl.String).str.zfill(8)))
        articles = ids.join(tpl.articles, on="t").sort("i").with_columns(
            article_id=pl.col("sim"), source_uri=pl.format("sim/{}.txt", pl.col("sim")),
            publisher=pl.Series(np.asarray(self.outlets, dtype=object)[_zipf(rng, n, len(self.outlets))],
                                dtype=pl.String),
            published=pl.Series([f"2026-{m:02d}-{d:02d}"
                                 for m, d in zip(rng.integers(1, 13, n), rng.integers(1, 29, n))]),
            run_id=pl.lit("sim"))
        articles = articles.with_columns(source_uris=pl.concat_list("source_uri"))

        def per_article(table: str) -> pl.DataFrame:
            out = ids.join(tpl.rows[table], on="t").with_columns(article_id=pl.col("sim"), run_id=pl.lit("sim"))
            return out.with_row_index("_r")

        mentions = per_article("mentions")
        texts = np.empty(mentions.height, dtype=object)
        labels = mentions["label"].to_numpy()
        for label, names in self.vocab.items():
            where = np.flatnonzero(labels == label)
            texts[where] = names[_zipf(rng, len(where), len(names))]
        mentions = mentions.with_columns(text=pl.Series(texts, dtype=pl.String), gazetteer_name=pl.lit(None, pl.String),
                                         mention_id=pl.format("{}-m{}", "sim", "_r"), entity_id=pl.lit("pending"))
        claims = per_article("claims")
        ranks = _zipf(rng, claims.height, self.statements.size)
        # a statement's own speaker, another one now and then (SPEAKER_NOISE), none where the
        # template's claim had none (an unresolved speaker)
        speaker = np.where(rng.random(claims.height) < SPEAKER_NOISE, _zipf(rng, claims.height, len(self.speakers)),
                           self.statements.speakers(ranks, len(self.speakers)))
        names = pl.Series(self.speakers[speaker], dtype=pl.String)
        claims = claims.with_columns(
            content=pl.Series(self.statements.texts(ranks), dtype=pl.String),
            speaker_name=pl.when(pl.col("speaker_name").is_null()).then(None).otherwise(names),
            speaker_mention_id=pl.lit(None, pl.String), cluster_id=pl.lit("pending"),
            claim_id=pl.format("{}-c{}", "sim", "_r"), statement_id=pl.format("{}-s{}-{}", "sim", "t", "statement_id"))
        segments = per_article("segments").with_columns(segment_id=pl.format("{}-g{}", "sim", "_r"))
        manifest = articles.select(
            "source_uri", article_ids=pl.concat_list("article_id"), status=pl.lit("curated"),
            pipeline_version=pl.lit(tpl.version), run_id=pl.lit("sim"), **file_facts(pl.col("article_id"))) \
            .select("source_uri", "size", "mtime_ns", "content_hash", "article_ids", "status", "pipeline_version",
                    "run_id")
        return {"articles": articles, "segments": segments, "mentions": mentions, "claims": claims,
                "manifest": manifest}


def synthesise(template: Path, dest: Path, n: int, seed: int = 5, slice_size: int = SLICE) -> dict:
    """Write curated state for n articles into dest (a fresh store) and return its row counts and
    timings. The first slice is published whole and its derived tables built by `newsetl compact`;
    every further slice is published as a run that adds articles publishes them (flows/derive.py
    `extend`), so the store grows as an archive does, a slice in memory at a time."""
    from flows.compact import compact_store
    from flows.store import CuratedStore

    synth = Synthesiser(template, n, seed)
    store = CuratedStore(dest)
    store.ensure_layout()
    counts = {"articles": n, "mentions": 0, "claims": 0, "segments": 0, "slices": 0, "extend_seconds": 0.0}
    for lo in range(0, n, slice_size):
        rows = synth.slice(lo, min(n, lo + slice_size))
        for table in ("mentions", "claims", "segments"):
            counts[table] += rows[table].height
        counts["slices"] += 1
        if lo == 0:
            _first(store, rows)
            del rows
            t0 = time.perf_counter()
            compact_store(dest, "sim-compact")
            counts["compact_seconds"] = time.perf_counter() - t0
        else:
            t0 = time.perf_counter()
            _grow(store, rows, f"sim-{lo}")
            counts["extend_seconds"] += time.perf_counter() - t0
        print(f"  {min(n, lo + slice_size):,} articles", file=sys.stderr, flush=True)
    return counts


def _add(builder, name: str, frame: pl.DataFrame) -> None:
    from schemas.tables import TABLES
    for offset in range(0, frame.height, 500_000):
        builder.add(name, frame.slice(offset, 500_000).select(TABLES[name].columns).to_arrow())


def _first(store, rows: dict[str, pl.DataFrame]) -> None:
    from schemas.tables import MANIFEST
    builder = store.builder("sim")
    for name in ("articles", "segments", "mentions", "claims"):
        _add(builder, name, rows[name])
    builder.set_manifest(rows["manifest"].to_arrow().cast(MANIFEST))
    builder.commit()


def _grow(store, rows: dict[str, pl.DataFrame], run_id: str) -> None:
    """Publish a slice of new articles as a run that only adds articles does."""
    from flows.derive import extend
    from flows.publish import DERIVED
    from flows.validation import Checked
    from schemas.tables import MANIFEST, TABLES, staging_schema
    from tasks.rows import Stamp

    base = store.current()
    stamp = Stamp(rows["articles"]["pipeline_version"][0], run_id)
    builder = store.builder(run_id)
    for table in TABLES:
        if table not in DERIVED:
            for part in base.parts(table):
                builder.keep(table, part)
    _add(builder, "articles", rows["articles"])
    _add(builder, "segments", rows["segments"])
    with tempfile.TemporaryDirectory(prefix="newsetl-slice-") as tmp:
        staged = {}
        for table in ("mentions", "claims"):
            schema = staging_schema(TABLES[table])
            staged[table] = []
            for k, offset in enumerate(range(0, rows[table].height, 500_000)):
                path = Path(tmp) / f"{table}-{k}.parquet"
                pq.write_table(rows[table].slice(offset, 500_000).select(schema.names).to_arrow().cast(schema), path)
                staged[table].append(path)
        new_articles = rows["articles"].select(TABLES["articles"].columns).to_arrow() \
            .cast(staging_schema(TABLES["articles"]))
        del rows["mentions"], rows["claims"], rows["segments"]
        extend(builder, base, set(), staged["mentions"], staged["claims"], new_articles, Checked(stamp), stamp,
               lambda _stage: None)  # adds only: no article of the store is removed
    builder.update_manifest(rows["manifest"].to_arrow().cast(MANIFEST), set())
    builder.commit()
    store.collect_garbage()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--k", type=int, default=1000, help="new articles published into each store")
    ap.add_argument("--template", type=int, default=300, help="generated articles the synthetic state copies")
    ap.add_argument("--slice", type=int, default=SLICE, help="articles synthesised and published at a time")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "scale.json"))
    ap.add_argument("--synthesise", nargs=3, metavar=("TEMPLATE", "DEST", "N"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.synthesise:
        template, dest, n = a.synthesise
        print(json.dumps(synthesise(Path(template), Path(dest), int(n), slice_size=a.slice)))
        return
    results: dict = {"k": a.k, "template": a.template, "slice": a.slice, "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="newsetl-scale-") as tmp:
        tmp = Path(tmp)
        write_corpus(tmp / "raw-template", a.template, seed=3)
        write_corpus(tmp / "raw-new", a.k, seed=99)
        print(f"template: {a.template} articles through the flow ...", flush=True)
        child("e2e", str(tmp / "raw-template"), str(tmp / "template"))
        print(f"K={a.k} new articles into an empty store ...", flush=True)
        empty = child("e2e", str(tmp / "raw-new"), str(tmp / "empty"))
        results["empty"] = _figures(empty)
        changed_copy(tmp / "raw-new", tmp / "raw-changed")
        print(f"the K={a.k} articles changed, re-curated in that store ...", flush=True)
        results["empty"]["recurate"] = _figures(child("e2e", str(tmp / "raw-changed"), str(tmp / "empty")))
        for n in a.sizes:
            print(f"N={n}: synthesising ...", flush=True)
            store = tmp / f"store-{n}"
            t0 = time.perf_counter()
            # in its own process: a child inherits its parent's peak RSS through exec (Linux), so the
            # parent must stay small for the runs' peaks to be their own
            out = subprocess.run([sys.executable, "-m", "bench.scale", "--synthesise", str(tmp / "template"),
                                  str(store), str(n), "--slice", str(a.slice)],
                                 check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT)
            counts = json.loads(out.stdout.strip().splitlines()[-1])
            counts["synthesis_seconds"] = time.perf_counter() - t0
            copy = tmp / f"run-{n}"
            subprocess.run(["cp", "-al", str(store), str(copy)], check=True)
            print(f"N={n}: K={a.k} new articles ...", flush=True)
            run = child("e2e", str(tmp / "raw-new"), str(copy))
            results["sizes"][str(n)] = {**counts, **_figures(run)}
            print(f"N={n}: the K={a.k} articles changed, re-curated ...", flush=True)
            results["sizes"][str(n)]["recurate"] = _figures(child("e2e", str(tmp / "raw-changed"), str(copy)))
            shutil.rmtree(store)
            shutil.rmtree(copy)
            Path(a.out).parent.mkdir(parents=True, exist_ok=True)
            Path(a.out).write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(table(results))


def changed_copy(src: Path, dest: Path, line: str = "This report was updated with a correction on Thursday.") -> None:
    """The files of `src` in `dest`, each with one paragraph more after its first: a run over them
    re-curates every article (each is removed and its new version added)."""
    dest.mkdir(parents=True)
    for path in sorted(src.iterdir()):
        head, _, rest = path.read_text(encoding="utf-8").partition("\n\n")
        (dest / path.name).write_text(f"{head}\n\n{line}\n\n{rest}", encoding="utf-8")


def _figures(run: dict) -> dict:
    """A run's figures. Publishing: every stage from merging the manifest to the commit, the run
    report and its Data Docs aside (`report_seconds`: they read the new generation's tables)."""
    publish = sum(v for k, v in run["timings"].items() if k.startswith("publish_") and k != "publish_report")
    return {"seconds": run["seconds"], "publish_seconds": publish,
            "report_seconds": run["timings"].get("publish_report"), "peak_rss_mb": run["peak_rss_mb"],
            "main_peak_rss_mb": run.get("main_peak_rss_mb"), "helper_peak_rss_mb": run.get("helper_peak_rss_mb"),
            "articles": run["articles"], "publish": {k: v for k, v in run["timings"].items()
                                                     if k.startswith("publish_")}}


def table(r: dict) -> str:
    e = r["empty"]
    lines = ["| store | run (s) | publishing (s) | report (s) | × empty (run) | × empty (publishing) | peak RSS (MB) |",
             "|---|---|---|---|---|---|---|",
             f"| empty | {e['seconds']:.1f} | {e['publish_seconds']:.2f} | {e['report_seconds'] or 0:.2f} | "
             f"1.00 | 1.00 | {e['peak_rss_mb']:.0f} |"]
    for n, s in r["sizes"].items():
        lines.append(f"| N = {int(n):,} ({s['mentions']:,} mentions, {s['claims']:,} claims) | {s['seconds']:.1f} | "
                     f"{s['publish_seconds']:.2f} | {s['report_seconds'] or 0:.2f} | "
                     f"{s['seconds'] / e['seconds']:.2f} | "
                     f"{s['publish_seconds'] / e['publish_seconds']:.2f} | {s['peak_rss_mb']:.0f} |")
    if "recurate" in e:
        re_e = e["recurate"]
        lines += ["", "Re-curating the same K articles, each file changed (K replaced):", "",
                  "| store | run (s) | publishing (s) | × K-store (publishing) | peak RSS (MB) |",
                  "|---|---|---|---|---|",
                  f"| K | {re_e['seconds']:.1f} | {re_e['publish_seconds']:.2f} | 1.00 | {re_e['peak_rss_mb']:.0f} |"]
        for n, s in r["sizes"].items():
            if "recurate" in s:
                x = s["recurate"]
                lines.append(f"| N + K = {int(n):,} + K | {x['seconds']:.1f} | {x['publish_seconds']:.2f} | "
                             f"{x['publish_seconds'] / re_e['publish_seconds']:.2f} | {x['peak_rss_mb']:.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
