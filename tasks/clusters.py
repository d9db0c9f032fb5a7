"""Claim clusters: claims that state the same thing, grouped across articles and outlets.

Two claims join when their contents share most of their word 3-shingles — containment, so an
outlet quoting a longer or shorter stretch of the same statement still matches — their
polarities agree, and their resolved speakers agree (or one of them has none). Within one
article only restatements by the same named speaker join (headline and body); nested layers
("according to X, Y said Z") stay apart. Candidate pairs
come from an inverted index of shingles (shingles common to very many claims are skipped);
clusters are the connected components. Each cluster counts its claims, articles and outlets,
so an analyst sees at once which statements are corroborated and which rest on one source.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict

import polars as pl

SHINGLE = 3
MIN_CONTAINMENT = 0.6  # shared shingles / shingles of the shorter claim
MIN_LENGTH_RATIO = 0.2  # shorter / longer: a few words are not the same statement as a long quote
MIN_SHARED = 2
MAX_POSTING = 500  # a shingle in more claims than this says nothing about sameness
_WORD = re.compile(r"\w+")
_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "«": '"', "»": '"', "–": "-", "—": "-"})


def shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = _WORD.findall(unicodedata.normalize("NFKC", text).translate(_FOLD).lower())
    if len(words) < SHINGLE:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def _speaker_key(entity_id: str | None, name: str | None) -> str | None:
    if entity_id:
        return f"e:{entity_id}"
    if name:
        return "n:" + " ".join(_WORD.findall(name.lower()))
    return None


def same_statement(a: frozenset, b: frozenset) -> bool:
    shared = len(a & b)
    short, long = sorted((len(a), len(b)))
    return (short > 0 and shared >= min(MIN_SHARED, short) and shared / short >= MIN_CONTAINMENT
            and short / long >= MIN_LENGTH_RATIO)


def cluster_claims(claims: pl.DataFrame, articles: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(clusters, links): one row per cluster, and claim_id -> cluster_id.

    claims: claim_id, article_id, content, polarity, speaker_name, speaker_entity_id.
    articles: article_id, publisher, source_uri, published.
    """
    rows = claims.select("claim_id", "article_id", "content", "polarity", "speaker_name",
                         "speaker_entity_id").sort("claim_id").to_dicts()
    sets = [shingles(r["content"]) for r in rows]
    keys = [_speaker_key(r["speaker_entity_id"], r["speaker_name"]) for r in rows]
    postings: dict[tuple, list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        for sh in s:
            postings[sh].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for ids in postings.values():
        if len(ids) > MAX_POSTING:
            continue
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                shared[(ids[x], ids[y])] += 1
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (i, j), _n in shared.items():
        if rows[i]["polarity"] != rows[j]["polarity"]:
            continue
        if keys[i] and keys[j] and keys[i] != keys[j]:
            continue
        if rows[i]["article_id"] == rows[j]["article_id"] and not (keys[i] and keys[i] == keys[j]):
            continue  # in one article, nested layers ("according to X, Y said Z") are distinct claims
        if same_statement(sets[i], sets[j]):
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)

    meta = {r["article_id"]: r for r in articles.select("article_id", "publisher", "source_uri", "published")
            .to_dicts()}
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        groups[find(i)].append(i)
    clusters, links = [], []
    for members in groups.values():
        ids = sorted(rows[i]["claim_id"] for i in members)
        cid = hashlib.sha256(ids[0].encode()).hexdigest()[:16]
        arts = sorted({rows[i]["article_id"] for i in members})
        outlets = sorted({_outlet(meta.get(a)) for a in arts})
        # the member sharing most shingles with the others stands for the cluster
        rep = max(members, key=lambda i: (sum(len(sets[i] & sets[j]) for j in members), -len(rows[i]["content"])))
        names = [rows[i]["speaker_name"] for i in members if rows[i]["speaker_name"]]
        entity = next((rows[i]["speaker_entity_id"] for i in members if rows[i]["speaker_entity_id"]), None)
        published = sorted(p for a in arts if (p := (meta.get(a) or {}).get("published")))
        clusters.append({
            "cluster_id": cid, "content": rows[rep]["content"], "polarity": rows[rep]["polarity"],
            "speaker_name": max(set(names), key=lambda n: (names.count(n), n)) if names else None,
            "speaker_entity_id": entity, "n_claims": len(members), "n_articles": len(arts),
            "n_outlets": len(outlets), "outlets": outlets, "article_ids": arts, "claim_ids": ids,
            "first_published": published[0] if published else None,
        })
        links.extend({"claim_id": c, "cluster_id": cid} for c in ids)
    schema = {"cluster_id": pl.String, "content": pl.String, "polarity": pl.String, "speaker_name": pl.String,
              "speaker_entity_id": pl.String, "n_claims": pl.Int32, "n_articles": pl.Int32, "n_outlets": pl.Int32,
              "outlets": pl.List(pl.String), "article_ids": pl.List(pl.String), "claim_ids": pl.List(pl.String),
              "first_published": pl.String}
    out = pl.DataFrame(clusters, schema=schema).sort(["n_outlets", "n_claims", "cluster_id"],
                                                     descending=[True, True, False])
    return out, pl.DataFrame(links, schema={"claim_id": pl.String, "cluster_id": pl.String})


def _outlet(article: dict | None) -> str:
    """The publisher, or failing that the raw file's folder as a stand-in, never empty."""
    if not article:
        return "unknown"
    if article.get("publisher"):
        return article["publisher"]
    uri = article.get("source_uri") or ""
    return f"unknown ({uri.rsplit('/', 1)[0]})" if "/" in uri else "unknown"
