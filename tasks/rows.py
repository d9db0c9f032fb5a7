"""Rows of the curated tables, built from the steps' results: one dict per row, keyed like the
columns `schemas/` declares; ids derive from content, so a re-run gives the same ids."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from tasks.boilerplate import Page
from tasks.claims import Claim, parts_of, to_field
from tasks.entities import Mention
from tasks.faults import Failure, safe_text
from tasks.intake import Document
from tasks.text import FieldText

ARTICLE_TABLES = ("articles", "segments", "comments", "mentions", "claims")


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
        return {k: getattr(self, k) for k in (*ARTICLE_TABLES, "quarantine")}

    def drop_articles(self, ids: set[str]) -> None:
        """Remove every row of these articles (a failed article leaves no partial rows)."""
        if ids:
            for table in ARTICLE_TABLES:
                setattr(self, table, [r for r in getattr(self, table) if r["article_id"] not in ids])


@dataclass(frozen=True)
class Stamp:
    pipeline_version: str
    run_id: str

    def row(self) -> dict:
        return {"pipeline_version": self.pipeline_version, "run_id": self.run_id}


def short_hash(*parts: object) -> str:
    return hashlib.sha256("\x00".join(str(p) for p in parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def quarantine_row(stamp: Stamp, source_uri: str, stage: str, reason: str, *, source_file: str | None = None,
                   content_hash: str | None = None, article: str | None = None, table: str | None = None,
                   row: dict | None = None, error_digest: str | None = None) -> dict:
    """A quarantine row; every text is made safe to write (a bad file name must not sink the row)."""
    row_json = safe_text(json.dumps(row, ensure_ascii=False, default=str, sort_keys=True)) if row is not None else None
    source_uri = safe_text(source_uri)
    return {
        "quarantine_id": short_hash(source_uri, stage, table, reason, row_json),
        "source_uri": source_uri, "source_file": safe_text(source_file if source_file is not None else source_uri),
        "content_hash": content_hash, "article_id": article, "stage": stage, "table_name": table,
        "reason": safe_text(reason), "error_digest": error_digest, "row": row_json, **stamp.row(),
    }


def failure_row(stamp: Stamp, doc_uri: str, doc_file: str, failed: Failure, *, article: str | None = None,
                content_hash: str | None = None) -> dict:
    return quarantine_row(stamp, doc_uri, failed.step, failed.reason, source_file=doc_file,
                          content_hash=content_hash, article=article, error_digest=failed.digest)


def article_row(aid: str, doc: Document, page: Page, url: str | None, published: tuple[str | None, str | None],
                language: str, stamp: Stamp) -> dict:
    """`published`: (ISO date, its evidence)."""
    return {
        "article_id": aid, "source_uri": doc.source_uri, "source_uris": [doc.source_uri],
        "content_hash": doc.content_hash, "format": doc.format, "encoding": doc.encoding, "url": url,
        "published": published[0], "published_evidence": published[1], "fetched_at": doc.fetched_at,
        "title": page.title, "dek": list(page.dek), "captions": list(page.captions),
        "subheadings": list(page.subheadings), "credit": page.credit, "publisher": page.publisher,
        "publisher_evidence": page.publisher_evidence, "body": page.body, "n_words": len(page.body.split()),
        "n_stripped": len(page.segments), "language": language, **stamp.row(),
    }


def segment_rows(aid: str, page: Page, stamp: Stamp) -> list[dict]:
    return [{"article_id": aid, "seq": s.seq, "label": s.label, "kind": s.kind, "rule": s.rule, "start": s.start,
             "end": s.end, "text": s.text, **stamp.row()} for s in page.segments]


def comment_rows(aid: str, page: Page, stamp: Stamp) -> list[dict]:
    return [{"article_id": aid, "seq": c.seq, "author": c.author, "text": c.text, **stamp.row()}
            for c in page.comments]


def mention_row(aid: str, m: Mention, stamp: Stamp) -> dict:
    return {
        "mention_id": short_hash(aid, m.field, m.start, m.end), "article_id": aid, "field": m.field,
        "entity_id": None, "label": m.label, "text": m.text, "start": m.start, "end": m.end, "source": m.source,
        "gazetteer_name": m.ruler_id, "descriptor": m.descriptor, **stamp.row(),
    }


def claim_rows(aid: str, claims: list[Claim], fields: FieldText, stamp: Stamp) -> list[dict]:
    """One row per quoted part; the parts of one statement share its `statement_id`."""
    rows = []
    for parts in parts_of(claims).values():
        sid = short_hash(aid, parts[0].field, *parts[0].statement)
        rows += [claim_row(aid, c, fields, stamp, sid, n) for n, c in enumerate(parts)]
    return sorted(rows, key=lambda r: (r["field"], r["start"], r["cue_start"]))


def claim_row(aid: str, c: Claim, fields: FieldText, stamp: Stamp, statement_id: str, part: int) -> dict:
    mention_id = None
    if c.speaker_mention is not None and (loc := fields.locate(*c.speaker_mention)) is not None:
        mention_id = short_hash(aid, *loc)
    local = to_field(c, fields)
    return {
        "claim_id": short_hash(aid, local.field, local.start, local.end, local.cue_start), "article_id": aid,
        "field": local.field, "speaker": c.speaker, "speaker_name": c.speaker_name, "speaker_entity_id": None,
        "speaker_mention_id": mention_id, "cue": c.cue, "cue_start": local.cue_start, "cue_end": local.cue_end,
        "content": c.content, "start": local.start, "end": local.end, "kind": c.kind, "polarity": c.polarity,
        "confidence": c.confidence, "rule": c.rule, "statement_id": statement_id, "part": part, "cluster_id": None,
        **stamp.row(),
    }


def span_problem(row: dict, texts: dict[str, str], pairs: tuple[tuple[str, str, str], ...]) -> str | None:
    """None when every (start, end, text) column triple indexes `texts[field]` exactly."""
    whole = texts.get(row["field"], "")
    for s, e, t in pairs:
        start, end = row[s], row[e]
        if not (0 <= start < end <= len(whole)) or whole[start:end] != row[t]:
            return f"span {s}={start} {e}={end} does not index '{row[t][:40]}' in {row['field']}"
    return None
