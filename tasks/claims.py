"""Claim extraction: who said, denied, warned or confirmed what, from one parsed article.

`extract_claims(doc, fields, lexicon)` reuses the article's one spaCy parse and returns
`Claim`s with offsets into their field (title, dek or body). Four passes:

1. cue verbs (reporting-verb lemmas from `tasks/data/reporting_verbs.txt`) with their subject
   as speaker and their complement as content: "X said (that) Y", "“Y,” X said",
   "Y, reported X", "X urged Z to Y", "X was quoted as saying Y", relative and passive forms;
2. prepositional attributions: "according to X, Y", "citing X";
3. quotes still unattributed: the cue in the sentence before (ending in ':') or after
   ("“Y.” X said."), or the same speaker continuing a quote in the next sentence or paragraph;
4. lists of demands introduced by one cue ("X called on Z to: 1. ... 2. ...").

`kind` is direct when the content is one quotation, mixed when it holds quoted parts,
indirect otherwise; `polarity` is deny for denial cues. Speakers that are pronouns or
descriptions ("he", "the minister", "the ministry") resolve to the nearest earlier
compatible source; unresolved speakers keep `speaker_name` empty rather than guess.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

import numpy as np
from spacy.tokens import Doc, Span, Token

from tasks.lexicon import Lexicon
from tasks.text import FieldText

# opening mark -> closing marks it accepts (the first is the regular one)
QUOTES: dict[str, tuple[str, ...]] = {
    "“": ("”", "’’", "“"),
    "«": ("»",),
    "„": ("“", "”"),
    "‹": ("›",),
    '"': ('"', "”"),
    "‘": ("’",),
}
PRONOUNS = {
    "he": "PERSON", "she": "PERSON", "him": "PERSON", "her": "PERSON", "i": "PERSON",
    "it": "ORG", "they": "ANY", "we": "ANY", "who": "ANY", "which": "ANY", "that": "ANY",
}
REPORT_NOUNS = {"report", "reports", "claim", "claims", "allegation", "allegations", "accusation", "accusations",
                "suggestion", "suggestions", "rumor", "rumors", "rumour", "rumours", "charge", "charges"}
SOURCE_WORDS = {"source", "sources", "official", "officials", "report", "reports", "statement", "media",
                "agency", "spokesman", "spokeswoman", "spokesperson", "witness", "witnesses", "diplomat", "diplomats"}
STANCE_NOUNS = {"hope", "concern", "concerns", "fear", "fears", "belief", "confidence", "regret", "doubt", "doubts",
                "readiness", "support", "satisfaction", "optimism", "determination"}
COMPLEMENT_DEPS = {"dobj", "xcomp", "ccomp", "oprd", "attr", "dative", "prep", "obj", "acomp"}
OBJECT_PREPS = {"of", "about", "on", "over", "for", "against", "to", "that", "as"}
PERSON_LABELS = {"PERSON"}
ORG_LABELS = {"ORG", "GPE", "NORP", "LOC", "FAC"}
_WORD = re.compile(r"\w+")
_LIST_ITEM = re.compile(r"^\s*(?:\(?\d{1,3}[.)]|[•●▪◦‣·*–—-])\s+")


def _text(doc: Doc) -> str:
    """The doc's text, computed once (spaCy rebuilds `Doc.text` from every token on each access)."""
    cached = doc.user_data.get("newsetl_text")
    if cached is None:
        cached = doc.user_data["newsetl_text"] = doc.text
    return cached


def _indices(doc: Doc, attr: str, values: set[str], pos: set[str] | None = None) -> list[int]:
    """Indices of tokens whose `attr` (LEMMA, DEP, ...) is one of `values` (and POS one of `pos`),
    read from the doc's arrays: no Token object is made for the others."""
    strings = doc.vocab.strings
    wanted = np.array([strings.add(v) for v in values], dtype=np.uint64)
    cols = [attr, "POS"] if pos else [attr]
    arr = doc.to_array(cols).reshape(len(doc), len(cols)).astype(np.uint64)
    mask = np.isin(arr[:, 0], wanted)
    if pos:
        mask &= np.isin(arr[:, 1], np.array([strings.add(p) for p in pos], dtype=np.uint64))
    return np.flatnonzero(mask).tolist()


def _sent(tok: Token) -> Span:
    """The sentence of a token, from starts indexed once per doc (`Token.sent` walks them each time)."""
    doc = tok.doc
    starts = doc.user_data.get("newsetl_sent_starts")
    if starts is None:
        starts = doc.user_data["newsetl_sent_starts"] = [s.start for s in doc.sents] + [len(doc)]
    k = bisect.bisect_right(starts, tok.i) - 1
    return doc[starts[k]:starts[k + 1]]


@dataclass(frozen=True)
class Claim:
    field: str
    speaker: str | None
    speaker_name: str | None
    speaker_mention: tuple[int, int] | None  # doc char span of the entity the speaker resolved to
    cue: str
    cue_start: int
    cue_end: int
    content: str
    start: int
    end: int
    kind: str
    polarity: str
    confidence: float
    rule: str


@dataclass(frozen=True)
class Quote:
    start: int  # inner text start (doc offsets)
    end: int  # inner text end
    outer_start: int  # opening mark
    outer_end: int  # after closing mark (== end when unclosed)
    closed: bool


@dataclass
class _Raw:
    """A claim under construction, in doc character offsets."""

    cue_tokens: list[Token]
    speaker: tuple[int, int] | None
    content: tuple[int, int]
    rule: str
    confidence: float
    polarity: str = "assert"
    cue_text: str | None = None
    cue_span: tuple[int, int] | None = None


# ---------------------------------------------------------------------------------------- quotes


def _is_opener(text: str, i: int) -> bool:
    c = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt.isspace() and c in "\"‘":
        return False
    if c in "\"‘":
        return prev.isspace() or prev in "([{“—–-:/" or i == 0
    return True


def _find_closer(text: str, i: int, opener: str, end: int) -> tuple[int, int] | None:
    """(position, length) of the mark that closes the quote opened at i-1."""
    closers = QUOTES[opener]
    j = i
    while j < end:
        for closer in closers:
            if text.startswith(closer, j):
                if opener == "‘":
                    after = text[j + 1] if j + 1 < len(text) else " "
                    if after.isalnum():
                        break  # an apostrophe inside a word
                if opener == "“" and closer == "“" and j - i < 2:
                    break
                if closer == "“" and opener == "“":
                    # a new opening “ before any closing: the first quote was left open
                    return None
                return j, len(closer)
        j += 1
    return None


def find_quotes(text: str, lo: int = 0, hi: int | None = None) -> list[Quote]:
    """Quotations in text[lo:hi], paragraph by paragraph; reversed ” … “ pairs count too.

    A quote left open at the end of a paragraph runs to the paragraph's end (the next
    paragraph usually re-opens it, by the convention for quotes spanning paragraphs).
    """
    hi = len(text) if hi is None else hi
    out: list[Quote] = []
    para_start = lo
    while para_start < hi:
        para_end = text.find("\n\n", para_start, hi)
        para_end = hi if para_end < 0 else para_end
        i = para_start
        while i < para_end:
            c = text[i]
            if c in QUOTES and _is_opener(text, i):
                found = _find_closer(text, i + 1, c, para_end)
                if found is None:
                    inner_end = para_end
                    while inner_end > i + 1 and text[inner_end - 1].isspace():
                        inner_end -= 1
                    if len(_WORD.findall(text[i + 1:inner_end])) >= 3:
                        out.append(Quote(i + 1, inner_end, i, inner_end, False))
                    break
                j, n = found
                out.append(Quote(i + 1, j, i, j + n, True))
                i = j + n
                continue
            if c == "”" and (i == 0 or text[i - 1].isspace()):
                j = text.find("“", i + 1, para_end)
                if j > i + 1 and (j + 1 >= len(text) or not text[j + 1].isalnum()):
                    out.append(Quote(i + 1, j, i, j + 1, True))
                    i = j + 1
                    continue
            i += 1
        para_start = para_end + 2
    return out


def _quote_at(quotes: list[Quote], pos: int) -> Quote | None:
    for q in quotes:
        if q.outer_start <= pos < max(q.outer_end, q.end):
            return q
    return None


# ------------------------------------------------------------------------------------- syntax


def _subtree_span(tok: Token, exclude: set[int] | None = None) -> tuple[int, int]:
    toks = [t for t in tok.subtree if not exclude or t.i not in exclude]
    return min(t.idx for t in toks), max(t.idx + len(t) for t in toks)


def _excluded(tok: Token, deps: set[str]) -> set[int]:
    out: set[int] = set()
    for child in tok.children:
        if child.dep_ in deps:
            out.update(t.i for t in child.subtree)
    return out


def _np_span(tok: Token) -> tuple[int, int]:
    """A noun phrase without its relative/participial clauses and edge punctuation."""
    skip = _excluded(tok, {"relcl", "acl", "advcl"})
    toks = sorted((t for t in tok.subtree if t.i not in skip), key=lambda t: t.i)
    # keep the contiguous run around the head
    run = [tok]
    for t in reversed([t for t in toks if t.i < tok.i]):
        if t.i == run[0].i - 1:
            run.insert(0, t)
    for t in [t for t in toks if t.i > tok.i]:
        if t.i == run[-1].i + 1:
            run.append(t)
    while len(run) > 1 and (run[-1].is_punct or run[-1].dep_ in {"cc", "punct"}):
        run.pop()
    while len(run) > 1 and (run[0].is_punct or run[0].dep_ == "punct"):
        run.pop(0)
    return run[0].idx, run[-1].idx + len(run[-1])


def _subject(v: Token, depth: int = 0) -> Token | None:
    """The source of a cue verb: its subject, the agent of a passive, or an inherited one."""
    for c in v.children:
        if c.dep_ == "agent":
            pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj
    for c in v.children:
        if c.dep_ in {"nsubj", "csubj"}:
            if c.lower_ in {"who", "which", "that"} and v.dep_ == "relcl":
                return _owner(v.head)
            return c
    if depth > 3:
        return None
    if v.dep_ == "pcomp" and v.head.lower_ == "as":  # "X was quoted as saying", "cited X as saying"
        h = v.head.head
        obj = next((c for c in h.children if c.dep_ in {"dobj", "obj"}), None)
        if obj is not None:
            return obj
        return next((c for c in h.children if c.dep_ == "nsubjpass"), None)
    if v.dep_ in {"xcomp", "advcl", "conj"} and v.head.pos_ in {"VERB", "AUX"}:
        return _subject(v.head, depth + 1)
    if v.dep_ in {"relcl", "acl"} and v.head.pos_ in {"NOUN", "PROPN"}:
        return _owner(v.head)
    return None


def _owner(noun: Token) -> Token:
    """From 'the Council' in "X, Chairwoman of the Council, who said" up to X."""
    for _ in range(3):
        if noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.pos_ in {"NOUN", "PROPN"}:
            noun = noun.head.head
        elif noun.dep_ == "appos":
            noun = noun.head
        else:
            break
    return noun


def _postverbal_source(v: Token, content: tuple[int, int]) -> Token | None:
    """The source after an inverted cue ("..., said the minister"), outside the content."""
    for c in v.children:
        if c.i > v.i and c.dep_ in {"nsubj", "dobj", "attr", "npadvmod", "appos", "oprd", "nsubjpass"} \
                and c.pos_ in {"PROPN", "NOUN"} and not content[0] <= c.idx < content[1]:
            return c
    return None


def _is_negated(v: Token) -> bool:
    if any(c.dep_ == "neg" for c in v.children):
        return True
    return v.dep_ in {"xcomp"} and any(c.dep_ == "neg" for c in v.head.children)


def _cue_tokens(v: Token) -> list[Token] | None:
    """The cue phrase for verb v, or None when v is not used as a reporting verb here."""
    lemma = v.lemma_.lower()
    toks = [v]
    for c in v.children:
        if c.dep_ == "prt" and c.i == v.i + 1:
            toks.append(c)
    if lemma == "call":
        prep = next((c for c in v.children if c.dep_ in {"prep", "prt"} and c.lower_ in {"on", "for", "upon"}
                     and c.i > v.i), None)
        if prep is None:
            return None
        toks.append(prep)
    if lemma in {"quote", "cite"} and any(c.dep_ == "prep" and c.lower_ == "as" for c in v.children):
        return None  # "quoted X as saying": the claim is X's, found from "saying"
    if lemma == "point" and not any(c.lower_ == "out" for c in v.children):
        return None
    if lemma == "describe" and not any(c.lower_ == "as" for c in v.children):
        return None  # "to describe the fighters" names a topic; "described X as Y" characterises
    return sorted(toks, key=lambda t: t.i)


def _content_of(v: Token, cue: list[Token], verb_class: str = "object") -> tuple[int, int] | None:
    """Character span of what the cue verb reports.

    Every class takes a complement clause ("said that ...", "“...,” she said"). Verbs whose
    object can carry the statement ("urged Turkey to stop", "denied the reports") also take
    their object and what follows it; speech verbs only take "told X to ..." and "as saying X";
    belief verbs only clauses.
    """
    cue_ids = {t.i for t in cue}
    comps = [c for c in v.children if c.dep_ == "ccomp"]
    if not comps:
        # "denied reports that ...": the clause under the report noun
        for c in v.children:
            if c.dep_ in {"dobj", "obj"} and c.lower_ in REPORT_NOUNS:
                clause = next((g for g in c.children if g.dep_ in {"acl", "ccomp", "relcl"}), None)
                if clause is not None:
                    return _trim_mark(clause)
    if comps:
        right = [c for c in comps if c.i > v.i]
        chosen = right or comps
        spans = [_trim_mark(c) for c in chosen]
        return min(s for s, _ in spans), max(e for _, e in spans)
    if verb_class == "belief":
        return None
    if v.dep_ == "pcomp":
        # "was quoted as saying X" with X parsed as an object
        objs = [c for c in v.children if c.dep_ in {"dobj", "obj", "xcomp"} and c.i > v.i]
        return _subtree_span(objs[0]) if objs else None
    if verb_class == "speech":
        # "told Lavrov to warn Armenia", "asked the council to act": an addressee and a directive
        obj = next((c for c in v.children if c.dep_ in {"dobj", "obj", "dative"} and c.i > v.i), None)
        xc = next((c for c in v.children if c.dep_ == "xcomp" and c.i > v.i), None)
        if obj is not None and xc is not None:
            return min(t.idx for t in obj.subtree), max(t.idx + len(t) for t in xc.subtree)
        return None
    children = [c for c in v.children if c.i > max(cue_ids) and c.dep_ in COMPLEMENT_DEPS]
    if v.lemma_.lower() == "call":
        children = [c for c in children if c.i not in cue_ids] + [
            g for c in v.children if c.i in cue_ids and c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    children = [c for c in children if not (c.dep_ == "prep" and c.lower_ not in OBJECT_PREPS)]
    if not children:
        subj = next((c for c in v.children if c.dep_ == "nsubjpass"), None)
        if subj is not None and any(c.dep_ == "agent" for c in v.children):
            return _subtree_span(subj)  # "The issue was confirmed by X"
        return None
    children.sort(key=lambda t: t.i)
    first, last = children[0], children[-1]
    start = min(t.idx for t in first.subtree)
    end = max(t.idx + len(t) for t in last.subtree)
    return start, end


def _trim_mark(clause: Token) -> tuple[int, int]:
    marks = {t.i for t in clause.children if t.dep_ == "mark" and t.lower_ in {"that", "whether", "if"}
             and t.i == min(x.i for x in clause.subtree)}
    return _subtree_span(clause, marks)


# -------------------------------------------------------------------------------- classification


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop edge spaces and punctuation other than quote marks; keep balanced marks."""
    strip = " \t\n,;:—–-."
    while start < end and (text[start] in strip):
        start += 1
    while end > start and (text[end - 1] in strip or text[end - 1].isspace()):
        end -= 1
    return start, end


def _classify(text: str, start: int, end: int, quotes: list[Quote], cue: int | None = None
              ) -> tuple[str, int, int]:
    """(kind, start, end): a content that is one quote becomes its inner text, unless the cue is
    inside that quote too (a claim nested in someone's quote keeps its own clause)."""
    inside = [q for q in quotes if q.end > start and q.start < end]
    if cue is not None:
        host = _quote_at(quotes, cue)
        if host is not None and host.start <= start and end <= host.end:
            inside = [q for q in inside if q is not host]
    if not inside:
        return "indirect", start, end
    for q in inside:
        # content lies within one quote, or is that quote with its marks and edge punctuation
        if q.outer_start <= start + 1 and end - 1 <= q.outer_end and (
            q.start >= start - 1 or start >= q.start
        ):
            before = text[start:q.outer_start]
            after = text[q.outer_end:end] if q.closed else ""
            if not _WORD.search(before) and not _WORD.search(after):
                s, e = q.start, q.end
                while s < e and text[s].isspace():
                    s += 1
                while e > s and text[e - 1].isspace():
                    e -= 1
                return "direct", s, e
    # mixed: extend to whole quotes that the span cuts
    for q in inside:
        if q.start < start < q.end:
            start = q.outer_start
        if q.start < end < q.end:
            end = q.outer_end
    return "mixed", start, end


# ----------------------------------------------------------------------------------- speakers


@dataclass(frozen=True)
class _Antecedent:
    pos: int
    kind: str  # PERSON | ORG | OTHER
    plural: bool
    gender: str | None  # female | male | None
    head: str  # lower-cased head noun
    name: str | None
    mention: tuple[int, int] | None


def _heads_phrase(tok: Token, head: Token) -> bool:
    """tok is the phrase's head, or joined to it by apposition, coordination or compounding."""
    for _ in range(6):
        if tok.i == head.i:
            return True
        if tok.dep_ not in {"appos", "conj", "compound", "flat", "nmod", "npadvmod"}:
            return False
        tok = tok.head
    return False


class _Resolver:
    """Maps a speaker span to a name and an entity mention.

    Pronouns and descriptions ("he", "they", "the minister", "the ministry") resolve to the
    nearest earlier compatible antecedent — an earlier source or the subject of an earlier
    sentence — agreeing in kind (person or organisation), number and, for he/she, the gender
    a given name signals. Nothing compatible: the name stays empty, not guessed.
    """

    def __init__(self, doc: Doc, lexicon: Lexicon):
        self.doc = doc
        self.lexicon = lexicon
        self.ents = [e for e in doc.ents if e.label_ in PERSON_LABELS | ORG_LABELS]
        self.full_names = self._full_names()
        self.sources: list[_Antecedent] = []  # speakers resolved so far
        self._subjects: list[_Antecedent] | None = None  # sentence subjects, described when first needed
        self._named: list[_Antecedent] | None = None

    @property
    def candidates(self) -> list[_Antecedent]:
        if self._subjects is None:
            self._subjects = []
            for i in _indices(self.doc, "DEP", {"nsubj", "nsubjpass"}, {"NOUN", "PROPN"}):
                tok = self.doc[i]
                a = self._describe(_np_span(tok), tok)
                if a is not None:
                    self._subjects.append(a)
        return self._subjects + self.sources

    @property
    def named(self) -> list[_Antecedent]:
        """Every named organisation or person, for descriptions naming their kind ("the association")."""
        if self._named is None:
            self._named = [_Antecedent(e.start_char, "PERSON" if e.label_ == "PERSON" else "ORG", False, None,
                                       e[-1].lower_, self.name_of(e), (e.start_char, e.end_char))
                           for e in self.ents if e.label_ != "NORP"]
        return self._named

    def _full_names(self) -> dict[str, str]:
        """Person name token -> the longest person name in the article containing it, if unique."""
        seen: dict[str, set[str]] = {}
        for e in self.ents:
            if e.label_ == "PERSON":
                for w in e.text.split():
                    seen.setdefault(w.lower(), set()).add(e.text)
        out = {}
        for w, names in seen.items():
            longest = max(names, key=lambda n: (len(n.split()), len(n)))
            if all(set(n.lower().split()) <= set(longest.lower().split()) for n in names):
                out[w] = longest
        return out

    def name_of(self, ent: Span) -> str:
        if ent.label_ == "PERSON":
            return self.full_names.get(ent.text.split()[-1].lower(), ent.text)
        text = ent.text
        return text[4:] if text.lower().startswith("the ") else text

    def _gender(self, name: str) -> str | None:
        first = name.split()[0].lower() if name else ""
        return self.lexicon.name_gender.get(first)

    def _describe(self, span: tuple[int, int], head: Token | None = None) -> _Antecedent | None:
        """What an NP names: people, an organisation or place, or something else."""
        s, e = span
        inside = [x for x in self.ents if x.start_char >= s and x.end_char <= e]
        if head is None:
            toks = self.doc.char_span(s, e, alignment_mode="expand")
            head = toks.root if toks is not None else None
        if head is None:
            return None
        plural = head.tag_ in {"NNS", "NNPS"} or any(c.dep_ == "conj" for c in head.children)
        # a person inside a prepositional phrase ("a cousin of Mahmoud Najjar") is not the source
        persons = [x for x in inside if x.label_ == "PERSON" and _heads_phrase(x.root, head)]
        if len(persons) > 1 and not any(c.dep_ == "conj" for c in head.children) and " and " not in \
                _text(self.doc)[persons[0].end_char:persons[-1].start_char]:
            persons = persons[-1:]  # "Skagen's mayor, Birgitte Holm": the apposed name
        if persons:
            names = list(dict.fromkeys(self.name_of(p) for p in persons))
            mention = (persons[0].start_char, persons[0].end_char)
            gender = self._gender(names[0]) if len(names) == 1 else None
            return _Antecedent(s, "PERSON", plural or len(names) > 1, gender, head.lower_, " and ".join(names),
                               mention)
        kind = self.lexicon.speaker_nouns.get(head.lemma_.lower()) or self.lexicon.speaker_nouns.get(head.lower_)
        orgs = [x for x in inside if x.label_ in ORG_LABELS and x.label_ != "NORP"]
        if orgs and kind != "PERSON":
            best = next((x for x in orgs if x.label_ == "ORG"), orgs[0])
            names = list(dict.fromkeys(self.name_of(o) for o in orgs)) if plural else [self.name_of(best)]
            return _Antecedent(s, "ORG", plural, None, head.lower_, " and ".join(names),
                               (best.start_char, best.end_char))
        text = _text(self.doc)[s:e]
        bare = re.sub(r"^(the|a|an|this|that|these|those)\s+", "", text, flags=re.I)
        return _Antecedent(s, kind or "OTHER", plural, None, head.lower_, bare if plural else None, None)

    def resolve(self, span: tuple[int, int], pos: int) -> tuple[str | None, tuple[int, int] | None]:
        s, e = span
        text = _text(self.doc)[s:e]
        words = [w.lower() for w in _WORD.findall(text)]
        if len(words) == 1 and words[0] in PRONOUNS:
            return self._antecedent(words[0], s)
        a = self._describe(span)
        if a is None:
            return None, None
        definite = words[0] in {"the", "this", "that", "its", "his", "her", "their"}
        if a.name is None and a.kind in {"PERSON", "ORG"} and definite:
            # an anaphoric description: "the minister", "the ministry", or a longer one whose head
            # an earlier source shares ("the Danish diplomat" after "a senior Danish diplomat")
            short = len(words) <= 2
            name, mention = self._nearest(s, a.kind, a.plural, None, prefer_head=a.head, only_head=not short)
            self.sources.append(_Antecedent(s, a.kind, a.plural, a.gender, a.head, name, mention))
            return name, mention
        self.sources.append(a)
        return a.name, a.mention

    def _antecedent(self, pronoun: str, pos: int) -> tuple[str | None, tuple[int, int] | None]:
        if pronoun in {"he", "him", "i"}:
            return self._nearest(pos, "PERSON", False, "male")
        if pronoun in {"she", "her"}:
            return self._nearest(pos, "PERSON", False, "female")
        if pronoun == "it":
            return self._nearest(pos, "ORG", False, None)
        return self._nearest(pos, None, True, None)  # they, we

    def _nearest(self, pos: int, kind: str | None, plural: bool, gender: str | None,
                 prefer_head: str | None = None, only_head: bool = False) -> tuple[str | None, tuple[int, int] | None]:
        window = [a for a in self.candidates if pos - 1500 < a.pos < pos]
        if prefer_head:
            same = [a for a in window + [n for n in self.named if pos - 3000 < n.pos < pos]
                    if a.head == prefer_head and a.kind == kind]
            if same:
                best = max(same, key=lambda a: a.pos)
                return best.name, best.mention
            if only_head:
                return None, None
        fits = [a for a in window if (kind is None or a.kind == kind) and a.plural == plural
                and not (gender and a.gender and a.gender != gender) and (a.name or kind is None)]
        if not fits:
            return None, None
        best = max(fits, key=lambda a: a.pos)
        return best.name, best.mention


# -------------------------------------------------------------------------------------- passes


FIRST_SECOND_PERSON = {"i", "we", "you", "me", "us"}


def _skip_cue(v: Token, subj: Token | None, quotes: list[Quote], verb_class: str) -> bool:
    """Cues that attribute nothing: in a question, or a quoted speaker's own "I think"."""
    sent = _sent(v).text.strip()
    inside = _quote_at(quotes, v.idx) is not None
    if sent.endswith("?") and not inside:
        return True
    if subj is not None and subj.lower_ in FIRST_SECOND_PERSON and (inside or verb_class == "belief"):
        return True
    return False


def _verb_claims(doc: Doc, lexicon: Lexicon, quotes: list[Quote] | None = None) -> list[_Raw]:
    quotes = quotes or []
    out = []
    for i in _indices(doc, "LEMMA", set(lexicon.reporting_verbs) | {"express"}, {"VERB"}):
        v = doc[i]
        lemma = v.lemma_.lower()
        if lemma == "express" and v.pos_ == "VERB":
            obj = next((c for c in v.children if c.dep_ in {"dobj", "obj"} and c.lower_ in STANCE_NOUNS), None)
            if obj is None or _is_negated(v):
                continue
            clause = next((c for c in obj.children if c.dep_ in {"acl", "ccomp", "prep", "relcl"}), None)
            subj = _subject(v)
            if clause is None or subj is None:
                continue
            content = _trim_mark(clause) if clause.dep_ != "prep" else _pobj_span(clause)
            if content is None:
                continue
            out.append(_Raw([v, obj], _np_span(subj), content, "verb:express-stance", 0.6,
                            cue_text=_text(doc)[v.idx:obj.idx + len(obj)], cue_span=(v.idx, obj.idx + len(obj))))
            continue
        if lemma not in lexicon.reporting_verbs or v.pos_ not in {"VERB"}:
            continue
        if _is_negated(v):
            continue
        cue = _cue_tokens(v)
        if cue is None:
            continue
        verb_class = lexicon.verb_class.get(lemma, "speech")
        content = _content_of(v, cue, verb_class)
        if content is None:
            continue
        subj = _subject(v)
        if subj is None or content[0] <= subj.idx < content[1]:
            subj = _postverbal_source(v, content) or subj  # "“...,” reported the Kremlin."
        if _skip_cue(v, subj, quotes, verb_class):
            continue
        speaker = _np_span(subj) if subj is not None and not content[0] <= subj.idx < content[1] else None
        polarity = "deny" if lemma in lexicon.denial_verbs else "assert"
        rule = "verb:ccomp" if any(c.dep_ == "ccomp" for c in v.children) else "verb:object"
        conf = (0.85 if rule == "verb:ccomp" else 0.7) - (0.15 if verb_class == "belief" else 0.0)
        if speaker is None:
            conf -= 0.2
        cue_text, cue_span = None, None
        if v.dep_ == "pcomp" and v.head.lower_ == "as":
            # "was quoted as saying" / "as saying": the whole phrase is the cue
            h = v.head.head
            aux = [c for c in h.children if c.dep_ in {"auxpass", "aux"} and c.i < h.i]
            first = aux[0] if aux and h.lemma_.lower() == "quote" and aux[0].i == h.i - 1 else (
                h if h.lemma_.lower() == "quote" else v.head)
            cue_span = (first.idx, v.idx + len(v))
            cue_text = _text(doc)[cue_span[0]:cue_span[1]]
            rule = "verb:quoted-as-saying"
        out.append(_Raw(cue, speaker, content, rule, conf, polarity, cue_text, cue_span))
    return out


def _pobj_span(prep: Token) -> tuple[int, int] | None:
    pobj = next((c for c in prep.children if c.dep_ in {"pobj", "pcomp"}), None)
    return _subtree_span(pobj) if pobj is not None else None


def _prep_claims(doc: Doc, lexicon: Lexicon) -> list[_Raw]:
    """Attribution phrases from the data file: 'according to X, Y', 'Y, citing X'."""
    phrases = [(kind, tuple(phrase.split())) for kind, phrase in lexicon.attribution_phrases]
    if not phrases:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(" ".join(w)) for _, w in phrases) + r")\b", re.I)
    starts = {s for m in pattern.finditer(_text(doc))
              if (s := _token_at(doc, m.start())) is not None}
    out = []
    for t in (doc[i] for i in sorted(starts)):
        for kind, words in phrases:
            if t.lower_ != words[0] or t.i + len(words) > len(doc) or any(
                    doc[t.i + k].lower_ != w for k, w in enumerate(words)):
                continue
            cue = list(doc[t.i:t.i + len(words)])
            source = _phrase_source(doc, cue)
            if source is None or (kind == "cited" and not _looks_like_source(doc, source)):
                continue
            phrase = {x.i for x in cue} | {x.i for x in source.subtree}
            if kind == "cited" and t.dep_ in {"advcl", "xcomp", "prep", "acl"}:
                comps = [c for c in t.head.children if c.dep_ == "ccomp"]
                phrase |= {x.i for x in t.subtree}
                content = _trim_mark(comps[0]) if comps else _sentence_without(doc, _sent(t), phrase)
            else:
                content = _sentence_without(doc, _sent(t), phrase)
            if content is None:
                continue
            end = cue[-1].idx + len(cue[-1])
            rule = "prep:" + "-".join(words)
            out.append(_Raw(cue, _np_span(source), content, rule, 0.8 if kind == "source" else 0.6,
                            cue_text=_text(doc)[t.idx:end], cue_span=(t.idx, end)))
            break
    return out


def _token_at(doc: Doc, char: int) -> int | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span.start if span is not None else None


def _phrase_source(doc: Doc, cue: list[Token]) -> Token | None:
    """The head of the noun phrase an attribution phrase introduces."""
    last = cue[-1]
    for tok in (last, cue[0]):
        obj = next((c for c in tok.children if c.dep_ in {"pobj", "dobj", "obj"} and c.i > last.i), None)
        if obj is not None:
            return obj
    nxt = doc[last.i + 1:last.i + 8]
    return next((x for x in nxt if x.pos_ in {"NOUN", "PROPN"} and x.head.i not in range(last.i + 1, last.i + 8)),
                None)


def _looks_like_source(doc: Doc, tok: Token) -> bool:
    words = {x.lower_ for x in tok.subtree}
    return bool(words & SOURCE_WORDS) or any(e.label_ in {"ORG", "PERSON"} and e.start <= tok.i < e.end
                                             for e in doc.ents)


def _sentence_without(doc: Doc, sent: Span, phrase: set[int]) -> tuple[int, int] | None:
    toks = [x for x in sent if x.i not in phrase]
    if not toks:
        return None
    first_phrase, last_phrase = min(phrase), max(phrase)
    before = [x for x in toks if x.i < first_phrase]
    after = [x for x in toks if x.i > last_phrase]
    if first_phrase <= sent.start + 1:
        toks = after
    elif last_phrase >= sent.end - 2:
        toks = before
    else:
        # "X told Y that Z, according to the office, reported RFE/RL": the longer side is the report
        words = lambda ts: sum(1 for x in ts if not x.is_punct and not x.is_space)  # noqa: E731
        toks = before if words(before) >= words(after) else after
    toks = [x for x in toks if not x.is_space]
    if len([x for x in toks if not x.is_punct]) < 3:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1])


# ------------------------------------------------------------------------------------ assembly


def _opens_sentence(doc: Doc, q: Quote) -> bool:
    """The quote starts a sentence or paragraph, or follows a colon: a statement, not a phrase."""
    before = _text(doc)[:q.outer_start].rstrip(" \t")
    if not before or before.endswith(("\n", ":", ".", "!", "?", "—", "–")):
        return True
    tok = doc.char_span(q.outer_start, q.outer_start + 1, alignment_mode="expand")
    return tok is not None and tok[0].is_sent_start


def _cue_near_quote(doc: Doc, q: Quote, lexicon: Lexicon) -> _Raw | None:
    """The cue of a quote that no verb reported: "“...,” X said." or "X said: “...”"."""
    first = doc.char_span(q.outer_start, q.outer_start + 1, alignment_mode="expand")
    last = doc.char_span(max(q.outer_end - 1, q.outer_start), q.outer_end, alignment_mode="expand")
    if first is None or last is None or not _opens_sentence(doc, q):
        return None
    after = list(doc[last.end:min(len(doc), last.end + 14)])
    cut = next((k for k, t in enumerate(after) if "\n" in t.text), len(after))  # same paragraph only
    before = [t for t in doc[max(0, first.start - 25):first.start]]
    after = after[:cut]
    quote_sent_end = _sent(last[-1]).end
    if after and after[0].i >= quote_sent_end:
        nxt = _sent(after[0])
        after = list(nxt) if len(nxt) <= 8 else []  # "“...” Lavrov said." as a sentence of its own
    else:
        after = [t for t in after if t.i < quote_sent_end]
    candidates = [(t, "quote:cue-after", 0.75) for t in after]
    if before and any(t.text == ":" for t in before[-2:]):
        sent_start = _sent(before[-1]).start
        candidates += [(t, "quote:cue-before-colon", 0.7) for t in reversed(before) if t.i >= sent_start]
    for v, rule, conf in candidates:
        if v.lemma_.lower() in lexicon.reporting_verbs and v.pos_ == "VERB" and not _is_negated(v):
            subj = _subject(v)
            if subj is None or subj.i in range(first.start, last.end):
                # "“...,” tweeted Attal": the parser may take a word of the quote as the subject
                subj = _postverbal_source(v, (q.outer_start, q.outer_end))
            if subj is None or subj.i in range(first.start, last.end):
                continue
            polarity = "deny" if v.lemma_.lower() in lexicon.denial_verbs else "assert"
            return _Raw([v], _np_span(subj), (q.start, q.end), rule, conf, polarity)
    return None


def _continuations(doc: Doc, quotes: list[Quote], claims: list[Claim]) -> list[Claim]:
    """A quote with no cue of its own, right after a quote of a known source, is that source's."""
    out = []
    ordered = sorted(claims, key=lambda c: c.start)
    for q in quotes:
        if len(_WORD.findall(_text(doc)[q.start:q.end])) < 4 or not _opens_sentence(doc, q):
            continue
        if any(c.start <= q.start + 1 and q.end <= c.end + 1 for c in claims + out):
            continue
        prev = [c for c in ordered + out if c.end <= q.outer_start and c.kind in {"direct", "mixed"}]
        if not prev:
            continue
        last = max(prev, key=lambda c: c.end)
        gap = _text(doc)[last.end:q.outer_start]
        if gap.count("\n\n") > 1 or len(gap) > 300:
            continue
        if any(c.start > last.end and c.end <= q.outer_start for c in claims):
            continue  # another source spoke in between
        out.append(replace(last, content=_text(doc)[q.start:q.end], start=q.start, end=q.end, kind="direct",
                           confidence=0.6, rule="quote:continuation"))
    return out


def _without_redundant_nesting(claims: list[Claim]) -> list[Claim]:
    """A claim reported inside another's content adds a layer only with a source of its own:
    "the Kremlin reported Putin stressed X" keeps both; "Clinton said she thinks X" keeps one."""
    out = []
    for c in claims:
        outer = [o for o in claims if o is not c and o.start <= c.cue_start < o.end and o.start <= c.start
                 and c.end <= o.end]
        if outer and (c.speaker_name is None or any(o.speaker_name == c.speaker_name for o in outer)):
            continue
        out.append(c)
    return out


def _join_interrupted(doc: Doc, claims: list[Claim]) -> list[Claim]:
    """A quote that continues a source's quote without a cue of its own joins it: “A,” she said,
    “B.” and “A,” she said. “B.” are one statement; the content then spans the interruption."""
    ordered = sorted(claims, key=lambda c: c.start)
    drop: set[int] = set()
    out = []
    for i, a in enumerate(ordered):
        if i in drop:
            continue
        merged = a
        for j in range(i + 1, len(ordered)):
            b = ordered[j]
            if j in drop or b.rule != "quote:continuation" or b.cue_start != merged.cue_start:
                continue
            if merged.kind in {"direct", "mixed"} and b.start > merged.end:
                merged = replace(merged, content=_text(doc)[merged.start:b.end], end=b.end, kind="direct",
                                 rule="quote:joined")
                drop.add(j)
        out.append(merged)
    return out


def _list_claims(doc: Doc, claims: list[Claim], fields: FieldText) -> tuple[list[Claim], set[int]]:
    """A cue whose content ends dangling ('... to', ':') introduces the list items that follow."""
    text = _text(doc)
    new, drop = [], set()
    for n, c in enumerate(claims):
        tail = text[c.start:c.end].rstrip()
        if not (tail.endswith(":") or re.search(r"\b(to|that|for|on)$", tail)):
            continue
        pos = text.find("\n", c.end)
        items = []
        while pos >= 0:
            line_start = pos + 1
            while line_start < len(text) and text[line_start] == "\n":
                line_start += 1
            line_end = text.find("\n", line_start)
            line_end = len(text) if line_end < 0 else line_end
            line = text[line_start:line_end]
            m = _LIST_ITEM.match(line)
            if not m or fields.field_of(line_start) != c.field and fields.locate(line_start, line_end) is None:
                break
            items.append((line_start + m.end(), line_end))
            pos = line_end if line_end < len(text) else -1
        if len(items) >= 2:
            drop.add(n)
            for s, e in items:
                s, e = _trim(text, s, e)
                new.append(replace(c, content=text[s:e], start=s, end=e, kind="indirect",
                                   rule="list:item", confidence=0.7))
    return new, drop


def _assemble(raws: list[_Raw], doc: Doc, fields: FieldText, quotes: list[Quote], resolver: _Resolver,
              seen: set[tuple[int, int, int]]) -> list[Claim]:
    text = _text(doc)
    out = []
    for r in sorted(raws, key=lambda r: r.content[0]):
        s, e = _trim(text, *r.content)
        if s >= e or fields.locate(s, e) is None:
            continue
        cue_s, cue_e = r.cue_span or (r.cue_tokens[0].idx, r.cue_tokens[-1].idx + len(r.cue_tokens[-1]))
        kind, s, e = _classify(text, s, e, quotes, cue_s)
        if len(_WORD.findall(text[s:e])) < (3 if r.rule == "verb:object" else 2):
            continue
        if fields.locate(cue_s, cue_e) is None or fields.field_of(cue_s) != fields.field_of(s):
            continue
        key = (cue_s, s, e)
        if key in seen:
            continue
        seen.add(key)
        speaker_text = text[r.speaker[0]:r.speaker[1]] if r.speaker else None
        name, mention = resolver.resolve(r.speaker, cue_s) if r.speaker else (None, None)
        out.append(Claim(fields.field_of(s), speaker_text, name, mention, r.cue_text or text[cue_s:cue_e],
                         cue_s, cue_e, text[s:e], s, e, kind, r.polarity, round(r.confidence, 2), r.rule))
    return out


def extract_claims(doc: Doc, fields: FieldText, lexicon: Lexicon) -> list[Claim]:
    """Claims of one parsed article, offsets in doc characters (see `to_field` for fields)."""
    quotes: list[Quote] = []
    for _name, lo, hi in fields.ranges:
        quotes.extend(find_quotes(_text(doc), lo, hi))
    resolver = _Resolver(doc, lexicon)
    seen: set[tuple[int, int, int]] = set()
    claims = _assemble(_verb_claims(doc, lexicon, quotes) + _prep_claims(doc, lexicon), doc, fields, quotes,
                       resolver, seen)
    open_quotes = [q for q in quotes if len(_WORD.findall(_text(doc)[q.start:q.end])) >= 4
                   and not any(c.start <= q.start + 1 and q.end <= c.end + 1 for c in claims)]
    near = [r for q in open_quotes if (r := _cue_near_quote(doc, q, lexicon)) is not None]
    claims += _assemble(near, doc, fields, quotes, resolver, seen)
    claims += _continuations(doc, quotes, claims)
    claims = _join_interrupted(doc, claims)
    claims = _without_redundant_nesting(claims)
    listed, drop = _list_claims(doc, claims, fields)
    claims = [c for n, c in enumerate(claims) if n not in drop] + listed
    return sorted(claims, key=lambda c: (c.start, c.cue_start))


def to_field(claim: Claim, fields: FieldText) -> Claim:
    """The same claim with offsets into its field's own text."""
    base = fields.range_of(claim.field)[0]
    return replace(claim, start=claim.start - base, end=claim.end - base,
                   cue_start=claim.cue_start - base, cue_end=claim.cue_end - base)
