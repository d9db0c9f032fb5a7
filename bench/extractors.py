"""Single main-content extractors on the boilerplate benchmarks' HTML pages, measured the way
newsetl is (../shared/eval/shingle_score.py), per benchmark and sub-dataset, with their cost.

    python -m bench.extractors                 # the table (and bench/out/extractors/<name>/<set>/<id>.txt)

The extractors as a user would call them: trafilatura (defaults, and favor_precision as newsetl's
HTML route used it), readability-lxml (its summary's text), boilerpy3's ArticleExtractor
(boilerpipe), jusText (English stop list, good paragraphs).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from tasks.intake import Document, read_documents

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OUT = ROOT / "bench" / "out" / "extractors"
SETS = {name: SHARED / "bench" / name for name in ("boilerplate-dev", "boilerplate-wide")}


def _html_text(html: str) -> str:
    import lxml.html

    try:
        return lxml.html.fromstring(html).text_content()
    except Exception:  # noqa: BLE001 - an extractor's output that is not HTML: as it is
        return html


def trafilatura_default(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def trafilatura_precision(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False, favor_precision=True) or ""


def readability_lxml(html: str) -> str:
    from readability import Document

    return _paragraphs_text(Document(html).summary(html_partial=True))


def _paragraphs_text(fragment: str) -> str:
    import lxml.html

    try:
        root = lxml.html.fromstring(fragment)
    except Exception:  # noqa: BLE001
        return ""
    return "\n".join(" ".join(t.split()) for t in root.itertext() if t.strip())


def boilerpipe(html: str) -> str:
    from boilerpy3 import extractors

    return extractors.ArticleExtractor(raise_on_failure=False).get_content(html) or ""


def justext_(html: str) -> str:
    import justext

    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


EXTRACTORS = {"trafilatura": trafilatura_default, "trafilatura-precision": trafilatura_precision,
              "readability-lxml": readability_lxml, "boilerpipe": boilerpipe, "jusText": justext_}


def pages(name: str) -> list[tuple[str, str, str]]:
    """(id, sub-dataset, html) of a benchmark's pages."""
    folder = SETS[name]
    subs = {}
    if (folder / "manifest.jsonl").exists():
        for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            subs[rec["id"]] = rec["sub_dataset"]
    out = []
    for path in sorted((folder / "html").glob("*.html.gz")):
        pid = path.name.removesuffix(".html.gz")
        # decoded as a run decodes it (encoding detection, no control characters), so that every
        # extractor reads what newsetl's HTML route reads
        doc = read_documents(path.name, path.read_bytes(), max_bytes=1 << 30)[0]
        out.append((pid, subs.get(pid, "all"), doc.text if isinstance(doc, Document) else ""))
    return out


def score(predictions: dict[str, str], gold_dir: Path, ids: list[str]) -> float:
    sys.path.insert(0, str(SHARED / "eval"))
    from shingle_score import evaluate

    gold = {i: (gold_dir / f"{i}.txt").read_text(encoding="utf-8") for i in ids}
    metrics, _ = evaluate(gold, {i: predictions.get(i, "") for i in ids}, 4, 0)
    return metrics["f1"]


def run(names: list[str]) -> dict:
    results: dict = {}
    for bench_name in SETS:
        items = pages(bench_name)
        for name in names:
            fn = EXTRACTORS[name]
            try:
                fn("<html><body><p>probe</p></body></html>")
            except ImportError as exc:
                print(f"{name}: not installed ({exc.name}; pip install -e .[bench]), left out", flush=True)
                continue
            folder = OUT / name / bench_name
            folder.mkdir(parents=True, exist_ok=True)
            preds, seconds = {}, []
            for pid, _sub, html in items:
                clock = time.perf_counter()
                try:
                    text = fn(html)
                except Exception:  # noqa: BLE001 - a failing extractor predicts nothing for that page
                    text = ""
                seconds.append(time.perf_counter() - clock)
                preds[pid] = text
                (folder / f"{pid}.txt").write_text(text, encoding="utf-8")
            subs = sorted({s for _, s, _ in items})
            gold = SETS[bench_name] / "gold"
            row = {"all": score(preds, gold, [p for p, _, _ in items]), "ms_per_page": 1000 * statistics.mean(seconds)}
            if len(subs) > 1:
                row.update({s: score(preds, gold, [p for p, sub, _ in items if sub == s]) for s in subs})
            results[(name, bench_name)] = row
            print(name, bench_name, {k: round(v, 3) for k, v in row.items()}, flush=True)
    return results


if __name__ == "__main__":
    run(sys.argv[1:] or list(EXTRACTORS))
