"""The run report: one self-contained HTML page (inline SVG plots, inline
CSS, no scripts or external files) showing a run and the tables at a glance.

Pure: frames and the run's row in, an HTML string out.
"""

from __future__ import annotations

import html
import json

import polars as pl

from tasks import svg

COLOURS = {"PERSON": "#4C72B0", "ORG": "#DD8452", "GPE": "#55A868", "LOC": "#55A868", "NORP": "#C44E52",
           "FAC": "#8172B3"}
CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
h1{font-size:1.5rem} h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0} td,th{border:1px solid #ddd;padding:.25rem .5rem;
text-align:left;vertical-align:top} th{background:#f5f5f5} .counts td:nth-child(2){text-align:right}
figure{margin:.5rem 0} figure svg{max-width:100%;height:auto} .empty{color:#777;font-style:italic}
"""


def weekly_chart(weekly: pl.DataFrame, title: str, top: int = 8) -> str:
    """Statements per week (`week`: a date, Monday) of the `top` outlets, a line each, as inline SVG."""
    outlets = (weekly.group_by("outlet").agg(pl.col("len").sum()).sort(["len", "outlet"], descending=[True, False])
               ["outlet"].head(top).to_list())
    weeks = sorted(set(weekly["week"].to_list()))
    series = []
    for outlet in outlets:
        counts = dict(weekly.filter(pl.col("outlet") == outlet).select("week", "len").iter_rows())
        series.append((_cut(outlet, 26), [counts.get(w, 0) for w in weeks]))
    return svg.line_chart(weeks, series, title, ylabel="statements (week of)")


def _cut(label: str, n: int) -> str:
    return label if len(label) <= n else label[:n - 1] + "…"


def per_week(claims: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Statements per outlet and week of publication (articles without a date left out)."""
    dated = articles.filter(pl.col("published").is_not_null()).select(
        "article_id", pl.col("publisher").fill_null("unknown").alias("outlet"),
        week=pl.col("published").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).dt.truncate("1w"))
    return (claims.join(dated.drop_nulls("week"), on="article_id").group_by("outlet", "week").len()
            .sort("week", "outlet"))


def _figure(labels: list[str], values: list[float], title: str, **kw) -> str:
    if not labels:
        return f'<p class="empty">{html.escape(title)}: nothing to show.</p>'
    chart = svg.bar_chart([_cut(lbl, 45) for lbl in labels], values, title, **kw)
    return f'<figure class="plot">{chart}</figure>'


def _table(rows: list[dict], columns: list[str], limit: int = 50) -> str:
    if not rows:
        return '<p class="empty">none</p>'
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt(r.get(c)))}</td>" for c in columns) + "</tr>"
                   for r in rows[:limit])
    more = f'<p class="empty">… {len(rows) - limit} more</p>' if len(rows) > limit else ""
    return f"<table><tr>{head}</tr>{body}</table>{more}"


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return ", ".join(map(str, v))
    return str(v)


def statements_of(claims: pl.DataFrame) -> pl.DataFrame:
    """One row per statement: its quoted parts' contents joined in order, the rest from its first part."""
    if "statement_id" not in claims.columns:
        return claims
    rest = [c for c in claims.columns if c not in {"statement_id", "part", "content"}]
    return claims.sort("statement_id", "part").group_by("statement_id", maintain_order=True).agg(
        pl.col("content").str.join(" "), *(pl.col(c).first() for c in rest))


def build_report(run: dict, articles: pl.DataFrame, claims: pl.DataFrame, entities: pl.DataFrame,
                 quarantine: pl.DataFrame, clusters: pl.DataFrame, top: int = 15, totals: dict[str, int] | None = None
                 ) -> str:
    """The report page; claims are counted and shown as statements (their parts joined). The
    frames are what the sections cover (a run's new articles, or all); `totals` gives the sizes of
    the whole tables when they differ."""
    claims = statements_of(claims)
    weekly = per_week(claims, articles) if "published" in articles.columns else pl.DataFrame()
    outlet = articles.select("article_id", pl.col("publisher").fill_null("unknown").alias("outlet"))
    per_outlet = claims.join(outlet, on="article_id").group_by("outlet").len().sort(["len", "outlet"],
                                                                                   descending=[True, False])
    speakers = (claims.filter(pl.col("speaker_name").is_not_null()).group_by("speaker_name").len()
                .sort(["len", "speaker_name"], descending=[True, False]).head(top))
    denials = claims.filter(pl.col("polarity") == "deny").join(outlet, on="article_id")
    deniers = (denials.with_columns(who=pl.coalesce("speaker_name", "speaker", pl.lit("unknown")))
               .group_by("who").len().sort(["len", "who"], descending=[True, False]).head(top))
    ents = (entities.filter(pl.col("label").is_in(list(COLOURS))).sort(["n_articles", "n_mentions"],
                                                                        descending=True).head(20))
    reasons = (quarantine.with_columns(reason=pl.col("reason").str.slice(0, 70)).group_by("reason").len()
               .sort(["len", "reason"], descending=[True, False]))
    corroborated = clusters.filter(pl.col("n_outlets") >= 2).sort(["n_outlets", "n_articles"], descending=True)
    validation = json.loads(run.get("validation") or "{}")
    counts = [(k, v) for k, v in run.items() if k.startswith("n_")]
    title = f"newsetl run {run['run_id']}"
    parts = [
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(str(run.get('started_at', '')))} → {html.escape(str(run.get('finished_at', '')))}; "
        f"pipeline {html.escape(str(run.get('pipeline_version', '')))}; raw folder "
        f"{html.escape(str(run.get('raw_root', '')))}. "
        + (f"Tables: {totals['articles']} articles, {totals['claims']} claims, {totals['entities']} entities, "
           f"{totals['claim_clusters']} claim clusters. Below: the {articles.height} articles this run curated, "
           f"their {claims.height} statements, the {entities.height} entities and {clusters.height} claim clusters "
           "they name or join.</p>" if totals else
           f"Tables: {articles.height} articles, {claims.height} statements, {entities.height} entities, "
           f"{clusters.height} claim clusters.</p>"),
        "<h2>This run</h2><table class='counts'>"
        + "".join(f"<tr><td>{html.escape(k[2:].replace('_', ' '))}</td><td>{v}</td></tr>" for k, v in counts)
        + "</table>",
        "<h2>Claims per outlet</h2>",
        _figure(per_outlet["outlet"].to_list(), per_outlet["len"].to_list(), "Statements per outlet",
                xlabel="statements"),
        "<h2>Claims per week</h2>",
        (f'<figure class="plot">{weekly_chart(weekly, "Statements per week of publication, by outlet")}</figure>'
         if weekly.height else '<p class="empty">Claims per week: no article has a publication date.</p>'),
        "<h2>Top speakers</h2>",
        _figure(speakers["speaker_name"].to_list(), speakers["len"].to_list(), f"Top {top} speakers by statements",
                xlabel="statements"),
        "<h2>Denials</h2>",
        _figure(deniers["who"].to_list(), deniers["len"].to_list(), "Denials by speaker", colours=["#C44E52"],
                xlabel="denials"),
        _table(denials.with_columns(who=pl.coalesce("speaker_name", "speaker")).to_dicts(),
               ["who", "cue", "content", "outlet"]),
        "<h2>Entities</h2>",
        _figure(ents["canonical_name"].to_list(), ents["n_articles"].to_list(), "Most mentioned entities "
                "(articles)", colours=[COLOURS[lbl] for lbl in ents["label"].to_list()], xlabel="articles"),
        "<h2>Claims corroborated by two or more outlets</h2>",
        _table(corroborated.to_dicts(), ["speaker_name", "polarity", "n_outlets", "n_articles", "outlets", "content"]),
        "<h2>Quarantine</h2>",
        _figure(reasons["reason"].to_list(), reasons["len"].to_list(), "Quarantine reasons",
                colours=["#8C8C8C"], xlabel="rows"),
        "<h2>Validation</h2>",
        (f"<p>Every expectation of every table, with samples of failing rows: "
         f"<a href='{html.escape(_relative_docs(run))}'>Great Expectations Data Docs of this run</a>.</p>"
         if run.get("data_docs") else "<p class='empty'>No Data Docs for this run.</p>"),
        _table([{"table": t, **v, "failed": "; ".join(v.get("failed", []))} for t, v in validation.items()],
               ["table", "rows", "failed_rows", "expectations", "failed"]),
        "</body></html>",
    ]
    return "\n".join(parts)


def _relative_docs(run: dict) -> str:
    """The run's Data Docs as a link relative to the report (curated/reports/ → curated/data_docs/)."""
    parts = str(run["data_docs"]).replace("\\", "/").split("/")
    return "../" + "/".join(parts[-3:]) if len(parts) >= 3 else str(run["data_docs"])
