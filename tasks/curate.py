"""One batch of decoded documents -> rows of every per-article curated table.

Three steps, so the flow can run them in different processes: `strip_documents` strips each
document (articles, segments, comments, quarantine rows, and the texts to parse); `parse` runs
`nlp.pipe` over the texts, once per article; `extract_documents` adds the mentions and claims of
the parsed articles. `curate_documents(docs, nlp, lexicon, ...)` runs all three here and returns
a `BatchRows`: one list of row dicts per table. Pure: no files, no Prefect; the flow reads the
bytes and writes the rows.

Every step is isolated per article: an exception in one article's strip, parse, mentions or
claims becomes that article's quarantine row (step, exception, trace digest), its partial rows
are dropped, and the rest of the batch goes on.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc

from tasks.boilerplate import Hints, Page, page_keys, shared_furniture, strip_boilerplate
from tasks.claims import extract_claims
from tasks.claims.syntax import seed_text
from tasks.dates import html_published, normalise_date, text_published
from tasks.entities import extract_mentions
from tasks.faults import Failure, Fault, failure, no_fault
from tasks.html import extract_html, metadata_credit, nests_too_deep
from tasks.intake import Document, Rejected, article_id
from tasks.lexicon import Lexicon
from tasks.rows import (
    BatchRows,
    Stamp,
    article_row,
    claim_rows,
    comment_rows,
    failure_row,
    mention_row,
    quarantine_row,
    segment_rows,
    span_problem,
)
from tasks.text import FieldText

_WORD = re.compile(r"[^\W\d_]+")
SPAN_COLUMNS = {"mentions": (("start", "end", "text"),),
                "claims": (("start", "end", "content"), ("cue_start", "cue_end", "cue"))}


def guess_language(text: str, lexicon: Lexicon, sample_words: int = 400) -> str:
    """Language whose function words cover most of the first words; 'und' when none fits."""
    words = [w.lower() for w in _WORD.findall(text[:20000])][:sample_words]
    if not words or not lexicon.stopwords:
        return "und"
    counts = Counter(words)
    scores = {lang: sum(n for w, n in counts.items() if w in sw) / len(words) for lang, sw in lexicon.stopwords.items()}
    lang, best = max(scores.items(), key=lambda kv: (kv[1], kv[0] == "en"))
    return lang if best >= 0.08 else "und"


def dateline_context(page: Page) -> tuple[int | None, list[tuple[int, int]]]:
    """Where a stripped text page's headline starts, and the spans no dateline of the article is
    in: its comments, and the furniture its batch's pages share above its headline (a header's
    date of the day; anywhere, without a headline). Below the headline, a dateline the batch's
    pages share is each one's: a day's stories of one outlet carry the same date."""
    headline = next((s.start for s in page.segments if s.label == "title"), None)
    return headline, [(s.start, s.end) for s in page.segments if s.label == "comment" or (
        s.kind == "site_furniture" and (headline is None or s.start < headline))]


@dataclass(frozen=True)
class _Stripped:
    doc: Document
    article_id: str
    page: Page
    url: str | None
    published: str | None
    published_evidence: str | None
    language: str


def strip_document(doc: Document, lexicon: Lexicon, *, max_body_chars: int, furniture: frozenset[str] = frozenset()
                   ) -> _Stripped | str:
    """Strip one document to a page; a string result is the reason it cannot be curated."""
    url, hints = doc.url, Hints(title=doc.title, sitename=doc.publisher, furniture=furniture,
                                captions=frozenset(doc.captions))
    published, evidence = (normalise_date(doc.published), "record field") if doc.published else (None, None)
    text = doc.text
    record_title = " ".join((doc.title or "").split()) or None  # a JSON line's or feed item's
    credit = doc.author
    if doc.is_html:
        html = extract_html(doc.text, doc.url, lexicon, record_title)
        if not html.text.strip():
            if nests_too_deep(doc.text, huge=True):
                return "no article content found in the HTML: it nests elements deeper than the HTML parser's limit " \
                       "(2,048), and what lies deeper is not read"
            return "no article content found in the HTML"
        text = html.text
        hints = Hints(title=html.title or doc.title, sitename=doc.publisher or html.sitename, extracted=True,
                      furniture=furniture,
                      decisions=html.decisions, captions=frozenset(html.captions))
        url = url or html.url
        credit = credit or metadata_credit(html.author, lexicon)
        if published is None:
            published, evidence = html_published(doc.text, url, lexicon, html.date)
    page = strip_boilerplate(text, lexicon, hints)
    if published is None and not doc.is_html:
        published, evidence = text_published(text, lexicon, *dateline_context(page))
    if page.title is None and record_title:  # a record's title its text does not repeat
        page = replace(page, title=record_title)
    if page.credit is None and credit:  # no byline in the text: a record's authors, a page's author metadata
        page = replace(page, credit=credit)
    if not page.body.strip():
        return "no article body left after stripping boilerplate"
    if len(page.body) > max_body_chars:
        return f"article body of {len(page.body):,} characters exceeds the limit of {max_body_chars:,}"
    return _Stripped(doc, article_id(doc.text), page, url, published, evidence if published else None,
                     guess_language(page.body, lexicon))


@dataclass
class StrippedBatch:
    """A stripped batch: the rows that need no parse, and the articles to parse (texts in order)."""

    rows: BatchRows
    to_parse: list[_Stripped]
    fields: list[FieldText]

    @property
    def texts(self) -> list[str]:
        return [f.text for f in self.fields]

    @property
    def uris(self) -> list[str]:
        return [p.doc.source_uri for p in self.to_parse]


def _batch_furniture(docs: list[Document], fault: Fault) -> frozenset[str]:
    """Short lines several text pages of the batch share (a page that fails here is skipped: its
    own strip will say why)."""
    pages = []
    for d in docs:
        try:
            fault("strip", d.source_uri)
            pages.append(page_keys(d.text))
        except Exception:  # noqa: BLE001 - the article's own strip quarantines it
            continue
    return shared_furniture(pages)


def strip_documents(docs: list[Document | Rejected], lexicon: Lexicon, stamp: Stamp, *, max_body_chars: int = 200_000,
                    languages: frozenset[str] = frozenset({"en"}), fault: Fault = no_fault) -> StrippedBatch:
    """Strip a batch: articles, segments, comments and quarantine rows, and what to parse."""
    out = BatchRows()
    clock = time.perf_counter()
    stripped: list[_Stripped] = []
    seen: dict[str, dict] = {}
    furniture = _batch_furniture([d for d in docs if isinstance(d, Document) and not d.is_html], fault)
    for doc in docs:
        if isinstance(doc, Rejected):
            out.quarantine.append(quarantine_row(stamp, doc.source_uri, doc.stage, doc.reason,
                                                 source_file=doc.source_file, content_hash=doc.content_hash,
                                                 error_digest=doc.error_digest))
            continue
        try:
            fault("strip", doc.source_uri)
            p = strip_document(doc, lexicon, max_body_chars=max_body_chars, furniture=furniture)
            if isinstance(p, str):
                out.quarantine.append(quarantine_row(stamp, doc.source_uri, "strip", p, source_file=doc.source_file,
                                                     content_hash=doc.content_hash, article=article_id(doc.text)))
                continue
            if p.article_id in seen:  # same content under another name in this batch
                row = seen[p.article_id]
                row["source_uris"] = sorted({*row["source_uris"], doc.source_uri})
                continue
            rows = (article_row(p.article_id, p.doc, p.page, p.url, (p.published, p.published_evidence), p.language,
                                stamp),
                    segment_rows(p.article_id, p.page, stamp), comment_rows(p.article_id, p.page, stamp))
        except Exception as exc:  # noqa: BLE001 - one document's failure is its quarantine row
            out.quarantine.append(failure_row(stamp, doc.source_uri, doc.source_file, failure("strip", exc),
                                              content_hash=doc.content_hash))
            continue
        seen[p.article_id] = rows[0]
        stripped.append(p)
        out.articles.append(rows[0])
        out.segments.extend(rows[1])
        out.comments.extend(rows[2])

    to_parse = [p for p in stripped if p.language in languages or p.language == "und"]
    for p in stripped:
        if p not in to_parse:
            out.quarantine.append(quarantine_row(
                stamp, p.doc.source_uri, "nlp",
                f"language '{p.language}' is not one the model reads ({', '.join(sorted(languages))}): "
                "article curated without entities or claims", source_file=p.doc.source_file,
                content_hash=p.doc.content_hash, article=p.article_id))
    fields = [FieldText.build(p.page.title, p.page.dek, p.page.body) for p in to_parse]
    out.seconds["strip"] = time.perf_counter() - clock
    return StrippedBatch(out, to_parse, fields)


def _extract_one(p: _Stripped, ft: FieldText, sdoc: Doc, lexicon: Lexicon, stamp: Stamp, fault: Fault
                 ) -> tuple[dict[str, list[dict]], list[dict]]:
    """(mention and claim rows whose spans index their field, quarantine rows of those that do not);
    raises `_Failed` naming the step that failed."""
    aid, uri = p.article_id, p.doc.source_uri
    seed_text(sdoc, ft.text)
    rows: dict[str, list[dict]] = {}
    steps = (("mentions", lambda: [mention_row(aid, m, stamp) for m in extract_mentions(sdoc, ft, lexicon)]),
             ("claims", lambda: claim_rows(aid, extract_claims(sdoc, ft, lexicon), ft, stamp)))
    for table, step in steps:
        try:
            fault(table, uri)
            rows[table] = step()
        except Exception as exc:
            raise _Failed(failure(table, exc)) from exc
    texts = {name: ft.field_text(name) for name, _, _ in ft.ranges}
    problems = []
    for table, pairs in SPAN_COLUMNS.items():
        good = []
        for row in rows[table]:
            problem = span_problem(row, texts, pairs)
            if problem:
                problems.append(quarantine_row(stamp, uri, "nlp", problem, source_file=p.doc.source_file,
                                               article=aid, table=table, row=row))
            else:
                good.append(row)
        rows[table] = good
    return rows, problems


def extract_documents(batch: StrippedBatch, parsed: Iterable[Doc | Failure], lexicon: Lexicon, stamp: Stamp,
                      fault: Fault = no_fault) -> BatchRows:
    """Mentions and claims of the batch's parsed articles (`parsed` in `batch.texts` order),
    added to the batch's rows; a span that does not index its field goes to quarantine; an
    article whose parse or extraction failed goes to quarantine whole."""
    out = batch.rows
    seconds = 0.0
    failed: set[str] = set()
    for p, ft, sdoc in zip(batch.to_parse, batch.fields, parsed, strict=True):
        clock = time.perf_counter()
        try:
            if isinstance(sdoc, Failure):
                raise _Failed(sdoc)
            rows, problems = _extract_one(p, ft, sdoc, lexicon, stamp, fault)
        except Exception as exc:  # noqa: BLE001 - one article's failure is its quarantine row
            why = exc.failure if isinstance(exc, _Failed) else failure("claims", exc)
            failed.add(p.article_id)
            names = next((a["source_uris"] for a in out.articles if a["article_id"] == p.article_id), [])
            for uri in names or [p.doc.source_uri]:
                out.quarantine.append(failure_row(stamp, uri, p.doc.source_file if uri == p.doc.source_uri else uri,
                                                  why, article=p.article_id, content_hash=p.doc.content_hash))
            continue
        finally:
            seconds += time.perf_counter() - clock
        out.mentions.extend(rows["mentions"])
        out.claims.extend(rows["claims"])
        out.quarantine.extend(problems)
    out.drop_articles(failed)
    out.seconds["extract"] = out.seconds.get("extract", 0.0) + seconds
    return out


class _Failed(Exception):
    def __init__(self, failed: Failure):
        super().__init__(failed.error)
        self.failure = failed


def pieces(text: str, limit: int) -> list[str]:
    """`text` cut into consecutive pieces of at most `limit` characters that join back into it:
    at paragraph breaks (each piece keeps its trailing blank line), a paragraph longer than the
    limit at a sentence end or a space, a run without either at the limit."""
    out, start = [], 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = max(window.rfind("\n\n") + 2, 0)
        if cut < limit // 4:  # no paragraph break worth cutting at: a sentence end, a space
            cut = max(window.rfind(". ") + 2, window.rfind(" ") + 1)
        if cut < limit // 4:
            cut = limit
        out.append(text[start:start + cut])
        start += cut
    out.append(text[start:])
    return out


def _chunks(sizes: list[int], size: int, chars: int) -> Iterator[range]:
    """Consecutive index ranges of at most `size` items and `chars` characters (a longer item
    alone): what one spaCy call holds in memory is bounded by characters, not only by count."""
    start, total = 0, 0
    for i, n in enumerate(sizes):
        if i > start and (i - start >= size or total + n > chars):
            yield range(start, i)
            start, total = i, 0
        total += n
    if start < len(sizes):
        yield range(start, len(sizes))


def parse(nlp: Language, texts: list[str], seconds: dict[str, float], *, batch_size: int = 32,
          batch_chars: int = 100_000, n_process: int = 1, uris: list[str] | None = None,
          fault: Fault = no_fault) -> Iterator[Doc | Failure]:
    """One doc per text, or the `Failure` of a text the model could not parse; time spent is added
    to `seconds['nlp']`.

    Memory is bounded by `batch_chars` whatever the input: `nlp.pipe` runs over minibatches of at
    most `batch_size` texts and `batch_chars` characters, and a longer text is parsed in pieces
    (cut at paragraph breaks) joined into one doc. A minibatch that raises is parsed again one
    piece at a time, so one bad text costs only itself. With several processes (texts no longer
    than `batch_chars`), one `nlp.pipe` streams the batch; after an error the rest goes as above."""
    uris = uris or [str(i) for i in range(len(texts))]
    seconds.setdefault("nlp", 0.0)
    done = 0
    # several processes only for several minibatches (a small batch is parsed here, without the
    # cost of starting processes)
    n_process = min(n_process, len(texts) // max(1, batch_size))
    if n_process > 1 and max(map(len, texts)) <= batch_chars:
        clock = time.perf_counter()
        try:
            for doc in nlp.pipe(_fed(texts, uris, range(len(texts)), fault), batch_size=batch_size,
                                n_process=n_process):
                seconds["nlp"] += time.perf_counter() - clock
                done += 1
                yield doc
                clock = time.perf_counter()
        except Exception:  # noqa: BLE001 - the rest one minibatch at a time, below
            pass
    base = done
    cut = [pieces(t, batch_chars) for t in texts[base:]]
    flat = [(k, piece) for k, ps in enumerate(cut) for piece in ps]
    owner = [base + k for k, _ in flat]
    parsed: dict[int, list[Doc | Failure]] = {}
    for idx in _chunks([len(piece) for _, piece in flat], batch_size, batch_chars):
        clock = time.perf_counter()
        chunk = [flat[i][1] for i in idx]
        try:
            docs: list[Doc | Failure] = list(nlp.pipe(_fed(chunk, [uris[owner[i]] for i in idx], range(len(idx)),
                                                           fault), batch_size=len(idx)))
        except Exception:  # noqa: BLE001 - find the piece that failed: each alone
            docs = [_alone(nlp, flat[i][1], uris[owner[i]], fault) for i in idx]
        seconds["nlp"] += time.perf_counter() - clock
        for i, doc in zip(idx, docs):
            parsed.setdefault(owner[i], []).append(doc)
        # texts whose pieces are all parsed go out now, in order
        while done in parsed and len(parsed[done]) == len(cut[done - base]):
            yield _joined(parsed.pop(done))
            done += 1


def _fed(texts: list[str], uris: list[str], idx: Iterable[int], fault: Fault) -> Iterator[str]:
    for i in idx:
        fault("parse", uris[i])
        yield texts[i]


def _alone(nlp: Language, text: str, uri: str, fault: Fault) -> Doc | Failure:
    try:
        fault("parse", uri)
        return nlp(text)
    except Exception as exc:  # noqa: BLE001 - that text's failure, not the batch's
        return failure("parse", exc)


def _joined(docs: list[Doc | Failure]) -> Doc | Failure:
    """The doc of a text parsed in pieces (their texts join into it), or the first failure."""
    failed = next((d for d in docs if isinstance(d, Failure)), None)
    if failed is not None or len(docs) == 1:
        return failed or docs[0]
    return Doc.from_docs(docs, ensure_whitespace=False)


def curate_documents(docs: list[Document | Rejected], nlp: Language, lexicon: Lexicon, stamp: Stamp, *,
                     max_body_chars: int = 200_000, languages: frozenset[str] = frozenset({"en"}), n_process: int = 1,
                     batch_size: int = 32, batch_chars: int = 100_000, fault: Fault = no_fault) -> BatchRows:
    """Strip, parse and extract, in this process."""
    batch = strip_documents(docs, lexicon, stamp, max_body_chars=max_body_chars, languages=languages, fault=fault)
    parsed = parse(nlp, batch.texts, batch.rows.seconds, batch_size=batch_size, batch_chars=batch_chars,
                   n_process=n_process, uris=batch.uris, fault=fault)
    return extract_documents(batch, parsed, lexicon, stamp, fault=fault)
