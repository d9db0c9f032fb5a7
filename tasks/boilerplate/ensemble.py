"""The HTML route's ensemble: independent extractors' outputs aligned to the page's blocks, and a
decision per unit of text.

Units are the base extractor's paragraphs (trafilatura, favouring precision: fine-grained and
usually right) mapped to the page blocks they come from, and every page block the base left out.
A logistic model (`block_weights_html.tsv`, fitted on dev pages by bench/train_blocks.py) weighs
each unit's evidence — the block's shape and place (features.py), how much of it each extractor
kept, how much the extractors agree on the page — and a base paragraph stays unless the model is
confident it is furniture, a left-out block comes in only when the model is confident it is body
(the thresholds are in the weights file). Every unit left out is reported with its evidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from tasks.boilerplate.blocks import introduces
from tasks.boilerplate.features import BlockEvidence, features, share, shingles, tokens
from tasks.boilerplate.model import probability
from tasks.lexicon import Lexicon

BASE = "trafilatura"
OTHER = "readability"
OTHERS = (OTHER,)
NEAR = 3  # blocks after the last one placed where a short line of the base is looked for (`_near`)


@dataclass(frozen=True)
class Unit:
    text: str
    from_base: bool
    features: dict[str, float]
    caption: bool = False  # the page's markup marks it as a figure's caption (<figcaption>)
    why: str = ""  # what its place says when that, not the model, kept it (`decide`)

    def evidence(self, p: float) -> str:
        votes = " ".join(f"{name}={self.features.get(f'vote_{name}', 0.0):.2f}" for name in (BASE, *OTHERS))
        why = f" {self.why}" if self.why else ""
        return f"p={p:.2f} {'base' if self.from_base else 'left out by the base'}{why} {votes}"


def units(blocks: list[BlockEvidence], outputs: dict[str, str], lex: Lexicon) -> list[Unit]:
    """The base's paragraphs and the page blocks it left out, in page order, with their evidence.
    `outputs`: extractor name -> its text (paragraphs one per line); `blocks`: the page's blocks."""
    kept = {name: shingles(text) for name, text in outputs.items()}
    names = tuple(n for n in (BASE, *OTHERS) if n in outputs)
    block_sh = [shingles(b.text) for b in blocks]
    votes = {name: [share(sh, kept[name]) for sh in block_sh] for name in names}
    feats = features(blocks, votes, lex, names, block_sh)
    page = {}
    for name in names[1:]:
        page[f"page_len_{name}"] = math.log1p(len(kept[name])) - math.log1p(len(kept[BASE]))
        page[f"page_agree_{name}"] = len(kept[name] & kept[BASE]) / max(1, len(kept[name] | kept[BASE]))
    out: list[tuple[int, int, Unit]] = []  # (page position, order among equals, unit)
    covered: set[int] = set()
    whole: set[int] = set()  # blocks whose text stands for the base's line (`_whole`)
    last = -1
    index = _Index(block_sh)
    for line in (x.strip() for x in outputs.get(BASE, "").split("\n")):
        if not line:
            continue
        own = shingles(line)
        if (near := _near(line, blocks, last, whole)) is not None:
            shared, top, best = {}, len(own), near  # the block holds the whole line
        else:
            shared = index.shared(own)  # group -> shingles in common, for the groups with some
            top = max(shared.values(), default=0)
            # the first block with the most in common (the first block at all when none shares any)
            first = min(index.first[g] for g, n in shared.items() if n == top) if top else 0
            best = first if own and blocks else None
        if best is not None and top >= 0.7 * len(own):
            if best in whole:  # the rest of a paragraph whose whole text is in already
                continue
            text = _whole(line, blocks[best])
            if text != line:
                whole.add(best)
            pieces = [(best, text)]
        else:
            # a line that spans several page blocks (a layout table's row, lines the base joined):
            # the blocks it holds, each with its own evidence
            pieces = sorted((i, blocks[i].text) for g, n in shared.items() if n >= max(1, 0.5 * index.size[g])
                            for i in index.members[g] if i not in covered)
            if not pieces:
                pieces = [(best, line)] if best is not None and top >= 0.3 * len(own) else [(None, line)]
        for i, text in pieces:
            if i is None:
                f = {"bias": 1.0}
            else:
                f, last = dict(feats[i]), i
                covered.add(i)
            out.append((last, 0, Unit(text, True, _unit(f, page, True, text), i is not None and is_caption(blocks[i]))))
    for i, b in enumerate(blocks):
        if i not in covered and votes.get(BASE, [0.0] * len(blocks))[i] < 0.5:
            out.append((i, 1, Unit(b.text, False, _unit(dict(feats[i]), page, False, b.text), is_caption(b))))
    return [u for _, _, u in sorted(out, key=lambda x: (x[0], x[1]))]


def _near(line: str, blocks: list[BlockEvidence], last: int, whole: set[int]) -> int | None:
    """The block that holds a short line of the base (under four words) in reading order: the
    block taken whole just before it (the next line of a <pre>'s code, "list: ["), else one of the
    next `NEAR` blocks after the last one placed (a subheading "Hardware") — not the first block
    of the page with the same word (a menu's "List"). None when the line is longer or not there."""
    words = len(tokens(line))
    if words >= 4:
        return None
    flat = " ".join(line.split())
    if last in whole and flat in blocks[last].text:
        return last
    if not words:
        return None
    return next((i for i in range(last + 1, min(len(blocks), last + 1 + NEAR)) if flat in blocks[i].text), None)


def _whole(line: str, block: BlockEvidence) -> str:
    """The base's line, or its block's text when the line is that text with words left out: the
    base loses the words after an element it removes inside a paragraph ("Deutsche Telekom AG's
    France Télécom's" for "... AG's [ticker widget] U.K. unit T-Mobile and France Télécom's [widget]
    Orange, but ..."). The block is a paragraph (<p>) whose words in order hold every word of the
    line, and at most three times as many (not a container of the whole page's text), or a <pre>
    block, whose lines (code, verse) the base gives one by one."""
    if block.tag == "pre":
        return block.text
    own, held = tokens(line), tokens(block.text)
    if block.tag != "p" or not len(own) < len(held) <= 3 * len(own):
        return line
    rest = iter(held)
    return block.text if all(w in rest for w in own) else line


def is_caption(block: BlockEvidence) -> bool:
    """The markup says the block is a figure's caption: it is, or is inside, a <figcaption>."""
    return block.tag == "figcaption" or "figcaption" in block.ancestors


class _Index:
    """Which page blocks share word shingles with a line, without comparing the line with every
    block: blocks of one text are one group (a page that repeats a paragraph 40,000 times stays
    linear), and each shingle lists the groups that hold it."""

    def __init__(self, block_sh: list[set[tuple[str, ...]]]):
        groups: dict[frozenset, list[int]] = {}
        for i, sh in enumerate(block_sh):
            if sh:
                groups.setdefault(frozenset(sh), []).append(i)
        self.members = list(groups.values())
        self.first = [m[0] for m in self.members]
        self.size = [len(sh) for sh in groups]
        self.holding: dict[tuple[str, ...], list[int]] = {}
        for g, sh in enumerate(groups):
            for s in sh:
                self.holding.setdefault(s, []).append(g)

    def shared(self, own: set[tuple[str, ...]]) -> dict[int, int]:
        out: dict[int, int] = {}
        for s in own:
            for g in self.holding.get(s, ()):
                out[g] = out.get(g, 0) + 1
        return out


def _unit(f: dict[str, float], page: dict[str, float], from_base: bool, text: str) -> dict[str, float]:
    """A unit's evidence: its block's, the page's, and how the extractors' votes weigh when they
    disagree on the page (a vote counts for more where the other extractor kept something else)."""
    f.update(page, from_base=float(from_base), unit_words=math.log1p(len(text.split())))
    for name in OTHERS:
        apart = 1.0 - page.get(f"page_agree_{name}", 1.0)
        f[f"apart_vote_{name}"] = f.get(f"vote_{name}", 0.0) * apart
        f[f"apart_base_{name}"] = float(from_base) * apart
        f[f"apart_container_{name}"] = f.get(f"container_{name}", 0.0) * apart
    return f


def decide(items: list[Unit], weights: dict[str, float]) -> list[tuple[Unit, bool, float]]:
    """Each unit with whether it is body and the model's probability. The model weighs each unit
    alone; two places in the story say more than its shape:
    - a heading (<h2>…<h6>) left out between two units kept is the article's subheading ("Eve
      Valkyrie ($60)" between the paragraphs of a list article): it comes in at p >=
      `threshold_subheading`, below the threshold for other left-out blocks (headings are mostly
      furniture; between two paragraphs of the story one is not);
    - the list items right under a kept line that ends in a colon ("Other deals:", "Key
      features:") are the list that line introduces, whatever their shape (prices, model numbers).
      A line a boilerplate phrase names ("Related content:", "More in Sports:") introduces none."""
    keep_base, add_other = weights.get("threshold_keep_base", 0.1), weights.get("threshold_add", 0.7)
    subheading = weights.get("threshold_subheading", add_other)
    model = {k: v for k, v in weights.items() if not k.startswith("threshold_")}
    out = []
    for u in items:
        p = probability(u.features, model)
        out.append((u, p >= (keep_base if u.from_base else add_other), p))
    # the units around each unit, passing over what a boilerplate phrase names ("Advertisement")
    between = [i for i, (u, _, _) in enumerate(out) if not u.features.get("phrase_rule")]
    for before, i, after in zip(between, between[1:], between[2:]):
        u, keep, p = out[i]
        if not keep and u.features.get("heading") and p >= subheading and out[before][1] and out[after][1]:
            out[i] = (replace(u, why="a heading between kept units"), True, p)
    for i, (u, keep, _) in enumerate(out):
        if keep and introduces(u.text) and not u.features.get("phrase_rule"):
            j = i + 1
            while j < len(out) and out[j][0].features.get("list_item"):
                item, listed, p = out[j]
                if not listed:
                    out[j] = (replace(item, why="an item of the list a kept line introduces"), True, p)
                j += 1
    return out
