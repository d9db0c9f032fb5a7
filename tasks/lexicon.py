"""Rules and word lists, kept as data files in `tasks/data/`, compiled once into a `Lexicon`.

Steps receive the `Lexicon` as an argument; tests build one from literal text with
`Lexicon.from_texts`. The rules' digest enters the pipeline version stamped on every row.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources

DATA_FILES = (
    "boilerplate.tsv",
    "credit.tsv",
    "caption.tsv",
    "reporting_verbs.txt",
    "attribution_phrases.tsv",
    "gazetteer.tsv",
    "publisher_words.txt",
    "speaker_nouns.tsv",
    "stopwords.tsv",
    "given_names.tsv",
    "claim_words.tsv",
    "cue_conditions.tsv",
    "entity_words.tsv",
    "boilerplate_words.tsv",
    "nlp_words.tsv",
    "date_words.tsv",
    "block_weights_html.tsv",
)
WORD_FILES = ("claim_words.tsv", "entity_words.tsv", "boilerplate_words.tsv", "nlp_words.tsv", "date_words.tsv")


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]


def first_kind(rules: tuple[Rule, ...], text: str, kinds: frozenset[str] | None = None) -> str | None:
    """The kind of the first rule (among those of `kinds`, when given) whose pattern the text matches."""
    return next((r.kind for r in rules if (kinds is None or r.kind in kinds) and r.pattern.search(text)), None)


# the kind of boilerplate.tsv's photo-gallery slide counters, which count only in a series (strip.py)
GALLERY = "gallery"
# the kind of boilerplate.tsv's media-player control text; the short menu lines between two such
# lines are the player's too, and a player neither ends nor makes an article (strip.py, region.py)
PLAYER = "player"


@dataclass(frozen=True)
class Lexicon:
    boilerplate: tuple[Rule, ...]  # phrase rules, each furniture on its own
    credit: tuple[Rule, ...]
    caption: tuple[Rule, ...]
    reporting_verbs: frozenset[str]
    denial_verbs: frozenset[str]
    attribution_phrases: tuple[tuple[str, str], ...]  # (kind, phrase): source | cited
    gazetteer: tuple[tuple[str, str, str, str], ...]  # (label, canonical name, surface form, mode)
    publisher_suffixes: frozenset[str]  # words that end a newsletter or product name, not the publisher's
    gallery: tuple[Rule, ...] = ()  # slide counters ("3/50 ..."): furniture only in a series
    # lemma -> speech | object | belief (see reporting_verbs.txt)
    verb_class: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    # head noun of a description -> PERSON | ORG ("the minister" -> PERSON)
    speaker_nouns: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    # given name -> female | male (only to keep pronouns from crossing gender)
    name_gender: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    # language -> frequent function words
    stopwords: dict[str, frozenset[str]] = field(default_factory=dict, hash=False, compare=False)
    # named word lists of the steps (`*_words.tsv`): set name -> items
    words: dict[str, frozenset[str]] = field(default_factory=dict, hash=False, compare=False)
    word_lists: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)  # file order
    # route -> feature -> weight of the block classifier (see tasks/boilerplate/model.py)
    block_weights: dict[str, dict[str, float]] = field(default_factory=dict, hash=False, compare=False)
    # reporting verb lemma -> (condition, words) (see cue_conditions.tsv)
    cue_conditions: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict, hash=False, compare=False)
    digest: str = field(default="")

    @classmethod
    def from_texts(cls, texts: dict[str, str]) -> Lexicon:
        """Build from file contents keyed by file name; missing files count as empty."""
        get = lambda name: _lines(texts.get(name, ""))  # noqa: E731
        verbs = [line.split("\t") for line in get("reporting_verbs.txt")]
        digest = hashlib.sha256("".join(f"{k}\0{texts[k]}\0" for k in sorted(texts)).encode()).hexdigest()[:8]
        lists = _word_lists({name: get(name) for name in WORD_FILES})
        phrase_rules = _rules(get("boilerplate.tsv"))
        return cls(
            boilerplate=tuple(r for r in phrase_rules if r.kind != GALLERY),
            gallery=tuple(r for r in phrase_rules if r.kind == GALLERY),
            credit=_rules(get("credit.tsv")),
            caption=_rules(get("caption.tsv")),
            reporting_verbs=frozenset(v[0].strip().lower() for v in verbs),
            denial_verbs=frozenset(v[0].strip().lower() for v in verbs if v[-1].strip() == "deny"),
            verb_class={v[0].strip().lower(): (v[1].strip() if len(v) > 2 else "speech") for v in verbs},
            attribution_phrases=tuple(
                (k.strip(), p.strip().lower()) for k, p in _pairs(get("attribution_phrases.tsv"))
            ),
            gazetteer=tuple(_gazetteer(get("gazetteer.tsv"))),
            publisher_suffixes=frozenset(w.lower() for w in get("publisher_words.txt")),
            speaker_nouns={n.strip().lower(): t.strip() for n, t in _pairs(get("speaker_nouns.tsv"))},
            stopwords={lang.strip(): frozenset(words.split()) for lang, words in _pairs(get("stopwords.tsv"))},
            name_gender=_name_gender(get("given_names.tsv")),
            words={name: frozenset(items) for name, items in lists.items()},
            word_lists=lists,
            block_weights={route: parse_weights(texts[f"block_weights_{route}.tsv"]) for route in ("html", "text")
                           if texts.get(f"block_weights_{route}.tsv")},
            cue_conditions={lemma.strip().lower(): (cond.strip(), frozenset(words.split()))
                            for lemma, cond, words in (line.split("\t") for line in get("cue_conditions.tsv"))},
            digest=digest,
        )

    def word_set(self, name: str) -> frozenset[str]:
        """A named word list of `tasks/data/*_words.tsv` (empty when no file defines it)."""
        return self.words.get(name, frozenset())


def _lines(text: str) -> list[str]:
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _name_gender(lines: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for gender, names in _pairs(lines):
        for name in names.split():
            # a name listed under both genders (Jordan, Kim) constrains nothing
            out[name.lower()] = gender.strip() if out.get(name.lower(), gender.strip()) == gender.strip() else "any"
    return {k: v for k, v in out.items() if v != "any"}


def _word_lists(files: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """`name <TAB> item item ...` lines of several files, items in file order; an underscore in an
    item is a space."""
    out: dict[str, tuple[str, ...]] = {}
    for file, lines in files.items():
        for name, items in _pairs(lines):
            name = name.strip()
            if name in out:
                raise ValueError(f"word list {name!r} is defined twice (again in {file})")
            out[name] = tuple(item.replace("_", " ") for item in items.split())
    return out


def parse_weights(text: str) -> dict[str, float]:
    """`feature <TAB> weight` lines (comments start with #): a block classifier's weights."""
    return {name.strip(): float(weight) for name, weight in _pairs(_lines(text))}


def _pairs(lines: list[str]) -> list[tuple[str, str]]:
    return [tuple(line.split("\t", 1)) for line in lines]  # type: ignore[misc]


def _rules(lines: list[str]) -> tuple[Rule, ...]:
    out = []
    for line in lines:
        kind, _, pattern = line.partition("\t")
        out.append(Rule(kind.strip(), re.compile(pattern.strip(), re.I)))
    return tuple(out)


def _gazetteer(lines: list[str]):
    """`LABEL <TAB> canonical [<TAB> alias|alias ...] [<TAB> mode]` -> (label, canonical, surface, mode)."""
    for line in lines:
        parts = [p.strip() for p in line.split("\t")]
        label, name = parts[0], parts[1]
        mode = parts[3] if len(parts) > 3 and parts[3] else "relabel"
        surfaces = [name] + [a.strip() for a in (parts[2].split("|") if len(parts) > 2 else []) if a.strip()]
        for surface in dict.fromkeys(surfaces):
            yield label, name, surface, mode


def load_lexicon() -> Lexicon:
    """The lexicon shipped with the package (`tasks/data/`)."""
    root = resources.files("tasks") / "data"
    texts = {}
    for name in DATA_FILES:
        res = root / name
        if res.is_file():
            texts[name] = res.read_text(encoding="utf-8")
    return Lexicon.from_texts(texts)
