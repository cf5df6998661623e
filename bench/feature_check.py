"""Which training pairs a change to kg's rules or data moves: the features ``make train`` learns.

The shipped model is checked by ``make retrain-check``, which retrains it and compares predictions:
a change that moves any training pair's features (a labelled pair of ``../shared/train`` or a read
pair of ``train/read_un.jsonl.gz``) needs ``make train`` and the new model shipped with it, while a
change that moves none leaves the model as it is. This script tells which, before the 15 minutes of
a retraining: save the features on the code before the change and after it, then compare.

    .venv/bin/python bench/feature_check.py save before.jsonl.gz     # on the code before the change
    .venv/bin/python bench/feature_check.py save after.jsonl.gz      # after it
    .venv/bin/python bench/feature_check.py diff before.jsonl.gz after.jsonl.gz [-v]

``save`` writes one JSON line per pair (``set`` "labelled" or "read", ``id``, sorted ``features``,
``stated`` and ``rule_stated`` types and activities); the labelled pairs take about a minute and a half, the read pairs
about five. ``diff`` prints, per set, how many pairs' features changed, and with ``-v`` each changed
pair with the features it lost and gained.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "train"
UN_DEBATES = SHARED.parent / "corpora" / "un_general_debates" / "un_general_debates.jsonl.gz"
READ_PAIRS = HERE.parent / "train" / "read_un.jsonl.gz"


def records(labelled: Iterable, read: Iterable) -> Iterator[dict]:
    """One record per training pair (:class:`kg.train.Example`, labelled or read): its set, id,
    sorted features, and the types and activities it states (``stated``) and the rules state for it
    (``rule_stated``, from which training chooses the model's thresholds for stated types)."""
    for name, examples in (("labelled", labelled), ("read", read)):
        for e in examples:
            yield {"set": name, "id": e.id, "features": sorted(e.features), "stated": sorted(e.stated),
                   "rule_stated": sorted(e.rule_stated)}


def training_records() -> Iterator[dict]:
    """The records of every pair ``make train`` learns from, read as it reads them."""
    from kg import train

    sys.path.insert(0, str(HERE))
    from passages_cv import shared_examples

    _, _, labelled = shared_examples()
    read = train.silver_of(READ_PAIRS, UN_DEBATES, [SHARED / "un_pairs.jsonl", SHARED / "prose_pairs.jsonl"])
    return records(labelled, read.examples)


def changes(before: Iterable[dict], after: Iterable[dict]) -> dict[str, list[dict]]:
    """Per set, the pairs whose features or stated types and activities differ between two
    snapshots, each as ``{"id", "lost", "gained"}``; a pair in one snapshot only counts as changed.

    >>> old = [{"set": "read", "id": "r1", "features": ["rule:link", "s:pact"], "stated": []}]
    >>> new = [{"set": "read", "id": "r1", "features": ["rule:none", "s:pact"], "stated": []}]
    >>> changes(old, new)
    {'read': [{'id': 'r1', 'lost': ['rule:link'], 'gained': ['rule:none']}]}
    >>> changes(old, old)
    {}
    """
    def keyed(rs: Iterable[dict]) -> dict[tuple[str, str], set[str]]:
        return {(r["set"], r["id"]): set(r["features"]) | {f"stated:{s}" for s in r["stated"]}
                | {f"rule_stated:{s}" for s in r.get("rule_stated", ())} for r in rs}
    old, new = keyed(before), keyed(after)
    out: dict[str, list[dict]] = {}
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key, set()), new.get(key, set())
        if a != b or key not in old or key not in new:
            out.setdefault(key[0], []).append({"id": key[1], "lost": sorted(a - b), "gained": sorted(b - a)})
    return out


def write(path: Path, rs: Iterable[dict]) -> int:
    """Write records to ``path`` (gzip when it ends in .gz) through a temporary file; their count."""
    tmp = path.with_name(path.name + ".tmp")
    n = 0
    with (gzip.open(tmp, "wt", encoding="utf-8") if path.suffix == ".gz" else open(tmp, "w", encoding="utf-8")) as fh:
        for r in rs:
            fh.write(json.dumps(r) + "\n")
            n += 1
    tmp.replace(path)
    return n


def read(path: Path) -> list[dict]:
    """The records of a snapshot ``save`` wrote."""
    with (gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8")) as fh:
        return [json.loads(line) for line in fh]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    save = sub.add_parser("save", help="write the features of every training pair")
    save.add_argument("out", type=Path)
    diff = sub.add_parser("diff", help="which training pairs' features differ between two snapshots")
    diff.add_argument("before", type=Path)
    diff.add_argument("after", type=Path)
    diff.add_argument("-v", "--verbose", action="store_true", help="list each changed pair")
    args = ap.parse_args()
    if args.command == "save":
        n = write(args.out, training_records())
        print(f"Wrote the features of {n} training pairs to {args.out}")
        return
    before, after = read(args.before), read(args.after)
    changed = changes(before, after)
    totals = {s: sum(r["set"] == s for r in after) for s in ("labelled", "read")}
    for name, total in totals.items():
        print(f"{name} pairs with changed features: {len(changed.get(name, []))} of {total}")
        if args.verbose:
            for c in changed.get(name, []):
                print(f"  {c['id']}: lost {', '.join(c['lost']) or '-'}; gained {', '.join(c['gained']) or '-'}")
    print("make train is needed before make retrain-check passes" if changed else "the shipped model stays as it is")


if __name__ == "__main__":
    main()
