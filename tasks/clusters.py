"""Claim clusters: statements that say the same thing, grouped across articles and outlets.

The unit is a statement (the quoted parts of one statement joined, see `claims.statement_id`).
Two statements join when their contents share most of their word 3-shingles — containment, so an
outlet quoting a longer or shorter stretch of the same statement still matches — their
polarities agree, and their resolved speakers agree (or one of them has none). Within one
article only restatements by the same named speaker join (headline and body); nested layers
("according to X, Y said Z") stay apart. Candidate pairs
come from an inverted index of shingles (shingles common to very many claims are skipped);
clusters are the connected components. Each cluster counts its statements, articles and outlets,
so an analyst sees at once which statements are corroborated and which rest on one source.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import polars as pl

from tasks.unionfind import DisjointSets

SHINGLE = 3
MIN_CONTAINMENT = 0.6  # shared shingles / shingles of the shorter claim
MIN_LENGTH_RATIO = 0.2  # shorter / longer: a few words are not the same statement as a long quote
MIN_SHARED = 2
MAX_POSTING = 500  # a shingle in more claims than this says nothing about sameness
_WORD = re.compile(r"\w+")
_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "«": '"', "»": '"', "–": "-", "—": "-"})


def _normal(text: str) -> str:
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).translate(_FOLD).lower()))


def name_key() -> pl.Expr:
    """The speaker key of a statement whose speaker is no entity: "n:" and its name's words, lower
    case (null without a name)."""
    return pl.when(pl.col("speaker_name").is_not_null()).then(
        pl.lit("n:") + pl.col("speaker_name").str.to_lowercase().str.extract_all(r"\w+").list.join(" "))


def content_hashes(contents: pl.Series) -> pl.DataFrame:
    """(content, h): the hashed word 3-shingles of each distinct content, as `cluster_statements`
    hashes them (a caller that needs them earlier computes them once and passes them in)."""
    distinct = contents.drop_nulls().unique()
    return pl.DataFrame({"content": distinct}, schema={"content": pl.String}).with_columns(
        h=pl.col("content").map_elements(lambda c: _hashes(_normal(c)), return_dtype=pl.List(pl.Int64)))


def content_bands(hashes: pl.DataFrame) -> pl.DataFrame:
    """(content, band): the MinHash bands of each content of `content_hashes` — those its index
    rows carry, known before the speakers are resolved."""
    numbered = hashes.with_row_index("g")
    sh = numbered.select("g", "h").explode("h").drop_nulls("h").unique()
    return minhash_bands(sh).join(numbered.select("g", "content"), on="g").select("content", "band")


def cluster_statements(statements: pl.DataFrame, articles: pl.DataFrame, *, with_index: bool = False,
                       hashes: pl.DataFrame | None = None) -> tuple[pl.DataFrame, ...]:
    """(clusters, links): one row per cluster, and statement_id -> cluster_id; `with_index` adds
    index(band, cluster_id, polarity, speaker): the MinHash bands of every distinct statement,
    which incremental runs look new statements up in (tasks/cluster_index.py).

    statements: statement_id, article_id, content, polarity, speaker_name, speaker_entity_id.
    articles: article_id, publisher, source_uri, published.
    hashes: `content_hashes` of the statements' contents, when the caller has them already.

    Columnar: identical statements (same words, polarity and speaker) collapse first, then
    candidate pairs among the distinct ones come from a join on hashed shingles, whose counts
    give the shared shingles directly; only verified pairs reach Python.
    """
    groups = statement_groups(statements)  # 1. identical statements
    # 2. hashed shingles of each distinct statement; sizes; candidate pairs sharing shingles
    if hashes is None:
        sh = groups.select("g", h=pl.col("_norm").map_elements(_hashes, return_dtype=pl.List(pl.Int64)))
    else:  # a group's contents normalise alike: the hashes of its first are its own
        sh = groups.select("g", "content").join(hashes, on="content", how="left").select("g", "h")
    sh = sh.explode("h").drop_nulls("h").unique()
    band_rows = minhash_bands(sh) if with_index else None
    size = sh.group_by("g").len().rename({"len": "size"})
    busy = sh.group_by("h").len().filter(pl.col("len") > MAX_POSTING).select("h")
    sh = sh.join(busy, on="h", how="anti")
    pairs = sh.join(sh, on="h", suffix="_b").filter(pl.col("g") < pl.col("g_b")).group_by("g", "g_b").len(
        "shared")
    meta = groups.select("g", "polarity", "_speaker", "articles")
    pairs = (pairs.join(size, on="g").join(size.rename({"g": "g_b", "size": "size_b"}), on="g_b")
             .join(meta, on="g").join(meta, left_on="g_b", right_on="g", suffix="_b"))
    short = pl.min_horizontal("size", "size_b")
    pairs = pairs.filter(
        (pl.col("polarity") == pl.col("polarity_b"))
        & (pl.col("_speaker").is_null() | pl.col("_speaker_b").is_null() | (pl.col("_speaker") == pl.col("_speaker_b")))
        & (pl.col("shared") >= pl.min_horizontal(pl.lit(MIN_SHARED), short))
        & (pl.col("shared") / short >= MIN_CONTAINMENT)
        & (short / pl.max_horizontal("size", "size_b") >= MIN_LENGTH_RATIO))
    sets = DisjointSets(groups.height)
    for a, b, speaker_a, speaker_b, arts_a, arts_b in pairs.select(
            "g", "g_b", "_speaker", "_speaker_b", "articles", "articles_b").iter_rows():
        # in one article, nested layers ("according to X, Y said Z") are distinct claims
        if set(arts_a) & set(arts_b) and len(set(arts_a) | set(arts_b)) == 1 and not (speaker_a and
                                                                                     speaker_a == speaker_b):
            continue
        ra, rb = sets.find(a), sets.find(b)
        sets.join(min(ra, rb), max(ra, rb))

    first = groups["statement_ids"].list.first().to_list()  # a group's ids are in order
    cluster_of = [""] * groups.height
    for gs in sets.groups().values():
        cid = hashlib.sha256(min(first[g] for g in gs).encode()).hexdigest()[:16]
        for g in gs:
            cluster_of[g] = cid
    groups = groups.with_columns(cluster_id=pl.Series(cluster_of, dtype=pl.String))
    out = summarize(groups, articles)
    links = groups.select(statement_id="statement_ids", cluster_id="cluster_id").explode("statement_id")
    if with_index:
        of = groups.select("g", "cluster_id", "polarity", speaker="_speaker")
        index = band_rows.join(of, on="g").select("band", "cluster_id", "polarity", "speaker").unique() \
            .sort("band", "cluster_id", "polarity", "speaker")
        return out, links, index
    return out, links


CLUSTER_SCHEMA = {"cluster_id": pl.String, "content": pl.String, "polarity": pl.String, "speaker_name": pl.String,
                  "speaker_entity_id": pl.String, "n_statements": pl.Int32, "n_articles": pl.Int32,
                  "n_outlets": pl.Int32, "outlets": pl.List(pl.String), "article_ids": pl.List(pl.String),
                  "statement_ids": pl.List(pl.String), "first_published": pl.String}


def statements_of(claims: pl.DataFrame) -> pl.DataFrame:
    """One row per statement of claim rows (statement_id, part, content and any other columns):
    its quoted parts' contents joined in order, its other columns those of its first part."""
    rest = [c for c in claims.columns if c not in ("statement_id", "part", "content")]
    return claims.sort("statement_id", "part").group_by("statement_id", maintain_order=True).agg(
        pl.col("content").str.join(" "), *[pl.col(c).first() for c in rest])


def statement_groups(statements: pl.DataFrame, by: tuple[str, ...] = ()) -> pl.DataFrame:
    """Identical statements (same words, polarity and speaker, and the same `by` columns)
    collapsed into groups, numbered `g` in the order of their first statement id: statement_ids
    (in order), articles, content (of the first), names (every speaker name), entity (the first
    statement with a speaker entity), `_norm` and `_speaker` (the keys compared).

    statements: statement_id, article_id, content, polarity, speaker_name, speaker_entity_id.
    """
    rows = statements.select(*by, "statement_id", "article_id", "content", "polarity", "speaker_name",
                             "speaker_entity_id").sort("statement_id")
    contents = rows["content"].unique().to_list()
    rows = rows.with_columns(
        _speaker=pl.when(pl.col("speaker_entity_id").is_not_null()).then(pl.lit("e:") + pl.col("speaker_entity_id"))
        .otherwise(name_key()),
        _norm=pl.col("content").replace_strict(dict(zip(contents, map(_normal, contents))), return_dtype=pl.String))
    return rows.group_by(*by, "_norm", "polarity", "_speaker", maintain_order=True).agg(
        statement_ids=pl.col("statement_id"), articles=pl.col("article_id").unique(), content=pl.col("content").first(),
        names=pl.col("speaker_name").drop_nulls(),
        entity=pl.struct("statement_id", "speaker_entity_id").filter(pl.col("speaker_entity_id").is_not_null()).first(),
    ).with_row_index("g")


def summarize(groups: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """One row per cluster (`CLUSTER_SCHEMA`) from its groups of identical statements
    (`statement_groups` with a `cluster_id`): its wording is that of the most repeated group (then
    the shortest, then the first); its speaker the name most of its statements give and the entity
    of its first statement that has one; its outlets the publishers of its articles, or failing one
    the raw file's folder as a stand-in, never empty; its date the earliest of its articles'.

    articles: article_id, publisher, source_uri, published.
    """
    g = groups.with_columns(_n=pl.col("statement_ids").list.len(), _len=pl.col("content").str.len_chars())
    by_cluster = ["cluster_id"]
    rep = g.sort(["cluster_id", "_n", "_len", "g"], descending=[False, True, False, False]) \
        .unique(by_cluster, keep="first").select("cluster_id", "content", "polarity")
    names = g.select("cluster_id", speaker_name="names").explode("speaker_name").drop_nulls("speaker_name") \
        .group_by("cluster_id", "speaker_name").len() \
        .sort(["cluster_id", "len", "speaker_name"], descending=[False, True, True]) \
        .unique(by_cluster, keep="first").drop("len")
    entity = g.select("cluster_id", "entity").drop_nulls("entity").unnest("entity").sort("statement_id") \
        .unique(by_cluster, keep="first").select("cluster_id", "speaker_entity_id")
    members = g.group_by("cluster_id").agg(statement_ids=pl.col("statement_ids").explode().sort(),
                                           article_ids=pl.col("articles").explode().unique().sort())
    uri = pl.col("source_uri").fill_null("")
    outlet = pl.when(pl.col("publisher").fill_null("") != "").then(pl.col("publisher")) \
        .when(uri.str.contains("/", literal=True)).then(pl.lit("unknown (") + uri.str.replace(r"/[^/]*$", "") + ")") \
        .otherwise(pl.lit("unknown"))
    facts = articles.select("article_id", _outlet=outlet, _published=pl.col("published").replace("", None))
    carried = members.select("cluster_id", article_id="article_ids").explode("article_id") \
        .join(facts, on="article_id", how="left").group_by("cluster_id").agg(
            outlets=pl.col("_outlet").fill_null("unknown").unique().sort(), first_published=pl.col("_published").min())
    out = rep.join(names, on="cluster_id", how="left").join(entity, on="cluster_id", how="left") \
        .join(members, on="cluster_id").join(carried, on="cluster_id").with_columns(
            n_statements=pl.col("statement_ids").list.len(), n_articles=pl.col("article_ids").list.len(),
            n_outlets=pl.col("outlets").list.len())
    return out.select(list(CLUSTER_SCHEMA)).cast(CLUSTER_SCHEMA) \
        .sort(["n_outlets", "n_statements", "cluster_id"], descending=[True, True, False])


# MinHash over the shingle hashes: BANDS bands of ROWS minima; statements sharing a band are
# candidates (Jaccard 0.6: 0.86 of pairs; 0.3: 0.2; 0.1: 0.008). Plain integer arithmetic, so
# bands stored by one run match those of the next whatever the library versions.
BANDS, ROWS = 8, 3
_MASK = (1 << 64) - 1
_MULT = [(0x9E3779B97F4A7C15 * (i + 1)) & _MASK | 1 for i in range(BANDS * ROWS)]
_ADD = [(0xBF58476D1CE4E5B9 * (i + 7)) & _MASK for i in range(BANDS * ROWS)]


def minhash_bands(sh: pl.DataFrame) -> pl.DataFrame:
    """(g, band) rows: the band keys of each group's shingle hashes (columns g, h)."""
    h = pl.col("h").cast(pl.UInt64)
    mins = sh.group_by("g").agg(*[(h * pl.lit(a, pl.UInt64) + pl.lit(b, pl.UInt64)).min().alias(f"m{i}")
                                  for i, (a, b) in enumerate(zip(_MULT, _ADD))])
    bands = []
    for band in range(BANDS):
        key = pl.lit(band + 1, pl.UInt64) * pl.lit(0xD6E8FEB86659FD93, pl.UInt64)
        for row in range(ROWS):
            m = pl.col(f"m{band * ROWS + row}")
            key = (key ^ m) * pl.lit(0x100000001B3, pl.UInt64)
        bands.append(mins.select("g", band=(key // 2).cast(pl.Int64)))
    return pl.concat(bands).unique()


def _hashes(norm: str) -> list[int]:
    """Stable 63-bit hashes of a normalised text's word 3-shingles (the words, if fewer)."""
    words = norm.split()
    grams = [" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))] if words else []
    return [int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") >> 1 for g in grams]
