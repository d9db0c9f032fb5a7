"""`make quality`: every dev set of ../shared through the real flow, scored by ../shared/eval.

Each set is curated by `newsetl run` (its own process, its own curated folder under
bench/out/quality/) and scored by its scorer; the SUMMARY lines are printed, one per set and, for
boilerplate-wide, one per sub-dataset (its manifest names each page's). These are the figures the
golden floors hold and the closing notes report.

    python -m bench.quality                  # every set
    python -m bench.quality seeds polnear-dev  # some of them
    python -m bench.quality --reuse ...      # score the curated folders of the last run again
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OUT = ROOT / "bench" / "out" / "quality"
BENCH, EVAL = SHARED / "bench", SHARED / "eval"

# set -> (raw folder, scorer and its arguments after the curated folder)
SETS: dict[str, tuple[Path, list[str]]] = {
    "seeds": (SHARED / "seeds", [str(EVAL / "score_seeds.py")]),
    "boilerplate-dev-text": (BENCH / "boilerplate-dev" / "text",
                             [str(EVAL / "score_boilerplate.py"), str(BENCH / "boilerplate-dev" / "gold")]),
    "boilerplate-dev-html": (BENCH / "boilerplate-dev" / "html",
                             [str(EVAL / "score_boilerplate.py"), str(BENCH / "boilerplate-dev" / "gold")]),
    "boilerplate-wide-text": (BENCH / "boilerplate-wide" / "text",
                              [str(EVAL / "score_boilerplate.py"), str(BENCH / "boilerplate-wide" / "gold")]),
    "boilerplate-wide-html": (BENCH / "boilerplate-wide" / "html",
                              [str(EVAL / "score_boilerplate.py"), str(BENCH / "boilerplate-wide" / "gold")]),
    "polnear-dev": (BENCH / "claims-dev" / "dev" / "text",
                    [str(EVAL / "score_polnear.py"), str(BENCH / "claims-dev" / "dev_gold.jsonl")]),
    "polnear-train": (BENCH / "claims-train" / "text",
                      [str(EVAL / "score_polnear.py"), str(BENCH / "claims-train" / "train_gold.jsonl")]),
    "conll": (OUT / "conll-raw", [str(EVAL / "conll.py"), "score", str(BENCH / "ner-dev" / "conllpp_dev.txt")]),
}


def summary_line(out: str) -> str:
    return next((x for x in reversed(out.splitlines()) if x.startswith("SUMMARY ")), "SUMMARY (none)")


def score(name: str, curated: Path) -> list[str]:
    _raw, scorer = SETS[name]
    if name == "conll":
        args = [scorer[0], scorer[1], scorer[2], str(curated)]
    else:
        args = [scorer[0], str(curated), *scorer[1:]]
    lines = [f"{name}: " + summary_line(subprocess.run([sys.executable, *args], capture_output=True, text=True,
                                                       check=True).stdout)]
    if name.startswith("boilerplate-wide"):
        lines += [f"{name}/{sub}: {line}" for sub, line in per_sub_dataset(curated, Path(scorer[1]))]
    return lines


def per_sub_dataset(curated: Path, gold: Path) -> list[tuple[str, str]]:
    """The scorer over the gold pages of each sub-dataset."""
    from tests.golden.helpers import gold_by_sub_dataset

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for sub, folder in sorted(gold_by_sub_dataset(gold, Path(tmp)).items()):
            res = subprocess.run([sys.executable, str(EVAL / "score_boilerplate.py"), str(curated), str(folder)],
                                 capture_output=True, text=True, check=True)
            out.append((sub, summary_line(res.stdout)))
    return out


def curate(name: str) -> Path:
    raw, _ = SETS[name]
    if name == "conll" and not raw.is_dir():
        subprocess.run([sys.executable, str(EVAL / "conll.py"), "make", str(BENCH / "ner-dev" / "conllpp_dev.txt"),
                        str(raw)], check=True, capture_output=True)
    curated = OUT / name
    subprocess.run(["rm", "-rf", str(curated)], check=True)
    newsetl = Path(sys.executable).with_name("newsetl")
    clock = time.monotonic()
    res = subprocess.run([str(newsetl), "run", "--raw", str(raw), "--curated", str(curated)], cwd=ROOT,
                         capture_output=True, text=True)
    if res.returncode != 0:
        print(f"{name}: the run failed (rc {res.returncode})\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}")
        raise SystemExit(1)
    print(f"{name}: curated in {time.monotonic() - clock:.0f} s", file=sys.stderr)
    return curated


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="*", default=list(SETS))
    ap.add_argument("--reuse", action="store_true", help="score the curated folders of the last run again")
    a = ap.parse_args()
    if not (EVAL / "README.md").exists():
        raise SystemExit(f"../shared is absent ({SHARED}): nothing to measure")
    for name in a.sets:
        curated = OUT / name if a.reuse else curate(name)
        for line in score(name, curated):
            print(line, flush=True)


if __name__ == "__main__":
    main()
