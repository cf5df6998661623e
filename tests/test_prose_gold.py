"""Regression guard: kg's scores on our own encyclopaedia and fact-sheet passages.

``tests/data/prose_gold.jsonl`` holds 28 passages written for kg (not copied from any gold set),
annotated in the scorer's format. The floors sit slightly under the scores reached when the
mechanisms of docs/extraction.md (34-37) were added; a drop means an extraction mechanism broke.
"""
from __future__ import annotations

import json
import shlex
import subprocess
import sys

import pytest

FLOORS = {"entities": 0.98, "dyads": 0.80, "activities": 0.90, "types": 0.83, "memberships": 0.97}
#: The same with the pair classifier deciding the partnerships (docs/classifier.md): below the rules here,
#: most in types, which it adds to members listed together that it reads as partners (docs/classifier.md,
#: *Regression suites*).
CLASSIFIER_FLOORS = {"entities": 0.98, "dyads": 0.70, "activities": 0.82, "types": 0.75, "memberships": 0.97}


@pytest.mark.parametrize("options, floors", [(" --model rules", FLOORS), ("", CLASSIFIER_FLOORS)], ids=["rules", "classifier"])
def test_prose_gold_scores_stay_above_their_floors(repo, options, floors):
    scorer = repo.parent / "shared" / "eval" / "score.py"
    if not scorer.exists():
        pytest.skip(f"{scorer} not found: the shared evaluation folder is not beside this checkout")
    command = f"{shlex.quote(sys.executable)} -m kg build{options}"
    run = subprocess.run(
        [sys.executable, str(scorer), str(repo / "tests" / "data" / "prose_gold.jsonl"), "--run", command, "--json"],
        capture_output=True, text=True, timeout=60, cwd=repo,
    )
    assert run.returncode == 0, run.stderr
    scores = json.loads(run.stdout[: run.stdout.rindex("}") + 1])
    f1 = {layer: scores[layer]["f1"] for layer in floors}
    assert all(f1[layer] >= floor for layer, floor in floors.items()), f1
