"""Which WARC reader newsetl uses, by measured speed: warcio against fastwarc over one gzipped
archive of generated news pages (every record read, its HTTP payload decoded).

    python -m bench.warc_readers [n_records]
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path


def write_archive(path: Path, n: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i in range(n):
            body = (f"<html><head><title>Story {i}</title></head><body><article>"
                    + "<p>The council met on Tuesday and said the plan would go ahead. </p>" * 40
                    + "</article></body></html>").encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://news.example/{i}", "response",
                                                          payload=io.BytesIO(body), http_headers=headers))


def read_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type == "response":
                n += len(rec.content_stream().read())
    return n


def read_fastwarc(path: Path) -> int:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    n = 0
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh, record_types=WarcRecordType.response, parse_http=True):
            n += len(rec.reader.read())
    return n


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.warc.gz"
        write_archive(path, n)
        size = path.stat().st_size
        for name, read in (("warcio", read_warcio), ("fastwarc", read_fastwarc)):
            best = min(_timed(read, path) for _ in range(3))
            print(f"{name:9s} {n} records, {size / 1e6:.1f} MB gzipped: {best:.2f} s ({n / best:,.0f} records/s)")


def _timed(read, path: Path) -> float:
    clock = time.perf_counter()
    read(path)
    return time.perf_counter() - clock


if __name__ == "__main__":
    main()
