"""Speakers: the name and entity mention a speaker phrase stands for.

Pronouns and descriptions ("he", "they", "the minister", "the ministry") resolve to the nearest
earlier compatible antecedent; names resolve to the fullest form the article uses.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate

from spacy.tokens import Doc, Span, Token

from tasks.claims.quotes import WORD
from tasks.claims.syntax import doc_text, np_span, token_indices
from tasks.lexicon import Lexicon

PERSON_LABELS = {"PERSON"}
ORG_LABELS = {"ORG", "GPE", "NORP", "LOC", "FAC"}
_LEADING_WORD = re.compile(r"^(\w+)\s+")


@dataclass(frozen=True)
class _Antecedent:
    pos: int
    kind: str  # PERSON | ORG | OTHER
    plural: bool
    gender: str | None  # female | male | None
    head: str  # lower-cased head noun
    name: str | None
    mention: tuple[int, int] | None


class _ByPosition:
    """Antecedents in the order they came, found by a range of positions in logarithmic time: an
    article of thousands of speakers (a long transcript) stays linear, not quadratic."""

    def __init__(self, items: list[_Antecedent] = ()):
        self._items: list[_Antecedent] = []
        self._keys: list[tuple[int, int]] = []  # (position, arrival), sorted
        for a in items:
            self.add(a)

    def add(self, a: _Antecedent) -> None:
        insort(self._keys, (a.pos, len(self._items)))
        self._items.append(a)

    def between(self, lo: int, hi: int) -> list[_Antecedent]:
        """Those with lo < position < hi, in the order they came."""
        keys = self._keys[bisect_right(self._keys, (lo, len(self._items))):bisect_left(self._keys, (hi, -1))]
        return [self._items[i] for i in sorted(i for _, i in keys)]


class _Subjects:
    """A doc's sentence subjects (nouns and names), each described when a window (the 1,500
    characters before a pronoun or description) first reaches it, not all up front. A subject's
    phrase starts within its head's subtree, so a window needs only the heads whose subtree reaches
    into it. The saving is small where speakers are spread through an article (describing fell from
    17% to 14% of claim extraction in py-spy's samples on PolNeAR dev), larger where a few are."""

    def __init__(self, doc: Doc, describe: Callable[[Token], _Antecedent | None]):
        self._heads = [doc[i] for i in token_indices(doc, "DEP", {"nsubj", "nsubjpass"}, {"NOUN", "PROPN"})]
        self._left = [t.left_edge.idx for t in self._heads]
        self._right = [t.right_edge.idx for t in self._heads]
        self._reach = list(accumulate(self._right, max))  # the rightmost subtree end so far
        self._floor = list(accumulate(reversed(self._left), min))[::-1]  # the leftmost subtree start from here on
        self._describe = describe
        self._described: dict[int, _Antecedent | None] = {}

    def between(self, lo: int, hi: int) -> list[_Antecedent]:
        """Those with lo < position < hi, in the order of their heads (as `_ByPosition` gives them)."""
        out = []
        for k in range(bisect_right(self._reach, lo), bisect_left(self._floor, hi)):
            if self._left[k] >= hi or self._right[k] <= lo:
                continue
            if k not in self._described:
                self._described[k] = self._describe(self._heads[k])
            a = self._described[k]
            if a is not None and lo < a.pos < hi:
                out.append(a)
        return out


def _merged(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """The union of half-open spans as sorted, disjoint starts and ends."""
    starts: list[int] = []
    ends: list[int] = []
    for s, e in sorted(spans):
        if starts and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def _heads_phrase(tok: Token, head: Token) -> bool:
    """tok is the phrase's head, or joined to it by apposition, coordination or compounding."""
    for _ in range(6):
        if tok.i == head.i:
            return True
        if tok.dep_ not in {"appos", "conj", "compound", "flat", "nmod", "npadvmod"}:
            return False
        tok = tok.head
    return False


class Resolver:
    """Maps a speaker span to a name and an entity mention.

    Pronouns and descriptions ("he", "they", "the minister", "the ministry") resolve to the
    nearest earlier compatible antecedent — an earlier source or the subject of an earlier
    sentence — agreeing in kind (person or organisation), number and, for he/she, the gender
    a given name signals. Nothing compatible: the name stays empty, not guessed.
    """

    def __init__(self, doc: Doc, lexicon: Lexicon, quoted: list[tuple[int, int]] = ()):
        self.doc = doc
        self.lexicon = lexicon
        # quoted words: "“I don't know if Donald realizes this,” he said" — Donald is the quote's
        # subject, not the narrative's, so no antecedent of a pronoun or description
        self._quoted = _merged(list(quoted))
        self.pronouns = frozenset().union(*(lexicon.word_set(f"pronouns_{kind}")
                                            for kind in ("male", "female", "org", "any")))
        self.ents = [e for e in doc.ents if e.label_ in PERSON_LABELS | ORG_LABELS]
        self._ent_starts = [e.start_char for e in self.ents]
        self.full_names = self._full_names()
        self.sources = _ByPosition()  # speakers resolved so far
        self._subjects: _Subjects | None = None  # sentence subjects, each described when first needed
        self._named: _ByPosition | None = None

    def candidates(self, lo: int, hi: int) -> list[_Antecedent]:
        """Sentence subjects, then speakers resolved so far, between the positions lo and hi."""
        if self._subjects is None:
            self._subjects = _Subjects(self.doc, lambda tok: self._describe(np_span(tok), tok))
        return self._subjects.between(lo, hi) + self.sources.between(lo, hi)

    def named(self, lo: int, hi: int) -> list[_Antecedent]:
        """Every named organisation or person between the positions lo and hi, for descriptions
        naming their kind ("the association")."""
        if self._named is None:
            self._named = _ByPosition([_Antecedent(e.start_char, "PERSON" if e.label_ == "PERSON" else "ORG", False,
                                                   None, e[-1].lower_, self.name_of(e), (e.start_char, e.end_char))
                                       for e in self.ents if e.label_ != "NORP"])
        return self._named.between(lo, hi)

    def _full_names(self) -> dict[str, str]:
        """Person name token -> the longest person name in the article containing it, if unique."""
        seen: dict[str, dict[str, None]] = {}  # names in order of first mention: ties go to the first
        for e in self.ents:
            if e.label_ == "PERSON":
                for w in e.text.split():
                    seen.setdefault(w.lower(), {})[e.text] = None
        out = {}
        for w, names in seen.items():
            # the fullest form; of forms alike but for case, the one not in capitals ("Donald Trump")
            longest = max(names, key=lambda n: (len(n.split()), len(n), not n.isupper()))
            if all(set(n.lower().split()) <= set(longest.lower().split()) for n in names):
                out[w] = longest
        return out

    def name_of(self, ent: Span) -> str:
        text = doc_text(self.doc)[ent.start_char:ent.end_char]  # `Span.text` joins its tokens on each call
        if ent.label_ == "PERSON":
            return self.full_names.get(text.split()[-1].lower(), text)
        return text[4:] if text.lower().startswith("the ") else text

    def _gender(self, name: str, near: Span | None = None) -> str | None:
        """female | male | None: from the given name, else an honorific or a gendered noun in the
        words right before the name ("Mrs. Clinton", "spokeswoman Anna Lind")."""
        first = name.split()[0].lower() if name else ""
        if first in self.lexicon.name_gender:
            return self.lexicon.name_gender[first]
        if near is not None:
            before = {t.lower_ for t in self.doc[max(0, near.start - 3):near.start]}
            for gender in ("female", "male"):
                if before & self.lexicon.word_set(f"gender_{gender}"):
                    return gender
        return None

    def _describe(self, span: tuple[int, int], head: Token | None = None) -> _Antecedent | None:
        """What an NP names: people, an organisation or place, or something else."""
        s, e = span
        inside = []
        for x in self.ents[bisect_left(self._ent_starts, s):bisect_right(self._ent_starts, e)]:
            if x.end_char <= e:
                inside.append(x)
        if head is None:
            toks = self.doc.char_span(s, e, alignment_mode="expand")
            head = toks.root if toks is not None else None
        if head is None:
            return None
        plural = head.tag_ in {"NNS", "NNPS"} or any(c.dep_ == "conj" for c in head.children)
        # a person inside a prepositional phrase ("a cousin of Mahmoud Najjar") is not the source
        persons = [x for x in inside if x.label_ == "PERSON" and _heads_phrase(x.root, head)]
        if head.tag_ in {"NN", "NNS"}:
            # a name before a common noun modifies it: "Obama administration officials", "a Clinton
            # aide" are not Obama or Clinton
            persons = [x for x in persons if x.end > head.i]
        if len(persons) > 1 and not any(c.dep_ == "conj" for c in head.children) and " and " not in \
                doc_text(self.doc)[persons[0].end_char:persons[-1].start_char]:
            persons = persons[-1:]  # "Skagen's mayor, Birgitte Holm": the apposed name
        if persons:
            names = list(dict.fromkeys(self.name_of(p) for p in persons))
            mention = (persons[0].start_char, persons[0].end_char)
            gender = self._gender(names[0], persons[0]) if len(names) == 1 else None
            if gender is None and len(names) == 1:
                gender = self._noun_gender(head)
            return _Antecedent(s, "PERSON", plural or len(names) > 1, gender, head.lower_, " and ".join(names),
                               mention)
        kind = self.lexicon.speaker_nouns.get(head.lemma_.lower()) or self.lexicon.speaker_nouns.get(head.lower_)
        named = self._proper_name(head)
        if named is not None and kind is None and len(named.split()) >= 2 and not any(
                x.start <= head.i < x.end and len(x) >= len(named.split()) for x in inside):
            # a name the model tagged only in part ("Sofia" of "Sofia Nyberg" as a city) or not at all
            return _Antecedent(s, "PERSON", plural, self._gender(named), head.lower_, named, None)
        orgs = [x for x in inside if x.label_ in ORG_LABELS and x.label_ != "NORP"]
        if orgs and kind != "PERSON":
            best = next((x for x in orgs if x.label_ == "ORG"), orgs[0])
            names = list(dict.fromkeys(self.name_of(o) for o in orgs)) if plural else [self.name_of(best)]
            return _Antecedent(s, "ORG", plural, None, head.lower_, " and ".join(names),
                               (best.start_char, best.end_char))
        text = doc_text(self.doc)[s:e]
        named = self._proper_name(head)
        if named is not None and kind is None:
            # a name the model did not tag ("Teresa Nielsen Hayden explained"): a named speaker
            # always gets its name
            return _Antecedent(s, "PERSON", plural, self._gender(named), head.lower_, named, None)
        lead = _LEADING_WORD.match(text)
        bare = text[lead.end():] if lead and lead.group(1).lower() in self.lexicon.word_set("determiners") else text
        return _Antecedent(s, kind or "OTHER", plural, self._noun_gender(head), head.lower_, bare if plural else None,
                           None)

    def _proper_name(self, head: Token) -> str | None:
        """The proper name a phrase's head heads (its run of capitalised PROPN tokens), if any."""
        if head.pos_ != "PROPN" or not head.text[:1].isupper():
            return None
        run = [head]
        for t in reversed(list(head.lefts)):
            if t.i == run[0].i - 1 and t.pos_ == "PROPN" and t.text[:1].isupper() and t.dep_ in {"compound", "flat"}:
                run.insert(0, t)
        return " ".join(t.text for t in run)

    def _noun_gender(self, head: Token) -> str | None:
        for gender in ("female", "male"):
            if head.lower_ in self.lexicon.word_set(f"gender_{gender}"):
                return gender
        return None

    def resolve(self, span: tuple[int, int]) -> tuple[str | None, tuple[int, int] | None]:
        s, e = span
        text = doc_text(self.doc)[s:e]
        words = [w.lower() for w in WORD.findall(text)]
        if not words:
            return None, None  # punctuation the parser took for a subject (a stray quote mark)
        if len(words) == 1 and words[0] in self.pronouns:
            return self._antecedent(words[0], s)
        a = self._describe(span)
        if a is None:
            return None, None
        definite = words[0] in self.lexicon.word_set("definite")
        if a.name is None and a.kind in {"PERSON", "ORG"} and definite:
            # an anaphoric description: "the minister", "the ministry", or a longer one whose head
            # an earlier source shares ("the Danish diplomat" after "a senior Danish diplomat")
            short = len(words) <= 2
            name, mention = self._nearest(s, a.kind, a.plural, None, prefer_head=a.head, only_head=not short)
            self.sources.add(_Antecedent(s, a.kind, a.plural, a.gender, a.head, name, mention))
            return name, mention
        self.sources.add(a)
        return a.name, a.mention

    def _antecedent(self, pronoun: str, pos: int) -> tuple[str | None, tuple[int, int] | None]:
        words = self.lexicon.word_set
        if pronoun in words("pronouns_male"):
            return self._nearest(pos, "PERSON", False, "male")
        if pronoun in words("pronouns_female"):
            return self._nearest(pos, "PERSON", False, "female")
        if pronoun in words("pronouns_org"):
            return self._nearest(pos, "ORG", False, None)
        return self._nearest(pos, None, True, None)  # they, we

    def _in_quote(self, pos: int) -> bool:
        starts, ends = self._quoted  # nested quotes too: their union
        i = bisect_right(starts, pos) - 1
        return i >= 0 and pos < ends[i]

    def _nearest(self, pos: int, kind: str | None, plural: bool, gender: str | None,
                 prefer_head: str | None = None, only_head: bool = False) -> tuple[str | None, tuple[int, int] | None]:
        window = [a for a in self.candidates(pos - 1500, pos) if not self._in_quote(a.pos)]
        if prefer_head:
            same = [a for a in window + self.named(pos - 3000, pos)
                    if a.head == prefer_head and a.kind == kind]
            if same:
                best = max(same, key=lambda a: a.pos)
                return best.name, best.mention
            if only_head:
                return None, None
        fits = [a for a in window if (kind is None or a.kind == kind) and a.plural == plural
                and not (gender and a.gender and a.gender != gender) and (a.name or kind is None)]
        if gender:
            # he/she: an antecedent whose gender is unknown only when no person of the other gender
            # stands between it and the pronoun (else "she" would resolve to a man)
            other = [a.pos for a in window if a.kind == "PERSON" and a.gender and a.gender != gender]
            fits = [a for a in fits if a.gender == gender or not any(p > a.pos for p in other)]
        if not fits and gender:
            # he/she with no subject or source to go to: the last person named before it, when
            # known to be of that gender ("... was echoed by Valentina Matviyenko ... she said")
            last = max((n for n in self.named(pos - 1500, pos) if n.kind == "PERSON" and not self._in_quote(n.pos)),
                       key=lambda n: n.pos, default=None)
            if last is not None and self._gender(last.name or "") == gender:
                return last.name, last.mention
            return None, None
        if not fits:
            return None, None
        best = max(fits, key=lambda a: a.pos)
        return best.name, best.mention
