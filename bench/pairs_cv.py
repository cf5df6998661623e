"""Held-out scores of a build on the shared pair labels, as ``../shared/eval/score_pairs.py`` reads them.

The cross-validated scores of ``make train`` are the model's decision on each labelled pair. A user
runs ``kg build`` on whole documents, where a pair may also be carried into a sentence by a reference
back, and ``score_pairs.py`` scores the facts a build writes. This script measures that, held out:
the labelled pairs are cut into the folds ``make train`` uses (:func:`kg.train.folds`: grouped by
document, stratified by relation, seeded); for each fold a model is trained with
:func:`kg.train.train_examples` on the other folds, and ``score_pairs.py`` builds the documents of
the fold's labels with ``kg build --model`` and scores them. The counts are summed over the folds.
With ``--silver`` (as ``make train`` trains), fold ``k``'s model learns the silver pairs with the
probabilities of the teacher that did not learn from fold ``k`` (:meth:`kg.train.Silver.of_fold`).

    .venv/bin/python bench/pairs_cv.py [-v] [--models DIR] [--silver FILE --silver-corpus PATH]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from passages_cv import add_silver_arguments, prf, read_silver, shared_examples

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
LABELS = {"un": SHARED / "train" / "un_pairs.jsonl", "prose": SHARED / "train" / "prose_pairs.jsonl"}
PASSAGES = SHARED / "train" / "prose_passages.jsonl"
LAYERS = ("partnership", "membership", "types", "activities")


def score_fold(labels: Path, genre: str, model: Path, verbose: bool) -> dict:
    """score_pairs.py's counts per layer for the labels in ``labels``, built with ``model``."""
    kg = Path(sys.executable).with_name("kg")
    command = [sys.executable, str(SHARED / "eval" / "score_pairs.py"), str(labels), "--json",
               "--run", f"{kg} build --model {model}"]
    if genre == "prose":
        command += ["--corpus", str(PASSAGES)]
    if verbose:
        command.append("-v")
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    if verbose:
        print("\n".join(line for line in out.splitlines() if " FP " in line or " FN " in line))
    scores = json.loads(out[out.index("\n{") + 1 : out.rindex("}") + 1])
    return {layer: Counter({k: scores[layer][k] for k in ("tp", "fp", "fn")}) for layer in LAYERS}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-v", "--verbose", action="store_true", help="list each wrong and missed pair")
    ap.add_argument("--models", type=Path, default=None, metavar="DIR",
                    help="keep the fold models in DIR (model0.json ...) and reuse those already there: a change "
                         "to the build alone is measured without retraining")
    add_silver_arguments(ap)
    args = ap.parse_args()
    from kg import train

    raw = {genre: [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
           for genre, path in LABELS.items()}
    _, _, examples = shared_examples()
    kept = args.models and all(Path(args.models, f"model{k}.json").exists() for k in range(train.FOLDS))
    silver = None if kept else read_silver(args, list(LABELS.values()))
    totals = {genre: {layer: Counter() for layer in LAYERS} for genre in LABELS}
    with tempfile.TemporaryDirectory() as tmp:
        for k, (train_idx, test_idx) in enumerate(train.folds(examples)):
            model = Path(args.models or tmp, f"model{k}.json")
            if args.models:
                args.models.mkdir(parents=True, exist_ok=True)
            if not (args.models and model.exists()):
                train.train_examples([examples[i] for i in train_idx], list(LABELS.values()), model,
                                     silver=silver and silver.of_fold(k), silver_path=args.silver)
            held_out = {examples[i].doc_id for i in test_idx}
            for genre, rows in raw.items():
                fold = Path(tmp, f"{genre}{k}.jsonl")
                fold.write_text("".join(json.dumps(r) + "\n" for r in rows if str(r["doc_id"]) in held_out),
                                encoding="utf-8")
                for layer, counts in score_fold(fold, genre, model, args.verbose).items():
                    totals[genre][layer].update(counts)
    print(f"held-out pair labels ({train.FOLDS} folds grouped by document, seed {train.SEED}), a build's facts:")
    for genre, layers in totals.items():
        for layer, c in layers.items():
            print(f"  {genre:<6} {layer:<12} {prf(c['tp'], c['fp'], c['fn'])}   ({c['tp']} / {c['fp']} / {c['fn']})")


if __name__ == "__main__":
    main()
