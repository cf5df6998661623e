"""bench/read_pairs.py: readers' labels of drawn pairs, merged into the file ``kg train --silver`` reads."""
from __future__ import annotations

import argparse
import json

import pytest

from tests.conftest import bench_module


@pytest.fixture(scope="module")
def reading():
    return bench_module("read_pairs")


def write_lines(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


@pytest.fixture
def batch(tmp_path, reading, monkeypatch):
    """One drawn folder: two candidate pairs and one labelled pair mixed in, as batch 00."""
    labels = tmp_path / "un_pairs.jsonl"
    write_lines(labels, [{"id": "l1", "doc_id": "GHA_70_2015", "sentence": "s", "a": "GHA", "b": "TGO",
                          "relation": "partnership"}])
    monkeypatch.setattr(reading, "UN_LABELS", labels)
    folder = tmp_path / "draw"
    folder.mkdir()
    pair = {"doc_id": "KEN_60_2005", "start": 0, "end": 30, "year": 2005, "speaker": "KEN"}
    write_lines(folder / "candidates.jsonl", [{**pair, "a": "KEN", "b": "UGA"}, {**pair, "a": "KEN", "b": "TZA"}])
    (folder / "key.json").write_text(json.dumps({"00-1": ["pair", 0], "00-2": ["label", 0], "00-3": ["pair", 1]}))
    return folder


def merged(reading, folders, out, onto=None, again=False):
    reading.merge(argparse.Namespace(dirs=folders, out=out, weight=1.0, onto=onto, again=again))


def test_the_readers_labels_are_written_as_kg_train_reads_them(reading, batch, tmp_path, capsys):
    from kg.train import read_silver_file

    write_lines(batch / "labels00.jsonl", [{"n": 1, "label": "partnership"}, {"n": 2, "label": "partnership"},
                                           {"n": 3, "label": "misread"}])
    merged(reading, [batch], tmp_path / "read.jsonl.gz")
    header, pairs = read_silver_file(tmp_path / "read.jsonl.gz")
    # the labelled pair mixed in scores the readers and is not learnt twice; a misread actor is no relation
    assert [(p["a"], p["b"], p["probabilities"]) for p in pairs] == [
        ("KEN", "TZA", [0.0, 0.0, 0.0, 0.0, 1.0]), ("KEN", "UGA", [1.0, 0.0, 0.0, 0.0, 0.0])]
    assert header["weight"] == 1.0
    assert "readers agree with 1 of the 1 labelled pairs mixed in (100.0%)" in header["readers"]
    assert "Wrote" in capsys.readouterr().out


def test_a_pair_no_reader_labelled_stops_the_merge(reading, batch, tmp_path):
    write_lines(batch / "labels00.jsonl", [{"n": 1, "label": "none"}, {"n": 3, "label": "none"}])
    with pytest.raises(SystemExit, match=f"^Error: {batch}: 1 pairs have no label, the first 00-2$"):
        merged(reading, [batch], tmp_path / "read.jsonl.gz")
    assert not (tmp_path / "read.jsonl.gz").exists()


def test_a_label_outside_the_guide_names_its_file_and_line(reading, batch, tmp_path):
    write_lines(batch / "labels00.jsonl", [{"n": 1, "label": "none"}, {"n": 2, "label": "friendly"}])
    with pytest.raises(SystemExit, match=f"^Error: {batch / 'labels00.jsonl'}:2: no pair 2 of batch 00 with a label of "):
        merged(reading, [batch], tmp_path / "read.jsonl.gz")


def test_a_new_draw_is_added_onto_the_earlier_reads(reading, batch, tmp_path):
    from kg.train import read_silver_file

    earlier = tmp_path / "earlier.jsonl"
    write_lines(earlier, [{"readers": "1 pair read before", "weight": 1.0},
                          {"doc_id": "BEN_65_2010", "start": 5, "end": 40, "a": "BEN", "b": "NGA",
                           "year": 2010, "speaker": "BEN", "relation": "hostile"}])
    write_lines(batch / "labels00.jsonl", [{"n": 1, "label": "none"}, {"n": 2, "label": "partnership"},
                                           {"n": 3, "label": "proposed"}])
    merged(reading, [batch], tmp_path / "read.jsonl.gz", onto=earlier)
    header, pairs = read_silver_file(tmp_path / "read.jsonl.gz")
    assert [(p["doc_id"], p["a"], p["b"], p["probabilities"]) for p in pairs] == [
        ("BEN_65_2010", "BEN", "NGA", [0.0, 0.0, 1.0, 0.0, 0.0]),
        ("KEN_60_2005", "KEN", "TZA", [0.0, 1.0, 0.0, 0.0, 0.0]),
        ("KEN_60_2005", "KEN", "UGA", [0.0, 0.0, 0.0, 0.0, 1.0])]
    assert header["readers"].startswith("3 pairs read one by one")
    assert header["readers"].endswith("; earlier: 1 pair read before")
    assert "of the 2 last read, readers agree with 1 of the 1 labelled pairs" in header["readers"]


@pytest.mark.parametrize("again, message", [
    # a new draw must leave out the speeches read before
    (False, "the pair KEN-UGA of KEN_60_2005 at 0 is read again; "),
    # pairs read again must all have been read before
    (True, "no pair KEN-TZA of KEN_60_2005 at 0 to read again$"),
])
def test_a_pair_read_twice_or_never_before_stops_the_merge(reading, batch, tmp_path, again, message):
    earlier = tmp_path / "earlier.jsonl"
    write_lines(earlier, [{"readers": "1 pair read before"},
                          {"doc_id": "KEN_60_2005", "start": 0, "end": 30, "a": "KEN", "b": "UGA", "relation": "none"}])
    write_lines(batch / "labels00.jsonl", [{"n": 1, "label": "none"}, {"n": 2, "label": "none"}, {"n": 3, "label": "none"}])
    with pytest.raises(SystemExit, match=f"^Error: {earlier}: {message}"):
        merged(reading, [batch], tmp_path / "read.jsonl.gz", onto=earlier, again=again)
    assert not (tmp_path / "read.jsonl.gz").exists()


def test_an_earlier_file_that_is_not_one_of_read_pairs_names_its_line(reading, batch, tmp_path):
    earlier = tmp_path / "earlier.jsonl"
    write_lines(earlier, [{"readers": "1 pair read before"}, {"doc_id": "KEN_60_2005", "relation": "none"}])
    write_lines(batch / "labels00.jsonl", [{"n": 1, "label": "none"}, {"n": 2, "label": "none"}, {"n": 3, "label": "none"}])
    with pytest.raises(SystemExit, match=f"^Error: {earlier}:2: no start, end, a, b$"):
        merged(reading, [batch], tmp_path / "read.jsonl.gz", onto=earlier)


def test_pairs_read_again_replace_their_earlier_labels(reading, batch, tmp_path):
    from kg.train import read_silver_file

    earlier = tmp_path / "earlier.jsonl"
    pair = {"doc_id": "KEN_60_2005", "start": 0, "end": 30, "year": 2005, "speaker": "KEN"}
    write_lines(earlier, [{"readers": "3 pairs read before", "weight": 1.0},
                          {"doc_id": "BEN_65_2010", "start": 5, "end": 40, "a": "BEN", "b": "NGA", "relation": "hostile"},
                          {**pair, "a": "KEN", "b": "TZA", "relation": "partnership"},
                          {**pair, "a": "KEN", "b": "UGA", "relation": "partnership"}])
    write_lines(batch / "labels00.jsonl", [{"n": 1, "label": "none"}, {"n": 2, "label": "partnership"},
                                           {"n": 3, "label": "none"}])
    merged(reading, [batch], tmp_path / "read.jsonl.gz", onto=earlier, again=True)
    header, pairs = read_silver_file(tmp_path / "read.jsonl.gz")
    assert [(p["a"], p["b"], p["probabilities"]) for p in pairs] == [
        ("BEN", "NGA", [0.0, 0.0, 1.0, 0.0, 0.0]), ("KEN", "TZA", [0.0, 0.0, 0.0, 0.0, 1.0]),
        ("KEN", "UGA", [0.0, 0.0, 0.0, 0.0, 1.0])]
    assert header["readers"].startswith("3 pairs read one by one")
    assert "of the 2 read again, readers agree with 1 of the 1 labelled pairs" in header["readers"]


def test_a_draw_from_read_speeches_keeps_only_the_pairs_no_reader_read(reading):
    read = [{"doc_id": "KEN_60_2005", "start": 0, "a": "KEN", "b": "UGA", "relation": "none"}]
    pairs = [{"doc_id": "KEN_60_2005", "start": 0, "a": "KEN", "b": "UGA"},  # read
             {"doc_id": "KEN_60_2005", "start": 0, "a": "KEN", "b": "TZA"},  # same sentence, other pair
             {"doc_id": "KEN_60_2005", "start": 40, "a": "KEN", "b": "UGA"}]  # same pair, other sentence
    assert reading.unread(pairs, read) == pairs[1:]
