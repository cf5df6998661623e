"""The learning curve of the pair classifier: held-out partnership ranking against the share of
labelled documents each training fold keeps (the labels alone, no silver pairs).

Each of the five folds grouped by document (:func:`kg.train.folds`) trains on a random share of
its training documents and is scored on its whole held-out fold, for each seed of the folds.
Prints, per share and genre, the average precision, the precision at recall 0.5 and the recall at
precision 0.85 (about 3 minutes a seed).

    .venv/bin/python bench/learning_curve.py [--seeds 13 7]
"""
from __future__ import annotations

import argparse

from passages_cv import shared_examples


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[13, 7], help="seeds of the folds (default: 13 7)")
    args = ap.parse_args()
    from kg import train

    _, _, examples = shared_examples()
    print("seed  share  genre  AP     P@R0.5  R@P0.85")
    for seed in args.seeds:
        for row in train.learning_curve(examples, seed=seed):
            for genre in ("un", "prose"):
                s = row[genre]
                print(f"{seed:<5} {row['fraction']:<6} {genre:<6} {s['ap']:.3f}  {s['p_at_recall']:.3f}   {s['r_at_precision']:.3f}", flush=True)


if __name__ == "__main__":
    main()
