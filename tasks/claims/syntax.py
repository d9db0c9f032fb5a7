"""Syntax helpers over one spaCy parse: spans of subtrees and noun phrases, the source of a
verb, negation, sentences; the doc's text and token lookups computed once per doc."""

from __future__ import annotations

import bisect

import numpy as np
from spacy.tokens import Doc, Span, Token

from tasks.arrays import member


def doc_text(doc: Doc) -> str:
    """The doc's text, computed once (spaCy rebuilds `Doc.text` from every token on each access)."""
    cached = doc.user_data.get("newsetl_text")
    if cached is None:
        cached = doc.user_data["newsetl_text"] = doc.text
    return cached


def seed_text(doc: Doc, text: str) -> None:
    """Give `doc_text` the text the doc was parsed from (building it again from the tokens costs as
    much as a fifth of claim extraction); checked against the doc's length, never trusted blindly."""
    if len(doc) and doc[-1].idx + len(doc[-1].text_with_ws) == len(text):
        doc.user_data.setdefault("newsetl_text", text)


def token_indices(doc: Doc, attr: str, values: set[str], pos: set[str] | None = None) -> list[int]:
    """Indices of tokens whose `attr` (LEMMA, DEP, ...) is one of `values` (and POS one of `pos`),
    read from the doc's arrays: no Token object is made for the others."""
    strings = doc.vocab.strings
    cols = [attr, "POS"] if pos else [attr]
    arr = doc.to_array(cols).reshape(len(doc), len(cols)).astype(np.uint64)
    mask = member(arr[:, 0], [strings.add(v) for v in values])
    if pos:
        mask &= member(arr[:, 1], [strings.add(p) for p in pos])
    return np.flatnonzero(mask).tolist()


def sentence_of(tok: Token) -> Span:
    """The sentence of a token, from starts indexed once per doc (`Token.sent` walks them each time)."""
    doc = tok.doc
    starts = doc.user_data.get("newsetl_sent_starts")
    if starts is None:
        starts = doc.user_data["newsetl_sent_starts"] = [s.start for s in doc.sents] + [len(doc)]
    k = bisect.bisect_right(starts, tok.i) - 1
    return doc[starts[k]:starts[k + 1]]


def subtree_span(tok: Token, exclude: set[int] | None = None) -> tuple[int, int]:
    toks = [t for t in tok.subtree if not exclude or t.i not in exclude]
    return min(t.idx for t in toks), max(t.idx + len(t) for t in toks)


def _excluded(tok: Token, deps: set[str]) -> set[int]:
    out: set[int] = set()
    for child in tok.children:
        if child.dep_ in deps:
            out.update(t.i for t in child.subtree)
    return out


def np_span(tok: Token) -> tuple[int, int]:
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


def subject_of(v: Token, depth: int = 0, messages: frozenset[str] = frozenset()) -> Token | None:
    """The source of a cue verb: its subject, the agent of a passive, or an inherited one: from
    the verb it depends on ("said, adding ...", "erred in saying", "was quick to say"), or from the
    noun a participle describes ("X, denying ..."), passing through a message noun to whoever
    issued it ("issued a statement saying": `messages`, word list message_nouns)."""
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
    if v.dep_ in {"xcomp", "advcl", "conj"} and v.head.pos_ in {"VERB", "AUX", "ADJ"}:
        return subject_of(v.head, depth + 1, messages)
    if v.dep_ == "pcomp" and v.head.dep_ == "prep" and v.head.head.pos_ in {"VERB", "AUX", "ADJ"}:
        return subject_of(v.head.head, depth + 1, messages)  # "erred in saying", "followed up by asking"
    if v.dep_ in {"relcl", "acl"} and v.head.pos_ in {"NOUN", "PROPN"}:
        owner = _owner(v.head)
        issuer = owner.head if owner.dep_ in {"dobj", "obj", "pobj"} else None
        if issuer is not None and issuer.dep_ == "prep":
            issuer = issuer.head  # "sent a text message to supporters saying"
        if issuer is not None and issuer.pos_ in {"VERB", "AUX"} and (
                owner.lower_ in messages or owner.dep_ == "pobj"):
            return subject_of(issuer, depth + 1, messages) or owner
        return owner
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


def postverbal_source(v: Token, content: tuple[int, int]) -> Token | None:
    """The source after an inverted cue ("..., said the minister"), outside the content. Only a
    cue whose content starts before it is inverted: after "telling voters that ...", the noun after
    the cue is the addressee."""
    deps = {"nsubj", "dobj", "attr", "npadvmod", "appos", "oprd", "nsubjpass"} if content[0] < v.idx \
        else {"nsubj", "nsubjpass"}
    for c in v.children:
        if c.i > v.i and c.dep_ in deps \
                and c.pos_ in {"PROPN", "NOUN"} and not content[0] <= c.idx < content[1]:
            return c
        if c.i == v.i + 1 and c.dep_ == "prep" and c.text[:1].isupper() and content[0] < v.idx:
            # a first name the parser took for a preposition ("..., said Per Olsen"): its object is a person
            obj = next((o for o in c.children if o.dep_ == "pobj" and o.i == c.i + 1 and o.ent_type_ == "PERSON"), None)
            if obj is not None:
                return obj
    return None


def is_negated(v: Token) -> bool:
    if any(c.dep_ == "neg" for c in v.children):
        return True
    return v.dep_ in {"xcomp"} and any(c.dep_ == "neg" for c in v.head.children)


def trim_mark(clause: Token) -> tuple[int, int]:
    marks = {t.i for t in clause.children if t.dep_ == "mark" and t.lower_ in {"that", "whether", "if"}
             and t.i == min(x.i for x in clause.subtree)}
    return subtree_span(clause, marks)


def pobj_span(prep: Token) -> tuple[int, int] | None:
    pobj = next((c for c in prep.children if c.dep_ in {"pobj", "pcomp"}), None)
    return subtree_span(pobj) if pobj is not None else None


def token_at(doc: Doc, char: int) -> int | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span.start if span is not None else None


def sentence_without(sent: Span, phrase: set[int]) -> tuple[int, int] | None:
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


def noun_between(doc: Doc, start: int, v: Token) -> Token | None:
    """The head of the noun phrase between a quote's end (token `start`) and its cue: "»
    Liv Dahl said", where the parser attached the name elsewhere."""
    words = [t for t in doc[start:v.i] if t.pos_ in {"PROPN", "NOUN", "PRON"}]
    return words[-1] if words and v.i - start <= 8 else None
