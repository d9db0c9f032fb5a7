"""Disjoint sets over 0..n-1, shared by entity merging and claim clustering."""

from __future__ import annotations


class DisjointSets:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, keep: int, other: int) -> bool:
        """Put other's set under keep's root; False when they were one set already."""
        a, b = self.find(keep), self.find(other)
        if a == b:
            return False
        self.parent[b] = a
        return True

    def groups(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            out.setdefault(self.find(i), []).append(i)
        return out
