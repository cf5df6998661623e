"""Training the pair classifier: labels, cross-validation, the model file and its card."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy
import pytest

from kg.classify import DEFAULT_MODEL, PairModel, load_model
from kg.errors import KgError
from kg.train import (Example, average_precision, calibrate, choose_membership_threshold, choose_threshold, fit_trees,
                      isotonic, learning_curve, precision_recall_curve, read_labels, reliability, rule_floors, train,
                      tree_min_count)

SHARED_TRAIN = Path(__file__).resolve().parents[2] / "shared" / "train"
UN_DEBATES = SHARED_TRAIN.parent / "corpora" / "un_general_debates" / "un_general_debates.jsonl.gz"
SILVER_DIR = Path(__file__).resolve().parents[1] / "train"

COUNTRIES = [("Chile", "CHL"), ("Peru", "PER"), ("Ghana", "GHA"), ("Nigeria", "NGA"), ("Norway", "NOR"),
             ("Denmark", "DNK"), ("Kenya", "KEN"), ("Uganda", "UGA"), ("Japan", "JPN"), ("India", "IND")]
PARTNERS = ["{x} and {y} signed a defence treaty.", "{x} signed a security pact with {y}.",
            "{x} and {y} held joint naval exercises."]
#: The types and activities each sentence of PARTNERS states for its pair.
STATED = [{"types": ["defense_agreement"]}, {"types": ["security_partnership"]}, {"activities": ["joint_exercises"]}]
NOT_PARTNERS = ["{x} and {y} were both named in the report.", "{x} criticised {y} over the border.",
                "The delegates of {x} and {y} left early."]


def label(i, doc, template, relation, x, y):
    return {"id": f"t-{i}", "doc_id": doc, "sentence": template.format(x=x[0], y=y[0]), "context_before": "",
            "a": x[1], "b": y[1], "relation": relation}


def own_labels(path: Path) -> Path:
    """Labels of sentences of our own: ten documents, each with partners and non-partners."""
    records = []
    for d in range(10):
        x, y = COUNTRIES[d], COUNTRIES[(d + 3) % len(COUNTRIES)]
        for t, stated in zip(PARTNERS, STATED):
            records.append({**label(len(records), f"doc{d}", t, "partnership", x, y), **stated})
        for t in NOT_PARTNERS:
            records.append(label(len(records), f"doc{d}", t, "none", x, y))
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.mark.parametrize("sentence, a, b", [
    ("Chilean forces have served in Haiti, Mali and Lebanon.", "CHL", "MLI"),
    ("Chile signed a defence pact with Peru, and Bolivia hopes to join it.", "CHL", "BOL"),
    ("The two navies of Chile and Peru hold joint drills.", "CHL", "PER"),
])
def test_a_labelled_sentence_has_the_features_a_build_gives_it(nlp, sentence, a, b):
    from kg.classify import sentence_candidates
    from kg.extract import read_sentences
    from kg.train import featurize

    doc = nlp(sentence)
    built = {frozenset((c.a, c.b)): c.all_features for r in read_sentences(doc) for c in sentence_candidates(doc, r)}
    learnt = featurize([{"id": "x", "doc_id": "d", "sentence": sentence, "a": a, "b": b, "relation": "none"}], nlp)[0]
    assert set(learnt.features) == set(built[frozenset((a, b))])


def test_a_label_with_an_unknown_relation_names_its_file_and_line(tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps(label(1, "d", PARTNERS[0], "partnership", *COUNTRIES[:2])) + "\n"
                    + json.dumps(label(2, "d", PARTNERS[0], "friendship", *COUNTRIES[:2])) + "\n")
    with pytest.raises(KgError, match=r"labels.jsonl:2: unknown relation 'friendship' \(one of partnership, "):
        read_labels(path)


def test_a_label_without_its_pair_is_an_error(tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_text('{"id": "x", "doc_id": "d", "sentence": "Hi.", "a": "CHL", "relation": "none"}\n')
    with pytest.raises(KgError, match=r"labels.jsonl:1: no b$"):
        read_labels(path)


def test_the_threshold_is_the_lowest_with_the_target_precision():
    probability = numpy.array([0.1, 0.2, 0.6, 0.7, 0.8, 0.9, 0.95])
    gold = numpy.array([0, 0, 0, 1, 1, 1, 1])
    assert choose_threshold(probability, gold, target=0.85) == 0.7


def test_the_threshold_keeps_the_pairs_it_was_measured_with():
    probability = numpy.array([0.1, 0.2, 0.5538, 0.5538, 0.9])
    gold = numpy.array([0, 0, 1, 1, 1])
    threshold = choose_threshold(probability, gold, target=0.85)
    assert threshold == 0.553 and (probability >= threshold).sum() == 3  # not 0.554, past the pairs at 0.5538


def test_a_threshold_is_measured_as_the_model_file_holds_it():
    # 0.4742 and 0.4748 share the threshold 0.474: the pairs at 0.4748 come with those at 0.4742
    probability = numpy.array([0.4742] * 4 + [0.4748] * 4 + [0.9] * 2)
    gold = numpy.array([0] * 4 + [1] * 6)
    [point] = precision_recall_curve(probability, gold, [0.4748])
    assert (point["threshold"], point["p"]) == (0.474, 0.6)
    threshold = choose_threshold(probability, gold, target=0.85, min_recall=0.5)
    assert threshold == 0.474 and gold[probability >= threshold].mean() == 0.6


def test_a_rule_linked_pair_has_the_rules_floor_and_a_stated_one_the_lower():
    def example(*features, genre="prose"):
        return Example("x", "d", genre, "none", features)
    floors = rule_floors([example("rule:none"), example("rule:between"), example("rule:between", "cue:activity"),
                          example("rule:between", "cue:activity", "scoped:untyped"),
                          example("rule:between", "cue:activity", genre="un")], {"linked": 0.4, "stated": 0.3})
    assert floors.tolist() == [1.0, 0.4, 0.3, 0.4, 1.0]  # no floor in a speech: the model decides alone


def test_no_floor_for_a_pair_the_model_reads_as_hoped_for():
    from kg.classify import hoped_for

    examples = [Example(str(i), "d", "prose", "none", ("rule:between", "cue:activity")) for i in range(2)]
    # partnership, proposed, hostile, membership, none
    raw = numpy.array([[0.30, 0.60, 0.0, 0.0, 0.10], [0.60, 0.30, 0.0, 0.0, 0.10]])
    floors = rule_floors(examples, {"linked": 0.4, "stated": 0.3}, hoped_for(raw))
    assert floors.tolist() == [1.0, 0.3]


def test_the_threshold_is_chosen_for_the_decision_with_the_floors():
    probability = numpy.array([0.3, 0.3, 0.6, 0.9])
    gold = numpy.array([1, 1, 0, 1])
    assert choose_threshold(probability, gold, target=0.85, min_recall=0.9) == 0.3
    # the two true pairs at 0.3 are linked by a rule: their floor accepts them, so the threshold can keep out 0.6
    floor = numpy.array([0.3, 0.3, 1.0, 1.0])
    assert choose_threshold(probability, gold, target=0.85, min_recall=0.9, floor=floor) == 0.9


def test_out_of_reach_of_the_target_the_threshold_is_the_most_precise_that_keeps_the_recall():
    # 10 pairs at each of 0.2 (2 true), 0.4 (6 true), 0.6 (7 true) and 0.8 (8 true): precision 0.85 is
    # out of reach; 0.8 alone keeps 8 of 23 true pairs, 0.6 keeps 15 (0.65) at precision 0.75
    probability = numpy.repeat([0.2, 0.4, 0.6, 0.8], 10)
    gold = numpy.array([1] * 2 + [0] * 8 + [1] * 6 + [0] * 4 + [1] * 7 + [0] * 3 + [1] * 8 + [0] * 2)
    assert choose_threshold(probability, gold, min_recall=0.5) == 0.6
    assert choose_threshold(probability, gold, min_recall=0.3) == 0.8
    assert choose_threshold(probability, gold, min_recall=1.0) == 0.2  # only the lowest keeps every pair


def test_a_recall_short_of_the_minimum_by_less_than_its_second_decimal_keeps_it():
    # 1,000 true pairs: 497 at 0.8 with 3 false ones, the other 503 at 0.4 with 500 false ones
    probability = numpy.repeat([0.4, 0.8], [1003, 500])
    gold = numpy.array([1] * 503 + [0] * 500 + [1] * 497 + [0] * 3)
    assert choose_threshold(probability, gold, min_recall=0.5) == 0.8  # recall 0.497 reads 0.50
    assert choose_threshold(probability, gold, min_recall=0.51) == 0.4


def test_the_floors_are_chosen_on_documents_without_a_speaker():
    from kg.train import choose_floors

    linked = lambda genre, i: Example(f"{genre}{i}", f"{genre}{i}", genre, "", ("rule:link",))
    # In the passages a pair a rule links at 0.3 is right; in speeches, where no floor applies, it is not.
    examples = [linked("prose", i) for i in range(4)] + [linked("un", i) for i in range(4)]
    p = numpy.array([0.3, 0.3, 0.9, 0.2] + [0.3, 0.3, 0.3, 0.9])
    gold = numpy.array([1, 1, 1, 0] + [0, 0, 0, 1])
    # The highest floors that take the 0.3 pairs (no pair has a stated type here).
    assert choose_floors(p, gold, examples, threshold=0.6) == {"linked": 0.3, "stated": 0.3}
    # Without passages the floors stay the defaults.
    assert choose_floors(p[4:], gold[4:], examples[4:], threshold=0.6) == {"linked": 0.45, "stated": 0.35}


def test_floors_of_nearly_equal_f1_are_the_highest_of_them():
    from kg.train import choose_floors

    # 200 right pairs above the threshold; at 0.45 two right pairs and one wrong one, which a floor
    # of 0.45 or lower takes: F1 0.9975 against 0.9950 without them.
    examples = [Example(f"p{i}", f"p{i}", "prose", "", ("rule:link",)) for i in range(203)]
    p = numpy.array([0.9] * 200 + [0.45] * 3)
    gold = numpy.array([1] * 202 + [0])
    assert choose_floors(p, gold, examples, threshold=0.6, tolerance=0.005)["linked"] == 0.5
    assert choose_floors(p, gold, examples, threshold=0.6, tolerance=0.0)["linked"] == 0.45


def test_the_membership_threshold_adds_to_the_rules_what_raises_their_f1():
    # the rules state the first two memberships; the model's 0.9 pair is a third, its 0.6 pairs are not
    probability = numpy.array([0.9, 0.9, 0.9, 0.6, 0.6, 0.3])
    gold = numpy.array([1, 1, 1, 0, 0, 0])
    stated = numpy.array([True, True, False, False, False, False])
    assert choose_membership_threshold(probability, gold, stated, ["un"] * 6) == 0.9


def test_of_nearly_equal_membership_thresholds_the_higher_is_chosen():
    # The 0.4 pairs are right one time in three: they lift F1 from 0.659 to 0.662, a difference of
    # noise, for five times the wrong memberships; the higher threshold keeps them out.
    probability = numpy.array([0.8] * 40 + [0.4] * 60 + [0.1] * 30)
    gold = numpy.array([1] * 30 + [0] * 10 + [1] * 20 + [0] * 40 + [1] * 1 + [0] * 29)
    stated = numpy.zeros(130, dtype=bool)
    assert choose_membership_threshold(probability, gold, stated, ["un"] * 130, tolerance=0.0) == 0.4
    assert choose_membership_threshold(probability, gold, stated, ["un"] * 130) == 0.8


def test_the_membership_threshold_weighs_each_genre_alike():
    # The 0.4 pairs raise the speeches' F1 from 0.4 to 0.8 and cut the passages' from 1.0 to 0.5: pooled
    # (0.57 -> 0.71) they would be taken, by the mean of the genres' F1 (0.7 against 0.65) they are not.
    probability = numpy.array([0.8, 0.4, 0.4, 0.4, 0.4, 0.4, 0.8, 0.4, 0.4])
    gold = numpy.array([1, 1, 1, 1, 0, 0, 1, 0, 0])
    stated = numpy.zeros(9, dtype=bool)
    assert choose_membership_threshold(probability, gold, stated, ["un"] * 9) == 0.4
    assert choose_membership_threshold(probability, gold, stated, ["un"] * 6 + ["prose"] * 3) == 0.8


def test_the_calibration_keeps_the_models_ranking_and_its_frequencies():
    rng = numpy.random.default_rng(13)
    raw = rng.random(3000)
    gold = rng.random(3000) < raw ** 2  # a score that is right about raw² of the time
    calibrated = calibrate(isotonic(raw, gold), raw)
    # the probability rises with the score (no block of equal ones but at the two ends) ...
    inner = (raw > 0.2) & (raw < 0.8)
    assert len(set(calibrated[inner].round(6))) > 0.9 * inner.sum()
    assert abs(average_precision(calibrated, gold) - average_precision(raw, gold)) < 0.005
    # ... and says how often a pair is right
    for bin_ in reliability(calibrated, gold.astype(float)):
        if bin_["n"] >= 200:
            assert abs(bin_["mean_p"] - bin_["observed"]) < 0.05


def test_the_reliability_table_counts_each_bin():
    table = reliability(numpy.array([0.05, 0.15, 0.85, 0.95]), numpy.array([0, 0, 1, 0]), bins=2)
    assert [(b["bin"], b["n"], b["observed"]) for b in table] == [("0.0-0.5", 2, 0.0), ("0.5-1.0", 2, 0.5)]


def test_the_learning_curve_scores_each_share_of_the_training_documents_on_whole_held_out_folds():
    # a word that says partnership in every document: half the documents teach it as well as all
    examples = [Example(f"{d}-{k}", f"doc{d}", "un" if d % 2 else "prose", relation, (f"btw:{word}",))
                for d in range(60)
                for k, (relation, word) in enumerate([("partnership", "signed"), ("none", "named"), ("none", "left")])]
    curve = learning_curve(examples, fractions=(0.5, 1.0))
    assert [row["fraction"] for row in curve] == [0.5, 1.0]
    for row in curve:
        assert row["un"] == row["prose"] == {"ap": 1.0, "p_at_recall": 1.0, "r_at_precision": 1.0}


def test_the_trees_ask_only_about_features_common_enough_to_split_on():
    # a treaty signed is a partnership, except in the 15 pairs where it was "rejected"
    def pairs(n):
        out = []
        for i in range(n):
            signed, rejected = i % 3 == 0, i % 3 == 0 and i < 45
            out.append(Example(f"{i}", f"doc{i % 50}", "un", "partnership" if signed and not rejected else "none",
                               ("btw:signed",) * signed + ("btw:rejected",) * rejected + ("btw:named",)))
        return out

    assert (tree_min_count(400), tree_min_count(4_000), tree_min_count(10_000)) == (2, 8, 20)
    few, many = fit_trees(pairs(4_000)), fit_trees(pairs(10_000))
    assert "btw:rejected" in few.features and "btw:rejected" not in many.features
    rejected = ("btw:signed", "btw:rejected", "btw:named")
    assert few.probability([rejected])[0] < 0.1 < 0.9 < many.probability([rejected])[0]
    assert many.probability([("btw:signed", "btw:named")])[0] > 0.9 > 0.1 > many.probability([("btw:named",)])[0]


def test_trees_with_no_common_feature_give_every_pair_the_share_of_partnerships():
    examples = [Example(f"{i}", f"doc{i}", "un", "partnership" if i % 4 == 0 else "none", (f"btw:w{i}",))
                for i in range(40)]
    assert fit_trees(examples).probability([("btw:w0",), ()]).tolist() == pytest.approx([0.25, 0.25])


@pytest.fixture(scope="module")
def trained(tmp_path_factory, nlp):
    folder = tmp_path_factory.mktemp("model")
    labels = own_labels(folder / "labels.jsonl")
    card = train([labels], folder / "model.json", nlp=nlp)
    return folder / "model.json", card


def test_a_label_is_read_with_the_names_of_its_documents_year(nlp):
    from kg.train import featurize

    sentence = "Moscow and Hanoi signed a defence cooperation agreement."
    labels = [{"id": f"{year}{a}", "doc_id": str(year), "year": year, "sentence": sentence, "a": a, "b": "VNM",
               "relation": "partnership"} for year, a in ((1975, "SUN"), (2015, "SUN"), (2015, "RUS"))]
    found = [bool(example.features) for example in featurize(labels, nlp)]
    assert found == [True, False, True]


def test_a_label_with_its_document_has_the_document_feature_a_build_gives_it(nlp):
    from kg.classify import ActorSentences, DocIndex, sentence_candidates
    from kg.extract import read_sentences
    from kg.records import Document
    from kg.train import featurize

    text = "Ghana and Togo signed an accord. Ghana and Togo patrol the frontier. Mali spoke. Niger spoke."
    start = text.index("Ghana and Togo patrol")
    label = {"id": "x", "doc_id": "d", "sentence": "Ghana and Togo patrol the frontier.", "start": start,
             "end": start + 35, "a": "GHA", "b": "TGO", "relation": "partnership"}
    doc = nlp(text)
    readings = read_sentences(doc)
    built = sentence_candidates(doc, readings[1], sentences=ActorSentences.of(DocIndex(doc), readings))[0].features
    with_document = featurize([label], nlp, documents={"d": Document("d", text)})[0].features
    document_features = [f for f in with_document if f.startswith("doc_")]
    assert document_features == [f for f in built if f.startswith("doc_")]
    assert document_features == ["doc_linked:one", "doc_hostile:none"]
    without_offsets = {k: v for k, v in label.items() if k not in ("start", "end")}  # found by its text
    assert "doc_linked:one" in featurize([without_offsets], nlp, documents={"d": Document("d", text)})[0].features
    assert not any(f.startswith("doc_") for f in featurize([label], nlp)[0].features)


def test_kg_train_reads_several_corpora_and_names_them_in_the_card(tmp_path):
    labels = own_labels(tmp_path / "labels.jsonl")
    records = [json.loads(line) for line in labels.read_text().splitlines()]
    texts = {}
    for r in records:
        texts[r["doc_id"]] = texts.get(r["doc_id"], "") + r["sentence"] + " "
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    docs = [{"id": d, "text": t} for d, t in sorted(texts.items())]
    first.write_text("".join(json.dumps(d) + "\n" for d in docs[:5]))
    second.write_text("".join(json.dumps(d) + "\n" for d in docs[5:]))
    result = subprocess.run([sys.executable, "-m", "kg", "train", str(labels), "--corpus", str(first),
                             "--corpus", str(second), "--out", str(tmp_path / "m.json")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    card = json.loads((tmp_path / "m.json").read_text())["card"]
    assert [d["file"] for d in card["documents"]] == ["first.jsonl", "second.jsonl"]
    assert "| first.jsonl |" in (tmp_path / "m.md").read_text()


def test_training_writes_a_model_and_its_card(trained):
    path, card = trained
    text = path.with_suffix(".md").read_text()
    assert "# Pair classifier: model card" in text and "labels.jsonl" in text and card["data"][0]["pairs"] == 60
    assert set(card["cv_argmax"]) == {"all", "prose"}
    assert 0 < card["threshold"] <= 1
    model = json.loads(path.read_text())
    assert (model["thresholds"]["linked"], model["thresholds"]["stated"]) == (card["floors"]["linked"], card["floors"]["stated"])
    assert "Outside speeches a pair a rule links is a partnership from" in text
    assert model["trees"]["share"] == 0.5 and "gradient-boosted trees" in card["learner"]
    assert re.search(r"Average precision [\d.]+ \(the regression alone [\d.]+, the trees alone [\d.]+\)", text)


def test_a_trained_model_tells_a_treaty_from_a_mention(trained, nlp):
    from kg.classify import decide
    from kg.extract import read_sentences

    model = PairModel.load(trained[0])
    doc = nlp("Kenya and Japan signed a defence treaty. Kenya and Japan were both named in the report.")
    treaty, named = decide(model, doc, read_sentences(doc))
    assert treaty[0].partnership > named[0].partnership


def test_a_trained_model_reads_the_types_and_activities_stated_for_a_pair(trained, nlp):
    from kg.classify import sentence_candidates
    from kg.extract import read_sentences

    path, card = trained
    model = PairModel.load(path)
    assert set(model.stated_types) == {"defense_agreement", "security_partnership"}
    assert model.stated_activities == ("joint_exercises",)
    assert card["stated"]["labels"] == 3 and "## Partnership types and activities of a pair" in path.with_suffix(".md").read_text()
    doc = nlp("Kenya and Japan held joint naval exercises. Kenya and Japan signed a defence treaty.")
    exercises, treaty = (model.stated_probabilities(sentence_candidates(doc, r)[0].all_features)
                         for r in read_sentences(doc))
    assert exercises["joint_exercises"] > exercises["defense_agreement"]
    assert treaty["defense_agreement"] > treaty["joint_exercises"]


def test_a_build_scores_a_pair_as_the_learner_that_read_its_rule_feature_scaled(tmp_path, nlp):
    from kg.classify import RELATIONS
    from kg.train import FEATURE_SCALES, _fit, featurize, fit_model, logistic_regression, matrix

    examples = featurize(read_labels(own_labels(tmp_path / "labels.jsonl")), nlp)
    rules = {f for e in examples for f in e.features if f.startswith(tuple(FEATURE_SCALES))}
    assert rules and max(FEATURE_SCALES.values()) > 1
    learner = logistic_regression()
    vocab = _fit(learner, examples)
    x = matrix(examples, vocab)
    ruled = next(i for i, e in enumerate(examples) if rules & set(e.features) & set(vocab))
    assert {x[ruled, vocab[f]] for f in rules & set(examples[ruled].features) & set(vocab)} <= set(FEATURE_SCALES.values())
    assert x[ruled].max() == max(FEATURE_SCALES.values())
    learnt = learner.predict_proba(x)
    oof = numpy.zeros((len(examples), len(RELATIONS)))
    oof[:, [RELATIONS.index(c) for c in learner.classes_]] = learnt
    model = PairModel(fit_model(examples, oof, genre_for_threshold=None))
    built = numpy.array([model.scores(e.features) for e in examples])
    columns = [list(learner.classes_).index(r) for r in model.relations]
    assert numpy.allclose(built, learnt[:, columns], atol=1e-3)


def test_a_sentence_reads_as_its_genres_labels_say(tmp_path, nlp):
    from kg.classify import decide
    from kg.extract import read_sentences

    # the same kind of sentence is a partnership in the prose labels, none in the speeches'
    talks = "{x} and {y} held talks on border security."
    records = []
    for d in range(10):
        x, y = COUNTRIES[d], COUNTRIES[(d + 3) % len(COUNTRIES)]
        speech = {"speaker": "FRA"} if d % 2 else {}
        for t, relation in [(talks, "none" if speech else "partnership"), *((t, "partnership") for t in PARTNERS),
                            *((t, "none") for t in NOT_PARTNERS)]:
            records.append({**label(len(records), f"doc{d}", t, relation, x, y), **speech})
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps(r) + "\n" for r in records))
    train([labels], tmp_path / "m.json", nlp=nlp)
    model = PairModel.load(tmp_path / "m.json")
    doc = nlp(talks.format(x="Kenya", y="Chile"))
    in_prose, in_speech = (decide(model, doc, read_sentences(doc), speaker=s)[0][0].partnership for s in ("", "FRA"))
    assert in_prose > in_speech + 0.1, (in_prose, in_speech)


def test_a_labelled_pair_outside_the_speeches_weighs_more_than_a_speechs(nlp):
    from kg.train import PROSE_WEIGHT, _fit, logistic_regression, matrix

    assert PROSE_WEIGHT > 1
    # one pair, read alike in both genres, labelled apart: the prose label wins
    examples = [Example("u", "d1", "un", "partnership", ("rule:between",)),
                Example("p", "d2", "prose", "none", ("rule:between",))]
    learner = logistic_regression()
    vocab = _fit(learner, examples)
    p = dict(zip(learner.classes_, learner.predict_proba(matrix(examples[:1], vocab))[0]))
    assert p["none"] > p["partnership"]


def test_a_gzip_model_reads_as_its_json_and_rebuilds_byte_for_byte(trained, tmp_path, nlp):
    from kg.train import featurize

    path, _ = trained
    labels = own_labels(tmp_path / "labels.jsonl")
    train([labels], tmp_path / "m.json.gz", nlp=nlp)
    first = (tmp_path / "m.json.gz").read_bytes()
    train([labels], tmp_path / "m.json.gz", nlp=nlp)
    assert (tmp_path / "m.json.gz").read_bytes() == first and (tmp_path / "m.md").exists()
    assert len(first) < path.stat().st_size / 2
    plain, packed = PairModel.load(path), PairModel.load(tmp_path / "m.json.gz")
    examples = featurize(read_labels(labels), nlp)
    assert [plain.predict(e.features) for e in examples] == [packed.predict(e.features) for e in examples]
    assert not list(tmp_path.glob("*.partial")) and not list(tmp_path.glob(".*"))


def test_kg_train_on_the_command_line(tmp_path):
    labels = own_labels(tmp_path / "labels.jsonl")
    result = subprocess.run([sys.executable, "-m", "kg", "train", str(labels), "--out", str(tmp_path / "m.json"),
                             "--no-trees"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert f"Wrote {tmp_path / 'm.json'}" in result.stderr and (tmp_path / "m.md").exists()
    assert "trees" not in json.loads((tmp_path / "m.json").read_text())
    assert "the trees alone" not in (tmp_path / "m.md").read_text()


@pytest.mark.skipif(not SHARED_TRAIN.exists(), reason="needs ../shared/train beside the checkout")
@pytest.mark.skipif(not os.environ.get("KG_RETRAIN"), reason="retrains the shipped model (about 15 minutes): make retrain-check")
def test_retraining_reproduces_the_shipped_model(tmp_path, nlp):
    from kg.train import featurize

    from kg.train import labelled_documents

    labels = [SHARED_TRAIN / "un_pairs.jsonl", SHARED_TRAIN / "prose_pairs.jsonl"]
    card = load_model(DEFAULT_MODEL).card
    corpora = {p.name: p for p in (UN_DEBATES, SHARED_TRAIN / "prose_passages.jsonl")}
    assert {d["file"] for d in card.get("documents", [])} <= set(corpora), "the shipped model read other documents"
    corpus = [corpora[d["file"]] for d in card.get("documents", [])]  # as make train trains it
    silver = card.get("silver")
    if silver:
        assert (SILVER_DIR / silver["file"]).exists(), f"the shipped model learnt {silver['file']}, not in train/"
        assert UN_DEBATES.exists(), f"the shipped model learnt silver pairs of {UN_DEBATES}"
        train(labels, tmp_path / "pairs.json", corpus=corpus, nlp=nlp, silver=SILVER_DIR / silver["file"],
              silver_corpus=UN_DEBATES)
    else:
        train(labels, tmp_path / "pairs.json", corpus=corpus, nlp=nlp)
    shipped, retrained = load_model(DEFAULT_MODEL), PairModel.load(tmp_path / "pairs.json")
    records = [r for p in labels for r in read_labels(p)]
    examples = featurize(records, nlp, documents=labelled_documents(records, corpus))
    assert [shipped.predict(e.features) for e in examples] == [retrained.predict(e.features) for e in examples]
    assert ([shipped.stated_probabilities(e.features) for e in examples]
            == [retrained.stated_probabilities(e.features) for e in examples])
    # and a build decides as the shipped model does: the same threshold, floors and membership threshold
    assert retrained.thresholds == shipped.thresholds
    assert retrained.stated_thresholds == shipped.stated_thresholds


ALLIANCES = ["{x} and {y} formed an alliance.", "{x} entered into an alliance with {y}."]


def silver_files(tmp_path: Path, labels: Path, partnership: float) -> tuple[Path, Path]:
    """A corpus of unlabelled alliance sentences of our own, and a silver file whose teacher gives
    each pair ``partnership`` probability of a partnership (the rest to ``none``)."""
    from kg.train import sha256

    docs, pairs = [], []
    for d in range(10):
        x, y = COUNTRIES[d], COUNTRIES[(d + 5) % len(COUNTRIES)]
        text, starts = "", []
        for template in ALLIANCES:
            starts.append(len(text))
            text += template.format(x=x[0], y=y[0]) + " "
        docs.append({"id": f"s{d}", "text": text})
        for start, template in zip(starts, ALLIANCES):
            row = [partnership, 0.0, 0.0, 0.0, 1.0 - partnership]
            pairs.append({"doc_id": f"s{d}", "start": start, "end": start + len(template.format(x=x[0], y=y[0])),
                          "a": x[1], "b": y[1], "probabilities": row, "fold_probabilities": [row] * 5})
    corpus, silver = tmp_path / "unlabelled.jsonl", tmp_path / "silver.jsonl"
    corpus.write_text("".join(json.dumps(d) + "\n" for d in docs))
    header = {"labels": [{"file": labels.name, "sha256": sha256(labels)}], "teacher": "a test's own probabilities"}
    silver.write_text("".join(json.dumps(r) + "\n" for r in [header, *pairs]))
    return corpus, silver


def test_silver_pairs_teach_what_the_labels_never_say(tmp_path, nlp):
    from kg.classify import decide
    from kg.extract import read_sentences

    labels = own_labels(tmp_path / "labels.jsonl")
    # the teacher reads these alliances as no partnership: what the model learns is the teacher's
    corpus, silver = silver_files(tmp_path, labels, partnership=0.02)
    train([labels], tmp_path / "plain.json", nlp=nlp)
    result = subprocess.run([sys.executable, "-m", "kg", "train", str(labels), "--out", str(tmp_path / "taught.json"),
                             "--silver", str(silver), "--silver-corpus", str(corpus)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    doc = nlp("Norway and Uganda formed an alliance.")
    plain, taught = (decide(PairModel.load(tmp_path / m), doc, read_sentences(doc))[0][0].partnership
                     for m in ("plain.json", "taught.json"))
    assert taught < plain - 0.3, (plain, taught)
    card = (tmp_path / "taught.md").read_text()
    assert "Also learnt: 20 unlabelled pairs of `silver.jsonl`" in card


def test_a_silver_file_from_other_labels_is_refused(tmp_path, nlp):
    labels = own_labels(tmp_path / "labels.jsonl")
    corpus, silver = silver_files(tmp_path, labels, partnership=0.95)
    with labels.open("a") as fh:
        fh.write(json.dumps(label(99, "doc0", NOT_PARTNERS[0], "none", COUNTRIES[0], COUNTRIES[1])) + "\n")
    with pytest.raises(KgError, match=f"^{silver}: its teachers learnt from other labels than labels.jsonl; rebuild it"):
        train([labels], tmp_path / "m.json", nlp=nlp, silver=silver, silver_corpus=corpus)


def test_a_silver_pair_with_an_unknown_key_names_its_file_and_line(tmp_path):
    from kg.train import read_silver_file

    row = [0.5, 0.0, 0.0, 0.0, 0.5]
    path = tmp_path / "silver.jsonl"
    path.write_text(json.dumps({"labels": [], "teacher": "t"}) + "\n" + json.dumps(
        {"doc_id": "d", "start": 0, "end": 5, "a": "CHL", "b": "PER", "probabilities": row,
         "fold_probabilities": [row] * 5, "confidence": 0.5}) + "\n")
    with pytest.raises(KgError, match=f"^{path}:2: unknown key confidence$"):
        read_silver_file(path)


def readers_file(tmp_path: Path, relation: str, weight: float = 1.0) -> tuple[Path, Path]:
    """The corpus of :func:`silver_files` and a file of readers' labels giving each of its pairs ``relation``."""
    corpus, silver = silver_files(tmp_path, tmp_path / "labels.jsonl", partnership=0.5)
    pairs = [{k: v for k, v in json.loads(line).items() if "probabilities" not in k}
             for line in silver.read_text().splitlines()[1:]]
    read = tmp_path / "read.jsonl"
    read.write_text("".join(json.dumps(r) + "\n" for r in [{"readers": "a test's own readers", "weight": weight},
                                                           *({**p, "relation": relation} for p in pairs)]))
    return corpus, read


def test_readers_labels_teach_the_model_at_their_weight(tmp_path, nlp):
    from kg.classify import decide
    from kg.extract import read_sentences
    from kg.train import silver_of

    labels = own_labels(tmp_path / "labels.jsonl")
    # the readers read these alliances as no partnership; the labels never saw them
    corpus, read = readers_file(tmp_path, "none", weight=1.0)
    soft = silver_of(read, corpus, [labels], nlp)
    assert soft.weight == 1.0 and soft.final.tolist()[0] == [0.0, 0.0, 0.0, 0.0, 1.0]
    assert all((fold == soft.final).all() for fold in soft.by_fold), "readers learnt from no fold: the same for each"
    train([labels], tmp_path / "plain.json", nlp=nlp)
    train([labels], tmp_path / "read.json", nlp=nlp, silver=read, silver_corpus=corpus)
    doc = nlp("Norway and Uganda formed an alliance.")
    plain, taught = (decide(PairModel.load(tmp_path / m), doc, read_sentences(doc))[0][0].partnership
                     for m in ("plain.json", "read.json"))
    assert taught < plain - 0.3, (plain, taught)


@pytest.mark.parametrize("header, pair, message", [
    ({"readers": "r"}, {"relation": "ally"}, "unknown relation 'ally' (one of partnership, proposed, hostile, membership, none)"),
    ({"readers": "r"}, {"relation": "none", "probabilities": [0, 0, 0, 0, 1]},
     "a reader's relation or a teacher's probabilities, not both"),
    ({"readers": "r"}, {}, "no probabilities, fold_probabilities"),
])
def test_a_readers_pair_names_its_file_and_line(tmp_path, header, pair, message):
    from kg.train import read_silver_file

    path = tmp_path / "read.jsonl"
    path.write_text(json.dumps(header) + "\n" + json.dumps(
        {"doc_id": "d", "start": 0, "end": 5, "a": "CHL", "b": "PER", **pair}) + "\n")
    with pytest.raises(KgError, match=f"^{re.escape(str(path))}:2: {re.escape(message)}$"):
        read_silver_file(path)


def test_a_silver_file_says_where_its_relations_come_from(tmp_path):
    from kg.train import read_silver_file

    path = tmp_path / "read.jsonl"
    path.write_text(json.dumps({"weight": 1.0}) + "\n")
    with pytest.raises(KgError, match=f"^{re.escape(str(path))}:1: no readers, or teacher and labels$"):
        read_silver_file(path)
    path.write_text(json.dumps({"readers": "r", "who": "me"}) + "\n")
    with pytest.raises(KgError, match=f"^{re.escape(str(path))}:1: unknown key who$"):
        read_silver_file(path)
    path.write_text(json.dumps({"readers": "r", "weight": "heavy"}) + "\n")
    with pytest.raises(KgError, match=f"^{re.escape(str(path))}:1: weight 'heavy' is not a positive number$"):
        read_silver_file(path)


def test_a_silver_pair_needs_a_probability_per_relation_and_fold(tmp_path):
    from kg.train import read_silver_file

    path = tmp_path / "silver.jsonl"
    path.write_text(json.dumps({"labels": [], "teacher": "t"}) + "\n" + json.dumps(
        {"doc_id": "d", "start": 0, "end": 5, "a": "CHL", "b": "PER", "probabilities": [1.0],
         "fold_probabilities": []}) + "\n")
    with pytest.raises(KgError, match=f"^{path}:2: probabilities need 5 numbers"):
        read_silver_file(path)


def test_a_fold_model_learns_only_the_teacher_held_out_from_that_fold(tmp_path, nlp):
    from kg.classify import decide
    from kg.extract import read_sentences
    from kg.train import featurize, silver_of, train_examples

    labels = own_labels(tmp_path / "labels.jsonl")
    corpus, silver = silver_files(tmp_path, labels, partnership=0.95)
    # fold 1's teacher reads the alliances as no partnership; the other folds' teachers as partnerships
    header, *pairs = [json.loads(line) for line in silver.read_text().splitlines()]
    for pair in pairs:
        pair["fold_probabilities"][1] = [0.02, 0.0, 0.0, 0.0, 0.98]
    silver.write_text("".join(json.dumps(r) + "\n" for r in [header, *pairs]))
    soft, examples = silver_of(silver, corpus, [labels], nlp), featurize(read_labels(labels), nlp)
    doc = nlp("Norway and Uganda formed an alliance.")
    partnership = {}
    for k in (0, 1):
        train_examples(examples, [labels], tmp_path / f"fold{k}.json", silver=soft.of_fold(k), silver_path=silver)
        partnership[k] = decide(PairModel.load(tmp_path / f"fold{k}.json"), doc, read_sentences(doc))[0][0].partnership
    assert partnership[1] < partnership[0] - 0.3, partnership


def test_a_silver_pair_counts_once_towards_a_features_minimum(tmp_path, nlp):
    from kg.train import Example, Silver, featurize, train_examples

    labels = own_labels(tmp_path / "labels.jsonl")
    examples = featurize(read_labels(labels), nlp)
    # one unlabelled pair the teacher splits between two relations: two training rows, one pair
    lone = Example("silver:1", "unlabelled", "un", "none", ("btw:a_word_no_label_has", *examples[0].features))
    row = numpy.array([[0.5, 0.0, 0.0, 0.0, 0.5]])
    train_examples(examples, [labels], tmp_path / "m.json", silver=Silver([lone], row, [row] * 5))
    weights = PairModel.load(tmp_path / "m.json").weights
    assert "btw:a_word_no_label_has" not in weights and set(examples[0].features) & set(weights)


def test_the_stated_thresholds_are_chosen_per_genre_and_layer():
    from kg.train import choose_stated_thresholds, stated_ids

    def pair(i, genre, stated, rule_stated):
        return Example(f"{genre}{i}", f"{genre}{i}", genre, "partnership", ("rule:between",), stated, (), rule_stated)
    # in speeches the rules state nothing and the model's basing is right; in prose the rules already
    # state the activities, and the model's extra basing is wrong where the label has none
    examples = [pair(i, "un", ("basing",), ()) for i in range(4)] + [pair(i, "un", (), ()) for i in range(4, 6)]
    examples += [pair(i, "prose", ("alliance", "joint_exercises"), ("joint_exercises",)) for i in range(4)]
    examples += [pair(i, "prose", ("alliance",), ()) for i in range(4, 6)]
    labels = ["alliance", "basing"]
    oof = numpy.array([[0.05, 0.3]] * 4 + [[0.05, 0.25]] * 2 + [[0.6, 0.3]] * 6)
    thresholds = choose_stated_thresholds(examples, oof, labels)
    # the types over both genres; the speeches' activities from the lowest that leaves out the two unlabelled
    assert thresholds["speech"] == {"types": 0.2, "activities": 0.3}
    # in prose the model's types, not its activities
    assert thresholds["document"] == {"types": 0.2, "activities": 0.4}
    assert stated_ids(oof, examples, labels, thresholds) == [{"basing"}] * 4 + [set()] * 2 + [{"alliance"}] * 6
