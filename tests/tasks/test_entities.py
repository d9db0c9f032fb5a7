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
    return pl.DataFrame(
        [{"mention_id": f"m{i}", "article_id": a, "label": lab, "text": t, "ruler_id": r}
         for i, (a, lab, t, r) in enumerate(rows)],
        schema={"mention_id": pl.String, "article_id": pl.String, "label": pl.String, "text": pl.String,
                "ruler_id": pl.String},
    )


def test_short_forms_join_the_full_name_within_an_article():
    ents, links = canonicalize(_mentions([("a1", "PERSON", "Sergei Lavrov", None), ("a1", "PERSON", "Lavrov", None),
                                          ("a2", "PERSON", "Lavrov", None)]))
    by_mention = dict(zip(links["mention_id"], links["entity_id"]))
    assert by_mention["m0"] == by_mention["m1"]
    lavrov = ents.filter(pl.col("entity_id") == by_mention["m0"]).row(0, named=True)
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


def test_mentions_carry_exact_offsets_per_field(nlp):
    ft = FieldText.build("Lavrov meets Cavusoglu in Moscow", [], "Sergei Lavrov told reporters in Ankara on Monday.")
    doc = nlp(ft.text)
    mentions = extract_mentions(doc, ft)
    assert mentions
    for m in mentions:
        assert ft.field_text(m.field)[m.start:m.end] == m.text
    assert {"title", "body"} >= {m.field for m in mentions}
