"""spaCy set-up shared by entities and claims: one parse per article.

`configure(nlp, lexicon)` adds components to a loaded pipeline:

* `newsetl_paragraphs` (before the parser): a line break starts a sentence;
* `newsetl_gazetteer` (after the NER): well-known places, groups and organisations from
  `tasks/data/gazetteer.tsv`. An exact match relabels the model's entity (the small model
  calls "Karabakh" a PERSON) and adds an entity where the model found none, but never cuts a
  longer entity of the model ("Bank of England"), which spaCy's own EntityRuler would do;
* `newsetl_consistency` (last): one label per name within an article: a surname takes the
  label of the full name it ends ("Lebed" after "Alexander Lebed"), a surface form seen with
  several labels takes its majority label, and later unlabelled occurrences of a recognised
  multi-word name are labelled too.

Loading the model is the flow's job.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from tasks.attribute_index import index_attribute_ruler
from tasks.lexicon import Lexicon

PARAGRAPHS = "newsetl_paragraphs"
GAZETTEER = "newsetl_gazetteer"
CONSISTENCY = "newsetl_consistency"
PERSON = "PERSON"


@Language.component(PARAGRAPHS)
def paragraph_breaks(doc: Doc) -> Doc:
    """A token after a line break starts a sentence."""
    for i, tok in enumerate(doc[:-1]):
        if tok.is_space and "\n" in tok.text:
            doc[i + 1].is_sent_start = True
    return doc


class GazetteerMatcher:
    """Gazetteer entities merged into the model's, longest match first."""

    def __init__(self, nlp: Language, entries: list[list[str]], glued_words: list[str]):
        self.glued_words = frozenset(glued_words)
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.info: dict[int, tuple[str, str, str, str]] = {}
        for label, canonical, surface, mode in entries:
            key = f"{label}\x00{canonical}\x00{surface}\x00{mode}"
            self.matcher.add(key, [nlp.make_doc(surface)])
            self.info[nlp.vocab.strings[key]] = (label, canonical, surface, mode)

    def _accept(self, span: Span, surface: str) -> bool:
        text = span.text
        if not text[:1].isupper():
            return False  # "turkey", "chad", "who"
        if surface.replace(".", "").isupper() and len(surface) <= 6:
            return text == surface  # acronyms match in their own case: "US" is not "Us"
        return True

    def __call__(self, doc: Doc) -> Doc:
        doc.ents = [_without_leading_verb(e, self.glued_words) for e in doc.ents]
        found = []
        for match_id, start, end in self.matcher(doc):
            label, canonical, surface, mode = self.info[match_id]
            if self._accept(doc[start:end], surface):
                found.append((start, end, label, canonical, mode))
        if not found:
            return doc
        # person names the model found, except its slips the gazetteer is about to correct
        known = {(s, e) for s, e, label, _c, mode in found if mode != "add"}
        person_parts = _person_words([e for e in doc.ents if (e.start, e.end) not in known])
        found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
        ents = list(doc.ents)
        claimed: set[int] = set()
        for start, end, label, canonical, mode in found:
            if claimed & set(range(start, end)):
                continue
            overlapping = [e for e in ents if e.start < end and e.end > start]
            if not overlapping:
                ents.append(Span(doc, start, end, label=label, span_id=canonical))
            elif len(overlapping) == 1 and (overlapping[0].start, overlapping[0].end) == (start, end):
                old = overlapping[0]
                new_label = label if mode != "add" else old.label_
                if new_label != label:
                    continue  # an ambiguous name the model read otherwise: leave it
                ents[ents.index(old)] = Span(doc, start, end, label=new_label, span_id=canonical)
            elif len(overlapping) == 1 and _only_noise_around(overlapping[0], start, end):
                # "the United States", "Lithuania 2-1": the model's span is the name plus an article
                # or a score; keep the name
                ents.remove(overlapping[0])
                ents.append(Span(doc, start, end, label=label, span_id=canonical))
            elif len(overlapping) == 1 and (split := _split_at_edge(overlapping[0], start, end, person_parts)):
                # "Putin Turkey", "Armenia Zohrab Mnatsakanyan": a known name glued to a person's
                ents.remove(overlapping[0])
                ents += [Span(doc, start, end, label=label, span_id=canonical), split]
            elif mode != "add" and all(e.start >= start and e.end <= end for e in overlapping):
                # the model split or clipped a known name ("Nagorno" + "Karabakh"): take the whole
                ents = [e for e in ents if e not in overlapping]
                ents.append(Span(doc, start, end, label=label, span_id=canonical))
            else:
                continue  # a longer entity of the model holds the name, or they cross: keep the model's
            claimed.update(range(start, end))
        doc.ents = sorted(ents, key=lambda e: e.start)
        return doc


VERB_TAGS = {"VBG", "VB", "VBD", "VBN", "VBZ", "VBP", "IN"}


def _without_leading_verb(ent: Span, glued_words: frozenset[str]) -> Span:
    """'Citing Turkey’s' -> 'Turkey': a sentence-initial verb or a possessive glued to a name."""
    start, end = ent.start, ent.end
    if end - start > 1 and ent.doc[end - 1].tag_ == "POS":
        end -= 1
    if end - start > 1 and (ent[0].tag_ in VERB_TAGS or ent[0].lower_ in glued_words) \
            and ent.doc[start + 1].text[:1].isupper():
        start += 1
    if (start, end) == (ent.start, ent.end):
        return ent
    return Span(ent.doc, start, end, label=ent.label_, span_id=ent.id_)


def _person_parts(ents) -> set[str]:
    """Surnames of the article's full person names."""
    return {e[-1].text for e in ents if e.label_ == PERSON and len(e) >= 2}


def _person_words(ents) -> set[str]:
    """Every word the article uses as (part of) a person's name."""
    return {t.text for e in ents if e.label_ == PERSON for t in e if t.is_alpha}


def _split_at_edge(ent: Span, start: int, end: int, person_parts: set[str]) -> Span | None:
    """The rest of `ent` beside a gazetteer name at its edge, as a person, when it holds a known surname."""
    if ent.start == start and end < ent.end:
        rest = (end, ent.end)
    elif ent.end == end and ent.start < start:
        rest = (ent.start, start)
    else:
        return None
    tokens = ent.doc[rest[0]:rest[1]]
    if all(t.text[:1].isupper() for t in tokens) and any(t.text in person_parts for t in tokens):
        return Span(ent.doc, rest[0], rest[1], label=PERSON)
    return None


def _only_noise_around(ent: Span, start: int, end: int) -> bool:
    if not (ent.start <= start and end <= ent.end):
        return False
    extra = [t for t in ent if not start <= t.i < end]
    return bool(extra) and all(not t.is_alpha or t.lower_ == "the" for t in extra)


@Language.factory(GAZETTEER, default_config={"entries": [], "glued_words": []})
def make_gazetteer(nlp: Language, name: str, entries: list[list[str]], glued_words: list[str]) -> GazetteerMatcher:
    return GazetteerMatcher(nlp, entries, glued_words)


class LabelConsistency:
    """One label per name within a document, and repairs of the small model's usual slips
    around titles (gazetteer entities keep their labels)."""

    def __init__(self, titles: list[str]):
        self.titles = {t.lower() for t in titles}

    def _title(self, tok, any_case: bool = False) -> bool:
        word = tok.lower_.rstrip(".")
        return (any_case or tok.text[:1].isupper()) and (word in self.titles or word.removesuffix("s") in self.titles)

    def _repair(self, e: Span) -> Span | None:
        doc = e.doc
        if e.id_:
            return e
        before = doc[e.start - 1] if e.start > 0 else None
        after = doc[e.end] if e.end < len(doc) else None
        after2 = doc[e.end + 1] if e.end + 1 < len(doc) else None
        # office titles are not entities: "Defense" Minister, Secretary of "State"
        if e.label_ in {"ORG", "GPE", "NORP"} and len(e) == 1 and after is not None and self._title(after):
            return None
        if e.label_ == "ORG" and before is not None and before.lower_ in {"of", "for"} and e.start > 1 \
                and self._title(doc[e.start - 2]):
            return None
        # a name right after a person title, or followed by ", <title>", is a person
        if e.label_ != PERSON and len(e) <= 3 and all(t.pos_ == "PROPN" for t in e) and (
            (before is not None and self._title(before, any_case=True))
            or (after is not None and after.text == "," and after2 is not None and self._title(after2))
        ):
            return Span(doc, e.start, e.end, label=PERSON)
        # trailing titles: "Minsk Group Co-Chairs"
        end = e.end
        while end - e.start > 1 and (self._title(doc[end - 1]) or doc[end - 1].text in {"-", "Co"}):
            end -= 1
        if end < e.end and e.label_ == "ORG":
            return Span(doc, e.start, end, label=e.label_)
        return e

    def __call__(self, doc: Doc) -> Doc:
        ents = [r for e in doc.ents if (r := self._repair(e)) is not None]
        if not ents:
            doc.ents = []
            return doc
        person_parts = _person_parts(ents)
        known = {e.text for e in ents} | person_parts
        # hyphenated compounds of names the article names anyway ("Lavrov-Cavusoglu talks")
        ents = [e for e in ents if not _compound_of(e, known)]
        labels: dict[str, Counter] = defaultdict(Counter)
        for e in ents:
            if not e.id_:
                labels[e.text][e.label_] += 1
        out = []
        for e in ents:
            label = e.label_
            if not e.id_:
                if len(e) == 1 and e.text in person_parts:
                    label = PERSON
                else:
                    ranked = labels[e.text].most_common()
                    if len(ranked) > 1 and ranked[0][1] > ranked[1][1]:
                        label = ranked[0][0]
            out.append(e if label == e.label_ else Span(doc, e.start, e.end, label=label, span_id=e.id_))
        doc.ents = sorted(_propagate(doc, out, person_parts), key=lambda e: e.start)
        return doc


def _compound_of(e: Span, known: set[str]) -> bool:
    parts = [t.text for t in e if t.text != "-"]
    return any(t.text == "-" for t in e) and len(parts) >= 2 and all(p in known for p in parts)


def _propagate(doc: Doc, ents: list[Span], person_parts: set[str]) -> list[Span]:
    """Later unlabelled occurrences of a recognised multi-word name, or of a person's surname."""
    out = list(ents)
    taken = {i for e in out for i in range(e.start, e.end)}
    names = {tuple(t.text for t in e): e.label_ for e in out if len(e) >= 2 and not e.id_}
    names.update({(part,): PERSON for part in person_parts})
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
    for key, label in sorted(names.items(), key=lambda kv: -len(kv[0])):
        by_first[key[0]].append((key, label))
    i = 0
    while i < len(doc):
        hit = None
        tok = doc[i]
        if i not in taken and tok.text[:1].isupper():
            for key, label in by_first.get(tok.text, ()):
                n = len(key)
                if i + n <= len(doc) and all(doc[i + k].text == key[k] for k in range(1, n)) \
                        and not taken & set(range(i, i + n)) and (n > 1 or tok.pos_ == "PROPN"):
                    hit = (n, label)
                    break
        if hit:
            n, label = hit
            out.append(Span(doc, i, i + n, label=label))
            taken.update(range(i, i + n))
            i += n
        else:
            i += 1
    return out


@Language.factory(CONSISTENCY, default_config={"titles": []})
def make_consistency(nlp: Language, name: str, titles: list[str]) -> LabelConsistency:
    return LabelConsistency(titles)


def split_marks(nlp: Language, marks: frozenset[str]) -> None:
    """Quotation marks the tokenizer keeps glued to words become tokens of their own (idempotent)."""
    import spacy.util

    new = sorted(m for m in marks if m not in nlp.Defaults.prefixes)
    if not new or nlp.meta.get("newsetl_split_marks") == new:
        return
    escaped = [re.escape(m) for m in new]
    nlp.tokenizer.prefix_search = spacy.util.compile_prefix_regex(list(nlp.Defaults.prefixes) + escaped).search
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(list(nlp.Defaults.suffixes) + escaped).search
    nlp.meta["newsetl_split_marks"] = new


def configure(nlp: Language, lexicon: Lexicon) -> Language:
    """Add paragraph breaks, the gazetteer and label consistency to a loaded pipeline, split
    quotation marks the tokenizer keeps glued, and match the attribute ruler's patterns through an
    index (same annotations, about an eighth of the parse's time saved; idempotent)."""
    split_marks(nlp, lexicon.word_set("split_marks"))
    index_attribute_ruler(nlp)
    names = nlp.pipe_names
    if PARAGRAPHS not in names:
        anchor = "parser" if "parser" in names else ("ner" if "ner" in names else None)
        if anchor:
            nlp.add_pipe(PARAGRAPHS, before=anchor)
        else:
            nlp.add_pipe(PARAGRAPHS)
    if "ner" in nlp.pipe_names:
        if GAZETTEER not in nlp.pipe_names and lexicon.gazetteer:
            nlp.add_pipe(GAZETTEER, after="ner", config={"entries": [list(e) for e in lexicon.gazetteer],
                                                         "glued_words": sorted(lexicon.word_set("glued_words"))})
        if CONSISTENCY not in nlp.pipe_names:
            titles = sorted(n for n, kind in lexicon.speaker_nouns.items() if kind == PERSON)
            nlp.add_pipe(CONSISTENCY, last=True, config={"titles": titles})
    return nlp
