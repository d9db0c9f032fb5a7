"""Claim extraction: who said, denied, warned or confirmed what, from one parsed article.

`extract_claims(doc, fields, lexicon)` reuses the article's one spaCy parse and returns
`Claim`s with offsets into the doc (`to_field` maps them into their field: title, dek or body).
Four passes:

1. cues (`cues.py`): reporting verbs with their subject as speaker and their complement as
   content, and attribution phrases ("according to X, Y", "citing X");
2. quotes still unattributed (`quotes.py`): the cue in the sentence before (ending in ':') or
   after ("“Y.” X said."), or the same speaker continuing a quote in the next sentence or
   paragraph;
3. nesting: a claim inside another's content stays only with a source of its own;
4. lists of demands introduced by one cue ("X called on Z to: 1. ... 2. ...").

`kind` is direct when the content is one quotation, mixed when it holds quoted parts,
indirect otherwise; `polarity` is deny for denial cues. Speakers that are pronouns or
descriptions ("he", "the minister", "the ministry") resolve to the nearest earlier
compatible source (`speakers.py`); unresolved speakers keep `speaker_name` empty rather than guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from spacy.tokens import Doc

from tasks.claims.bounds import trim_tail, within_paragraph, without_speaker
from tasks.claims.cues import RawClaim, phrase_claims, verb_claims
from tasks.claims.quote_cues import cue_near_quote, opens_sentence
from tasks.claims.quotes import WORD, Quote, Quotes, find_quotes, quote_at, quotes_overlapping
from tasks.claims.speakers import Resolver
from tasks.claims.syntax import doc_text
from tasks.claims.transcript import Turn, as_written, transcript_turns
from tasks.lexicon import Lexicon
from tasks.text import FieldText

_LIST_ITEM = re.compile(r"^\s*(?:\(?\d{1,3}[.)]|[•●▪◦‣·*–—-])\s+")


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
    statement: tuple[int, int] = (0, 0)  # key shared by the quoted parts of one statement
    speaker_span: tuple[int, int] | None = None  # doc char span of the speaker as written


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop edge spaces and punctuation other than quote marks; keep balanced marks."""
    strip = " \t\n,;:—–-."
    while start < end and (text[start] in strip):
        start += 1
    while end > start and (text[end - 1] in strip or text[end - 1].isspace()):
        end -= 1
    return start, end


def classify(text: str, start: int, end: int, quotes: list[Quote], cue: int | None = None
              ) -> tuple[str, int, int]:
    """(kind, start, end): a content that is one quote becomes its inner text, unless the cue is
    inside that quote too (a claim nested in someone's quote keeps its own clause)."""
    inside = quotes_overlapping(quotes, start, end)
    if cue is not None:
        host = quote_at(quotes, cue)
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
            if not WORD.search(before) and not WORD.search(after):
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


def _continuations(doc: Doc, quotes: list[Quote], claims: list[Claim], fields: FieldText) -> list[Claim]:
    """A quote with no cue of its own, right after a quote of a known source in the same field, is
    that source's."""
    out = []
    ordered = sorted(claims, key=lambda c: c.start)
    text = doc_text(doc)
    for q in quotes:
        words = len(WORD.findall(text[q.start:q.end]))
        if words < 2 or any(c.start <= q.start + 1 and q.end <= c.end + 1 for c in claims + out):
            continue
        prev = [c for c in ordered + out if c.end <= q.outer_start and c.kind in {"direct", "mixed"}
                and c.field == fields.field_of(q.start)]
        if not prev:
            continue
        last = max(prev, key=lambda c: c.end)
        gap = text[last.end:q.outer_start]
        # a new sentence or paragraph that opens with the quote, or the quote resuming right after
        # the cue that interrupted it (“A,” she said, “and B.”)
        resumes = last.cue_start >= last.end and last.cue_end <= q.outer_start and len(WORD.findall(gap)) <= 12 \
            and gap.rstrip().endswith((",", ":", "—", "–"))
        if not resumes and (words < 4 or not opens_sentence(doc, q)):
            continue
        if gap.count("\n\n") > 1 or len(gap) > 300:
            continue
        if any(c.start > last.end and c.end <= q.outer_start and not _same_source(c, last) for c in claims):
            continue  # another source spoke in between
        out.append(replace(last, content=text[q.start:q.end], start=q.start, end=q.end, kind="direct",
                           confidence=0.6, rule="quote:continuation"))
    return out


def _same_source(a: Claim, b: Claim) -> bool:
    return (a.speaker_name is not None and a.speaker_name == b.speaker_name) or (
        a.speaker_span is not None and a.speaker_span == b.speaker_span)


def _parts_around_cue(c: Claim, text: str, quotes: list[Quote]) -> list[Claim]:
    """A content that holds its own cue is a statement interrupted by it (“A,” she said, “B.”;
    "The plan, he said, will fail"): its parts are what stands before and after the cue and the
    speaker, never the cue or the speaker's words in between."""
    lo, hi = c.cue_start, c.cue_end
    if c.speaker_span is not None:
        lo, hi = min(lo, c.speaker_span[0]), max(hi, c.speaker_span[1])
    if not (c.start < lo and hi < c.end) or quote_at(quotes, c.cue_start) is not None:
        return [c]
    # quotes right next to the cue and its speaker (a quote further off is only quoted within a part)
    before = [q for q in quotes if c.start - 1 <= q.outer_start and q.outer_end <= lo and q.closed
              and not WORD.search(text[q.outer_end:lo])]
    after = [q for q in quotes if q.outer_start >= hi and q.outer_start < c.end
             and not WORD.search(text[hi:q.outer_start])]
    left = max((q.outer_end for q in before), default=None)
    right = min((q.outer_start for q in after), default=None)
    if left is None:
        left = text.rfind(",", c.start, lo)
        left = lo if left < 0 else left
    if right is None:
        comma = text.find(",", hi, c.end)
        right = hi if comma < 0 else comma + 1
    parts = []
    for s, e in ((c.start, left), (right, c.end)):
        s, e = trim_span(text, s, e)
        if len(WORD.findall(text[s:e])) >= 1:
            kind, s, e = classify(text, s, e, quotes, c.cue_start)
            parts.append(replace(c, content=text[s:e], start=s, end=e, kind=kind))
    if len(parts) == 2 and {p.kind for p in parts} == {"direct", "indirect"}:
        # a quote on one side and unquoted words on the other: the narrative around the cue is
        # the writer's ("After the vote, Lind said: “We stay.”"), the quote the source's
        return [p for p in parts if p.kind == "direct"]
    return parts if len(parts) == 2 else [c]


def _without_redundant_nesting(claims: list[Claim]) -> list[Claim]:
    """A claim reported inside another's content adds a layer only with a source of its own:
    "the Kremlin reported Putin stressed X" keeps both; "Clinton said she thinks X" keeps one."""
    # an outer claim's span holds [lo, hi): the claim's content and its cue. Swept by position,
    # only the claims covering lo are looked at (their nesting depth), not every claim: an article
    # of thousands of claims (a long transcript) stays linear
    lo = [min(c.start, c.cue_start) for c in claims]
    hi = [max(c.end, c.cue_start + 1) for c in claims]
    by_start = sorted(range(len(claims)), key=lambda i: claims[i].start)
    drop, active, added = set(), [], 0
    for i in sorted(range(len(claims)), key=lambda i: lo[i]):
        while added < len(by_start) and claims[by_start[added]].start <= lo[i]:
            active.append(claims[by_start[added]])
            added += 1
        active = [o for o in active if o.end > lo[i]]
        c = claims[i]
        outer = [o for o in active if o.end >= hi[i] and o.statement != c.statement]
        if outer and (c.speaker_name is None or any(o.speaker_name == c.speaker_name for o in outer)):
            drop.add(i)
    return [c for i, c in enumerate(claims) if i not in drop]


def _outside_turns(claims: list[Claim], turns: list[Turn]) -> list[Claim]:
    """Quotes the quote passes found in a transcript turn ("“PENCE: And that's why ...”") are the
    turn's words, which the turn's own claim holds with its speaker."""
    return [c for c in claims if not (c.rule.startswith("quote:") and any(
        label[0] - 1 <= c.start and c.end <= words[1] + 2 for _, label, _, words in turns))]


def _turn_claims(doc: Doc, fields: FieldText, resolver: Resolver, turns: list[Turn]) -> list[Claim]:
    """Transcript turns ("TAPPER: Do you think ...") are their speaker's claims, named by the
    article's fullest form of the name ("JAKE TAPPER: ..." then "TAPPER: ...": Jake Tapper)."""
    text = doc_text(doc)
    fullest: dict[str, str] = {}
    for label, *_ in turns:
        key = label.split()[-1].lower()
        if len(label.split()) > len(fullest.get(key, "").split()):
            fullest[key] = label
    out, written = [], {}  # each name written once per article, however many turns it has
    for label, span, (cs, ce), (s, e) in turns:
        last = label.split()[-1]
        name = resolver.full_names.get(last.strip(".'’-").lower()) or fullest[last.lower()]
        if name.isupper():
            if name not in written:
                written[name] = as_written(name, text)
            name = written[name]
        out.append(Claim(fields.field_of(s), label, name, None, ":", cs, ce, text[s:e], s, e, "direct", "assert", 0.7,
                         "transcript:turn", (s, cs), span))
    return out


def _list_claims(doc: Doc, claims: list[Claim], fields: FieldText, lexicon: Lexicon
                 ) -> tuple[list[Claim], set[int]]:
    """A cue whose content ends dangling ('... to', ':') introduces the list items that follow."""
    text = doc_text(doc)
    dangling = lexicon.word_set("dangling_cue_words")
    new, drop = [], set()
    for n, c in enumerate(claims):
        tail = text[c.start:c.end].rstrip()
        last = WORD.findall(tail[-20:])
        if not (tail.endswith(":") or (last and tail.endswith(last[-1]) and last[-1] in dangling)):
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
                s, e = trim_span(text, s, e)
                new.append(replace(c, content=text[s:e], start=s, end=e, kind="indirect",
                                   rule="list:item", confidence=0.7, statement=(s, c.cue_start)))
    return new, drop


def _assemble(raws: list[RawClaim], doc: Doc, fields: FieldText, quotes: list[Quote], resolver: Resolver,
              seen: set[tuple[int, int, int]], lexicon: Lexicon) -> list[Claim]:
    text = doc_text(doc)
    out = []
    for r in sorted(raws, key=lambda r: r.content[0]):
        s, e = trim_span(text, *r.content)
        if s >= e or fields.locate(s, e) is None:
            continue
        cue_s, cue_e = r.cue_span or (r.cue_tokens[0].idx, r.cue_tokens[-1].idx + len(r.cue_tokens[-1]))
        e = within_paragraph(text, s, e, quotes)
        e = trim_tail(doc, s, e, quotes, lexicon, verb=r.rule.startswith("verb:"))
        if not s < cue_s < e:  # a cue inside its content splits it into parts, which leave its speaker out
            s, e = trim_span(text, *without_speaker(s, e, r.speaker))
        kind, s, e = classify(text, s, e, quotes, cue_s)
        if len(WORD.findall(text[s:e])) < (3 if r.rule == "verb:object" else 2):
            continue
        if fields.locate(cue_s, cue_e) is None or fields.field_of(cue_s) != fields.field_of(s):
            continue
        key = (cue_s, s, e)
        if key in seen:
            continue
        seen.add(key)
        speaker = r.speaker if r.speaker and WORD.search(text[r.speaker[0]:r.speaker[1]]) else None
        speaker_text = text[speaker[0]:speaker[1]] if speaker else None
        name, mention = resolver.resolve(speaker) if speaker else (None, None)
        claim = Claim(fields.field_of(s), speaker_text, name, mention, r.cue_text or text[cue_s:cue_e], cue_s, cue_e,
                      text[s:e], s, e, kind, r.polarity, round(r.confidence, 2), r.rule, (s, cue_s), speaker)
        out.extend(_parts_around_cue(claim, text, quotes))
    return out


def extract_claims(doc: Doc, fields: FieldText, lexicon: Lexicon) -> list[Claim]:
    """Claims of one parsed article, offsets in doc characters (see `to_field` for fields)."""
    quotes = Quotes(q for _name, lo, hi in fields.ranges for q in find_quotes(doc_text(doc), lo, hi))
    resolver = Resolver(doc, lexicon, [(q.start, q.end) for q in quotes])
    seen: set[tuple[int, int, int]] = set()
    claims = _assemble(verb_claims(doc, lexicon, quotes) + phrase_claims(doc, lexicon), doc, fields, quotes,
                       resolver, seen, lexicon)
    open_quotes = [q for q in quotes if len(WORD.findall(doc_text(doc)[q.start:q.end])) >= 4
                   and not any(c.start <= q.start + 1 and q.end <= c.end + 1 for c in claims)]
    near = [r for q in open_quotes if (r := cue_near_quote(doc, q, lexicon)) is not None]
    claims += _assemble(near, doc, fields, quotes, resolver, seen, lexicon)
    surnames = {e.text.split()[-1].lower() for e in resolver.ents if e.label_ == "PERSON"}
    turns = transcript_turns(doc_text(doc), fields, surnames, lexicon.stopwords.get("en", frozenset()))
    claims = _outside_turns(claims, turns) + _turn_claims(doc, fields, resolver, turns)
    claims += _outside_turns(_continuations(doc, quotes, claims, fields), turns)
    claims = _without_redundant_nesting(claims)
    listed, drop = _list_claims(doc, claims, fields, lexicon)
    claims = [c for n, c in enumerate(claims) if n not in drop] + listed
    return sorted(claims, key=lambda c: (c.start, c.cue_start))


def parts_of(claims: list[Claim]) -> dict[tuple[int, int], list[Claim]]:
    """The claims of each statement, in text order (its parts)."""
    out: dict[tuple[int, int], list[Claim]] = {}
    for c in sorted(claims, key=lambda c: (c.start, c.cue_start)):
        out.setdefault(c.statement, []).append(c)
    return out


def to_field(claim: Claim, fields: FieldText) -> Claim:
    """The same claim with offsets into its field's own text."""
    base = fields.range_of(claim.field)[0]
    return replace(claim, start=claim.start - base, end=claim.end - base,
                   cue_start=claim.cue_start - base, cue_end=claim.cue_end - base)
