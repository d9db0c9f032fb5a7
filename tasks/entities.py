"""Entity mentions from a parsed article, and their merging into canonical entities.

`extract_mentions(doc, fields, lexicon)` reads spaCy entities with exact offsets per field.
`canonicalize(mentions)` merges mentions into entities, within an article (short forms join
the full name) and across articles (names equal up to case, diacritics, punctuation or a
leading article), recording why; entity ids derive from the canonical key, so they are
stable across runs.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

import polars as pl
from spacy.tokens import Doc, Span

from tasks.lexicon import Lexicon
from tasks.text import FieldText
from tasks.unionfind import DisjointSets

# Labels whose mentions are merged into one family key (a city named as GPE or LOC is one place).
LABEL_FAMILY = {"GPE": "GPE", "LOC": "GPE", "FAC": "GPE"}
_TOKEN = re.compile(r"\w+")
# letters NFKD does not split into base + accent
_NON_DECOMPOSING = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss",
                                  "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "ð": "d"})
_LEADING = re.compile(r"^(the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True)
class Mention:
    field: str
    start: int
    end: int
    text: str
    label: str
    source: str  # model | ruler
    ruler_id: str | None  # canonical name the gazetteer gives
    descriptor: str | None = None  # "french president" in "French President Emmanuel Macron"


def ascii_fold(text: str) -> str:
    """Strip diacritics: 'Çavuşoğlu' -> 'Cavusoglu'; dotless ı and similar map to ASCII."""
    text = unicodedata.normalize("NFKD", text.translate(_NON_DECOMPOSING))
    return "".join(c for c in text if not unicodedata.combining(c))


def name_key(text: str) -> str:
    """Folded key of a name: no case, diacritics, punctuation, leading article or possessive."""
    text = _POSSESSIVE.sub("", _LEADING.sub("", text.strip()))
    return " ".join(_TOKEN.findall(ascii_fold(text).lower()))


def family(label: str) -> str:
    return LABEL_FAMILY.get(label, label)


def extract_mentions(doc: Doc, fields: FieldText, lexicon: Lexicon) -> list[Mention]:
    """Every entity in the doc, mapped to its field; entities crossing a field edge are dropped."""
    abbreviations = tuple(sorted(lexicon.word_set("name_abbreviations")))
    out = []
    for ent in doc.ents:
        ent = _without_article(ent)
        text = ent.text
        start, end = ent.start_char, ent.end_char
        # trim trailing possessive clitics and punctuation the model sometimes includes
        while text and (text[-1] in ".,;:'’\"”)" and not text.endswith(abbreviations)):
            text, end = text[:-1], end - 1
        if not text.strip() or not _TOKEN.search(text):
            continue
        located = fields.locate(start, end)
        if located is None:
            continue
        name, s, e = located
        out.append(Mention(name, s, e, text, ent.label_, "ruler" if ent.id_ else "model", ent.id_ or None,
                           descriptor(ent) if ent.label_ == "PERSON" else None))
    return out


def descriptor(ent: Span) -> str | None:
    """The capitalised role words right before a person's name: 'French President', 'Foreign Minister'."""
    doc, words = ent.doc, []
    i = ent.start - 1
    while i >= 0 and len(words) < 4:
        tok = doc[i]
        if tok.is_space or not tok.is_alpha or not tok.text[:1].isupper() or tok.ent_type_ in {"PERSON", "ORG"}:
            break
        if tok.is_sent_start and tok.lower_ in {"the", "a", "an"}:
            break
        words.insert(0, tok.lower_)
        i -= 1
    while words and words[0] in {"the", "a", "an"}:
        words.pop(0)
    return " ".join(words) or None


def _without_article(ent: Span) -> Span:
    """'the United States' -> 'United States'; 'The Economist' mid-sentence keeps its 'The'."""
    if len(ent) > 1 and not ent.id_ and ent[0].lower_ == "the" and (ent[0].text == "the" or ent[0].is_sent_start):
        return Span(ent.doc, ent.start + 1, ent.end, label=ent.label_)
    return ent


def entity_id(label: str, key: str) -> str:
    return hashlib.sha256(f"{family(label)}\x00{key}".encode()).hexdigest()[:16]


@dataclass
class _Cluster:
    """One family and folded name key across the corpus (a mention of it in any article)."""

    family: str
    key: str
    articles: set[str]
    n_mentions: int
    descriptors: set[str]
    reasons: set[str]
    ruler: str | None
    forms: Counter  # surface form -> mentions
    labels: Counter  # label -> mentions

    @property
    def weight(self) -> tuple:
        return (len(self.articles), self.n_mentions, len(self.key.split()), self.key)


def similar(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _role(descriptor: str) -> tuple[frozenset[str], str]:
    words = descriptor.split()
    head = words[-1].removesuffix("s") if words else ""
    return frozenset(w.removesuffix("s") for w in words[:-1]), head


def _same_role(a: set[str], b: set[str]) -> bool:
    """Both written with the same office ('president'), and no clash in what qualifies it."""
    for da in a:
        qa, ha = _role(da)
        for db in b:
            qb, hb = _role(db)
            if ha and ha == hb and (not qa or not qb or qa & qb):
                return True
    return False


def _person_merges(clusters: list[_Cluster]) -> dict[int, tuple[int, str]]:
    """Pairs of person clusters to merge: (index -> (index, reason))."""
    persons = [i for i, c in enumerate(clusters) if c.family == "PERSON" and len(c.key.split()) >= 2]
    by_last: dict[str, list[int]] = {}
    by_first: dict[str, list[int]] = {}
    for i in persons:
        parts = clusters[i].key.split()
        by_last.setdefault(parts[-1], []).append(i)
        by_first.setdefault(parts[0], []).append(i)
    out: list[tuple[int, int, str]] = []
    for group in by_last.values():
        for x in range(len(group)):
            for y in range(x + 1, len(group)):
                a, b = clusters[group[x]], clusters[group[y]]
                fa, fb = a.key.split()[0], b.key.split()[0]
                if similar(fa, fb) >= 0.8 or (min(len(fa), len(fb)) == 1 and fa[0] == fb[0]):
                    out.append((group[x], group[y], "spelling variant of the first name"))
                elif not (a.articles & b.articles) and _same_role(a.descriptors, b.descriptors):
                    out.append((group[x], group[y], "same surname and role, never named together"))
    for group in by_first.values():
        for x in range(len(group)):
            for y in range(x + 1, len(group)):
                la, lb = clusters[group[x]].key.split()[-1], clusters[group[y]].key.split()[-1]
                if la != lb and min(len(la), len(lb)) >= 4 and similar(la, lb) >= 0.75:
                    out.append((group[x], group[y], "spelling or transliteration variant of the surname"))
    return out


def _article_keys(df: pl.DataFrame) -> pl.DataFrame:
    """Within each article, the key a mention's entity is known by, and why.

    A gazetteer match takes the gazetteer's name; a one-word person name takes the one full name
    of the same article it ends or starts ("Lavrov" -> "sergei lavrov"); otherwise the folded name.
    (Columns are added by mapping, not by joins: a join would copy every column of the frame.)
    """
    full = (df.filter((pl.col("label") == "PERSON") & (pl.col("_key").str.count_matches(" ") >= 1))
            .select("article_id", "_key", first=pl.col("_key").str.split(" ").list.first(),
                    last=pl.col("_key").str.split(" ").list.last()))
    parts = pl.concat([full.select("article_id", token="last", full="_key"),
                       full.select("article_id", token="first", full="_key")]).unique()
    unique = parts.group_by("article_id", "token").agg(pl.col("full").unique()).filter(
        pl.col("full").list.len() == 1)
    mapping = dict(zip((unique["article_id"] + "\x00" + unique["token"]).to_list(),
                       unique["full"].list.first().to_list()))
    short = (pl.col("label") == "PERSON") & ~pl.col("_key").str.contains(" ")
    full_name = pl.concat_str("article_id", pl.lit("\x00"), "_key").replace_strict(mapping, default=None,
                                                                                   return_dtype=pl.String)
    df = df.with_columns(_full=pl.when(short).then(full_name).otherwise(pl.lit(None, pl.String)))
    rulers = df["ruler_id"].drop_nulls().unique().to_list()
    ruler_key = pl.col("ruler_id").replace_strict(dict(zip(rulers, map(name_key, rulers))), default=None,
                                                  return_dtype=pl.String)
    return df.with_columns(
        _ckey=pl.when(pl.col("ruler_id").is_not_null()).then(ruler_key)
        .when(pl.col("_full").is_not_null()).then(pl.col("_full")).otherwise(pl.col("_key")),
        _reason=pl.when(pl.col("ruler_id").is_not_null()).then(pl.lit("gazetteer"))
        .when(pl.col("_full").is_not_null()).then(pl.lit("short form of a full name in the same article"))
        .otherwise(pl.lit(None, pl.String)),
    ).drop("_full")


_OCCURRENCE = ["article_id", "label", "text", "ruler_id", "descriptor"]


def occurrences(mentions: pl.DataFrame) -> pl.DataFrame:
    """One row per distinct way a name occurs in an article (article, label, text, gazetteer
    name, descriptor), with its mention ids and their number. Input columns: mention_id,
    article_id, label, text, ruler_id (descriptor optional). Occurrences of parts of a corpus
    combine with `merge_occurrences`, so a corpus never needs to be read whole."""
    if "descriptor" not in mentions.columns:
        mentions = mentions.with_columns(descriptor=pl.lit(None, pl.String))
    return mentions.group_by(_OCCURRENCE).agg(mention_ids=pl.col("mention_id"), n=pl.len().cast(pl.UInt32))


def merge_occurrences(frames) -> pl.DataFrame:
    """The occurrences of the union of the parts whose occurrences are given."""
    frames = list(frames)
    if not frames:
        return occurrences(pl.DataFrame(schema={c: pl.String for c in ["mention_id", *_OCCURRENCE]}))
    merged = pl.concat(frames, how="vertical_relaxed")
    if merged.select(pl.struct(_OCCURRENCE).is_duplicated().any()).item():
        merged = merged.group_by(_OCCURRENCE).agg(pl.col("mention_ids").explode(), pl.col("n").sum())
    return merged


def canonicalize(mentions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Merge mentions into entities (see `canonicalize_occurrences`)."""
    return canonicalize_occurrences(occurrences(mentions))


def keyed(df: pl.DataFrame) -> pl.DataFrame:
    """Occurrences with the key their entity is known by: `_family`, `_key` (the folded name),
    `_ckey` (the gazetteer's name, the full name a short form stands for in its article, else
    `_key`) and `_reason` (why `_ckey` is not `_key`)."""
    texts = df["text"].unique().to_list()
    df = df.with_columns(_key=pl.col("text").replace_strict(dict(zip(texts, map(name_key, texts))),
                                                           return_dtype=pl.String),
                         _family=pl.col("label").replace_strict(LABEL_FAMILY, default=pl.col("label")))
    return _article_keys(df)


KEY_SCHEMA = {"family": pl.String, "key": pl.String, "entity_id": pl.String}


def canonicalize_occurrences(df: pl.DataFrame, *, with_keys: bool = False) -> tuple[pl.DataFrame, ...]:
    """Merge name occurrences (`occurrences`) into entities.

    Returns (entities, links): entities(entity_id, canonical_name, label, aliases,
    merge_reasons, n_articles, n_mentions) and links(mention_id, entity_id); `with_keys` adds
    keys(family, key, entity_id), the entity every key of the corpus went to (the registry
    incremental runs extend, see tasks/registry.py).

    1. within an article, a short person name joins the one full name it ends or starts;
    2. across articles, mentions with the same family and folded name are one entity
       (case, diacritics, punctuation, a leading article);
    3. person names merge when only the spelling of the first name or of the surname differs,
       or when they share surname and role and are never named in the same article;
    4. a surname alone joins the only full name in the corpus that ends with it.
    The id derives from the dominant form's key (most articles, then mentions, then length).
    Columnar: memory grows with the number of distinct names, not of mentions.
    """
    empty = (
        pl.DataFrame(schema={"entity_id": pl.String, "canonical_name": pl.String, "label": pl.String,
                             "aliases": pl.List(pl.String), "merge_reasons": pl.List(pl.String),
                             "n_articles": pl.Int32, "n_mentions": pl.Int32}),
        pl.DataFrame(schema={"mention_id": pl.String, "entity_id": pl.String}),
    )
    if with_keys:
        empty = (*empty, pl.DataFrame(schema=KEY_SCHEMA))
    if df.height == 0:
        return empty
    df = keyed(df)

    by = ["_family", "_ckey"]
    summary = df.group_by(by).agg(
        articles=pl.col("article_id").unique(), n=pl.col("n").sum(),
        descriptors=pl.col("descriptor").drop_nulls().unique(), reasons=pl.col("_reason").drop_nulls().unique(),
        ruler=pl.col("ruler_id").drop_nulls().first(), mention_ids=pl.col("mention_ids").explode(),
    ).sort(by)
    forms = df.group_by([*by, "text"]).agg(pl.col("n").sum())
    labels = df.group_by([*by, "label"]).agg(pl.col("n").sum())
    del df
    members_of = summary.select("mention_ids")
    summary = summary.drop("mention_ids")
    form_map: dict[tuple[str, str], Counter] = {}
    for fam, key, text, n in forms.iter_rows():
        form_map.setdefault((fam, key), Counter())[text] = n
    label_map: dict[tuple[str, str], Counter] = {}
    for fam, key, label, n in labels.iter_rows():
        label_map.setdefault((fam, key), Counter())[label] = n
    ordered = [_Cluster(fam, key, set(arts), n, set(descs), set(reasons), ruler, form_map[(fam, key)],
                        label_map[(fam, key)])
               for fam, key, arts, n, descs, reasons, ruler in summary.iter_rows()]
    sets = DisjointSets(len(ordered))
    find = sets.find

    def union(a: int, b: int, reason: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            keep, drop = (ra, rb) if ordered[ra].weight >= ordered[rb].weight else (rb, ra)
            sets.join(keep, drop)
            ordered[keep].reasons.add(reason)

    for a, b, reason in sorted(_person_merges(ordered)):
        union(a, b, reason)
    # a surname alone joins the only full name that ends with it
    full_by_last: dict[str, set[int]] = {}
    for i, c in enumerate(ordered):
        if c.family == "PERSON" and len(c.key.split()) >= 2:
            full_by_last.setdefault(c.key.split()[-1], set()).add(find(i))
    for i, c in enumerate(ordered):
        if c.family == "PERSON" and len(c.key.split()) == 1 and len(full_by_last.get(c.key, ())) == 1:
            union(i, next(iter(full_by_last[c.key])), "surname of the only full name that ends with it")

    ents, eid_of = [], [""] * len(ordered)
    for root, members in sets.groups().items():
        dominant = ordered[root]
        rulers = [ordered[m].ruler for m in members if ordered[m].ruler]
        canonical = rulers[0] if rulers else _fullest(list(dominant.forms), list(dominant.forms.values()))
        labels_all = sum((ordered[m].labels for m in members), Counter())
        label = sorted(labels_all.items(), key=lambda lc: (-lc[1], lc[0]))[0][0]
        eid = entity_id(dominant.family, dominant.key)
        reasons = sorted({x for m in members for x in ordered[m].reasons})
        aliases = sorted({t for m in members for t in ordered[m].forms} - {canonical})
        if aliases and not reasons:
            reasons = ["same name up to case, diacritics or punctuation"]
        ents.append({"entity_id": eid, "canonical_name": canonical, "label": label, "aliases": aliases,
                     "merge_reasons": reasons, "n_articles": len(set().union(*(ordered[m].articles for m in members))),
                     "n_mentions": sum(ordered[m].n_mentions for m in members)})
        for m in members:
            eid_of[m] = eid
    entities = pl.DataFrame(ents).with_columns(pl.col("n_articles", "n_mentions").cast(pl.Int32)).sort("entity_id")
    # summary rows are in `ordered`'s order: each row's mentions take its entity's id
    links = members_of.with_columns(entity_id=pl.Series(eid_of, dtype=pl.String)).explode("mention_ids") \
        .rename({"mention_ids": "mention_id"}).select("mention_id", "entity_id")
    if with_keys:
        keys = pl.DataFrame({"family": [c.family for c in ordered], "key": [c.key for c in ordered],
                             "entity_id": eid_of}, schema=KEY_SCHEMA)
        return entities, links, keys
    return entities, links


def _fullest(texts: list[str], counts: list[int]) -> str:
    """Most frequent among the longest forms (more tokens first), ties by text; editorial
    brackets and a leading article dropped for display."""
    best = max(zip(texts, counts), key=lambda tc: (len(_TOKEN.findall(_LEADING.sub("", tc[0]))), tc[1], tc[0]))
    name = _LEADING.sub("", best[0]) if best[0].lower().startswith("the ") else best[0]
    return " ".join(re.sub(r"[\[\]{}]", " ", name).split()) or name
