import json

import numpy
import pytest

from kg.trees import Trees

FEATURES = [f"btw:{w}" for w in ("and", "signed", "pact", "with", "met", "talks", "treaty", "war")]


def sentences(n: int, seed: int = 3) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Bags of our own features (rows of present ones) and whether each states a partnership."""
    rng = numpy.random.default_rng(seed)
    present = rng.random((n, len(FEATURES))) < 0.3
    stated = (present[:, 1] & present[:, 2]) | (present[:, 6] & ~present[:, 7]) | (rng.random(n) < 0.05)
    return present.astype(float), stated


@pytest.mark.parametrize("zero_as_missing", [False, True])
def test_the_trees_read_a_bag_of_features_as_lightgbm_predicts_it(zero_as_missing):
    lightgbm = pytest.importorskip("lightgbm")
    from scipy.sparse import csr_matrix

    x, y = sentences(600)
    learner = lightgbm.LGBMClassifier(n_estimators=40, num_leaves=7, min_child_samples=5, n_jobs=1, verbose=-1,
                                      zero_as_missing=zero_as_missing, deterministic=True, force_row_wise=True)
    learner.fit(csr_matrix(x), y)
    trees = Trees.from_dump(learner.booster_.dump_model(), FEATURES)
    bags = [[FEATURES[j] for j in numpy.flatnonzero(row)] + ["s:unseen"] for row in x[:200]]
    expected = learner.booster_.predict(csr_matrix(x[:200]), raw_score=True)
    assert numpy.abs(trees.raw(bags) - expected).max() < 1e-9
    assert trees.probability(bags).tolist() == pytest.approx(learner.predict_proba(csr_matrix(x[:200]))[:, 1].tolist())
    stored = Trees(json.loads(json.dumps(trees.to_data())))
    assert stored.raw(bags).tolist() == trees.raw(bags).tolist()


def test_a_feature_named_twice_in_a_bag_counts_once_and_an_empty_bag_reads_the_absent_path():
    # two trees: the first splits on the pact, the second on the treaty, then on the pact
    trees = Trees({"features": ["btw:pact", "btw:treaty"], "feature": [0, 1, 0], "present": [3, 5, 6],
                   "absent": [4, 2, 7], "values": [1.5, -0.5, 2.0, 0.5, 0.25], "roots": [0, 1]})
    assert trees.raw([["btw:pact", "btw:pact"], [], ["btw:treaty", "btw:pact"], ["btw:treaty"]]).tolist() == [
        1.5 + 0.5, -0.5 + 0.25, 1.5 + 2.0, -0.5 + 2.0]
    # as many bags as fill several of the blocks the trees read at once
    bags = [["btw:pact"], [], ["btw:treaty", "btw:pact"]] * (Trees.BLOCK // 2 + 1)
    assert trees.raw(bags).tolist() == [2.0, -0.25, 3.5] * (Trees.BLOCK // 2 + 1)


@pytest.mark.parametrize("change, message", [
    ({"present": [7]}, "a node of the trees' present list is neither a split nor a leaf"),
    ({"feature": [4]}, "a split of the trees asks about a feature they do not list"),
    ({"absent": []}, "the trees' feature, present and absent lists differ in length"),
    ({"roots": [0, 0]}, "two of the trees share a split"),
    ({"present": [0]}, "the trees' splits lead back to one another"),
])
def test_trees_that_do_not_hold_together_are_refused(change, message):
    data = {"features": ["btw:pact"], "feature": [0], "present": [1], "absent": [2], "values": [1.5, -0.5],
            "roots": [0], **change}
    with pytest.raises(ValueError, match=message):
        Trees(data)


def test_a_split_whose_answers_lead_to_one_leaf_reads_that_leaf():
    trees = Trees({"features": ["btw:pact"], "feature": [0], "present": [1], "absent": [1], "values": [2.5],
                   "roots": [0]})
    assert trees.raw([["btw:pact"], []]).tolist() == [2.5, 2.5]
