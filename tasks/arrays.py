"""Array helpers shared by the parse's attribute index, claim extraction's token look-ups and
the store's key files."""

from __future__ import annotations

from hashlib import blake2b

import numpy as np
import polars as pl


def member(column: np.ndarray, ids) -> np.ndarray:
    """Which of `column`'s values are among `ids` (uint64 hashes): a binary search in the sorted ids.
    np.isin sorts the column with them on every call (8% of claim extraction in py-spy's samples).
    `ids` given as a uint64 array are taken as sorted and unique already (sorted once, not per doc)."""
    if isinstance(ids, np.ndarray) and ids.dtype == np.uint64:
        wanted = ids
    else:
        wanted = np.unique(np.asarray(list(ids), dtype=np.uint64))
    if not len(wanted):
        return np.zeros(len(column), dtype=bool)
    at = np.minimum(np.searchsorted(wanted, column), len(wanted) - 1)
    return wanted[at] == column


def key_numbers(values: pl.Series) -> np.ndarray:
    """A 64-bit number per value (nulls dropped), the same in every process and version: an integer
    is its own bits, a text of 16 hexadecimal digits (the ids of articles, entities and clusters)
    that number, any other text the first 8 bytes of its BLAKE2b digest, so two texts may share
    a number (a key file's hit is a candidate, read again to be sure)."""
    values = values.drop_nulls()
    if values.dtype.is_integer():
        return values.cast(pl.Int64).to_numpy().view(np.uint64)
    text = values.cast(pl.String)
    hexed = pl.select(n=pl.when(text.str.len_bytes() == 16).then(
        text.str.to_integer(base=16, dtype=pl.UInt64, strict=False)))["n"]
    out = hexed.fill_null(0).to_numpy().astype(np.uint64)
    other = hexed.is_null().to_numpy()
    if other.any():
        out[other] = np.fromiter((int.from_bytes(blake2b(t.encode(), digest_size=8).digest(), "little")
                                  for t in text.filter(hexed.is_null()).to_list()), dtype=np.uint64)
    return out
