"""Streaming and slicing WARC archives (flows/warc.py) on archives written here."""

import gzip
import io

import pytest

from flows.warc import read_archive, slices
from tasks.intake import Document


def _write(path, n: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i in range(n):
            body = f"<html><body><p>Story {i}: the council met and said the plan would go ahead.</p></body></html>"
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://x.example/{i}", "response",
                                                          payload=io.BytesIO(body.encode()), http_headers=http))


@pytest.mark.parametrize("compressed", [True, False])
def test_slices_start_at_records_and_read_every_record_once(tmp_path, compressed):
    path = tmp_path / "a.warc.gz"
    _write(path, 40)
    if not compressed:
        plain = tmp_path / "a.warc"
        plain.write_bytes(gzip.decompress(path.read_bytes()))
        path = plain
    size = path.stat().st_size
    state, items = read_archive(path, path.name, 10**6)
    whole = [d.source_uri for d in items if isinstance(d, Document)]
    assert len(whole) == 40 and len(state["sha"]) == 64
    for slice_bytes in (size // 9, size // 3, size * 2):
        cuts = slices(path, size, slice_bytes)
        assert cuts[0][0] == 0 and cuts[-1][1] is None
        assert all(a < b for a, b in cuts[:-1]) and all(b == c for (_, b), (c, _) in zip(cuts, cuts[1:]))
        parts = [d.source_uri for a, b in cuts for d in read_archive(path, path.name, 10**6, a, b)[1]]
        assert parts == whole, slice_bytes
    assert len(slices(path, size, size // 9)) >= 8
