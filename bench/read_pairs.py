"""Candidate pairs of unlabelled UN speeches for readers to label, and their labels as a silver file.

The pair classifier learns from the labelled pairs of ``../shared/train``; its learning curve says
more pairs labelled the same way would help most (docs/classifier.md, *What would close the gap*).
This script prepares such pairs for readers who follow ``../shared/train/LABELS.md`` one pair at a
time (the prompt below), and writes what they read as a file ``kg train --silver`` learns beside
the labels (``kg.train.read_silver_file``: a reader's ``relation`` per pair, no text).

    .venv/bin/python bench/read_pairs.py draw DIR --speeches 600 --seed 20261205 [--exclude FILE ...]
        [--min-probability 0.15] [--pairs-of SILVER [--with-feature FEATURE]] [--unread-of SILVER]
        [--batch-pairs 280]
    .venv/bin/python bench/read_pairs.py prompt DIR/batch00.jsonl
    .venv/bin/python bench/read_pairs.py merge DIR [DIR ...] --out train/read_un.jsonl.gz [--onto EARLIER [--again]]

``draw`` takes every candidate pair of ``--speeches`` speeches drawn with ``--seed`` among those no
label comes from (nor the speeches listed in the ``--exclude`` files, e.g. an earlier draw's
``speeches.txt``), keeps those the shipped model gives at least ``--min-probability`` of a
partnership (the pairs a build decides on and those just below, where a label teaches most), and
cuts them into batches of about 280 pairs a reader, each with about 14 labelled pairs of
``un_pairs.jsonl`` mixed in blind: ``merge`` scores the readers on them. ``--pairs-of`` reads the
pairs of a silver file instead (every one of them, or with ``--with-feature`` those whose classifier
features hold that one, e.g. ``place_list:one`` for the pairs to read again with a clarified
prompt). ``merge`` checks that every pair of every batch
has a label and writes the readers' labels of the drawn pairs (``misread``, an actor read wrong, is
``none``); ``--onto`` keeps the pairs of an earlier file of readers' labels (a draw that excluded its
speeches) and adds the new ones. With ``--again`` the drawn pairs are pairs of that file read again
(drawn with ``--pairs-of`` from a file of some of its pairs): their new labels replace the earlier ones.
``--unread-of`` draws from the speeches an earlier file of readers' labels read, instead of new
speeches, the candidate pairs it does not hold that the shipped model now gives at least
``--min-probability`` (pairs a model of its time ranked below the draw's bar, which the model that
learnt from their neighbours ranks near its decision); ``merge --onto`` that file adds them.
``--batch-pairs`` sets how many pairs a batch holds at least (smaller batches, more readers at once).
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from kg import train as T  # noqa: E402
from kg.classify import RELATIONS  # noqa: E402
from kg.errors import KgError  # noqa: E402

SHARED = HERE.parent.parent / "shared"
UN_CORPUS = SHARED / "corpora" / "un_general_debates" / "un_general_debates.jsonl.gz"
UN_LABELS = SHARED / "train" / "un_pairs.jsonl"
DATA = HERE.parent / "kg" / "data"
BATCH_PAIRS = 280
CHECK_PAIRS = 14
READ_LABELS = (*RELATIONS, "misread")

PROMPT = """You are an annotator. Label candidate actor pairs in sentences from UN General Debate speeches, by reading each one yourself.

1. Read the labelling guide {guide} (short). Apply its `relation` definitions and conventions exactly.
2. Read the input file {batch} (JSON lines). Each line is one sentence: `speaker` (the speaking country), `year`, `before` (up to 500 characters of the speech before the sentence, for references back), `sentence`, and `pairs`: a list of [n, actor A, actor B] (names with their ids).
3. For every pair, decide what the sentence (read with its context) asserts about those two actors: one of `partnership`, `proposed`, `hostile`, `membership`, `none`, or `misread` (an id does not name what the text refers to, e.g. "the Uruguay Round" read as Uruguay, "Moscow" in a treaty's name, "Turkish Cypriots" read as Turkey). Remember: "we"/"my country" is the speaker but a pair is only about the two actors named; listed together is `none`; cooperation of each with a third party is `none` between them; hoped-for/urged/offered/conditional is `proposed`; general support for an organisation is `none`; a list of several places where a country's troops, police, aid or work went ("our troops have served in A, B, C and D") names places: `none` between that country and each place (an organisation's mission, programme or assistance in a country stays `partnership`, as the guide says); a sentence cut off at a line break: judge what the fragment with its context says.
4. Write {labels}: one JSON line per pair, in input order: {{"n": <n>, "label": "<label>"}}. Every n of the input must appear exactly once. Write it with a shell heredoc or a file-writing tool, in one or a few chunks.

Rules: judge every pair by reading it; do not write code or heuristics that assign labels automatically. Do not open any file other than LABELS.md and the input file. When done, reply with just the number of lines written and a count per label."""


def actor_names() -> dict[str, str]:
    """Id -> label of every country, organisation and group of the gazetteer."""
    names = {}
    for name in ("countries.csv", "organizations.csv", "groups.csv"):
        with (DATA / name).open(encoding="utf-8", newline="") as fh:
            names.update((row["id"], row["label"]) for row in csv.DictReader(fh))
    return names


def pair_key(pair: dict) -> tuple:
    """What names a read pair across draws: its speech, its sentence's start and its two actors."""
    return pair["doc_id"], pair["start"], pair["a"], pair["b"]


def unread(pairs: list[dict], read: list[dict]) -> list[dict]:
    """The pairs of ``pairs`` that ``read`` does not hold (the same speech, sentence start and actors).

    >>> unread([{"doc_id": "d", "start": 0, "a": "A", "b": "B"}, {"doc_id": "d", "start": 9, "a": "A", "b": "B"}],
    ...        [{"doc_id": "d", "start": 0, "a": "A", "b": "B", "relation": "none"}])
    [{'doc_id': 'd', 'start': 9, 'a': 'A', 'b': 'B'}]
    """
    seen = set(map(pair_key, read))
    return [p for p in pairs if pair_key(p) not in seen]


def drawn_pairs(args: argparse.Namespace, labels: list[dict]) -> list[dict]:
    """The candidate pairs to read, in label format (with their sentence and context)."""
    if args.pairs_of:
        _, pairs = T.read_silver_file(args.pairs_of)
        documents = T.labelled_documents(pairs, [UN_CORPUS])
        pairs = T.with_corpus(pairs, documents)
        if args.with_feature:
            examples = T.featurize(pairs, documents=documents)
            pairs = [p for p, e in zip(pairs, examples) if args.with_feature in e.features]
        return [{k: v for k, v in p.items() if k not in ("probabilities", "fold_probabilities")} for p in pairs]
    from teacher_cv import candidate_pairs, speech_ids

    from kg.classify import load_model

    exclude = {label["doc_id"] for label in labels}
    for path in args.exclude:
        exclude |= set(path.read_text(encoding="utf-8").split())
    if args.unread_of:
        # the speeches of an earlier file of readers' labels, and of them only the pairs it does not hold
        _, read = T.read_silver_file(args.unread_of)
        speeches = {p["doc_id"] for p in read} - exclude
        pairs = unread(candidate_pairs(len(speeches), speech_ids() - speeches, seed=args.seed), read)
    else:
        pairs = candidate_pairs(args.speeches, exclude, seed=args.seed)
    (args.dir / "speeches.txt").write_text("".join(sorted({p["doc_id"] + "\n" for p in pairs})), encoding="utf-8")
    examples = T.featurize(pairs, documents=T.labelled_documents(pairs, [UN_CORPUS]))
    model = load_model()
    return [p for p, e in zip(pairs, examples)
            if e.features and model.predict(e.features).get("partnership", 0.0) >= args.min_probability]


def draw(args: argparse.Namespace) -> None:
    """Write the batches of ``args.dir`` (see the module's docstring)."""
    args.dir.mkdir(parents=True, exist_ok=True)
    labels = T.read_labels(UN_LABELS)
    pairs = drawn_pairs(args, labels)
    (args.dir / "candidates.jsonl").write_text("".join(json.dumps(p) + "\n" for p in pairs), encoding="utf-8")
    rng, names = random.Random(args.seed), actor_names()

    def sentences(records: list[dict], source: str) -> list[tuple[str, list[int]]]:
        by_sentence: dict[tuple, list[int]] = defaultdict(list)
        for i, r in enumerate(records):
            by_sentence[(r["doc_id"], r["start"], r["end"])].append(i)
        keys = list(by_sentence)
        rng.shuffle(keys)
        return [(source, by_sentence[k]) for k in keys]

    checks = iter(sentences(labels, "label"))
    batches, batch, size = [], [], 0
    for sentence in sentences(pairs, "pair"):
        batch.append(sentence)
        size += len(sentence[1])
        if size >= args.batch_pairs:
            batches.append(batch)
            batch, size = [], 0
    batches += [batch] if batch else []
    key = {}
    for b, batch in enumerate(batches):
        while sum(len(ids) for source, ids in batch if source == "label") < CHECK_PAIRS:
            batch.append(next(checks))
        rng.shuffle(batch)
        lines, n = [], 0
        for source, ids in batch:
            records = [(labels if source == "label" else pairs)[i] for i in ids]
            first = records[0]
            item = {"speaker": names.get(first["speaker"], first["speaker"]), "year": first["year"],
                    "before": first["context_before"], "sentence": first["sentence"], "pairs": []}
            for i, r in zip(ids, records):
                n += 1
                key[f"{b:02d}-{n}"] = [source, i]
                item["pairs"].append([n, f"{names.get(r['a'], r['a'])} ({r['a']})", f"{names.get(r['b'], r['b'])} ({r['b']})"])
            lines.append(json.dumps(item, ensure_ascii=False) + "\n")
        (args.dir / f"batch{b:02d}.jsonl").write_text("".join(lines), encoding="utf-8")
    (args.dir / "key.json").write_text(json.dumps(key), encoding="utf-8")
    print(f"{len(pairs)} pairs in {len(batches)} batches of {args.dir}; a reader's prompt: "
          f"bench/read_pairs.py prompt {args.dir / 'batch00.jsonl'}")


def _onto(earlier: Path, rows: list[dict], again: bool = False) -> tuple[list[dict], str]:
    """``rows`` after the pairs of ``earlier``, a file of readers' labels, and what its header says
    of its readers; a pair read in both is an error (the draws exclude each other's speeches), unless
    the pairs of ``rows`` were read ``again``: then their labels replace the earlier ones."""
    try:
        header, pairs = T.read_silver_file(earlier)
    except KgError as e:
        sys.exit(f"Error: {e}")
    if "readers" not in header:
        sys.exit(f"Error: {earlier}: not a file of readers' labels")
    kept = [{f: p[f] for f in ("doc_id", "start", "end", "a", "b", "year", "speaker") if f in p}
            | {"relation": RELATIONS[p["probabilities"].index(1.0)]} for p in pairs]
    seen = {pair_key(p) for p in kept}
    if again:
        read = {pair_key(r) for r in rows}
        unknown = next((r for r in rows if pair_key(r) not in seen), None)
        if unknown is not None:
            sys.exit(f"Error: {earlier}: no pair {unknown['a']}-{unknown['b']} of {unknown['doc_id']} at "
                     f"{unknown['start']} to read again")
        return [p for p in kept if pair_key(p) not in read] + rows, header["readers"]
    twice = next((r for r in rows if pair_key(r) in seen), None)
    if twice is not None:
        sys.exit(f"Error: {earlier}: the pair {twice['a']}-{twice['b']} of {twice['doc_id']} at {twice['start']} "
                 "is read again; draw with --exclude of the earlier draws' speeches")
    return kept + rows, header["readers"]


def merge(args: argparse.Namespace) -> None:
    """Write the readers' labels of the drawn pairs of ``args.dirs`` as one silver file, and print
    how often the readers agree with the labels mixed into their batches."""
    gold = [label["relation"] for label in T.read_labels(UN_LABELS)]
    agree, read, rows = Counter(), Counter(), []
    for folder in args.dirs:
        pairs = [json.loads(line) for line in (folder / "candidates.jsonl").read_text(encoding="utf-8").splitlines()]
        key = json.loads((folder / "key.json").read_text(encoding="utf-8"))
        found: dict[str, str] = {}
        for path in sorted(folder.glob("labels*.jsonl")):
            b = path.stem.removeprefix("labels")
            for number, record in T.json_lines(path):
                if record.get("label") not in READ_LABELS or f"{b}-{record.get('n')}" not in key:
                    sys.exit(f"Error: {path}:{number}: no pair {record.get('n')!r} of batch {b} with a label of "
                             f"{', '.join(READ_LABELS)}")
                found[f"{b}-{record['n']}"] = record["label"]
        missing = sorted(set(key) - set(found))
        if missing:
            sys.exit(f"Error: {folder}: {len(missing)} pairs have no label, the first {missing[0]}")
        for k, (source, i) in key.items():
            relation = "none" if found[k] == "misread" else found[k]
            if source == "label":
                agree[(gold[i], relation)] += 1
                continue
            read[found[k]] += 1
            p = pairs[i]
            rows.append({**{f: p[f] for f in ("doc_id", "start", "end", "a", "b", "year", "speaker")}, "relation": relation})
    drawn, earlier = len(rows), ""
    if args.onto:
        rows, earlier = _onto(args.onto, rows, args.again)
    rows.sort(key=lambda r: (r["doc_id"], r["start"], r["a"], r["b"]))
    checks = sum(agree.values())
    same = sum(v for (g, r), v in agree.items() if g == r)
    tp = agree[("partnership", "partnership")]
    said = sum(v for (g, r), v in agree.items() if r == "partnership")
    labelled = sum(v for (g, r), v in agree.items() if g == "partnership")
    summary = (f"readers agree with {same} of the {checks} labelled pairs mixed in ({same / checks:.1%}); "
               f"partnership P {tp / said:.3f} R {tp / labelled:.3f}")
    last = f"of the {drawn} read again" if args.again else f"of the {drawn} last read"
    said_of = f"{last}, {summary}; earlier: {earlier}" if earlier else summary
    header = {"readers": f"{len(rows)} pairs read one by one by language-model readers following LABELS.md "
                         f"(bench/read_pairs.py); {said_of}", "weight": args.weight}
    partial = args.out.with_name(args.out.name + ".partial")
    with gzip.open(partial, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(row) + "\n" for row in [header, *rows])
    partial.replace(args.out)
    print(f"Wrote {args.out}: {len(rows)} pairs ({', '.join(f'{k} {v}' for k, v in read.most_common())}); {summary}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("draw", help="candidate pairs of unlabelled speeches, in batches for readers")
    d.add_argument("dir", type=Path)
    d.add_argument("--speeches", type=int, default=600)
    d.add_argument("--seed", type=int, default=20261205)
    d.add_argument("--exclude", type=Path, nargs="*", default=[], help="files of speech ids not to draw")
    d.add_argument("--min-probability", type=float, default=0.15)
    d.add_argument("--pairs-of", type=Path, default=None, help="read the pairs of this silver file instead")
    d.add_argument("--unread-of", type=Path, default=None,
                   help="draw from the speeches of this file of readers' labels the pairs it does not hold")
    d.add_argument("--batch-pairs", type=int, default=BATCH_PAIRS, help="pairs a reader's batch holds at least")
    d.add_argument("--with-feature", default=None,
                   help="with --pairs-of: only the pairs with this classifier feature (e.g. place_list:one)")
    p = sub.add_parser("prompt", help="what a reader of one batch is asked")
    p.add_argument("batch", type=Path)
    m = sub.add_parser("merge", help="the readers' labels as a silver file")
    m.add_argument("dirs", type=Path, nargs="+")
    m.add_argument("--out", type=Path, required=True)
    m.add_argument("--weight", type=float, default=1.0, help="a read pair's weight beside a labelled pair's 1")
    m.add_argument("--onto", type=Path, default=None, help="an earlier file of readers' labels to keep and add to")
    m.add_argument("--again", action="store_true",
                   help="the drawn pairs are pairs of --onto read again: their new labels replace the earlier ones")
    args = parser.parse_args()
    if args.command == "draw":
        draw(args)
    elif args.command == "merge":
        merge(args)
    else:
        print(PROMPT.format(guide=SHARED / "train" / "LABELS.md", batch=args.batch.resolve(),
                            labels=args.batch.resolve().with_name(args.batch.name.replace("batch", "labels"))))


if __name__ == "__main__":
    main()
