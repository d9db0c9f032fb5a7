"""Headline accuracy on boilerplate-wide (its manifest gives each page's title), per sub-dataset:
the HTML route's choice (tasks/titles.py) against trafilatura's title alone, and the text route's
headline of the same pages' text dumps (stripped in one batch, as a run over the folder would).

    python -m bench.titles
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import trafilatura

from tasks.curate import strip_documents
from tasks.html import extract_html
from tasks.intake import Document, read_documents
from tasks.lexicon import load_lexicon
from tasks.rows import Stamp

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def same(ours: str | None, given: str | None) -> bool:
    """The benchmark's titles are its sources' metadata: some carry the site's name ("… - NYTimes.com"),
    some the standfirst after the headline. A headline is right when its words are the given title's
    (90%) and it is no mere fragment of it (three words at least, or 40% of the given title)."""
    mine, theirs = set(re.findall(r"\w+", (ours or "").lower())), set(re.findall(r"\w+", (given or "").lower()))
    if not mine or not theirs:
        return False
    return len(mine & theirs) / len(mine) >= 0.9 and (len(mine) >= 3 or len(mine) / len(theirs) >= 0.4)


def main() -> None:
    lex = load_lexicon()
    folder = SHARED / "bench" / "boilerplate-wide"
    stats: dict[str, Counter] = {}
    dumps: dict[str, dict] = {}  # text dump's file name -> its page's manifest record
    for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if not rec.get("title"):
            continue
        path = folder / "html" / f"{rec['id']}.html.gz"
        doc = read_documents(path.name, path.read_bytes(), max_bytes=1 << 30)[0]
        if not isinstance(doc, Document):
            continue
        c = stats.setdefault(rec["sub_dataset"], Counter())
        c["pages"] += 1
        c["newsetl"] += same(extract_html(doc.text, None, lex).title, rec["title"])
        meta = trafilatura.bare_extraction(doc.text, with_metadata=True)
        c["trafilatura"] += same(getattr(meta, "title", None) if meta else None, rec["title"])
        dump = next(iter(sorted((folder / "text").glob(f"{rec['id']}*"))), None)
        if dump is not None:
            dumps[dump.name] = rec
    texts = [d for name in dumps
             for d in read_documents(name, (folder / "text" / name).read_bytes(), max_bytes=1 << 30)]
    batch = strip_documents(texts, lex, Stamp("titles", "bench"))
    for s in batch.to_parse:
        rec = dumps[s.doc.source_uri]
        stats[rec["sub_dataset"]]["text dumps"] += same(s.page.title, rec["title"])
    total = sum(stats.values(), Counter())
    for name, c in [*sorted(stats.items()), ("all", total)]:
        print(f"{name:12s} {c['pages']:4d} pages: newsetl {c['newsetl'] / c['pages']:.2f}, "
              f"trafilatura {c['trafilatura'] / c['pages']:.2f}; "
              f"text dumps, newsetl {c['text dumps'] / c['pages']:.2f}")


if __name__ == "__main__":
    main()
