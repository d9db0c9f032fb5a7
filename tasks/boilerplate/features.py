"""Evidence per block for the block classifier: what the block looks like (length, punctuation,
share of function words, links), where it sits (position, headings, page regions named by its
ancestors' tags and class/id words), whether it repeats, and, on the HTML route, how much of it
each independent extractor kept. Every vote and word group comes from the caller or the data
files; the weights live in `tasks/data/block_weights_*.tsv` (see `model.py`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from tasks.boilerplate.blocks import SENTENCE_END, fold
from tasks.lexicon import Lexicon

_WORD = re.compile(r"\w+")
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass(frozen=True)
class BlockEvidence:
    """A block as the classifier sees it (HTML evidence empty on the text route)."""

    text: str
    tag: str = ""  # the block element holding the text
    ancestors: tuple[str, ...] = ()  # tags from the root down to the block element
    words: frozenset[str] = frozenset()  # class and id words of the block element and its ancestors
    link_chars: int = 0  # characters of the text inside <a> elements
    parent: int = 0  # which element holds the block element (blocks of one container share it)


def tokens(text: str) -> list[str]:
    """The text's words, lower-cased (what shingles are made of)."""
    return [t.lower() for t in _WORD.findall(text)]


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    toks = tokens(text)
    if len(toks) < n:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def coverage(block: str, kept: set[tuple[str, ...]]) -> float:
    """Share of a block's word 4-shingles that an extractor's output holds."""
    return share(shingles(block), kept)


def share(own: set[tuple[str, ...]], kept: set[tuple[str, ...]]) -> float:
    return sum(s in kept for s in own) / len(own) if own else 0.0


def _smooth(values: list[float], i: int, reach: int = 2) -> float:
    near = [values[j] for j in range(max(0, i - reach), min(len(values), i + reach + 1)) if j != i]
    return sum(near) / len(near) if near else 0.0


def features(blocks: list[BlockEvidence], votes: dict[str, list[float]], lex: Lexicon,
             extractors: tuple[str, ...], own: list[set[tuple[str, ...]]] | None = None) -> list[dict[str, float]]:
    """One feature dict per block. `votes[name][i]`: coverage of block i by extractor `name`;
    `own`: the blocks' shingles, when the caller has them already."""
    function_words = frozenset().union(*lex.stopwords.values()) if lex.stopwords else frozenset()
    groups = {name[len("html_"):]: words for name, words in lex.words.items() if name.startswith("html_")}
    keys = [fold(b.text) for b in blocks]
    repeats = Counter(keys)
    own = own if own is not None else [shingles(b.text) for b in blocks]
    seen = Counter(s for sh in own for s in sh)
    n = max(1, len(blocks))
    rules = lex.boilerplate
    out = []
    for i, b in enumerate(blocks):
        words = _WORD.findall(b.text)
        nw = len(words)
        lower = [w.lower() for w in words]
        f = {
            "bias": 1.0,
            "log_words": math.log1p(nw),
            "short": float(nw < 5),
            "sentence": float(nw >= 3 and bool(SENTENCE_END.search(b.text))),
            "function_share": sum(w in function_words for w in lower) / nw if nw else 0.0,
            "link_share": b.link_chars / max(1, len(b.text)),
            "digits_share": sum(c.isdigit() for c in b.text) / max(1, len(b.text)),
            "capital_share": sum(w[:1].isupper() for w in words) / nw if nw else 0.0,
            "position": i / n,
            "repeated": float(repeats[keys[i]] > 1),
            "echoed": sum(seen[s] > 1 for s in own[i]) / len(own[i]) if own[i] else 0.0,  # a teaser of the body
            "phrase_rule": float(nw <= 120 and any(r.pattern.search(b.text) for r in rules)),
            "heading": float(b.tag in HEADINGS),
            "list_item": float(b.tag == "li" or "li" in b.ancestors),
            "table_cell": float(b.tag in {"td", "th"}),
            "paragraph": float(b.tag == "p"),
        }
        if b.ancestors:
            f["in_article"] = float(bool({"article", "main"} & set(b.ancestors)))
            f["in_chrome"] = float(bool({"header", "footer", "nav", "aside", "form"} & set(b.ancestors)))
        for group, group_words in groups.items():
            f[f"class_{group}"] = float(bool(b.words & group_words))
        for name in extractors:
            values = votes.get(name, [])
            v = values[i] if i < len(values) else 0.0
            f[f"vote_{name}"] = v
            f[f"near_{name}"] = _smooth(values, i) if values else 0.0
        if extractors:
            f["votes_all"] = sum(f[f"vote_{name}"] for name in extractors) / len(extractors)
        out.append(f)
    if extractors and any(b.parent for b in blocks):
        # the container's share: body paragraphs sit together in one element
        # (one pass per container, not per block: a page of 40,000 paragraphs in one <div> stays linear)
        keys = ["votes_all", *(f"vote_{name}" for name in extractors)]
        sums: dict[int, dict[str, float]] = {}
        for i, b in enumerate(blocks):
            acc = sums.setdefault(b.parent, dict.fromkeys(["size", *keys], 0.0))
            acc["size"] += len(b.text)
            for key in keys:
                acc[key] += out[i][key] * len(b.text)
        for i, b in enumerate(blocks):
            acc = sums[b.parent]
            size = max(1.0, acc["size"])
            out[i]["container_votes"] = acc["votes_all"] / size
            for name in extractors:
                out[i][f"container_{name}"] = acc[f"vote_{name}"] / size
            out[i]["container_share"] = math.log1p(acc["size"]) / 10
    return out
