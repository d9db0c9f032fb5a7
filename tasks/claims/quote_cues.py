"""Cues next to quotes: a quote no verb reported whose cue stands in the sentence after it
("“Y.” X said.", "“Y?” X said to a crowd."), before a colon ("X said: “Y”") or closes the clause
before the comma that opens it ("As X said last week, “Y”"). Where no reporting verb stands there,
the quote's source is still the subject of a clause that introduces it with a colon ("Lind
disagreed: “Y”") or that follows it with nothing but its verb ("“Y,” Lind shot back."): the
position says who speaks, whatever the verb.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from tasks.claims.cues import RawClaim
from tasks.claims.quotes import Quote
from tasks.claims.syntax import doc_text, is_negated, noun_between, np_span, postverbal_source, sentence_of, subject_of
from tasks.lexicon import Lexicon


def opens_sentence(doc: Doc, q: Quote) -> bool:
    """The quote starts a sentence or paragraph, or follows a colon: a statement, not a phrase."""
    before = doc_text(doc)[:q.outer_start].rstrip(" \t")
    if not before or before.endswith(("\n", ":", ".", "!", "?", "—", "–")):
        return True
    tok = doc.char_span(q.outer_start, q.outer_start + 1, alignment_mode="expand")
    return tok is not None and tok[0].is_sent_start


def cue_near_quote(doc: Doc, q: Quote, lexicon: Lexicon) -> RawClaim | None:
    """The cue of a quote that no verb reported: "“...,” X said." or "X said: “...”"."""
    first = doc.char_span(q.outer_start, q.outer_start + 1, alignment_mode="expand")
    last = doc.char_span(max(q.outer_end - 1, q.outer_start), q.outer_end, alignment_mode="expand")
    if first is None or last is None:
        return None
    if not opens_sentence(doc, q):
        return _cue_before_comma(doc, q, first.start, lexicon)
    after = list(doc[last.end:min(len(doc), last.end + 14)])
    cut = next((k for k, t in enumerate(after) if "\n" in t.text), len(after))  # same paragraph only
    before = [t for t in doc[max(0, first.start - 25):first.start]]
    after = after[:cut]
    quote_sent_end = sentence_of(last[-1]).end
    if after and after[0].i >= quote_sent_end:
        nxt = sentence_of(after[0])
        # "“...” Lavrov said." as a sentence of its own, or one that opens with the cue and reports
        # nothing else ("“...?” Trump said to a crowd of about 500.")
        after = list(nxt) if len(nxt) <= 8 else [t for t in nxt[:4] if not any(
            c.dep_ in {"ccomp", "dobj", "obj", "xcomp"} for c in t.children)]
    else:
        after = [t for t in after if t.i < quote_sent_end]
    candidates = [(t, "quote:cue-after", 0.75) for t in after]
    colon_before = bool(before) and any(t.text == ":" for t in before[-2:])
    if colon_before:
        sent_start = sentence_of(before[-1]).start
        candidates += [(t, "quote:cue-before-colon", 0.7) for t in reversed(before) if t.i >= sent_start]
    for v, rule, conf in candidates:
        if v.lemma_.lower() in lexicon.reporting_verbs and v.pos_ == "VERB" and not is_negated(v):
            subj = subject_of(v, messages=lexicon.word_set("message_nouns"))
            inside = range(first.start, last.end)
            if subj is None or subj.i in inside or subj.is_punct:
                # the parser may take a word or a mark of the quote for the subject: another subject
                # outside the quote ("“...,” Sofia Nyberg said"), or one after the cue ("tweeted Attal")
                subj = next((c for c in v.children if c.dep_ in {"nsubj", "nsubjpass"} and c.i not in inside
                             and not c.is_punct), None) or postverbal_source(v, (q.outer_start, q.outer_end)) \
                    or noun_between(doc, last.end, v)
            if subj is None or subj.i in inside:
                continue
            return _claim(v, subj, q, rule, conf, lexicon)
    if colon_before:
        return _lead_in(doc, before[-1], q, lexicon)
    return _trailing_verb(doc, q, last.end, lexicon)


def _lead_in(doc: Doc, colon: Token, q: Quote, lexicon: Lexicon) -> RawClaim | None:
    """"He continued with an appeal to voters: “...”", "Mahaney agreed: “...”": a clause whose subject
    introduces the quote with a colon, whatever its verb, makes the quote that subject's: the subject
    of the clause's main verb (or of a verb joined to it), never that of a clause the main clause
    holds ("however much credit you give X, the advice is: “...”" has no source)."""
    if colon.i == 0:
        return None
    sent = sentence_of(doc[colon.i - 1])
    lead = doc[sent.start:colon.i]
    if any(t.is_quote for t in lead):
        return None
    # the lead's main clause: its word whose head stands outside it (the parse may hang it on the quote)
    main = next((t for t in lead if not (lead.start <= t.head.i < lead.end) or t.head.i == t.i), sent.root)
    for v in lead:
        if v.pos_ != "VERB":
            continue
        if main.i != v.i and not (v.dep_ == "conj" and v.head.i == main.i) and any(
                c.dep_ in {"nsubj", "nsubjpass"} for c in main.children):
            return None  # a clause held in a main clause of its own ("however much credit you give X, the advice is:")
        subj = next((c for c in v.children if c.dep_ == "nsubj" and c.i < v.i), None)
        if subj is None:
            continue
        if is_negated(v) or not _can_speak(subj, lexicon):
            return None
        return _claim(v, subj, q, "quote:lead-in", 0.55, lexicon, _with_particle(v))
    return None


def _cue_before_comma(doc: Doc, q: Quote, first: int, lexicon: Lexicon) -> RawClaim | None:
    """ "As Dell said last week in Tel Aviv, “...”", "the executive says, ''Please quiet down.''": a
    cue that ends its clause right before the comma that opens the quote, with nothing else to report."""
    if first < 2 or doc[first - 1].text != ",":
        return None
    sent_start = sentence_of(doc[first - 1]).start
    v = next((t for t in reversed(doc[sent_start:first - 1]) if t.pos_ in {"VERB", "AUX"}), None)
    if v is None or v.lemma_.lower() not in lexicon.reporting_verbs or is_negated(v) or v.right_edge.i >= first:
        return None
    if any(c.i > v.i and c.dep_ in {"ccomp", "dobj", "obj", "xcomp", "dative"} for c in v.children):
        return None
    subj = next((c for c in v.children if c.dep_ == "nsubj" and c.i < v.i), None)
    if subj is None or any(t.is_quote for t in doc[sent_start:subj.left_edge.i]):
        return None  # “A,” he said, “B.”: the second part of an interrupted statement (its parts join)
    return _claim(v, subj, q, "quote:cue-before-comma", 0.7, lexicon)


def _claim(v: Token, subj: Token, q: Quote, rule: str, conf: float, lexicon: Lexicon,
           cue: list[Token] | None = None) -> RawClaim:
    """The quote's claim, cue v (or the tokens `cue`) and speaker subj."""
    polarity = "deny" if v.lemma_.lower() in lexicon.denial_verbs else "assert"
    return RawClaim(cue or [v], np_span(subj), (q.start, q.end), rule, conf, polarity)


def _can_speak(subj: Token, lexicon: Lexicon) -> bool:
    """A subject that can be a quote's source by position alone: a name, pronoun or noun, not "it"
    or "there" (word list lead_in_non_speakers)."""
    return subj.pos_ in {"PROPN", "PRON", "NOUN"} and subj.lower_ not in lexicon.word_set("lead_in_non_speakers")


def _with_particle(v: Token) -> list[Token]:
    """The verb and the particle or adverb right after it that makes its sense ("went on", "shot back")."""
    nxt = v.nbor(1) if v.i + 1 < len(v.doc) else None
    if nxt is not None and nxt.head == v and (nxt.dep_ == "prt" or nxt.dep_ == "advmod" and nxt.pos_ == "ADV"):
        return [v, nxt]
    return [v]


def _trailing_verb(doc: Doc, q: Quote, end: int, lexicon: Lexicon) -> RawClaim | None:
    """"“...,” Ryan continued.", "“...?” he wondered.", "“...”, reacted Macron": a quote that ends in
    a comma (inside or right after its closing mark), a question or an exclamation mark and is
    followed, in the same paragraph, by no more than a subject and its verb makes the quote that
    subject's, whatever the verb."""
    inner = doc_text(doc)[q.start:q.end].rstrip()
    if end < len(doc) and doc[end].text == "," and doc[end].idx == q.outer_end:
        end += 1  # the comma after the closing mark, as European outlets set it ("“...”, reacted X")
    elif not inner.endswith((",", "?", "!")):
        return None
    tail = []
    for t in doc[end:min(len(doc), end + 8)]:
        if "\n" in t.text or t.is_punct or t.is_quote:
            break
        tail.append(t)
    verbs = [t for t in tail if t.pos_ == "VERB"]
    if len(verbs) != 1 or len(tail) > 6 or is_negated(verbs[0]):
        return None
    v = verbs[0]
    subj = next((c for c in v.children if c.dep_ == "nsubj" and c in tail), None)
    if subj is None or not _can_speak(subj, lexicon):
        return None
    if any(c.dep_ in {"ccomp", "dobj", "obj", "xcomp", "dative"} and c.i >= end for c in v.children):
        return None  # the verb does something else to an object of its own ("“...,” Lind sold the boats.")
    return _claim(v, subj, q, "quote:trailing-verb", 0.55, lexicon, _with_particle(v))
