"""bench/feature_check.py: which training pairs' features a change moves."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO, bench_module


@pytest.fixture(scope="module")
def feature_check():
    return bench_module("feature_check")


def _record(pair_set, pair_id, features, stated=(), rule_stated=()):
    return {"set": pair_set, "id": pair_id, "features": sorted(features), "stated": sorted(stated),
            "rule_stated": sorted(rule_stated)}


def test_a_change_of_rule_moves_the_pair(feature_check):
    before = [_record("labelled", "p1", ["rule:membership", "s:joined"]), _record("read", "r1", ["rule:link"])]
    after = [_record("labelled", "p1", ["rule:link", "s:joined"]), _record("read", "r1", ["rule:link"])]
    assert feature_check.changes(before, after) == {
        "labelled": [{"id": "p1", "lost": ["rule:membership"], "gained": ["rule:link"]}]}


def test_a_stated_activity_counts_as_a_feature(feature_check):
    before = [_record("read", "r1", ["rule:link"])]
    after = [_record("read", "r1", ["rule:link"], stated=["joint_exercises"])]
    assert feature_check.changes(before, after) == {
        "read": [{"id": "r1", "lost": [], "gained": ["stated:joint_exercises"]}]}


def test_a_type_the_rules_state_counts_too(feature_check):
    before = [_record("labelled", "p1", ["rule:link"], rule_stated=["alliance"])]
    after = [_record("labelled", "p1", ["rule:link"])]
    assert feature_check.changes(before, after) == {
        "labelled": [{"id": "p1", "lost": ["rule_stated:alliance"], "gained": []}]}


def test_a_pair_found_only_after_the_change_counts(feature_check):
    assert feature_check.changes([], [_record("read", "r2", ["rule:none"])]) == {
        "read": [{"id": "r2", "lost": [], "gained": ["rule:none"]}]}


def test_the_order_of_the_features_does_not_count(feature_check):
    assert feature_check.changes([_record("read", "r1", ["b", "a"])], [_record("read", "r1", ["a", "b"])]) == {}


def test_diff_from_the_command_line(feature_check, tmp_path):
    before, after = tmp_path / "before.jsonl.gz", tmp_path / "after.jsonl.gz"
    feature_check.write(before, [_record("labelled", "p1", ["rule:link"]), _record("read", "r1", ["rule:none"])])
    feature_check.write(after, [_record("labelled", "p1", ["rule:link"]), _record("read", "r1", ["rule:object"])])
    assert feature_check.read(after)[1]["features"] == ["rule:object"]
    run = subprocess.run([sys.executable, str(REPO / "bench" / "feature_check.py"), "diff", str(before), str(after), "-v"],
                         capture_output=True, text=True, check=True)
    assert run.stdout.splitlines() == [
        "labelled pairs with changed features: 0 of 1",
        "read pairs with changed features: 1 of 1",
        "  r1: lost rule:none; gained rule:object",
        "make train is needed before make retrain-check passes",
    ]
    same = subprocess.run([sys.executable, str(REPO / "bench" / "feature_check.py"), "diff", str(before), str(before)],
                          capture_output=True, text=True, check=True)
    assert same.stdout.splitlines()[-1] == "the shipped model stays as it is"
