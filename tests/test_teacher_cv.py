"""bench/teacher_cv.py: how the fine-tuned encoder is shown a candidate pair (it needs no torch to test)."""
from __future__ import annotations

import pytest

from tests.conftest import bench_module


@pytest.fixture(scope="module")
def teacher():
    return bench_module("teacher_cv")


def pair(sentence, a, b, before=""):
    return {"sentence": sentence, "a_text": a, "b_text": b, "context_before": before}


def test_each_actor_is_marked_on_its_first_mention(teacher):
    text = teacher.marked(pair("Chile thanked Peru, and Peru thanked Chile.", ["Chile"], ["Peru"]))
    assert text == "[ Chile ] thanked < Peru >, and Peru thanked Chile."


def test_the_second_actor_is_not_marked_inside_the_first(teacher):
    # "Niger" is inside "Nigeria": the second actor is marked where it stands alone
    text = teacher.marked(pair("Nigeria and Niger patrol the border.", ["Nigeria"], ["Niger"]))
    assert text == "[ Nigeria ] and < Niger > patrol the border."


def test_any_surface_form_of_an_actor_is_marked(teacher):
    text = teacher.marked(pair("The Kremlin armed the Syrian army.", ["Russia", "Kremlin"], ["Syrian"]))
    assert text == "The [ Kremlin ] armed the < Syrian > army."


def test_a_pair_carried_by_a_reference_back_comes_with_the_text_before(teacher):
    before = "Ghana and Togo met in Lome. "
    text = teacher.marked(pair("The two countries agreed to patrol the lagoon together.", ["Ghana"], ["Togo"], before))
    assert text == before + " || The two countries agreed to patrol the lagoon together."


def test_a_long_sentence_is_cut_around_the_two_actors(teacher):
    filler = "the delegation recalled the many resolutions adopted over the years " * 10
    sentence = filler + "Kenya and Uganda signed a defence pact " + filler
    text = teacher.marked(pair(sentence, ["Kenya"], ["Uganda"]))
    assert "[ Kenya ] and < Uganda > signed a defence pact" in text
    assert len(text) < len(sentence)
    assert len(text) <= 2 * teacher.WINDOW + len("[ Kenya ] and < Uganda >")


def test_the_teachers_probabilities_are_written_as_kg_train_reads_them(teacher, tmp_path):
    import numpy

    from kg.train import FOLDS, read_silver_file, sha256

    labels = tmp_path / "labels.jsonl"
    labels.write_text("{}\n")
    pairs = [{"doc_id": "GHA_70_2015", "start": 0, "end": 40, "a": "GHA", "b": "TGO", "year": 2015, "speaker": "GHA",
              "sentence": "not written: the text stays in the corpus", "a_text": ["Ghana"], "b_text": ["Togo"]}]
    by_fold = [numpy.array([[0.1 * k, 0.0, 0.0, 0.0, 1 - 0.1 * k]]) for k in range(FOLDS)]
    teacher.write_silver(tmp_path / "silver.jsonl.gz", pairs, by_fold, [labels])
    header, read = read_silver_file(tmp_path / "silver.jsonl.gz")
    assert header["labels"] == [{"file": "labels.jsonl", "sha256": sha256(labels)}]
    assert read[0]["probabilities"] == [0.2, 0.0, 0.0, 0.0, 0.8]  # the mean of the folds' teachers
    assert read[0]["fold_probabilities"][3] == [0.3, 0.0, 0.0, 0.0, 0.7]
    assert "sentence" not in read[0] and not list(tmp_path.glob("*.partial"))


def test_an_epoch_reads_every_pair_once_in_batches_of_similar_length(teacher):
    import random

    rng = random.Random(7)
    lengths = [rng.randint(5, 128) for _ in range(2000)]
    batches = teacher.length_batches(lengths, 16, random.Random(13))
    assert sorted(i for b in batches for i in b) == list(range(2000))
    assert all(len(b) <= 16 for b in batches)
    padded = sum(max(lengths[i] for i in b) * len(b) for b in batches)
    assert padded < 1.1 * sum(lengths)  # random batches of 16 pad these to about 1.8 times
    assert teacher.length_batches(lengths, 16, random.Random(13)) == batches
