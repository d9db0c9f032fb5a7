"""The helper process: batches split over two processes so that parsing, the one irreducible
cost, is all the flow's process does.

Protocol, per batch i (a run of two batches or more, default task runner):

    flow process                          helper process (spawned once per run)
    ------------                          --------------
                                          strip(i+1): read, hash, decode, strip; keep it
    parse batch i (spaCy)                 ...
    send docs of i (Doc.to_bytes)  --->   extract(i): rebuild the docs on a blank vocabulary of
                                          the model's language (reproduces the parse exactly,
                                          tested), extract mentions and claims, stage the rows

A batch is handed over by its index; the helper keeps stripped batches until their parse
arrives. No Prefect here: the helper process imports only what the steps need.
"""

from __future__ import annotations

import functools
import time
from concurrent.futures import Future

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from flows.batch import ReadBatch, read_batch, stage_rows
from flows.children import worker_pool
from flows.model import lexicon
from flows.records import BatchPlan, BatchResult
from flows.settings import Settings
from flows.staging import Staging
from tasks.curate import StrippedBatch, extract_documents, parse, strip_documents
from tasks.faults import Failure
from tasks.rows import Stamp

# -- in the helper process
_WAITING: dict[int, tuple[StrippedBatch, ReadBatch, dict[str, float]]] = {}  # stripped, waiting for their parse


def _strip(settings: Settings, stamp: Stamp, plan: BatchPlan) -> tuple[list[str], list[str]]:
    seconds: dict[str, float] = {}
    read = read_batch(settings, plan, seconds)
    batch = strip_documents(read.docs, lexicon(), stamp, max_body_chars=settings.max_body_chars,
                            languages=frozenset(settings.languages), fault=settings.fault_hook())
    _WAITING[plan.index] = (batch, read, seconds)
    return batch.texts, batch.uris


@functools.cache
def _vocab(lang: str) -> Vocab:
    return spacy.blank(lang).vocab


def _extract(settings: Settings, stamp: Stamp, staging: Staging, index: int, lang: str,
             parsed: list[bytes | Failure], main_seconds: dict[str, float]) -> BatchResult:
    batch, read, seconds = _WAITING.pop(index)
    vocab = _vocab(lang)
    clock = time.perf_counter()
    docs = [Doc(vocab).from_bytes(b) if isinstance(b, bytes) else b for b in parsed]
    seconds["receive"] = time.perf_counter() - clock
    fault = settings.fault_hook()
    rows = extract_documents(batch, docs, lexicon(), stamp, fault=fault)
    return stage_rows(rows, read, staging, stamp, {**main_seconds, **seconds}, fault)


# -- in the parsing process
class Helper:
    """The helper process of one run (use as a context manager)."""

    def __init__(self, settings: Settings, stamp: Stamp, staging: Staging):
        self.settings, self.stamp, self.staging = settings, stamp, staging
        self._pool = worker_pool()

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def strip(self, plan: BatchPlan) -> Future:
        """Read and strip a batch in the helper; the future gives the texts to parse and their names."""
        return self._pool.submit(_strip, self.settings, self.stamp, plan)

    def parse_and_extract(self, nlp: Language, texts: list[str], uris: list[str], index: int) -> Future:
        """Parse the texts here, then hand the docs (or the failure of a text that could not be
        parsed) to the helper to extract and stage; the future gives the batch's `BatchResult`."""
        seconds = {"send": 0.0}
        parsed: list[bytes | Failure] = []
        s = self.settings
        for doc in parse(nlp, texts, seconds, batch_size=s.nlp_batch_size, batch_chars=s.nlp_batch_chars,
                         n_process=s.n_process, uris=uris, fault=s.fault_hook()):
            clock = time.perf_counter()
            parsed.append(doc if isinstance(doc, Failure) else doc.to_bytes(exclude=["tensor", "user_data"]))
            seconds["send"] += time.perf_counter() - clock
        return self._pool.submit(_extract, s, self.stamp, self.staging, index, nlp.lang, parsed, seconds)
