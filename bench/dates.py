"""Publication-date accuracy on pages whose date we know: the dev benchmarks' pages with a date in
their URL (the manifest's, or the page's canonical/og:url). The URL is hidden from the reader, so
each page is dated from its own evidence (JSON-LD, meta, time element, htmldate for HTML; a
dateline for text dumps) and compared with the URL's date.

    python -m bench.dates
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import trafilatura

from tasks.curate import strip_documents
from tasks.dates import html_published, url_date
from tasks.intake import Document, read_documents
from tasks.lexicon import Lexicon, load_lexicon
from tasks.rows import Stamp

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
_CANONICAL = re.compile(r"""<(?:link[^>]+rel=["']canonical["'][^>]*href|meta[^>]+property=["']og:url["'][^>]*content)"""
                        r"""=["']([^"']+)""", re.I)


def pages() -> list[tuple[str, str, Document | None, str | None]]:
    """(benchmark, html, text dump, url) of every page of boilerplate-dev and -wide."""
    out = []
    for bench in ("boilerplate-dev", "boilerplate-wide"):
        folder = SHARED / "bench" / bench
        urls = {}
        if (folder / "manifest.jsonl").exists():
            for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
                rec = json.loads(line)
                urls[rec["id"]] = rec.get("url")
        for path in sorted((folder / "html").glob("*.html.gz")):
            pid = path.name.removesuffix(".html.gz")
            doc = read_documents(path.name, path.read_bytes(), max_bytes=1 << 30)[0]
            if not isinstance(doc, Document):
                continue
            dump = next(iter(sorted((folder / "text").glob(f"{pid}*"))), None)
            text = None
            if dump is not None:
                d = read_documents(dump.name, dump.read_bytes(), max_bytes=1 << 30)[0]
                text = d if isinstance(d, Document) else None
            m = _CANONICAL.search(doc.text)
            out.append((bench, doc.text, text, urls.get(pid) or (m.group(1) if m else None)))
    return out


def text_dates(dumps: list[Document], lex: Lexicon) -> dict[str, str | None]:
    """Each text dump's date as a run of the dumps in one batch finds it (the batch's shared
    furniture counts), by source name."""
    batch = strip_documents(dumps, lex, Stamp("bench-dates", "bench"))
    return {s.doc.source_uri: s.published for s in batch.to_parse}


def main() -> None:
    lex = load_lexicon()
    stats: dict[str, Counter] = {}
    listed = pages()
    dated: dict[str, str | None] = {}
    for bench in {p[0] for p in listed}:
        dated |= text_dates([text for b, _, text, _ in listed if b == bench and text is not None], lex)
    for bench, html, text, url in listed:
        truth = url_date(url)
        c = stats.setdefault(bench, Counter())
        c["pages"] += 1
        if not truth:
            continue
        c["with a URL date"] += 1
        meta = trafilatura.bare_extraction(html, with_metadata=True, favor_precision=True)
        found, evidence = html_published(html, None, lex, getattr(meta, "date", None) if meta else None)
        if found:
            c["html dated"] += 1
            c["html right"] += found[:10] == truth
            c["html within a day"] += abs((date.fromisoformat(found[:10]) - date.fromisoformat(truth)).days) <= 1
            c[f"html by {evidence}"] += 1
        if text is not None:
            found = dated.get(text.source_uri)
            if found:
                c["text dated"] += 1
                c["text right"] += found[:10] == truth
                c["text within a day"] += abs((date.fromisoformat(found[:10]) - date.fromisoformat(truth)).days) <= 1
    for bench, c in stats.items():
        n = c["with a URL date"]
        print(f"{bench}: {c['pages']} pages, {n} with a date in their URL")
        if n:
            print(f"  HTML: dated {c['html dated']}/{n}, right {c['html right']}/{c['html dated']} "
                  f"({c['html right'] / max(1, c['html dated']):.2f}), within a day {c['html within a day']}; by "
                  + ", ".join(f"{k[8:]} {v}" for k, v in sorted(c.items()) if k.startswith("html by ")))
            print(f"  text dumps: dated {c['text dated']}/{n}, right {c['text right']}/{c['text dated']} "
                  f"({c['text right'] / max(1, c['text dated']):.2f}), within a day {c['text within a day']}")


if __name__ == "__main__":
    main()
