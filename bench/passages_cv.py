"""Document-level held-out scores on the shared prose passages, as a build reports them.

The pair labels score one candidate pair at a time; an analyst reads a build's graph, where a dyad of
a document is right when any sentence states it. This script measures that: the 79 labelled passages
of ``../shared/train/prose_passages.jsonl`` are in the folds ``make train`` cuts (:func:`kg.train.folds`);
for each fold a model is trained with :func:`kg.train.train_examples` on every UN pair and the passages
of the other folds, and ``kg build --model`` reads the held-out passages as plain documents (no
metadata, as a user's articles). With ``--silver`` (as ``make train`` trains), fold ``k``'s model
learns the silver pairs with the probabilities of the teacher that did not learn from fold ``k``.

The gold of a passage comes from its labelled pairs: a dyad is a pair labelled ``partnership`` in one
of its sentences, with the union of their types and activities; a membership, a pair labelled
``membership``. A predicted dyad that no label covers (a pair of a sentence naming more actors than the
labels drew, or one carried by a reference back) is counted apart, neither right nor wrong. Types are
scored as ``../shared/eval/score.py`` does: one credit per gold dyad with types when one of them is
predicted, one error per predicted type the labels do not give.

    .venv/bin/python bench/passages_cv.py [--rules] [-v] [--models DIR] [--silver FILE --silver-corpus PATH]
"""
from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "train"
UN_DEBATES = SHARED.parent / "corpora" / "un_general_debates" / "un_general_debates.jsonl.gz"


def pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def passage_gold(labels: list[dict]) -> dict[str, dict]:
    """Per passage: its dyads (pair -> types, activities, optional ones), the other labelled pairs, memberships."""
    gold: dict[str, dict] = defaultdict(lambda: {"dyads": {}, "other": set(), "memberships": set()})
    for label in labels:
        g, p = gold[label["doc_id"]], pair(label["a"], label["b"])
        if label["relation"] == "partnership" and label.get("entity_ok", True):
            d = g["dyads"].setdefault(p, {"types": set(), "activities": set(), "optional": set()})
            d["types"] |= set(label.get("types") or ())
            d["activities"] |= set(label.get("activities") or ())
            d["optional"] |= {*(label.get("optional_types") or ()), *(label.get("optional_activities") or ())}
            d.setdefault("sentence", " ".join(label.get("sentence", "").split()))
        else:
            g["other"].add(p)
            if label["relation"] == "membership" and label.get("entity_ok", True):
                g["memberships"].add(p)
    return gold


def predicted(out: Path) -> dict[str, dict]:
    """Per document of a build's ``facts.csv``: dyad -> (types, activities), memberships, and the
    dyad's most confident fact (``why``: method, confidence, evidence) for the verbose listing."""
    pred: dict[str, dict] = defaultdict(lambda: {"dyads": defaultdict(lambda: (set(), set())), "memberships": set(),
                                                 "why": {}})
    with (out / "facts.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            a, b = row["source"], row["target"]
            if a == b:
                continue
            if row["relation"] == "partnership":
                types, activities = pred[row["doc_id"]]["dyads"][pair(a, b)]
                why = pred[row["doc_id"]]["why"]
                if float(row["confidence"]) > why.get(pair(a, b), ("", -1.0, ""))[1]:
                    why[pair(a, b)] = (row["method"], float(row["confidence"]), " ".join(row["evidence"].split()))
                types.update([row["partnership_type"]] if row["partnership_type"] else [])
                activities.update([row["activity"]] if row["activity"] else [])
            elif row["relation"] == "membership":
                pred[row["doc_id"]]["memberships"].add(pair(a, b))
    return pred


def tally(gold: dict, pred: dict, docs: list[str], counts: Counter, verbose: bool) -> None:
    """Add the errors and credits of ``docs`` to ``counts``."""
    for doc in docs:
        g, p = gold[doc], pred[doc]
        for dyad, (types, activities) in p["dyads"].items():
            if dyad not in g["dyads"]:
                kind = "fp" if dyad in g["other"] else "unlabelled"
                counts[kind] += 1
                counts["types_fp"] += len(types) if kind == "fp" else 0
                counts["activities_fp"] += len(activities) if kind == "fp" else 0
                if verbose:
                    method, confidence, evidence = p["why"][dyad]
                    print(f"{kind.upper()} {doc} {dyad}  [{method} {confidence:.2f}] {evidence}")
                continue
            d = g["dyads"][dyad]
            counts["tp"] += 1
            counts["types_fp"] += len(types - d["types"] - d["optional"])
            counts["activities_tp"] += len(activities & d["activities"])
            counts["activities_fp"] += len(activities - d["activities"] - d["optional"])
            if verbose:
                method, confidence, evidence = p["why"][dyad]
                print(f"TP {doc} {dyad}  [{method} {confidence:.2f}] {evidence}")
                for kind, wrong in (("TYPE", types - d["types"] - d["optional"]),
                                    ("ACTIVITY", activities - d["activities"] - d["optional"])):
                    print("".join(f"{kind}_FP {doc} {dyad} {x}\n" for x in sorted(wrong)), end="")
        for dyad, d in g["dyads"].items():
            types, activities = p["dyads"][dyad] if dyad in p["dyads"] else (set(), set())
            if dyad not in p["dyads"]:
                counts["fn"] += 1
                if verbose:
                    print(f"FN {doc} {dyad}  {d['sentence']}")
            counts["activities_fn"] += len(d["activities"] - activities)
            if verbose:
                print("".join(f"ACTIVITY_FN {doc} {dyad} {x}\n" for x in sorted(d["activities"] - activities)), end="")
            if d["types"]:
                counts["types_tp" if types & d["types"] else "types_fn"] += 1
        wrong_memberships = (p["memberships"] & g["other"]) - g["memberships"]
        missed_memberships = g["memberships"] - p["memberships"]
        counts["memberships_tp"] += len(p["memberships"] & g["memberships"])
        counts["memberships_fp"] += len(wrong_memberships)
        counts["memberships_fn"] += len(missed_memberships)
        if verbose:
            for kind, dyads in (("MEMBERSHIP_FP", wrong_memberships), ("MEMBERSHIP_FN", missed_memberships)):
                print("".join(f"{kind} {doc} {dyad}\n" for dyad in sorted(dyads)), end="")


def add_silver_arguments(parser: argparse.ArgumentParser) -> None:
    """``--silver FILE --silver-corpus PATH``: the silver pairs ``make train`` learns (``kg train --silver``)."""
    parser.add_argument("--silver", type=Path, default=None, metavar="FILE",
                        help="unlabelled pairs with their teachers' probabilities, learnt as kg train --silver does")
    parser.add_argument("--silver-corpus", type=Path, default=None, metavar="PATH", help="the documents of --silver")


def read_silver(args: argparse.Namespace, label_paths: list[Path]):
    """The :class:`kg.train.Silver` pairs of ``args.silver`` (None without it)."""
    from kg import train

    if args.silver is None:
        return None
    if args.silver_corpus is None:
        sys.exit("Error: --silver needs --silver-corpus")
    return train.silver_of(args.silver, args.silver_corpus, label_paths)


def shared_examples() -> tuple[list[dict], list[dict], list]:
    """The shared UN and prose labels and their :class:`kg.train.Example`, read with their documents
    as ``make train`` reads them (``--corpus`` the UN debates and the passages)."""
    from kg import train

    un = train.read_labels(SHARED / "un_pairs.jsonl")
    prose = train.read_labels(SHARED / "prose_pairs.jsonl")
    documents = train.labelled_documents(un + prose, [UN_DEBATES, SHARED / "prose_passages.jsonl"])
    prose = train.with_corpus(prose, documents)
    return un, prose, train.featurize(un + prose, documents=documents)


def prf(tp: int, fp: int, fn: int) -> str:
    """Precision, recall and F1 of the counts, as the scripts in bench/ print them."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return f"P {p:.3f} R {r:.3f} F1 {2 * p * r / (p + r) if p + r else 0:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rules", action="store_true", help="build with --model rules (no training)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list each right, wrong, missed and unlabelled dyad (with its most confident evidence), each wrong or missed type and activity of a labelled one, and each wrong or missed membership")
    ap.add_argument("--models", type=Path, default=None, metavar="DIR",
                    help="keep the fold models in DIR (model0.json ...) and reuse those already there: a change "
                         "to the build alone is measured without retraining")
    add_silver_arguments(ap)
    args = ap.parse_args()
    from kg import train

    passages = {p["id"]: p for p in map(json.loads, (SHARED / "prose_passages.jsonl").open(encoding="utf-8"))}
    un, prose, examples = shared_examples()
    docs = sorted({label["doc_id"] for label in prose})
    fold_of = {examples[i].doc_id: k for k, (_, test) in enumerate(train.folds(examples)) for i in test}
    kept = args.models and all(Path(args.models, f"model{k}.json").exists() for k in range(train.FOLDS))
    silver = None if args.rules or kept else read_silver(args, [SHARED / "un_pairs.jsonl", SHARED / "prose_pairs.jsonl"])
    gold, counts = passage_gold(prose), Counter()
    kg = str(Path(sys.executable).with_name("kg"))
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(train.FOLDS):
            held_out = [d for d in docs if fold_of[d] == k]
            corpus, out, model = Path(tmp, f"fold{k}.jsonl"), Path(tmp, f"out{k}"), "rules"
            corpus.write_text("".join(json.dumps({"id": d, "text": passages[d]["text"]}) + "\n" for d in held_out),
                              encoding="utf-8")
            if not args.rules:
                model = str(Path(args.models or tmp, f"model{k}.json"))
                if args.models:
                    args.models.mkdir(parents=True, exist_ok=True)
            if not args.rules and not (args.models and Path(model).exists()):
                train.train_examples([e for e in examples if e.genre == "un" or fold_of[e.doc_id] != k],
                                     [SHARED / "un_pairs.jsonl", SHARED / "prose_pairs.jsonl"], model,
                                     silver=silver and silver.of_fold(k), silver_path=args.silver)
            subprocess.run([kg, "build", str(corpus), "--out", str(out), "--model", model, "--no-cache", "--quiet"],
                           check=True)
            tally(gold, predicted(out), held_out, counts, args.verbose)
    c = counts
    print(f"held-out passages ({len(docs)}, {train.FOLDS} folds, seed {train.SEED}), {'rules' if args.rules else 'classifier'}:")
    print(f"  dyads        {prf(c['tp'], c['fp'], c['fn'])}   (+{c['unlabelled']} dyads no label covers)")
    print(f"  types        {prf(c['types_tp'], c['types_fp'], c['types_fn'])}")
    print(f"  activities   {prf(c['activities_tp'], c['activities_fp'], c['activities_fn'])}")
    print(f"  memberships  {prf(c['memberships_tp'], c['memberships_fp'], c['memberships_fn'])}")


if __name__ == "__main__":
    main()
