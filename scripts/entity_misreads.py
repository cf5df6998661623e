"""Count the labelled entity misreads kg still scores, and the true reads it no longer finds.

A labelled pair with ``entity_ok: false`` names an actor the text does not refer to ("the Warsaw
Treaty" read as Poland). This script reads every labelled sentence as ``make train`` does
(:func:`kg.train.featurize`) and reports how many of those pairs are still candidate pairs (kg
annotates the misread mention), by surface form, and how many ``entity_ok: true`` pairs are no
candidate (a rule in ``kg/data/non_actors.yaml`` may hide a true read). Run it before and after
changing the gazetteer files:

    .venv/bin/python scripts/entity_misreads.py ../shared/train/un_pairs.jsonl ../shared/train/prose_pairs.jsonl

``--half 1`` (or ``2``) counts only the documents of one half, split by a stable hash of ``doc_id``:
look for causes in one half and measure a fix on both, so that a rule fitted to the errors of the
first is measured on documents it was not fitted to.
"""
from __future__ import annotations

import argparse
import hashlib
from collections import Counter

from kg.train import featurize, read_labels


def _forms(label: dict) -> str:
    """The pair's ids with the surface forms matched for them, escaped for a terminal."""
    return " / ".join(f"{label[x]} {label.get(x + '_text', [])}" for x in "ab").encode("unicode_escape").decode()


def half(doc_id: str) -> int:
    """1 or 2: the half of the labelled documents ``doc_id`` falls in, by the first byte of its sha256."""
    return 1 if hashlib.sha256(str(doc_id).encode("utf-8")).digest()[0] < 128 else 2


def main() -> None:
    """Print the counts and the most frequent surface forms of each kind."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labels", nargs="+", help="labelled pairs (JSONL, as in shared/train)")
    parser.add_argument("--top", type=int, default=30, help="surface forms listed of each kind")
    parser.add_argument("--half", type=int, choices=(1, 2), help="only the documents of this half (by doc_id)")
    args = parser.parse_args()
    labels = [label for path in args.labels for label in read_labels(path)
              if args.half is None or half(label["doc_id"]) == args.half]
    examples = featurize(labels)
    misreads = [lab for lab, ex in zip(labels, examples) if lab.get("entity_ok") is False and ex.features]
    lost = [lab for lab, ex in zip(labels, examples) if lab.get("entity_ok") is not False and not ex.features]
    wrong = sum(lab.get("entity_ok") is False for lab in labels)
    print(f"entity_ok false: {wrong} pairs, {len(misreads)} still candidate pairs")
    for forms, n in Counter(map(_forms, misreads)).most_common(args.top):
        print(f"  {n:4d}  {forms}")
    print(f"entity_ok true: {len(labels) - wrong} pairs, {len(lost)} not candidate pairs")
    for forms, n in Counter(map(_forms, lost)).most_common(args.top):
        print(f"  {n:4d}  {forms}")


if __name__ == "__main__":
    main()
