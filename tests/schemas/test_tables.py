from schemas.tables import TABLES, field_meta


def test_every_field_is_described():
    for table in TABLES.values():
        assert table.description
        for f in table.schema:
            assert field_meta(f).get("description"), f"{table.name}.{f.name} has no description"


def test_keys_and_spans_name_real_columns():
    for table in TABLES.values():
        assert set(table.key) <= set(table.columns)
        for span in table.spans:
            assert {span.start, span.end, span.text} <= set(table.columns)


def test_scorer_contract_columns_exist():
    required = {
        "articles": ["article_id", "source_uri", "title", "publisher", "body"],
        "mentions": ["article_id", "label", "text", "start", "end", "entity_id"],
        "entities": ["entity_id", "canonical_name", "label"],
        "claims": ["article_id", "speaker", "speaker_name", "cue", "content", "start", "end", "kind", "polarity"],
        "quarantine": ["source_uri", "stage", "reason"],
        "runs": ["run_id"],
    }
    for name, cols in required.items():
        assert set(cols) <= set(TABLES[name].columns)
