"""Reading a WARC archive (`.warc`, `.warc.gz`) record by record, never whole: fastwarc streams
it (chosen by measured speed, bench/warc_readers.py), each record's block is read only when it
may be an article and is within the per-record size limit, and `tasks/warc.py` says what the
record is. The archive's SHA-256 is computed on the way through."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from fastwarc.warc import ArchiveIterator

from tasks.intake import Document, Rejected
from tasks.warc import Skipped, WarcRecord, record_document, skip_reason

Item = Document | Rejected | Skipped


class _Hashing:
    """A file read through, hashed and counted as fastwarc reads it."""

    def __init__(self, fh):
        self.fh, self.sha, self.consumed = fh, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.sha.update(data)
        self.consumed += len(data)
        return data

    def tell(self) -> int:
        return self.consumed


def read_archive(path: Path, rel: str, max_bytes: int) -> tuple[dict[str, str], Iterator[Item]]:
    """(a dict holding the archive's SHA-256 under "sha" once the records are read, the records as
    documents, rejections or skips). Corrupt data that stops the reader yields a rejection naming
    where it stopped; the records before it stand."""
    state: dict[str, str] = {}

    def records() -> Iterator[Item]:
        size = path.stat().st_size
        with path.open("rb") as fh:
            stream = _Hashing(fh)
            last, error = 0, None
            try:
                for offset, item in _records(stream, rel, max_bytes):
                    last = offset
                    yield item
            except BaseException as exc:  # fastwarc raises OSError on corrupt data, or a Rust panic
                if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
                    raise
                error = " ".join(str(exc).split())[:200] or type(exc).__name__
            while stream.read(1 << 20):  # whatever the reader left unread, for the hash
                pass
            state["sha"] = stream.sha.hexdigest()
            if error is not None:
                yield Rejected(f"{rel}#offset-{last}", None, f"the archive cannot be read past the record at offset "
                               f"{last:,} of {size:,} bytes (corrupt WARC data: {error}); the records before it "
                               "are read", source_file=rel)

    return state, records()


def _records(stream: _Hashing, rel: str, max_bytes: int) -> Iterator[tuple[int, Item]]:
    for rec in ArchiveIterator(stream, parse_http=False):
        headers = rec.headers
        try:
            declared = int(headers.get("Content-Length") or -1)
        except ValueError:
            declared = -1
        meta = WarcRecord(record_type=str(rec.record_type).rsplit(".", 1)[-1],
                          record_id=(rec.record_id or "").strip("<>"), target_uri=headers.get("WARC-Target-URI"),
                          date=headers.get("WARC-Date"), declared_length=declared, block=None)
        if skip_reason(meta) is None and 0 <= declared <= max_bytes:
            meta = WarcRecord(**{**meta.__dict__, "block": rec.reader.read()})
        yield rec.stream_pos, record_document(rel, rec.stream_pos, meta, max_bytes)
