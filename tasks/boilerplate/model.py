"""The block classifier: a logistic model over the evidence of `features.py`, its weights a data
file per route (`tasks/data/block_weights_html.tsv`, `block_weights_text.tsv`), fitted on dev pages
by `bench/train_blocks.py` and read with the lexicon (`tasks.lexicon.parse_weights`)."""

from __future__ import annotations

import math


def write_weights(weights: dict[str, float], route: str, trained_on: list[str]) -> str:
    head = (f"# Block classifier weights, {route} route: logistic regression over tasks/boilerplate/features.py,\n"
            f"# fitted by bench/train_blocks.py on the dev pages of {', '.join(trained_on)} (labels: gold body).\n"
            "# feature <TAB> weight\n")
    return head + "".join(f"{name}\t{weight:.6f}\n" for name, weight in weights.items())


def probability(features: dict[str, float], weights: dict[str, float]) -> float:
    z = sum(weights.get(name, 0.0) * value for name, value in features.items())
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
