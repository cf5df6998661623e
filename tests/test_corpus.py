import json

import pytest

from kg.corpus import CorpusError, read_corpus


def read(paths):
    warnings = []
    docs = list(read_corpus(paths, on_warning=warnings.append))
    return docs, warnings


def test_text_files_use_the_stem_as_id_and_folders_are_recursive(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("Alpha.", encoding="utf-8")
    (tmp_path / "sub" / "b.md").write_text("Beta.", encoding="utf-8")
    docs, warnings = read([tmp_path])
    assert [(d.id, d.text) for d in docs] == [("a", "Alpha."), ("b", "Beta.")]
    assert warnings == []


def test_jsonl_records_carry_metadata_and_bad_lines_are_reported(tmp_path):
    path = tmp_path / "c.jsonl"
    lines = [json.dumps({"id": "x", "text": "One.", "year": 2020}), "{broken", json.dumps({"id": "y"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, warnings = read([path])
    assert [(d.id, d.meta) for d in docs] == [("x", {"year": 2020})]
    assert warnings[0].startswith(f"{path}:2: invalid JSON")
    assert warnings[1] == f"{path}:3: no string 'text', skipped"


def test_binary_and_latin1_files(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02PK")
    (tmp_path / "latin.txt").write_bytes("Bogotá signed.".encode("latin-1"))
    docs, warnings = read([tmp_path])
    assert [(d.id, d.text) for d in docs] == [("latin", "Bogotá signed.")]
    assert any("bin.txt: binary file, skipped" in w for w in warnings)
    assert any("latin.txt: not UTF-8" in w for w in warnings)


def test_duplicate_ids_keep_the_first(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "same.txt").write_text("First.", encoding="utf-8")
    (tmp_path / "b" / "same.txt").write_text("Second.", encoding="utf-8")
    docs, warnings = read([tmp_path])
    assert [d.text for d in docs] == ["First."]
    assert "duplicate document id 'same'" in warnings[0]


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(CorpusError, match="no such file or folder"):
        list(read_corpus([tmp_path / "nope"]))
