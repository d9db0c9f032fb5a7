"""One batch of decoded documents -> rows of every per-article curated table.

Three steps, so the flow can run them in different processes: `strip_documents` strips each
document (articles, segments, comments, quarantine rows, and the texts to parse);
`nlp.pipe` parses every article once; `extract_documents` adds the mentions and claims of the
parsed articles. `curate_documents(docs, nlp, lexicon, ...)` runs all three here and returns a
`BatchRows`: one list of row dicts per table. Pure: no files, no Prefect; the flow reads the
bytes and writes the rows."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from tasks.boilerplate import Hints, Page, page_furniture, strip_boilerplate
from tasks.claims import Claim, extract_claims, to_field
from tasks.entities import Mention, extract_mentions
from tasks.html import extract_html
from tasks.intake import Document, Rejected, article_id
from tasks.lexicon import Lexicon
from tasks.text import FieldText

_WORD = re.compile(r"[^\W\d_]+")


@dataclass
class BatchRows:
    articles: list[dict] = field(default_factory=list)
    segments: list[dict] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)
    quarantine: list[dict] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # time spent per stage

    def tables(self) -> dict[str, list[dict]]:
        return {k: getattr(self, k) for k in ("articles", "segments", "comments", "mentions", "claims", "quarantine")}


@dataclass(frozen=True)
class Stamp:
    pipeline_version: str
    run_id: str

    def row(self) -> dict:
        return {"pipeline_version": self.pipeline_version, "run_id": self.run_id}


def short_hash(*parts: object) -> str:
    return hashlib.sha256("\x00".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def quarantine_row(stamp: Stamp, source_uri: str, stage: str, reason: str, *, content_hash: str | None = None,
                   article: str | None = None, table: str | None = None, row: dict | None = None) -> dict:
    row_json = json.dumps(row, ensure_ascii=False, default=str, sort_keys=True) if row is not None else None
    return {
        "quarantine_id": short_hash(source_uri, stage, table, reason, row_json),
        "source_uri": source_uri, "content_hash": content_hash, "article_id": article, "stage": stage,
        "table_name": table, "reason": reason, "row": row_json, **stamp.row(),
    }


def guess_language(text: str, lexicon: Lexicon, sample_words: int = 400) -> str:
    """Language whose function words cover most of the first words; 'und' when none fits."""
    words = [w.lower() for w in _WORD.findall(text[:20000])][:sample_words]
    if not words or not lexicon.stopwords:
        return "und"
    counts = Counter(words)
    scores = {lang: sum(n for w, n in counts.items() if w in sw) / len(words) for lang, sw in lexicon.stopwords.items()}
    lang, best = max(scores.items(), key=lambda kv: (kv[1], kv[0] == "en"))
    return lang if best >= 0.08 else "und"


@dataclass(frozen=True)
class _Stripped:
    doc: Document
    article_id: str
    page: Page
    url: str | None
    published: str | None
    language: str


def strip_document(doc: Document, lexicon: Lexicon, *, max_body_chars: int, furniture: frozenset[str] = frozenset()
                   ) -> _Stripped | str:
    """Strip one document to a page; a string result is the reason it cannot be curated."""
    url, published, hints = doc.url, doc.published, Hints(title=doc.title, furniture=furniture)
    text = doc.text
    if doc.is_html:
        html = extract_html(doc.text, doc.url)
        if not html.text.strip():
            return "no article content found in the HTML"
        text = html.text
        hints = Hints(title=html.title or doc.title, sitename=html.sitename, extracted=True, furniture=furniture)
        url = url or html.url
        published = published or html.date
    page = strip_boilerplate(text, lexicon, hints)
    if not page.body.strip():
        return "no article body left after stripping boilerplate"
    if len(page.body) > max_body_chars:
        return f"article body of {len(page.body):,} characters exceeds the limit of {max_body_chars:,}"
    return _Stripped(doc, article_id(doc.text), page, url, published, guess_language(page.body, lexicon))


def _article_row(p: _Stripped, stamp: Stamp) -> dict:
    page, doc = p.page, p.doc
    return {
        "article_id": p.article_id, "source_uri": doc.source_uri, "source_uris": [doc.source_uri],
        "content_hash": doc.content_hash, "format": doc.format, "encoding": doc.encoding, "url": p.url,
        "published": p.published, "title": page.title, "dek": list(page.dek), "captions": list(page.captions),
        "subheadings": list(page.subheadings), "credit": page.credit, "publisher": page.publisher,
        "publisher_evidence": page.publisher_evidence, "body": page.body, "n_words": len(page.body.split()),
        "n_stripped": len(page.segments), "language": p.language, **stamp.row(),
    }


def _mention_row(aid: str, m: Mention, stamp: Stamp) -> dict:
    return {
        "mention_id": short_hash(aid, m.field, m.start, m.end), "article_id": aid, "field": m.field,
        "entity_id": None, "label": m.label, "text": m.text, "start": m.start, "end": m.end, "source": m.source,
        "gazetteer_name": m.ruler_id, "descriptor": m.descriptor, **stamp.row(),
    }


def _claim_row(aid: str, c: Claim, fields: FieldText, stamp: Stamp) -> dict:
    mention_id = None
    if c.speaker_mention is not None and (loc := fields.locate(*c.speaker_mention)) is not None:
        mention_id = short_hash(aid, *loc)
    local = to_field(c, fields)
    return {
        "claim_id": short_hash(aid, local.field, local.start, local.end, local.cue_start), "article_id": aid,
        "field": local.field, "speaker": c.speaker, "speaker_name": c.speaker_name, "speaker_entity_id": None,
        "speaker_mention_id": mention_id, "cue": c.cue, "cue_start": local.cue_start, "cue_end": local.cue_end,
        "content": c.content, "start": local.start, "end": local.end, "kind": c.kind, "polarity": c.polarity,
        "confidence": c.confidence, "rule": c.rule, "cluster_id": None, **stamp.row(),
    }


def check_spans(rows: list[dict], texts: dict[str, str], pairs: tuple[tuple[str, str, str], ...]) -> str | None:
    """None when every (start, end, text) column triple indexes `texts[field]` exactly."""
    for row in rows:
        whole = texts.get(row["field"], "")
        for s, e, t in pairs:
            start, end = row[s], row[e]
            if not (0 <= start < end <= len(whole)) or whole[start:end] != row[t]:
                return f"span {s}={start} {e}={end} does not index '{row[t][:40]}' in {row['field']}"
    return None


@dataclass
class StrippedBatch:
    """A stripped batch: the rows that need no parse, and the articles to parse (texts in order)."""

    rows: BatchRows
    to_parse: list[_Stripped]
    fields: list[FieldText]

    @property
    def texts(self) -> list[str]:
        return [f.text for f in self.fields]


def strip_documents(
    docs: list[Document | Rejected],
    lexicon: Lexicon,
    stamp: Stamp,
    *,
    max_body_chars: int = 200_000,
    languages: frozenset[str] = frozenset({"en"}),
) -> StrippedBatch:
    """Strip a batch: articles, segments, comments and quarantine rows, and what to parse."""
    out = BatchRows()
    clock = time.perf_counter()
    stripped: list[_Stripped] = []
    seen: dict[str, _Stripped] = {}
    furniture = page_furniture([d.text for d in docs if isinstance(d, Document) and not d.is_html])
    for doc in docs:
        if isinstance(doc, Rejected):
            out.quarantine.append(quarantine_row(stamp, doc.source_uri, "intake", doc.reason,
                                                 content_hash=doc.content_hash))
            continue
        p = strip_document(doc, lexicon, max_body_chars=max_body_chars, furniture=furniture)
        if isinstance(p, str):
            out.quarantine.append(quarantine_row(stamp, doc.source_uri, "strip", p, content_hash=doc.content_hash,
                                                 article=article_id(doc.text)))
            continue
        if p.article_id in seen:  # same content under another name in this batch
            for row in out.articles:
                if row["article_id"] == p.article_id:
                    row["source_uris"] = sorted({*row["source_uris"], doc.source_uri})
            continue
        seen[p.article_id] = p
        stripped.append(p)
        out.articles.append(_article_row(p, stamp))
        aid = p.article_id
        out.segments.extend(
            {"article_id": aid, "seq": s.seq, "label": s.label, "kind": s.kind, "rule": s.rule, "start": s.start,
             "end": s.end, "text": s.text, **stamp.row()} for s in p.page.segments)
        out.comments.extend(
            {"article_id": aid, "seq": c.seq, "author": c.author, "text": c.text, **stamp.row()}
            for c in p.page.comments)

    to_parse = [p for p in stripped if p.language in languages or p.language == "und"]
    for p in stripped:
        if p not in to_parse:
            out.quarantine.append(quarantine_row(
                stamp, p.doc.source_uri, "nlp",
                f"language '{p.language}' is not one the model reads ({', '.join(sorted(languages))}): "
                "article curated without entities or claims", content_hash=p.doc.content_hash, article=p.article_id))
    fields = [FieldText.build(p.page.title, p.page.dek, p.page.body) for p in to_parse]
    out.seconds["strip"] = time.perf_counter() - clock
    return StrippedBatch(out, to_parse, fields)


def extract_documents(batch: StrippedBatch, parsed: Iterable[Doc], lexicon: Lexicon, stamp: Stamp) -> BatchRows:
    """Mentions and claims of the batch's parsed articles (`parsed` in `batch.texts` order),
    added to the batch's rows; a span that does not index its field goes to quarantine."""
    out = batch.rows
    seconds = 0.0
    for p, ft, sdoc in zip(batch.to_parse, batch.fields, parsed, strict=True):
        clock = time.perf_counter()
        aid = p.article_id
        texts = {name: ft.field_text(name) for name, _, _ in ft.ranges}
        mentions = [_mention_row(aid, m, stamp) for m in extract_mentions(sdoc, ft, lexicon)]
        claims = [_claim_row(aid, c, ft, stamp) for c in extract_claims(sdoc, ft, lexicon)]
        for table, rows, pairs in (
            ("mentions", mentions, (("start", "end", "text"),)),
            ("claims", claims, (("start", "end", "content"), ("cue_start", "cue_end", "cue"))),
        ):
            good = []
            for row in rows:
                problem = check_spans([row], texts, pairs)
                if problem:
                    out.quarantine.append(quarantine_row(stamp, p.doc.source_uri, "nlp", problem, article=aid,
                                                         table=table, row=row))
                else:
                    good.append(row)
            getattr(out, table).extend(good)
        seconds += time.perf_counter() - clock
    out.seconds["extract"] = out.seconds.get("extract", 0.0) + seconds
    return out


def parse(nlp: Language, texts: list[str], seconds: dict[str, float], *, batch_size: int = 32,
          n_process: int = 1) -> Iterator[Doc]:
    """`nlp.pipe` over the texts, one doc per text, adding the time spent parsing to `seconds['nlp']`."""
    docs = iter(nlp.pipe(texts, batch_size=batch_size, n_process=n_process))
    seconds.setdefault("nlp", 0.0)
    while True:
        clock = time.perf_counter()
        doc = next(docs, None)
        seconds["nlp"] += time.perf_counter() - clock
        if doc is None:
            return
        yield doc


def curate_documents(
    docs: list[Document | Rejected],
    nlp: Language,
    lexicon: Lexicon,
    stamp: Stamp,
    *,
    max_body_chars: int = 200_000,
    languages: frozenset[str] = frozenset({"en"}),
    n_process: int = 1,
    batch_size: int = 32,
) -> BatchRows:
    """Strip, parse (one `nlp.pipe` over the batch) and extract, in this process."""
    batch = strip_documents(docs, lexicon, stamp, max_body_chars=max_body_chars, languages=languages)
    parsed = parse(nlp, batch.texts, batch.rows.seconds, batch_size=batch_size, n_process=n_process)
    return extract_documents(batch, parsed, lexicon, stamp)
