import polars as pl
import pytest

from tasks.entities import canonicalize, entity_id, extract_mentions, name_key
from tasks.text import FieldText


@pytest.mark.parametrize(
    ("text", "key"),
    [("Mevlüt Çavuşoğlu", "mevlut cavusoglu"), ("the Kremlin", "kremlin"), ("Turkey’s", "turkey"),
     ("RFE/RL", "rfe rl"), ("  Łódź ", "lodz")],
)
def test_name_key_folds_case_diacritics_articles_possessives(text, key):
    assert name_key(text) == key


def _mentions(rows):
    rows = [r if len(r) == 5 else (*r, None) for r in rows]
    return pl.DataFrame(
        [{"mention_id": f"m{i:03d}", "article_id": a, "label": lab, "text": t, "ruler_id": r, "descriptor": d}
         for i, (a, lab, t, r, d) in enumerate(rows)],
        schema={"mention_id": pl.String, "article_id": pl.String, "label": pl.String, "text": pl.String,
                "ruler_id": pl.String, "descriptor": pl.String},
    )


def _entity_of(ents, links, mention):
    eid = dict(zip(links["mention_id"], links["entity_id"]))[mention]
    return ents.filter(pl.col("entity_id") == eid).row(0, named=True)


def test_short_forms_join_the_full_name_within_an_article():
    ents, links = canonicalize(_mentions([("a1", "PERSON", "Sergei Lavrov", None), ("a1", "PERSON", "Lavrov", None),
                                          ("a2", "PERSON", "Lavrov", None)]))
    by_mention = dict(zip(links["mention_id"], links["entity_id"]))
    assert by_mention["m000"] == by_mention["m001"]
    lavrov = ents.filter(pl.col("entity_id") == by_mention["m000"]).row(0, named=True)
    assert lavrov["canonical_name"] == "Sergei Lavrov" and lavrov["aliases"] == ["Lavrov"]
    assert any("short form" in r for r in lavrov["merge_reasons"])


def test_diacritics_merge_across_articles_and_ids_are_stable():
    rows = [("a1", "PERSON", "Mevlüt Çavuşoğlu", None), ("a2", "PERSON", "Mevlut Cavusoglu", None)]
    ents, links = canonicalize(_mentions(rows))
    assert ents.height == 1 and ents["n_articles"][0] == 2
    ents2, _ = canonicalize(_mentions(list(reversed(rows))))
    assert ents2["entity_id"].to_list() == ents["entity_id"].to_list() == [entity_id("PERSON", "mevlut cavusoglu")]


def test_ambiguous_short_form_stays_apart():
    ents, links = canonicalize(_mentions([("a1", "PERSON", "Hillary Clinton", None),
                                          ("a1", "PERSON", "Bill Clinton", None), ("a1", "PERSON", "Clinton", None)]))
    assert ents.height == 3


def test_gpe_and_loc_share_a_family_and_gazetteer_names_win():
    ents, _ = canonicalize(_mentions([("a1", "GPE", "Artsakh", "Nagorno-Karabakh"),
                                      ("a2", "LOC", "Nagorno-Karabakh", "Nagorno-Karabakh")]))
    assert ents.height == 1
    assert ents["canonical_name"][0] == "Nagorno-Karabakh"


def test_mentions_carry_exact_offsets_per_field(nlp, lexicon):
    ft = FieldText.build("Lavrov meets Cavusoglu in Moscow", [], "Sergei Lavrov told reporters in Ankara on Monday.")
    doc = nlp(ft.text)
    mentions = extract_mentions(doc, ft, lexicon)
    assert mentions
    for m in mentions:
        assert ft.field_text(m.field)[m.start:m.end] == m.text
    assert {"title", "body"} >= {m.field for m in mentions}


def test_misspelt_first_name_and_transliterated_surname_merge_across_articles():
    ents, links = canonicalize(_mentions([
        ("a1", "PERSON", "Emmanuel Macron", None, "french president"),
        ("a2", "PERSON", "Emmanuel Macron", None, None),
        ("a3", "PERSON", "Emanuel Macron", None, "president"),
        ("a4", "PERSON", "Vladimir Putin", None, None), ("a4", "PERSON", "Vladimir Poutine", None, None),
        ("a5", "PERSON", "Vladimir Putin", None, None),
    ]))
    macron = _entity_of(ents, links, "m002")
    assert macron["canonical_name"] == "Emmanuel Macron" and macron["aliases"] == ["Emanuel Macron"]
    assert "spelling variant of the first name" in macron["merge_reasons"]
    putin = _entity_of(ents, links, "m004")
    assert putin["canonical_name"] == "Vladimir Putin" and "Vladimir Poutine" in putin["aliases"]


def test_same_surname_merges_only_with_the_same_role_and_never_together():
    ents, links = canonicalize(_mentions([
        ("a1", "PERSON", "Emmanuel Macron", None, "french president"),
        ("a2", "PERSON", "Emmanuel Macron", None, "president"),
        ("a3", "PERSON", "Francois Macron", None, "french president"),
    ]))
    assert _entity_of(ents, links, "m002")["canonical_name"] == "Emmanuel Macron"


@pytest.mark.parametrize("rows", [
    # named together in one article: two people
    [("a1", "PERSON", "Hillary Clinton", None, "secretary"), ("a1", "PERSON", "Bill Clinton", None, "secretary"),
     ("a2", "PERSON", "Hillary Clinton", None, None)],
    # no shared role: no evidence they are one person
    [("a1", "PERSON", "John Smith", None, "mayor"), ("a2", "PERSON", "Jane Smith", None, "senator")],
    [("a1", "PERSON", "John Smith", None, None), ("a2", "PERSON", "Jane Smith", None, None)],
])
def test_different_people_sharing_a_surname_stay_apart(rows):
    ents, _ = canonicalize(_mentions(rows))
    assert ents.height == 2


def test_a_lone_surname_joins_the_only_full_name_with_it():
    ents, links = canonicalize(_mentions([("a1", "PERSON", "Sergei Lavrov", None), ("a2", "PERSON", "Lavrov", None)]))
    assert ents.height == 1
    assert "surname of the only full name that ends with it" in ents["merge_reasons"][0]


def test_occurrences_of_parts_merge_into_the_same_entities_as_the_whole():
    from tasks.entities import canonicalize_occurrences, merge_occurrences, occurrences

    rows = [("a1", "PERSON", "Sergei Lavrov", None), ("a1", "PERSON", "Lavrov", None), ("a1", "PERSON", "Lavrov", None),
            ("a2", "PERSON", "Sergey Lavrov", None), ("a2", "GPE", "Russia", None), ("a3", "GPE", "russia", None),
            ("a3", "ORG", "the Kremlin", None), ("a3", "PERSON", "Lavrov", None)]
    whole = _mentions(rows)
    ents, links = canonicalize(whole)
    # split inside article a1 too: the same occurrence in two parts is merged back into one
    parts = [whole.slice(0, 2), whole.slice(2, 3), whole.slice(5)]
    occ = merge_occurrences(occurrences(p) for p in parts)
    assert occ.height == occurrences(whole).height
    assert occ.filter(pl.col("text") == "Lavrov", pl.col("article_id") == "a1")["n"].to_list() == [2]
    ents2, links2 = canonicalize_occurrences(occ)
    assert ents2.equals(ents)
    assert links2.sort("mention_id").equals(links.sort("mention_id"))
    assert links.height == whole.height
    assert canonicalize_occurrences(merge_occurrences([]))[0].height == 0
