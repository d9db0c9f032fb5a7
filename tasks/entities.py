"""Entity mentions from a parsed article, and their merging into canonical entities.

`extract_mentions(doc, fields)` reads spaCy entities with exact offsets per field.
`canonicalize(mentions)` merges mentions into entities, within an article (short forms join
the full name) and across articles (names equal up to case, diacritics, punctuation or a
leading article), recording why; entity ids derive from the canonical key, so they are
stable across runs.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import polars as pl
from spacy.tokens import Doc

from tasks.text import FieldText

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


def extract_mentions(doc: Doc, fields: FieldText) -> list[Mention]:
    """Every entity in the doc, mapped to its field; entities crossing a field edge are dropped."""
    out = []
    for ent in doc.ents:
        text = ent.text
        start, end = ent.start_char, ent.end_char
        # trim trailing possessive clitics and punctuation the model sometimes includes
        while text and (text[-1] in ".,;:'’\"”)" and not text.endswith(("Jr.", "Inc.", "Co.", "Corp.", "Ltd."))):
            text, end = text[:-1], end - 1
        if not text.strip() or not _TOKEN.search(text):
            continue
        located = fields.locate(start, end)
        if located is None:
            continue
        name, s, e = located
        out.append(Mention(name, s, e, text, ent.label_, "ruler" if ent.ent_id_ else "model", ent.ent_id_ or None))
    return out


def entity_id(label: str, key: str) -> str:
    return hashlib.sha256(f"{family(label)}\x00{key}".encode()).hexdigest()[:16]


def _article_clusters(rows: list[dict]) -> dict[int, tuple[str, str]]:
    """Within one article: map row index -> (cluster key, reason). Short person names join the
    one full name they end or start with; ambiguous short forms stay apart."""
    out: dict[int, tuple[str, str]] = {}
    full: dict[str, set[str]] = {}
    for r in rows:
        k = r["_key"]
        if r["label"] == "PERSON" and len(k.split()) >= 2:
            for part in (k.split()[-1], k.split()[0]):
                full.setdefault(part, set()).add(k)
    for i, r in enumerate(rows):
        k = r["_key"]
        if r["ruler_id"]:
            out[i] = (name_key(r["ruler_id"]), "gazetteer")
        elif r["label"] == "PERSON" and len(k.split()) == 1 and len(full.get(k, ())) == 1:
            out[i] = (next(iter(full[k])), "short form of a full name in the same article")
        else:
            out[i] = (k, "")
    return out


def canonicalize(mentions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Merge mentions into entities.

    Input columns: mention_id, article_id, label, text, ruler_id. Returns (entities, links):
    entities(entity_id, canonical_name, label, aliases, merge_reasons, n_articles, n_mentions)
    and links(mention_id, entity_id).
    """
    if mentions.height == 0:
        return (
            pl.DataFrame(schema={"entity_id": pl.String, "canonical_name": pl.String, "label": pl.String,
                                 "aliases": pl.List(pl.String), "merge_reasons": pl.List(pl.String),
                                 "n_articles": pl.Int32, "n_mentions": pl.Int32}),
            pl.DataFrame(schema={"mention_id": pl.String, "entity_id": pl.String}),
        )
    df = mentions.select("mention_id", "article_id", "label", "text", "ruler_id").with_columns(
        _key=pl.col("text").map_elements(name_key, return_dtype=pl.String),
        _family=pl.col("label").replace_strict(LABEL_FAMILY, default=pl.col("label")),
    )
    keyed = []
    for (_aid,), part in df.sort("mention_id").group_by(["article_id"], maintain_order=True):
        rows = part.to_dicts()
        clusters = _article_clusters(rows)
        for i, r in enumerate(rows):
            key, reason = clusters[i]
            keyed.append({"mention_id": r["mention_id"], "article_id": r["article_id"], "text": r["text"],
                          "label": r["label"], "family": r["_family"], "key": key, "reason": reason,
                          "ruler_id": r["ruler_id"]})
    k = pl.DataFrame(keyed)
    # the entity's label: the most frequent label of its mentions, within the label family
    ents = []
    links = []
    for (fam, key), part in k.group_by(["family", "key"], maintain_order=True):
        forms = part.group_by("text").len().sort(["len", "text"], descending=[True, False])
        ruler = part["ruler_id"].drop_nulls()
        canonical = ruler[0] if len(ruler) else _fullest(forms["text"].to_list(), forms["len"].to_list())
        label = part.group_by("label").len().sort(["len", "label"], descending=[True, False])["label"][0]
        eid = entity_id(fam, key)
        reasons = sorted({r for r in part["reason"].to_list() if r})
        aliases = sorted({t for t in part["text"].to_list() if t != canonical})
        if aliases and not reasons:
            reasons = ["same name up to case, diacritics or punctuation"]
        ents.append({"entity_id": eid, "canonical_name": canonical, "label": label, "aliases": aliases,
                     "merge_reasons": reasons, "n_articles": part["article_id"].n_unique(),
                     "n_mentions": part.height})
        links.append(part.select("mention_id").with_columns(entity_id=pl.lit(eid)))
    entities = pl.DataFrame(ents).with_columns(pl.col("n_articles", "n_mentions").cast(pl.Int32)).sort("entity_id")
    return entities, pl.concat(links)


def _fullest(texts: list[str], counts: list[int]) -> str:
    """Most frequent among the longest forms (more tokens first), ties by text."""
    best = max(zip(texts, counts), key=lambda tc: (len(_TOKEN.findall(_LEADING.sub("", tc[0]))), tc[1], tc[0]))
    return _LEADING.sub("", best[0]) if best[0].lower().startswith("the ") else best[0]
