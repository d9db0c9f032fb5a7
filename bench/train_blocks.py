"""Fit the block classifier's weights on dev pages and say how they carry to pages they were not
fitted on.

    python -m bench.train_blocks html [--write]     # the HTML route's ensemble (units of ensemble.py)
    python -m bench.train_blocks text [--write]     # the text route's blocks (lines of the dump)

Reports, per sub-dataset: fitted on boilerplate-dev and checked on boilerplate-wide, fitted on
boilerplate-wide and checked on boilerplate-dev, and 5-fold cross-validation over both; --write
then fits on both and writes tasks/data/block_weights_<route>.tsv (a rules file: a new digest, a
new pipeline version). The units are those of the production code (tasks/html.py read_page), and
a unit is labelled body when most of its words align, in order, with the page's gold body. The
model is an L2-regularised logistic regression (Newton steps, numpy), each unit weighed by its
length; pages are scored as newsetl is (../shared/eval/shingle_score.py over the kept units).
Only dev pages are ever read. The figures are of the units alone, before the phrase rules,
titles, credits and comments of strip_boilerplate: bench/quality.py measures the whole route.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.extractors import SETS, pages  # noqa: E402

SHARED = ROOT.parent / "shared"
_WORD = re.compile(r"\w+")


@dataclass
class Page:
    pid: str
    sub: str
    features: list[dict[str, float]]
    labels: list[float]
    texts: list[str]
    base: list[bool]  # HTML route: the unit is one of the base extractor's paragraphs


def gold(bench_name: str, pid: str) -> str:
    return (SETS[bench_name] / "gold" / f"{pid}.txt").read_text(encoding="utf-8")


def html_pages(bench_name: str, lex) -> list[Page]:
    from tasks.html import read_page

    out = []
    for pid, sub, html in pages(bench_name):
        _doc, found, _headings = read_page(html, None, lex)
        texts = [u.text for u in found]
        out.append(Page(pid, _sub(bench_name, sub), [u.features for u in found],
                        aligned_labels(texts, gold(bench_name, pid)), texts, [u.from_base for u in found]))
    return out


def text_pages(bench_name: str, lex) -> list[Page]:
    from tasks.boilerplate.features import BlockEvidence, features

    out = []
    for pid, sub, _html in pages(bench_name):
        dump = (SETS[bench_name] / "text" / f"{pid}.txt").read_text(encoding="utf-8")
        blocks = [BlockEvidence(line.strip()) for line in dump.split("\n") if line.strip()]
        texts = [b.text for b in blocks]
        out.append(Page(pid, _sub(bench_name, sub), features(blocks, {}, lex, ()),
                        aligned_labels(texts, gold(bench_name, pid)), texts, [False] * len(texts)))
    return out


def _sub(bench_name: str, sub: str) -> str:
    return "dev" if bench_name == "boilerplate-dev" else sub


def aligned_labels(texts: list[str], gold_text: str) -> list[float]:
    """1 for a unit most of whose words align with the gold body in order (a summary bullet that
    repeats a body sentence aligns once, with the body), else 0."""
    page, owner = [], []
    for k, t in enumerate(texts):
        toks = [w.lower() for w in _WORD.findall(t)]
        page += toks
        owner += [k] * len(toks)
    matched = [0] * len(texts)
    g = [w.lower() for w in _WORD.findall(gold_text)]
    for m in SequenceMatcher(None, page, g, autojunk=False).get_matching_blocks():
        for i in range(m.a, m.a + m.size):
            matched[owner[i]] += 1
    sizes = [len(_WORD.findall(t)) for t in texts]
    return [float(sizes[k] > 0 and matched[k] / sizes[k] >= 0.5) for k in range(len(texts))]


def names_of(rows: list[Page]) -> list[str]:
    names = sorted({k for p in rows for f in p.features for k in f} - {"bias"})
    return ["bias", *names]


def matrix(rows: list[Page], names: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, y, w = [], [], []
    for p in rows:
        for f, label, text in zip(p.features, p.labels, p.texts):
            x.append([f.get(n, 0.0) for n in names])
            y.append(label)
            w.append(np.log1p(len(text.split())))
    return np.array(x), np.array(y), np.array(w)


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = 1.0, steps: int = 50) -> np.ndarray:
    beta = np.zeros(x.shape[1])
    reg = l2 * np.eye(x.shape[1])
    reg[0, 0] = 0.0  # no penalty on the bias
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(x @ beta, -30, 30)))
        grad = x.T @ (w * (p - y)) + reg @ beta
        hess = (x * (w * p * (1 - p))[:, None]).T @ x + reg
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-7:
            break
    return beta


def probabilities(page: Page, names: list[str], beta: np.ndarray) -> np.ndarray:
    if not page.features:
        return np.zeros(0)
    x = np.array([[f.get(n, 0.0) for n in names] for f in page.features])
    return 1 / (1 + np.exp(-np.clip(x @ beta, -30, 30)))


def kept_text(page: Page, p: np.ndarray, keep_base: float, add: float) -> str:
    return "\n\n".join(t for t, q, b in zip(page.texts, p, page.base) if q >= (keep_base if b else add))


def scores(rows: list[Page], predictions: dict[str, str], golds: dict[str, str]) -> dict[str, float]:
    sys.path.insert(0, str(SHARED / "eval"))
    from shingle_score import evaluate

    out = {}
    for key in ["all", *sorted({p.sub for p in rows})]:
        ids = [p.pid for p in rows if key == "all" or p.sub == key]
        if key == "all" or len(ids) < len(rows):
            out[key] = round(evaluate({i: golds[i] for i in ids}, {i: predictions[i] for i in ids}, 4, 0)[0]["f1"], 3)
    return out


def main() -> None:
    from flows.model import lexicon

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("route", choices=["html", "text"])
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--keep-base", type=float, default=0.1, help="HTML: a base paragraph stays at p >= this")
    ap.add_argument("--add", type=float, default=0.7, help="HTML: a left-out block comes in at p >= this")
    ap.add_argument("--subheading", type=float, default=0.35,
                    help="HTML: a left-out heading between two units kept comes in at p >= this (ensemble.decide)")
    ap.add_argument("--threshold", type=float, default=0.5, help="text: a block is body at p >= this")
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    lex = lexicon()
    load = html_pages if a.route == "html" else text_pages
    sets = {name: load(name, lex) for name in SETS}
    golds = {p.pid: gold(name, p.pid) for name, rows in sets.items() for p in rows}
    both = [p for rows in sets.values() for p in rows]
    names = names_of(both)
    keep_base, add = (a.keep_base, a.add) if a.route == "html" else (a.threshold, a.threshold)

    def predict(train: list[Page], test: list[Page]) -> dict[str, str]:
        beta = fit(*matrix(train, names), a.l2)
        return {p.pid: kept_text(p, probabilities(p, names, beta), keep_base, add) for p in test}

    if a.route == "html":
        base = {p.pid: "\n\n".join(t for t, b in zip(p.texts, p.base) if b) for p in both}
        print("base extractor alone        ", scores(both, base, golds))
    oracle = {p.pid: "\n\n".join(t for t, y in zip(p.texts, p.labels) if y) for p in both}
    print("oracle (gold-aligned units) ", scores(both, oracle, golds))
    for fitted, checked in (("boilerplate-dev", "boilerplate-wide"), ("boilerplate-wide", "boilerplate-dev")):
        checked_scores = scores(sets[checked], predict(sets[fitted], sets[checked]), golds)
        print(f"fitted on {fitted:17} checked on {checked}:", checked_scores)
    order = list(range(len(both)))
    random.Random(0).shuffle(order)
    folds = [set(order[k::5]) for k in range(5)]
    cv: dict[str, str] = {}
    for fold in folds:
        cv.update(predict([both[i] for i in order if i not in fold], [both[i] for i in fold]))
    print("5-fold cross-validation     ", scores(both, cv, golds))
    beta = fit(*matrix(both, names), a.l2)
    print("fitted on both (in-sample)  ",
          scores(both, {p.pid: kept_text(p, probabilities(p, names, beta), keep_base, add) for p in both}, golds))
    for n, b in sorted(zip(names, beta), key=lambda nb: -abs(nb[1]))[:15]:
        print(f"  {n:28} {b:+.3f}")
    if a.write:
        from tasks.boilerplate.model import write_weights

        weights = dict(zip(names, beta))
        if a.route == "html":
            weights.update(threshold_keep_base=keep_base, threshold_add=add, threshold_subheading=a.subheading)
        else:
            weights.update(threshold=a.threshold)
        path = ROOT / "tasks" / "data" / f"block_weights_{a.route}.tsv"
        path.write_text(write_weights(weights, a.route, list(SETS)), encoding="utf-8")
        print("wrote", path)


if __name__ == "__main__":
    main()
