"""Run the real flow on a shared corpus and read a scorer's SUMMARY line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FLOORS = json.loads((Path(__file__).with_name("floors.json")).read_text())


def curate(raw: Path, curated: Path) -> dict:
    from flows.curate import curate_articles

    return curate_articles(raw=str(raw), curated=str(curated))


def summary(script: Path, *args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, check=True).stdout
    line = next(x for x in reversed(out.splitlines()) if x.startswith("SUMMARY "))
    print(out)
    return {k: float(v) for k, v in (kv.split("=", 1) for kv in line.split()[1:])}


def check(scores: dict[str, float], floors: dict[str, float]) -> list[str]:
    """Floors `x` are minimums; floors `x_max` are maximums."""
    bad = []
    for key, floor in floors.items():
        if key.endswith("_max"):
            name = key[: -len("_max")]
            if scores[name] > floor:
                bad.append(f"{name}={scores[name]:.3f} above its ceiling {floor}")
        elif scores[key] < floor:
            bad.append(f"{key}={scores[key]:.3f} below its floor {floor}")
    return bad


def gold_by_sub_dataset(gold: Path, into: Path) -> dict[str, Path]:
    """A gold folder per sub-dataset of a benchmark (links to its pages' gold), as its
    `manifest.jsonl` beside `gold` names them: sub-dataset -> folder."""
    out: dict[str, Path] = {}
    for line in (gold.parent / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        folder = out.setdefault(rec["sub_dataset"], into / rec["sub_dataset"])
        folder.mkdir(parents=True, exist_ok=True)
        os.symlink(gold / f"{rec['id']}.txt", folder / f"{rec['id']}.txt")
    return out
