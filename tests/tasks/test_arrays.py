"""Key numbers: the same in every process, exact for 16-hex-digit ids."""

import numpy as np
import polars as pl

from tasks.arrays import key_numbers, member


def test_hex_ids_are_their_number_and_other_text_a_fixed_hash():
    got = key_numbers(pl.Series(["ffffffffffffffff", "0000000000000001", None, "a/b #1.html"]))
    assert got.dtype == np.uint64
    assert got[:2].tolist() == [2**64 - 1, 1]  # the null is dropped
    # BLAKE2b's first 8 bytes, little-endian: no seed, no process or library version in it
    assert got[2] == 0xab707f4f8b53ceb0
    assert key_numbers(pl.Series(["a/b #1.html"]))[0] == got[2]
    assert len(key_numbers(pl.Series([], dtype=pl.String))) == 0


def test_member_finds_wanted_keys_in_a_sorted_key_array():
    keys = np.unique(key_numbers(pl.Series(["0000000000000005", "x", "y"])))
    wanted = key_numbers(pl.Series(["x", "0000000000000005", "z", "0000000000000006"]))
    assert member(wanted, keys).tolist() == [True, True, False, False]
