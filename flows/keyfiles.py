"""Key files: the keys a run looks rows up by, kept beside each part file as a sorted array of
64-bit numbers. Finding which parts may hold a run's few thousand keys is then a binary search per
part in a memory-mapped file (only the pages searched are read), not a scan of a key column of
millions of rows, whose cost grew with the archive.

    .gens/<gen>/_keys/<table>/<part>.<column>.npy     the column's distinct keys, sorted
    .gens/<gen>/_keys/_manifest/<part>.<column>.npy   (a list column: every value of its lists)

Which columns: each table's `lookups` and the manifest's (schemas/tables.py). A key is the number
`tasks.arrays.key_numbers` gives a value: two values may share one, so a part a key file names is
a candidate, read to be sure. A part without its key file (written before key files) is always a
candidate, as every part was before.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from tasks.arrays import key_numbers, member

KEYS = "_keys"


def key_path(part: Path, column: str) -> Path:
    """The key file of `column` of a part file (`<gen>/<table>/<part>.parquet`)."""
    return part.parent.parent / KEYS / part.parent.name / f"{part.stem}.{column}.npy"


def write_keys(part: Path, columns: tuple[str, ...], rows: pa.Table | None = None) -> None:
    """Write the key files of `columns` of a part file just written, from its `rows` (else read
    back: its key columns only)."""
    if not columns:
        return
    frame = pl.from_arrow(rows.select(list(columns))) if rows is not None else \
        pl.read_parquet(part, columns=list(columns), glob=False)
    for column in columns:
        values = frame[column]
        if values.dtype == pl.List:
            values = values.explode()
        path = key_path(part, column)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:
            np.save(f, np.unique(key_numbers(values)))
            f.flush()
            os.fsync(f.fileno())


def key_links(part: Path, dest: Path, columns: tuple[str, ...]) -> list[tuple[Path, Path]]:
    """The key files of a kept part, each with where it goes beside the part's `dest` (for the
    store to hard-link, as it does the part): those it has."""
    return [(key_path(part, c), key_path(dest, c)) for c in columns if key_path(part, c).exists()]


def candidates(parts: list[Path], column: str, values: set[str] | pl.Series) -> list[Path]:
    """The `parts` that may hold a row whose `column` is (or, a list, holds) one of `values`
    (texts, or a Series of the column's type): those whose key file has one of their keys, and
    those without a key file."""
    if not len(values):
        return []
    if not isinstance(values, pl.Series):
        values = pl.Series(sorted(values), dtype=pl.String)
    wanted = np.unique(key_numbers(values))
    out = []
    for part in parts:
        path = key_path(part, column)
        if not path.exists():
            out.append(part)
            continue
        keys = np.load(path, mmap_mode="r")  # a search reads only the pages it visits
        if len(keys) and member(wanted, keys).any():
            out.append(part)
    return out

