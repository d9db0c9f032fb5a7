"""The model's attribute ruler, matched through an index instead of spaCy's Matcher.

spaCy's `AttributeRuler` (tag → POS and morphology, lemma and POS exceptions) runs its ~180
patterns through a `Matcher`, which tries every pattern at every token: about a sixth of the
small English pipeline's time, more than the parser. Nearly all of its patterns are one token long
and test a token's attributes for equality (or IN / NOT_IN), so which of them match a token depends
only on which of the patterns' values the token's attributes take. `IndexedAttributeRuler` looks
those up in a table keyed by exactly that, keeps a `Matcher` for any other pattern (several tokens,
operators, regular expressions), and hands the matches, in the Matcher's order, to spaCy's own
`AttributeRuler.set_annotations`: the same tokens get the same attributes.

`index_attribute_ruler(nlp)` swaps it in for the pipeline's "attribute_ruler" (idempotent).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from tasks.arrays import member

NAME = "attribute_ruler"
FACTORY = "newsetl_indexed_attribute_ruler"
_OTHER = np.uint64(2**64 - 1)  # an attribute value no pattern names (never a string's hash)
_SET_OPS = {"IN", "NOT_IN"}
# attributes whose value the Matcher compares as a plain string hash, symbol or flag, read the same
# way by Doc.to_array (MORPH, extension attributes and the like stay with the Matcher)
_PLAIN = frozenset({"ORTH", "LOWER", "NORM", "TAG", "POS", "DEP", "LEMMA", "SHAPE", "PREFIX", "SUFFIX",
                    "ENT_TYPE", "IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT", "IS_LOWER", "IS_UPPER",
                    "IS_TITLE", "LIKE_NUM", "IS_STOP"})


def _hashes(vocab, value) -> frozenset[int]:
    values = value if isinstance(value, list) else [value]
    return frozenset(int(v) if isinstance(v, bool | int) else vocab.strings.add(v) for v in values)


def _tests(vocab, token_spec: dict) -> list[tuple[str, str, frozenset[int]]] | None:
    """A one-token pattern as (attribute, "IN"/"NOT_IN", hashes) tests; None if it needs the Matcher."""
    tests = []
    for attr, value in token_spec.items():
        if attr not in _PLAIN:
            return None
        if isinstance(value, dict):
            if len(value) != 1:
                return None
            ((op, values),) = value.items()
            if op not in _SET_OPS:
                return None
            tests.append((attr, op, _hashes(vocab, values)))
        elif isinstance(value, str | bool | int):
            tests.append((attr, "IN", _hashes(vocab, value)))
        else:
            return None
    return tests


class IndexedAttributeRuler:
    """Same patterns, same annotations as `AttributeRuler`, found by table look-up."""

    def __init__(self, nlp: Language, patterns: list[dict]):
        vocab = nlp.vocab
        self.ruler = AttributeRuler(vocab, name=NAME)  # its set_annotations applies the matches
        self.ruler.add_patterns(patterns)
        self.rest = Matcher(vocab, validate=False)
        self.simple: list[tuple[int, int, list]] = []  # (attribute-rule id, match key hash, alternatives' tests)
        named: dict[str, set[int]] = defaultdict(set)  # attribute -> the values the patterns name
        for rule, pattern in enumerate(patterns):  # rule i is the ruler's match key str(i)
            alternatives = [_tests(vocab, p[0]) if len(p) == 1 else None for p in pattern["patterns"]]
            if all(t is not None for t in alternatives):
                self.simple.append((rule, vocab.strings.add(str(rule)), alternatives))
                for attr, _op, values in (test for tests in alternatives for test in tests):
                    named[attr] |= values
            else:
                self.rest.add(str(rule), pattern["patterns"])
        self.attrs = sorted(named)
        self.named = [np.array(sorted(named[a]), dtype=np.uint64) for a in self.attrs]
        self.table: dict[tuple[int, ...], tuple[tuple[int, int], ...]] = {}

    def _rules(self, key: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
        value = dict(zip(self.attrs, key, strict=True))
        return tuple((rule, match_key) for rule, match_key, alternatives in self.simple if any(
            all((value[attr] in values) == (op == "IN") for attr, op, values in tests) for tests in alternatives))

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """The matches `AttributeRuler.match` gives: (rule id, match key, start, end), sorted."""
        matches = []
        if self.simple and len(doc):
            columns = doc.to_array(self.attrs).reshape(len(doc), len(self.attrs))
            for j, named in enumerate(self.named):
                column = columns[:, j]
                columns[:, j] = np.where(member(column, named), column, _OTHER)
            table = self.table
            for i, key in enumerate(map(tuple, columns.tolist())):
                rules = table.get(key)
                if rules is None:
                    rules = table[key] = self._rules(key)
                matches += [(rule, match_key, i, i + 1) for rule, match_key in rules]
        if len(self.rest):
            strings = doc.vocab.strings
            matches += [(int(strings[m]), m, s, e) for m, s, e in self.rest(doc, allow_missing=True)]
        matches.sort()
        return matches

    def __call__(self, doc: Doc) -> Doc:
        self.ruler.set_annotations(doc, self.match(doc))
        return doc


@Language.factory(FACTORY, default_config={"patterns": []})
def make_indexed_attribute_ruler(nlp: Language, name: str, patterns: list[dict]) -> IndexedAttributeRuler:
    return IndexedAttributeRuler(nlp, patterns)


def index_attribute_ruler(nlp: Language) -> None:
    """Replace the pipeline's spaCy attribute ruler, in place and under its name, by the indexed one."""
    if NAME not in nlp.pipe_names or not isinstance(nlp.get_pipe(NAME), AttributeRuler):
        return
    patterns = nlp.get_pipe(NAME).patterns
    nlp.replace_pipe(NAME, FACTORY, config={"patterns": patterns})
