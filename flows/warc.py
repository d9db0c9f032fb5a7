"""Reading a WARC archive (`.warc`, `.warc.gz`) record by record, never whole: fastwarc streams
it (chosen by measured speed, bench/warc_readers.py), each record's block is read only when it
may be an article and is within the per-record size limit, and `tasks/warc.py` says what the
record is. The archive's SHA-256 is computed on the way through."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from pathlib import Path

from fastwarc.warc import ArchiveIterator

from tasks.intake import Document, Rejected
from tasks.warc import Skipped, WarcRecord, record_document, skip_reason

Item = Document | Rejected | Skipped


class _Hashing:
    """A file read through, hashed and counted as fastwarc reads it."""

    def __init__(self, fh, at: int = 0):
        self.fh, self.sha, self.consumed = fh, hashlib.sha256(), at  # positions are the file's

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.sha.update(data)
        self.consumed += len(data)
        return data

    def tell(self) -> int:
        return self.consumed


def read_archive(path: Path, rel: str, max_bytes: int, start: int = 0, stop: int | None = None
                 ) -> tuple[dict[str, str], Iterator[Item]]:
    """(a dict holding the archive's SHA-256 under "sha" once the records are read — whole
    archives only —, the records as documents, rejections or skips). A slice reads the records
    that start in [start, stop). Corrupt data that stops the reader yields a rejection naming
    where it stopped; the records before it stand."""
    state: dict[str, str] = {}
    whole = start == 0 and stop is None

    def records() -> Iterator[Item]:
        size = path.stat().st_size
        with path.open("rb") as fh:
            fh.seek(start)
            stream = _Hashing(fh, start)
            last, error = start, None
            try:
                for offset, item in _records(stream, rel, max_bytes):
                    if stop is not None and offset >= stop:
                        break
                    last = offset
                    yield item
            except BaseException as exc:  # fastwarc raises OSError on corrupt data, or a Rust panic
                if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
                    raise
                error = " ".join(str(exc).split())[:200] or type(exc).__name__
            if whole:
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


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def slices(path: Path, size: int, slice_bytes: int) -> list[tuple[int, int | None]]:
    """Cut an archive into byte ranges of about `slice_bytes`, each starting where a record starts
    (a gzip member holding 'WARC/', or an uncompressed record's version line): [(start, stop)],
    the last one open-ended. A range whose boundary finds no record start merges with the next."""
    gz = path.name.lower().endswith(".gz")
    starts = [0]
    with path.open("rb") as fh:
        for boundary in range(slice_bytes, size, slice_bytes):
            if boundary <= starts[-1]:
                continue
            found = _record_start(fh, boundary, gz)
            if found is not None and found > starts[-1]:
                starts.append(found)
    return [(a, b) for a, b in zip(starts, starts[1:])] + [(starts[-1], None)]


def _record_start(fh, offset: int, gz: bool, window: int = 1 << 20) -> int | None:
    """The first record start at or after `offset` (None when there is none before the end)."""
    pos = offset
    while True:
        fh.seek(pos)
        data = fh.read(window + 64)
        if len(data) < 8:
            return None
        i = 0
        while True:
            i = data.find(b"\x1f\x8b\x08" if gz else b"WARC/1.", i)
            if i < 0 or i >= window:
                break
            if _starts_record(fh, pos + i, gz, data, i):
                return pos + i
            i += 1
        pos += window


def _starts_record(fh, at: int, gz: bool, data: bytes, i: int) -> bool:
    if not gz:
        return (at == 0 or data[max(0, i - 2):i] == b"\n\n" or data[max(0, i - 4):i] == b"\r\n\r\n"
                or (i < 4 and _preceded_by_blank_line(fh, at)))
    fh.seek(at)
    try:
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(fh.read(1 << 16), 16)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")


def _preceded_by_blank_line(fh, at: int) -> bool:
    fh.seek(max(0, at - 4))
    return fh.read(min(4, at)).endswith((b"\n\n", b"\r\n\r\n"))
