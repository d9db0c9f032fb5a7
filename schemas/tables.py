"""The curated tables, each declared once: columns, types, nullability, meaning, checks.

The writer casts to these schemas, the validation suites are generated from them and the
README's data dictionary is printed from them. Field metadata keys (all optional):
``description`` (required in practice), ``allowed`` (comma-separated value set), ``min``
(lowest allowed number).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


def col(
    name: str,
    type_: pa.DataType,
    description: str,
    *,
    nullable: bool = False,
    allowed: tuple[str, ...] | None = None,
    min_value: int | None = None,
    legacy: str | None = None,
) -> pa.Field:
    """A column. `legacy` fills it in rows written before it existed: "column:<name>" copies
    another column, "hex:<name>" reads another column's hexadecimal digits as a number,
    "value:<text>" is a constant (cast to the column's type); without it, null."""
    meta = {"description": description}
    if allowed is not None:
        meta["allowed"] = ",".join(allowed)
    if min_value is not None:
        meta["min"] = str(min_value)
    if legacy is not None:
        meta["legacy"] = legacy
    return pa.field(name, type_, nullable=nullable, metadata=meta)


@dataclass(frozen=True)
class Span:
    """`start`/`end` columns that index the text of `field` in `articles` (or `text_column`)."""

    start: str = "start"
    end: str = "end"
    text: str = "text"
    field_column: str | None = "field"


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    schema: pa.Schema
    key: tuple[str, ...]
    spans: tuple[Span, ...] = ()
    per_article: bool = True  # rows belong to one article and are replaced with it
    derived: bool = False  # derived from other tables: extended by runs that add articles, else rebuilt
    # columns of random 64-bit keys, written without dictionary or compression: neither shrinks
    # them, and they decode fastest so (a table read whole by every run, see `claim_index`)
    plain: tuple[str, ...] = ()
    row_group: int | None = None  # rows per row group, when not the store's default
    # columns runs look rows up by: each part file has a key file of them (flows/keyfiles.py)
    lookups: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        return self.schema.names

    def field(self, name: str) -> pa.Field:
        return self.schema.field(name)


STR = pa.string()
I64 = pa.int64()
U64 = pa.uint64()
I32 = pa.int32()
F32 = pa.float32()
TS = pa.timestamp("us", tz="UTC")
STRS = pa.list_(pa.string())

KINDS = ("direct", "indirect", "mixed")
POLARITIES = ("assert", "deny")
FIELDS = ("title", "dek", "body")
SEGMENT_LABELS = ("title", "dek", "caption", "subheading", "credit", "comment", "boilerplate")
# intake: reading and decoding; strip, parse, mentions, claims: a step that failed on one article;
# nlp: an article curated without entities or claims (language, span check); stage: writing its
# rows; validate: a row broke its table's suite
QUARANTINE_STAGES = ("intake", "strip", "nlp", "parse", "mentions", "claims", "stage", "validate")

_PROVENANCE = (
    col("pipeline_version", STR, "Version of newsetl (code and rules) that produced the row."),
    col("run_id", STR, "Run that produced the row (see `runs`)."),
)

ARTICLES = Table(
    name="articles",
    description="One row per distinct article (distinct decoded content).",
    key=("article_id",),
    lookups=("article_id",),
    schema=pa.schema(
        [
            col("article_id", STR, "Stable id: first 16 hex digits of SHA-256 of the decoded text."),
            col("source_uri", STR, "Raw file's path relative to the raw root (first name seen)."),
            col("source_uris", STRS, "Every raw path seen with this content, sorted; for a file of several "
                "records (JSON lines, WARC), the records: `file#record`."),
            col("content_hash", STR, "SHA-256 of the raw file's bytes."),
            col("format", STR, "Input form: text, html, markdown (read as its visible text), jsonl (a JSON-lines "
                "record), json (a scraper's JSON file of one article, or an element of its array), feed (an RSS or "
                "Atom item) or warc (a WARC record).",
                allowed=("text", "html", "markdown", "jsonl", "json", "feed", "warc")),
            col("encoding", STR, "Encoding the raw bytes were decoded from."),
            col("url", STR, "Canonical URL, when the input carries one.", nullable=True),
            col("published", STR, "Publication date (ISO 8601: YYYY-MM-DD, with the time when the page gives "
                "one), from the page's own evidence (see `published_evidence`).", nullable=True),
            col("published_evidence", STR, "Where `published` comes from: record field, json-ld, meta:<name>, "
                "time element, url, htmldate, dateline.", nullable=True),
            col("fetched_at", STR, "When a crawler fetched the page (a WARC record's WARC-Date), ISO 8601.",
                nullable=True),
            col("title", STR, "Headline; in every text field, as in `body`, words are separated by one space "
                "(no-break and thin spaces too).", nullable=True),
            col("dek", STRS, "Summary bullets / standfirst lines under the headline, and a \"Story highlights\" "
                "box's points, in order."),
            col("captions", STRS, "Image captions, each once (duplicates folded)."),
            col("subheadings", STRS, "Section headings inside the article (kept out of `body`)."),
            col("credit", STR, "Byline or agency credit line; when the text has none, the authors a record "
                "names (JSON, a feed item, a Markdown header) or an HTML page's author metadata gives, joined by ', '.",
                nullable=True),
            col("publisher", STR, "Publisher, from the page's own evidence.", nullable=True),
            col("publisher_evidence", STR, "The text the publisher was taken from.", nullable=True),
            col("body", STR, "Clean article text; paragraphs separated by a blank line, words by one space."),
            col("n_words", I32, "Whitespace-separated words in `body`.", min_value=0),
            col("n_stripped", I32, "Segments removed from the raw text (see `segments`).", min_value=0),
            col("language", STR, "ISO 639-1 guess for `body` from its function words (und when undetermined).",
                nullable=True),
            *_PROVENANCE,
        ]
    ),
)

SEGMENTS = Table(
    name="segments",
    description="Every part of the raw text that is not body, with the rule that set it apart.",
    key=("article_id", "seq"),
    lookups=("article_id",),
    schema=pa.schema(
        [
            col("article_id", STR, "Article the segment belongs to."),
            col("seq", I32, "Order of the segment in the raw text.", min_value=0),
            col("label", STR, "What the segment is.", allowed=SEGMENT_LABELS),
            col("kind", STR, "Finer kind for boilerplate (e.g. comment_policy, newsletter).", nullable=True),
            col("rule", STR, "Rule that labelled the segment."),
            col("start", I64, "Offset of the segment in the decoded raw text.", min_value=0),
            col("end", I64, "End offset (exclusive) in the decoded raw text.", min_value=1),
            col("text", STR, "The segment's text."),
            *_PROVENANCE,
        ]
    ),
)

COMMENTS = Table(
    name="comments",
    description="Reader comments found under an article.",
    key=("article_id", "seq"),
    lookups=("article_id",),
    schema=pa.schema(
        [
            col("article_id", STR, "Article commented on."),
            col("seq", I32, "Order of the comment on the page (1-based).", min_value=1),
            col("author", STR, "Name the comment was posted under.", nullable=True),
            col("text", STR, "Comment text, paragraphs separated by a blank line."),
            *_PROVENANCE,
        ]
    ),
)

MENTIONS = Table(
    name="mentions",
    description="Named-entity mentions in the title, dek and body, with exact offsets.",
    key=("mention_id",),
    lookups=("article_id",),
    spans=(Span(),),
    schema=pa.schema(
        [
            col("mention_id", STR, "Stable id: hash of article id, field and offsets."),
            col("article_id", STR, "Article the mention is in."),
            col("field", STR, "Text the offsets index: title, dek (lines joined by newlines) or body.", allowed=FIELDS),
            col("entity_id", STR, "Canonical entity (see `entities`)."),
            col("label", STR, "Entity type (spaCy OntoNotes labels)."),
            col("text", STR, "Surface form: equals field_text[start:end]."),
            col("start", I64, "Start offset into the field's text.", min_value=0),
            col("end", I64, "End offset (exclusive).", min_value=1),
            col("source", STR, "What found it: model or gazetteer rule.", allowed=("model", "ruler")),
            col("gazetteer_name", STR, "Canonical name the gazetteer gives the mention, if it matched.", nullable=True),
            col("descriptor", STR, "Role written right before a person's name, lower-cased ('french president').",
                nullable=True),
            *_PROVENANCE,
        ]
    ),
)

ENTITIES = Table(
    name="entities",
    description="Canonical entities: mentions merged within and across articles.",
    key=("entity_id",),
    lookups=("entity_id",),
    per_article=False,
    derived=True,
    schema=pa.schema(
        [
            col("entity_id", STR, "Stable id derived from the canonical key (label + folded name)."),
            col("canonical_name", STR, "Fullest, most frequent correct form of the name."),
            col("label", STR, "Entity type."),
            col("aliases", STRS, "Other surface forms merged into this entity."),
            col("merge_reasons", STRS, "Why forms were merged (one entry per rule that fired)."),
            col("n_articles", I32, "Articles that mention it.", min_value=1),
            col("n_mentions", I32, "Mentions in all articles.", min_value=1),
            col("pipeline_version", STR, "Version of newsetl that built the table."),
        ]
    ),
)

CLAIMS = Table(
    name="claims",
    description="Attributed statements, one row per quoted part: who said, denied, warned ... what.",
    key=("claim_id",),
    lookups=("article_id",),
    spans=(Span(text="content"), Span(start="cue_start", end="cue_end", text="cue")),
    schema=pa.schema(
        [
            col("claim_id", STR, "Stable id: hash of article id, field and content offsets."),
            col("article_id", STR, "Article the claim is in."),
            col("field", STR, "Which text the offsets index.", allowed=FIELDS),
            col("speaker", STR, "Source as written next to the cue.", nullable=True),
            col("speaker_name", STR, "Resolved source name (pronouns and descriptions resolved).", nullable=True),
            col("speaker_entity_id", STR, "Entity the speaker resolves to.", nullable=True),
            col("speaker_mention_id", STR, "Mention the speaker resolves to.", nullable=True),
            col("cue", STR, "Reporting verb or phrase."),
            col("cue_start", I64, "Start offset of the cue.", min_value=0),
            col("cue_end", I64, "End offset of the cue (exclusive).", min_value=1),
            col("content", STR, "What was said: equals field_text[start:end]."),
            col("start", I64, "Start offset of the content.", min_value=0),
            col("end", I64, "End offset of the content (exclusive).", min_value=1),
            col("kind", STR, "direct: fully quoted; mixed: with quoted parts; indirect: none.", allowed=KINDS),
            col("polarity", STR, "deny for denial cues, else assert.", allowed=POLARITIES),
            col("confidence", F32, "Extractor's confidence in [0, 1]."),
            col("rule", STR, "Extraction pattern that produced the claim."),
            col("statement_id", STR, "The statement this quoted part belongs to: the parts of one statement "
                "interrupted by its cue (“A,” she said. “B.”) share it (see the `statements` view).",
                legacy="column:claim_id"),
            col("part", I32, "Index of this part in its statement (0 for the first or only one).", min_value=0,
                legacy="value:0"),
            col("cluster_id", STR, "Statements stating the same thing share it (see `claim_clusters`)."),
            *_PROVENANCE,
        ]
    ),
)

CLAIM_CLUSTERS = Table(
    name="claim_clusters",
    description="Statements that say the same thing, grouped across articles and outlets.",
    key=("cluster_id",),
    lookups=("cluster_id",),
    per_article=False,
    derived=True,
    schema=pa.schema(
        [
            col("cluster_id", STR, "Id: hash of its first statement id when the cluster formed (runs that add or "
                "remove articles keep it; a full rebuild, `newsetl compact`, forms every cluster anew)."),
            col("content", STR, "The statement (its parts joined) that shares most wording with the others."),
            col("polarity", STR, "assert or deny.", allowed=POLARITIES),
            col("speaker_name", STR, "Resolved speaker most members name.", nullable=True),
            col("speaker_entity_id", STR, "Entity of the speaker, when resolved.", nullable=True),
            col("n_statements", I32, "Statements in the cluster (a statement's quoted parts count once).",
                min_value=1),
            col("n_articles", I32, "Articles that carry it.", min_value=1),
            col("n_outlets", I32, "Distinct publishers that carry it (corroboration).", min_value=1),
            col("outlets", STRS, "Those publishers, sorted ('unknown (folder)' when none was found)."),
            col("article_ids", STRS, "Articles that carry it."),
            col("statement_ids", STRS, "Its statements (`claims.statement_id`)."),
            col("first_published", STR, "Earliest publication date among its articles.", nullable=True),
            col("pipeline_version", STR, "Version of newsetl that built the table."),
        ]
    ),
)

ENTITY_KEYS = Table(
    name="entity_keys",
    description="Index: the entity each name key of the corpus went to; runs that only add articles resolve "
    "their mentions through it (tasks/registry.py).",
    key=("family", "key"),
    lookups=("entity_id",),
    per_article=False,
    derived=True,
    schema=pa.schema(
        [
            col("family", STR, "Label family (GPE, LOC and FAC are one)."),
            col("key", STR, "Folded name, gazetteer name or the full name a short form stood for."),
            col("entity_id", STR, "Entity of that key (see `entities`)."),
        ]
    ),
)

CLAIM_INDEX = Table(
    name="claim_index",
    description="Index: MinHash bands of every distinct statement with its cluster; runs that only add articles "
    "look their statements up in it (tasks/cluster_index.py).",
    key=("band", "cluster", "polarity", "speaker"),
    lookups=("band",),
    per_article=False,
    derived=True,
    # every run that adds articles scans the whole index for its new bands: at a million articles
    # 44M rows, whose lookup decodes no strings but the few speakers (0.47 s against 1.4 s for
    # string cluster ids, dictionary-encoded bands and row groups of 50,000)
    plain=("band", "cluster"),
    row_group=1_000_000,
    schema=pa.schema(
        [
            col("band", I64, "One MinHash band of the statement's word 3-shingles."),
            col("cluster", U64, "Cluster of the statement: its `cluster_id` (see `claim_clusters`), 16 hex "
                "digits, as a number.", legacy="hex:cluster_id"),
            col("polarity", STR, "assert or deny.", allowed=POLARITIES),
            col("speaker", STR, "Speaker key: 'e:' + entity id or 'n:' + folded name.", nullable=True),
        ]
    ),
)

QUARANTINE = Table(
    name="quarantine",
    description="Inputs and rows set aside, with the reason; the rest of the run lands.",
    key=("quarantine_id",),
    per_article=False,
    schema=pa.schema(
        [
            col("quarantine_id", STR, "Stable id: hash of source, stage, table and row."),
            col("source_uri", STR, "What was set aside: a raw path, or a record of one (`<path>#<record>`)."),
            col("source_file", STR, "The raw file it belongs to (path relative to the raw root; undecodable "
                "bytes of a name escaped as \\xNN).", nullable=True),
            col("content_hash", STR, "SHA-256 of the raw bytes (empty when unreadable).", nullable=True),
            col("article_id", STR, "Article id when decoding succeeded.", nullable=True),
            col("stage", STR, "Stage that set it aside.", allowed=QUARANTINE_STAGES),
            col("table_name", STR, "Curated table the row was meant for.", nullable=True),
            col("reason", STR, "Why, in words; for an error, the step, exception and trace digest."),
            col("error_digest", STR, "Digest of an error's type and traceback functions: one per bug, whatever "
                "the input.", nullable=True),
            col("row", STR, "The offending row as JSON (validation) or null.", nullable=True),
            *_PROVENANCE,
        ]
    ),
)

RUNS = Table(
    name="runs",
    description="One row per run: what it saw, did and found.",
    key=("run_id",),
    per_article=False,
    schema=pa.schema(
        [
            col("run_id", STR, "Run id (time-ordered)."),
            col("flow_run_id", STR, "Prefect flow run id.", nullable=True),
            col("started_at", TS, "Start time."),
            col("finished_at", TS, "End time."),
            col("pipeline_version", STR, "Version of newsetl."),
            col("raw_root", STR, "Raw folder read."),
            col("n_files", I32, "Raw files found.", min_value=0),
            col("n_unchanged", I32, "Files skipped: unchanged since they were curated.", min_value=0),
            col("n_duplicates", I32, "Files whose content was already curated under another name.", min_value=0),
            col("n_curated", I32, "Articles curated (new or re-curated) by this run.", min_value=0),
            col("n_stale", I32, "Files re-curated because an older pipeline version curated them.", min_value=0),
            col("n_deferred", I32, "Files of an older pipeline version left for later runs (bound).", min_value=0),
            col("n_missing", I32, "Files in the manifest that are gone from the raw folder.", min_value=0),
            col("pruned", pa.bool_(), "Whether rows of gone files were dropped (--prune) or kept."),
            col("n_quarantined_files", I32, "Files set aside whole.", min_value=0),
            col("n_quarantined_rows", I32, "Rows set aside by validation.", min_value=0),
            col("n_errors", I32, "Files, records or articles set aside because a step raised an error on them "
                "(see `quarantine.error_digest`).", min_value=0, legacy="value:0"),
            col("n_skipped", I32, "Entries of the raw folder not read: hidden, links leaving it, dangling or looping "
                "links, FIFOs, the curated folder; WARC records that are no article (see `skipped`).", min_value=0,
                legacy="value:0"),
            col("skipped", STR, "Skipped entries by reason (JSON: reason -> count and up to 20 paths).",
                legacy="value:{}"),
            col("status", STR, "How the run ended.", allowed=("succeeded", "failed"), legacy="value:succeeded"),
            col("error", STR, "Why a failed run failed (its tables stayed as they were).", nullable=True),
            col("report", STR, "The run's HTML report (path), when one was written.", nullable=True),
            col("report_error", STR, "Why the run's report could not be built (the tables landed).",
                nullable=True),
            col("data_docs", STR, "Great Expectations Data Docs of the run's validation (path of its index.html).",
                nullable=True),
            col("validation", STR, "Validation result per table (JSON)."),
            col("settings", STR, "Settings of the run (JSON)."),
            col("timings", STR, "Seconds per stage (JSON): read, strip, nlp, extract, stage, publish_*."),
        ]
    ),
)

# The intake state, one row per raw file a run has seen: not a table for readers (it lives in each
# generation as the part files of `_manifest/`), but declared here beside them, once.
MANIFEST = pa.schema(
    [
        col("source_uri", STR, "Raw file's path relative to the raw root."),
        col("size", I64, "Size in bytes when it was last read or looked at."),
        col("mtime_ns", I64, "Modification time (ns) when it was last read or looked at."),
        col("content_hash", STR, "SHA-256 of its bytes ('unreadable:<path>' when they could not be read)."),
        col("article_ids", STRS, "Articles curated from it (none when it was quarantined)."),
        col("status", STR, "curated or quarantined.", allowed=("curated", "quarantined")),
        col("pipeline_version", STR, "Version of newsetl that last read it."),
        col("run_id", STR, "Run that last read it."),
    ]
)
MANIFEST_LOOKUPS = ("source_uri", "article_ids")  # a run's files, and the other names of its articles

TABLES: dict[str, Table] = {
    t.name: t for t in (ARTICLES, SEGMENTS, COMMENTS, MENTIONS, ENTITIES, CLAIMS, CLAIM_CLUSTERS, QUARANTINE, RUNS,
                        ENTITY_KEYS, CLAIM_INDEX)
}


def staging_schema(table: Table) -> pa.Schema:
    """The table's columns with every field nullable: rows as produced, before validation."""
    return pa.schema([f.with_nullable(True) for f in table.schema])


def field_meta(f: pa.Field) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in (f.metadata or {}).items()}
