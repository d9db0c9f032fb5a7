"""A scale corpus for benchmarks, generated at bench time from the bundled sample (never committed).

Each article recombines paragraphs of the sample's text articles under a new headline, with page
furniture around it, so every stage has real work: stripping, parsing, entities, claims.
"""

from __future__ import annotations

import random
from pathlib import Path

from tasks.boilerplate import strip_boilerplate
from tasks.lexicon import load_lexicon

ROOT = Path(__file__).resolve().parent.parent
FURNITURE = ["Share this article", "3 41", "Read also: More on the quota talks",
             "Get the Harbour Notes Weekly in your inbox:", "© 2025 Harbour Notes. All rights reserved."]


def pools(sample: Path = ROOT / "data" / "raw") -> tuple[list[str], list[str]]:
    lex = load_lexicon()
    titles, paragraphs = [], []
    for path in sorted(sample.glob("*.txt")):
        page = strip_boilerplate(path.read_text(encoding="utf-8"), lex)
        if page.title:
            titles.append(page.title)
        paragraphs += [p for p in page.body.split("\n\n") if len(p.split()) >= 12]
    return titles, paragraphs


def write_corpus(dest: Path, n: int, *, seed: int = 7, paragraphs_per_article: tuple[int, int] = (8, 14)) -> int:
    """Write n articles into dest; returns the number of words written."""
    titles, paras = pools()
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    words = 0
    for i in range(n):
        body = rng.sample(paras, min(len(paras), rng.randint(*paragraphs_per_article)))
        text = "\n\n".join([f"{rng.choice(titles)} ({i})", *body, *rng.sample(FURNITURE, 3)]) + "\n"
        words += len(text.split())
        (dest / f"article-{i:06d}.txt").write_text(text, encoding="utf-8")
    return words


if __name__ == "__main__":
    import sys

    print(write_corpus(Path(sys.argv[1]), int(sys.argv[2])), "words")
