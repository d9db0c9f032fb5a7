"""Cues: the reporting verbs, attribution phrases and quote-adjacent verbs that attribute a
content to a source, each found as a `RawClaim` (doc character offsets) for `assemble` to finish.

* `verb_claims`: reporting-verb lemmas (`tasks/data/reporting_verbs.txt`, with the conditions of
  `cue_conditions.tsv`) with their subject as speaker and their complement as content: "X said
  (that) Y", "“Y,” X said", "Y, reported X", "X urged Z to Y", "X was quoted as saying Y", and
  stance verbs with a stance noun ("X expressed hope that Y");
* `phrase_claims`: attribution phrases ("according to X, Y", "Y, citing X");
* `quote_cues.cue_near_quote`: a quote no verb reported, with the cue next to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from tasks.claims.quotes import Quote, quote_at
from tasks.claims.syntax import (
    doc_text,
    is_negated,
    noun_between,
    np_span,
    pobj_span,
    postverbal_source,
    sentence_of,
    sentence_without,
    subject_of,
    subtree_span,
    token_at,
    token_indices,
    trim_mark,
)
from tasks.lexicon import Lexicon

COMPLEMENT_DEPS = {"dobj", "xcomp", "ccomp", "oprd", "attr", "dative", "prep", "obj", "acomp"}


@dataclass
class RawClaim:
    """A claim under construction, in doc character offsets."""

    cue_tokens: list[Token]
    speaker: tuple[int, int] | None
    content: tuple[int, int]
    rule: str
    confidence: float
    polarity: str = "assert"
    cue_text: str | None = None
    cue_span: tuple[int, int] | None = None


def _cue_tokens(v: Token, lexicon: Lexicon) -> list[Token] | None:
    """The cue phrase for verb v, or None when v is not used as a reporting verb here
    (the conditions of `cue_conditions.tsv`: "called on", "pointed out", not "quoted X as")."""
    toks = [v]
    for c in v.children:
        if c.dep_ == "prt" and c.i == v.i + 1:
            toks.append(c)
    condition, words = lexicon.cue_conditions.get(v.lemma_.lower(), ("", frozenset()))
    if condition == "with-particle":
        particle = next((c for c in v.children if c.dep_ in {"prep", "prt"} and c.lower_ in words and c.i > v.i), None)
        if particle is None:
            return None
        toks.append(particle)
    elif condition == "not-with-prep" and any(c.dep_ == "prep" and c.lower_ in words for c in v.children):
        return None
    elif condition == "needs-word" and not any(c.lower_ in words for c in v.children):
        return None  # "to describe the fighters" names a topic; "described X as Y" characterises
    return sorted(toks, key=lambda t: t.i)


def _joined_report(clause: Token, v: Token, lexicon: Lexicon) -> bool:
    """A clause before the cue joined by "and"/"while" to the cue's own subject is a report of its own
    the parser hung on this cue ("Most said A, and 40 percent said B"), not what this cue reports."""
    if clause.i > v.i:
        return False
    subj = next((c for c in v.children if c.dep_ in {"nsubj", "nsubjpass"} and c.i < v.i), None)
    if subj is None:
        return False
    words = [t for t in v.doc[clause.left_edge.i:subj.left_edge.i] if not t.is_punct]
    # the joiner stands right before the cue's own subject: "A, and [40 percent] said"
    return bool(words) and words[-1].lower_ in lexicon.word_set("report_joiners")


def _reports_more(v: Token, speech: bool) -> bool:
    """The cue has a complement of its own after it (a speech verb's noun object is its addressee)."""
    return any(c.i > v.i and c.dep_ not in {"punct", "prep", "npadvmod", "advmod", "agent"} and not (
        speech and c.dep_ in {"dobj", "obj", "dative"} and c.pos_ in {"PROPN", "NOUN"}) for c in v.children)


def _reports_its_head(v: Token, lexicon: Lexicon) -> bool:
    """A cue the parser hung on the clause it reports: "The plan, he said, will fail" (the clause's
    subject before the cue, whatever follows it: "This system, says Ann Lind, a biologist, helps
    ..."), or any cue inserted between commas in a clause ("In a merger, he said, the brand would
    survive", "The effects are hard to predict, economists say, because ..."), but one after another
    report's verb ("“A,” X wrote in a post, 21 months, he said, after ...")."""
    h = v.head
    if h.pos_ in {"VERB", "AUX"} and h.i > v.i and any(c.dep_ in {"nsubj", "nsubjpass"} and c.i < v.i
                                                        for c in h.children):
        return True
    if h.i < v.i and h.lemma_.lower() in lexicon.reporting_verbs:
        return False
    return _inserted(v) and (h.dep_ == "ROOT" or h.pos_ in {"VERB", "AUX"} and any(
        c.dep_ in {"nsubj", "nsubjpass", "expl", "csubj"} for c in h.children))


def _inserted(v: Token) -> bool:
    """The cue's clause stands between commas (or dashes) inside the sentence: ", he said,"."""
    words = [t for t in v.subtree if not t.is_punct]
    doc, left, right = v.doc, words[0].i, words[-1].i
    marks = {",", "—", "–"}
    return left > 0 and doc[left - 1].text in marks and right + 1 < len(doc) and doc[right + 1].text in marks


def _closing_cue(v: Token, speech: bool) -> tuple[int, int] | None:
    """ "X has made it possible ..., she said.": a cue closing its sentence after a comma, which the
    parser hung on the statement as a clause of it; the statement is what precedes the comma. A
    speech verb's noun object there is its addressee ("..., his aide told The Huffington Post.")."""
    if v.dep_ not in {"advcl", "parataxis", "conj"} or v.head.i > v.i:
        return None
    subj = max((c for c in v.children if c.dep_ == "nsubj" and c.i < v.i), key=lambda c: c.i, default=None)
    sent = sentence_of(v)
    if subj is None or subj.left_edge.i - 1 <= sent.start or v.doc[subj.left_edge.i - 1].text != ",":
        return None
    if any(not t.is_punct for t in v.doc[v.right_edge.i + 1:sent.end]) or not any(
            c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in v.head.children):
        return None
    if _reports_more(v, speech):
        return None  # "..., its owners announced the closing": the cue has an object of its own
    comma = subj.left_edge.i - 1
    # a colon opens the statement ("by Times' Ben Sisario: The club will close, its owners announced")
    start = max((t.i + 1 for t in v.doc[sent.start:comma] if t.text == ":"), default=sent.start)
    return (v.doc[start].idx, v.doc[comma].idx) if start < comma else None


def content_of(v: Token, cue: list[Token], lexicon: Lexicon, verb_class: str = "object") -> tuple[int, int] | None:
    """Character span of what the cue verb reports.

    Every class takes a complement clause ("said that ...", "“...,” she said"). Verbs whose
    object can carry the statement ("urged Turkey to stop", "denied the reports") also take
    their object and what follows it; speech verbs only take "told X to ..." and "as saying X";
    belief verbs only clauses.
    """
    cue_ids = {t.i for t in cue}
    comps = [c for c in v.children if c.dep_ == "ccomp" and not _joined_report(c, v, lexicon)]
    if not comps:
        # "denied reports that ...": the clause under the report noun
        for c in v.children:
            if c.dep_ in {"dobj", "obj"} and c.lower_ in lexicon.word_set("allegation_nouns"):
                clause = next((g for g in c.children if g.dep_ in {"acl", "ccomp", "relcl"}), None)
                if clause is not None:
                    return trim_mark(clause)
    if comps:
        # complements on both sides of the cue are the parts of one interrupted statement
        # (“A,” she said, “B.”): the span holds the cue, which splits it into its parts later
        spans = [trim_mark(c) for c in comps]
        # "said that A, but that B": a second complement the parser hangs on the cue as a conjunct
        more = [c for c in v.children if c.dep_ == "conj" and c.i > max(comps, key=lambda t: t.i).i
                and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)]
        return min(s for s, _ in spans), max([e for _, e in spans] + [subtree_span(c)[1] for c in more])
    if v.dep_ == "parataxis" and _reports_its_head(v, lexicon):
        return subtree_span(v.head)
    closing = _closing_cue(v, verb_class == "speech")
    if closing is not None:
        return closing
    if verb_class == "belief":
        return None
    if v.dep_ == "pcomp":
        # "was quoted as saying X" with X parsed as an object
        objs = [c for c in v.children if c.dep_ in {"dobj", "obj", "xcomp"} and c.i > v.i]
        return subtree_span(objs[0]) if objs else None
    if verb_class == "speech":
        # "told Lavrov to warn Armenia", "asked the council to act": an addressee and a directive
        obj = next((c for c in v.children if c.dep_ in {"dobj", "obj", "dative"} and c.i > v.i), None)
        xc = next((c for c in v.children if c.dep_ == "xcomp" and c.i > v.i), None)
        if obj is not None and xc is not None:
            return min(t.idx for t in obj.subtree), max(t.idx + len(t) for t in xc.subtree)
        about = next((c for c in v.children if c.dep_ == "prep" and c.lower_ == "about" and c.i > v.i), None)
        return pobj_span(about) if about is not None else None  # "asked about the plan"
    children = [c for c in v.children if c.i > max(cue_ids) and c.dep_ in COMPLEMENT_DEPS]
    if lexicon.cue_conditions.get(v.lemma_.lower(), ("",))[0] == "with-particle":
        children = [c for c in children if c.i not in cue_ids] + [
            g for c in v.children if c.i in cue_ids and c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    object_preps = lexicon.word_set("object_preps")
    children = [c for c in children if not (c.dep_ == "prep" and c.lower_ not in object_preps)]
    if not children:
        subj = next((c for c in v.children if c.dep_ == "nsubjpass"), None)
        if subj is not None and any(c.dep_ == "agent" for c in v.children):
            return subtree_span(subj)  # "The issue was confirmed by X"
        return None
    children.sort(key=lambda t: t.i)
    if all(c.dep_ in {"prep", "dative"} and (c.lower_ in lexicon.word_set("addressee_preps") or any(
            g.ent_type_ in {"DATE", "TIME"} for g in c.children)) for c in children):
        return None  # "appealed to voters (on Tuesday)": an addressee, not what was said
    if v.lemma_.lower() not in lexicon.denial_verbs and all(c.dep_ in {"dobj", "obj"} for c in children) and not any(
            g.dep_ in {"acl", "relcl", "ccomp", "prep"} for c in children for g in c.children):
        return None  # a bare noun phrase ("announced his candidacy", "praised the plan") states nothing;
        # a denied one does ("denied the reports")
    first, last = children[0], children[-1]
    start = min(t.idx for t in first.subtree)
    end = max(t.idx + len(t) for t in last.subtree)
    return start, end


def _skip_cue(v: Token, subj: Token | None, quotes: list[Quote], verb_class: str, lexicon: Lexicon) -> bool:
    """Cues that attribute nothing: in a question, or a quoted speaker's own "I think"."""
    span = sentence_of(v)
    sent = doc_text(v.doc)[span.start_char:span.end_char].strip()
    inside = quote_at(quotes, v.idx) is not None
    if sent.endswith("?") and not inside:
        return True
    own = subj is not None and subj.lower_ in lexicon.word_set("first_second_person")
    return own and (inside or verb_class == "belief")


def _within(tok: Token, content: tuple[int, int], cue: Token | None) -> bool:
    """tok is in the reported words (the subject of a cue inserted in them is not)."""
    return content[0] <= tok.idx < content[1] and not (cue is not None and tok.head.i == cue.i)


def verb_claims(doc: Doc, lexicon: Lexicon, quotes: list[Quote] | None = None) -> list[RawClaim]:
    """Claims of reporting verbs and of stance verbs with a stance noun."""
    quotes = quotes or []
    stance_verbs, stance_nouns = lexicon.word_set("stance_verbs"), lexicon.word_set("stance_nouns")
    out = []
    for i in token_indices(doc, "LEMMA", set(lexicon.reporting_verbs) | stance_verbs, {"VERB"}):
        v = doc[i]
        lemma = v.lemma_.lower()
        if lemma in stance_verbs and v.pos_ == "VERB":
            obj = next((c for c in v.children if c.dep_ in {"dobj", "obj"} and c.lower_ in stance_nouns), None)
            if obj is None or is_negated(v):
                continue
            clause = next((c for c in obj.children if c.dep_ in {"acl", "ccomp", "prep", "relcl"}), None)
            subj = subject_of(v, messages=lexicon.word_set("message_nouns"))
            if clause is None or subj is None:
                continue
            content = trim_mark(clause) if clause.dep_ != "prep" else pobj_span(clause)
            if content is None:
                continue
            end = obj.idx + len(obj)
            out.append(RawClaim([v, obj], np_span(subj), content, "verb:express-stance", 0.6,
                                cue_text=doc_text(doc)[v.idx:end], cue_span=(v.idx, end)))
            continue
        if lemma not in lexicon.reporting_verbs or v.pos_ not in {"VERB"}:
            continue
        if is_negated(v):
            continue
        cue = _cue_tokens(v, lexicon)
        if cue is None:
            continue
        verb_class = lexicon.verb_class.get(lemma, "speech")
        content = content_of(v, cue, lexicon, verb_class)
        if content is None:
            continue
        subj = subject_of(v, messages=lexicon.word_set("message_nouns"))
        if subj is not None and subj.is_punct:  # a quote mark the parser took for the subject
            subj = next((c for c in v.children if c.dep_ in {"nsubj", "nsubjpass"} and not c.is_punct), None) \
                or noun_between(doc, subj.i + 1, v)
        inserted = content[0] < v.idx < content[1]  # the cue inside what it reports: "X, she said, Y"
        if subj is None or _within(subj, content, v if inserted else None):
            # "“...,” reported the Kremlin."; "..., she said." where the parser took a subject in the content
            subj = postverbal_source(v, content) or next(
                (c for c in v.children if c.dep_ in {"nsubj", "nsubjpass"} and c.idx >= content[1]), None) or subj
        if _skip_cue(v, subj, quotes, verb_class, lexicon):
            continue
        speaker = np_span(subj) if subj is not None and not _within(subj, content, v if inserted else None) else None
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
            cue_text = doc_text(doc)[cue_span[0]:cue_span[1]]
            rule = "verb:quoted-as-saying"
        if inserted:
            rule = "verb:inserted"  # the statement's parts stand around the cue
        out.append(RawClaim(cue, speaker, content, rule, conf, polarity, cue_text, cue_span))
    return out


def phrase_claims(doc: Doc, lexicon: Lexicon) -> list[RawClaim]:
    """Attribution phrases from the data file: 'according to X, Y', 'Y, citing X'."""
    phrases = [(kind, tuple(phrase.split())) for kind, phrase in lexicon.attribution_phrases]
    if not phrases:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(" ".join(w)) for _, w in phrases) + r")\b", re.I)
    starts = {s for m in pattern.finditer(doc_text(doc))
              if (s := token_at(doc, m.start())) is not None}
    out = []
    for t in (doc[i] for i in sorted(starts)):
        for kind, words in phrases:
            if t.lower_ != words[0] or t.i + len(words) > len(doc) or any(
                    doc[t.i + k].lower_ != w for k, w in enumerate(words)):
                continue
            cue = list(doc[t.i:t.i + len(words)])
            source = _phrase_source(doc, cue)
            if source is None or (kind == "cited" and not _looks_like_source(doc, source, lexicon)):
                continue
            phrase = {x.i for x in cue} | {x.i for x in source.subtree}
            speaker = np_span(source)
            if (cut := _unclosed_phrase_end(doc, cue, source, phrase)) is not None:
                phrase = {x.i for x in cue} | set(range(source.left_edge.i, cut + 1))
                speaker = source.left_edge.idx, doc[cut - 1].idx + len(doc[cut - 1])
            if kind == "cited" and t.dep_ in {"advcl", "xcomp", "prep", "acl"}:
                comps = [c for c in t.head.children if c.dep_ == "ccomp"]
                phrase |= {x.i for x in t.subtree}
                content = trim_mark(comps[0]) if comps else sentence_without(sentence_of(t), phrase)
            else:
                content = sentence_without(sentence_of(t), phrase)
            if content is None:
                continue
            end = cue[-1].idx + len(cue[-1])
            rule = "prep:" + "-".join(words)
            out.append(RawClaim(cue, speaker, content, rule, 0.8 if kind == "source" else 0.6,
                                cue_text=doc_text(doc)[t.idx:end], cue_span=(t.idx, end)))
            break
    return out


def _unclosed_phrase_end(doc: Doc, cue: list[Token], source: Token, phrase: set[int]) -> int | None:
    """The comma that really ends a leading attribution phrase the parser ran into its clause:
    "According to X, Azerbaijan's decision ... is a threat", where the clause's subject hangs on X as
    an apposition, so the phrase runs on with no comma before the clause. The phrase then ends at the
    last comma after its source that opens no list item, the one before the clause's subject
    ("According to X, a vice president at Y, the jet will ..."); None when the phrase is closed by
    punctuation, as it should be."""
    end = max(i for i in phrase if not doc[i].is_punct)  # the parse may hang the closing comma on the phrase
    if end + 1 >= len(doc) or doc[end + 1].is_punct or cue[0].i > source.left_edge.i:
        return None
    commas = [t.i for t in doc[source.i + 1:end] if t.text == "," and not _joins_a_list(doc[t.i + 1], end)]
    return commas[-1] if commas else None


def _joins_a_list(t: Token, end: int) -> bool:
    """The noun phrase starting at t is an item of a list ("Alabama, Georgia and Texas"), not a new phrase."""
    while t.head.i > t.i and t.head.i <= end:
        t = t.head
    return t.dep_ == "conj"


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


def _looks_like_source(doc: Doc, tok: Token, lexicon: Lexicon) -> bool:
    words = {x.lower_ for x in tok.subtree}
    return bool(words & lexicon.word_set("source_words")) or any(
        e.label_ in {"ORG", "PERSON"} and e.start <= tok.i < e.end for e in doc.ents)
