"""Boilerplate stripping; `strip_boilerplate` is the entry (see `strip.py`).

    blocks.py     the page as blocks (lines) with their evidence; word-list patterns
    region.py     where the article sits: the maximum-sum run of block scores
    publisher.py  the publisher from the page's own evidence
    strip.py      labelling passes and the assembled `Page`
"""

from tasks.boilerplate.blocks import Hints, fold, page_furniture, page_keys, shared_furniture
from tasks.boilerplate.strip import Comment, Page, Segment, strip_boilerplate

__all__ = ["Comment", "Hints", "Page", "Segment", "fold", "page_furniture", "page_keys", "shared_furniture",
           "strip_boilerplate"]
