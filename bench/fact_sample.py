"""A random sample of a build's partnership (or membership) facts to judge by hand, and the summary of the verdicts.

The held-out scores of the pair labels say how the classifier does on the sentences the labels drew;
an analyst reads a whole build, whose sentences are a different mix. This script draws what to read:

    .venv/bin/python bench/fact_sample.py draw OUT CORPUS SAMPLE.jsonl [--n 200] [--seed 20261205]
        [--exclude FILE ...] [--relation membership]

``OUT`` is a build's output folder, ``CORPUS`` the corpus it read. A fact is one pair of one sentence
of one document (its type and activity rows count once). ``SAMPLE.jsonl`` holds, per fact, the pair,
the sentence and up to 600 characters before it, for a reader who judges them blind; the build's
``confidence`` and ``method`` go to ``SAMPLE.key.jsonl`` beside it. ``--exclude`` files list document
ids (whitespace-separated) whose facts are not drawn: the documents the model learnt from, so that the
sample is of text it has not seen. ``--relation membership`` draws membership facts instead (``a``
the member, ``b`` the organisation), which their readers judge by ``bench/judge_memberships.md``.
A reader writes a JSON line per
fact, ``{"n": …, "verdict": "right" | "wrong" | "unclear", "label": …}``, with ``label`` the relation
``LABELS.md`` gives the pair (or ``misread``). ``--readers K`` splits the sample among K readers:
``SAMPLE.partNN.jsonl`` each, with its reader's instructions ``SAMPLE.partNN.md`` (from
``bench/judge_facts.md``), which name the verdicts file ``SAMPLE.verdicts_partNN.jsonl``. The documents
the model learnt from are listed by

    .venv/bin/python bench/fact_sample.py learnt PAIRS.jsonl[.gz] ... > LEARNT.txt

(the ``doc_id`` of every labelled or read pair), to pass to ``--exclude``. Then:

    .venv/bin/python bench/fact_sample.py score SAMPLE.jsonl VERDICTS.jsonl [VERDICTS.jsonl ...]
        [--part NAME FILE ...]

prints the share right, the mean confidence of right and wrong facts, the share right per confidence
band and from each confidence up, per method, per ``--part`` (files of document ids, as the labelled
and the read speeches), and the labels of the wrong ones. The verdicts are kept, without the
documents' text, beside the code, and a later build is scored on the facts it shares with the draw:

    .venv/bin/python bench/fact_sample.py judged SAMPLE.jsonl VERDICTS.jsonl ... --out bench/judged/DRAW.jsonl
    .venv/bin/python bench/fact_sample.py paired OUT bench/judged/*.jsonl

``paired`` prints, per draw and over all, how many judged facts the build in ``OUT`` keeps (the same
pair in the same sentence) and how many of those were judged right: two builds compared on the same
judged facts, where a new draw of each would differ by the draw too.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Sequence

BEFORE = 600
#: The instructions each reader of a part of the sample follows, per relation drawn.
INSTRUCTIONS = {"partnership": Path(__file__).with_name("judge_facts.md"),
                "membership": Path(__file__).with_name("judge_memberships.md")}
BANDS = (0.5, 0.6, 0.7, 0.8, 0.9)


def partnership_facts(out: Path, relation: str = "partnership") -> dict[tuple, dict]:
    """The build's facts of ``relation`` (partnership or membership), one per (document, sentence
    start, end, source, target), as the table spells them (a membership's source is the member)."""
    facts: dict[tuple, dict] = {}
    with (out / "facts.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["relation"] == relation and row["source"] != row["target"]:
                facts.setdefault((row["doc_id"], row["start"], row["end"], row["source"], row["target"]), row)
    return facts


def draw(out: Path, corpus: Path, sample_path: Path, n: int, seed: int, exclude: frozenset[str] = frozenset(),
         relation: str = "partnership") -> int:
    """Write ``n`` facts of ``relation`` of the build in ``out`` drawn with ``seed`` to ``sample_path``
    (blind) and their confidence and method to its ``.key.jsonl``; the number written. No fact of a
    document in ``exclude`` is drawn."""
    facts = {k: row for k, row in partnership_facts(out, relation).items() if k[0] not in exclude}
    chosen = random.Random(seed).sample(sorted(facts), min(n, len(facts)))
    wanted = {key[0] for key in chosen}
    texts = {}
    with (gzip.open if corpus.suffix == ".gz" else open)(corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if doc.get("id") in wanted:
                texts[doc["id"]] = doc
    with (out / "nodes.csv").open(encoding="utf-8", newline="") as fh:
        names = {row["id"]: row["label"] for row in csv.DictReader(fh)}
    key_path = sample_path.with_name(sample_path.name.removesuffix(".jsonl") + ".key.jsonl")
    with sample_path.open("w", encoding="utf-8") as sample, key_path.open("w", encoding="utf-8") as key:
        for number, (doc_id, start, end, a, b) in enumerate(chosen, 1):
            doc, row = texts[doc_id], facts[(doc_id, start, end, a, b)]
            start, end = int(start), int(end)
            sample.write(json.dumps({
                "n": number, "doc_id": doc_id, "speaker_country": doc.get("country", ""),
                "a": a, "a_name": names.get(a, a), "b": b, "b_name": names.get(b, b),
                "before": doc["text"][max(0, start - BEFORE):start], "sentence": doc["text"][start:end],
            }) + "\n")
            key.write(json.dumps({"n": number, "confidence": float(row["confidence"]), "method": row["method"],
                                  "doc_id": doc_id, "start": start, "end": end, "a": a, "b": b}) + "\n")
    return len(chosen)


def split_for_readers(sample_path: Path, readers: int, labels: Path, relation: str = "partnership") -> list[Path]:
    """Split ``sample_path`` into ``readers`` parts of consecutive facts, each ``SAMPLE.partNN.jsonl``
    with its reader's instructions ``SAMPLE.partNN.md`` for facts of ``relation`` (``labels``: the
    labels' guide they follow); the instruction files."""
    rows = sample_path.read_text(encoding="utf-8").splitlines(keepends=True)
    stem, size = sample_path.name.removesuffix(".jsonl"), -(-len(rows) // readers) if rows else 0
    template = INSTRUCTIONS[relation].read_text(encoding="utf-8")
    written = []
    for i in range(readers):
        part = sample_path.with_name(f"{stem}.part{i:02d}.jsonl")
        chunk = rows[i * size:(i + 1) * size]
        part.write_text("".join(chunk), encoding="utf-8")
        instructions = sample_path.with_name(f"{stem}.part{i:02d}.md")
        instructions.write_text(template.format(
            count=len(chunk), labels=labels.resolve(), part=part.resolve(),
            verdicts=sample_path.with_name(f"{stem}.verdicts_part{i:02d}.jsonl").resolve()), encoding="utf-8")
        written.append(instructions)
    return written


def learnt_documents(paths: Sequence[Path]) -> list[str]:
    """The distinct ``doc_id`` of the pairs in ``paths`` (JSON lines, gzipped when named ``.gz``; a
    line without one, as a read file's header, is skipped), in order of first appearance: the
    documents a model learnt from."""
    seen: dict[str, None] = {}
    for path in paths:
        with (gzip.open if path.suffix == ".gz" else open)(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                doc_id = json.loads(line).get("doc_id") if line.strip() else None
                if doc_id:
                    seen.setdefault(doc_id, None)
    return list(seen)


def _share(counts: Counter) -> str:
    clear = counts["right"] + counts["wrong"]
    return f"{counts['right'] / clear:.2f}" if clear else "-"


def score(sample_path: Path, verdict_paths: list[Path], parts: Sequence[tuple[str, frozenset[str]]] = ()) -> list[str]:
    """The summary lines of the verdicts on the sample in ``sample_path`` (and its key); with
    ``parts`` (a name and the document ids of each part a model learnt from, as labelled or read
    ones), a line of the right facts per part, a document counting in the first part that holds it."""
    key_path = sample_path.with_name(sample_path.name.removesuffix(".jsonl") + ".key.jsonl")
    key = {r["n"]: r for r in map(json.loads, key_path.read_text(encoding="utf-8").splitlines())}
    verdicts = _verdicts(verdict_paths)
    counts = Counter(v["verdict"] for v in verdicts.values())
    lines = [f"{len(verdicts)} facts judged: {counts['right']} right, {counts['wrong']} wrong, "
             f"{counts['unclear']} unclear; right of those with a clear verdict {_share(counts)}"]
    for verdict in ("right", "wrong"):
        confidences = [key[n]["confidence"] for n, v in verdicts.items() if v["verdict"] == verdict]
        if confidences:
            lines.append(f"mean confidence of the {verdict} facts {statistics.mean(confidences):.3f}")
    lines.append("| confidence | facts | right | wrong | unclear | right of clear | facts from it up | right of clear from it up |")
    lines.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for i, low in enumerate(BANDS):
        high = BANDS[i + 1] if i + 1 < len(BANDS) else 1.01
        band = Counter(v["verdict"] for n, v in verdicts.items() if low <= key[n]["confidence"] < high)
        up = Counter(v["verdict"] for n, v in verdicts.items() if key[n]["confidence"] >= low)
        name = f"{low:.1f}–{min(high, 1.0):.1f}"
        lines.append(f"| {name} | {sum(band.values())} | {band['right']} | {band['wrong']} | {band['unclear']} | "
                     f"{_share(band)} | {sum(up.values())} | {_share(up)} |")
    by_method: dict[str, Counter] = defaultdict(Counter)
    for n, v in verdicts.items():
        by_method[key[n]["method"]][v["verdict"]] += 1
    lines.append("by method: " + ", ".join(f"{m} {c['right']}/{c['right'] + c['wrong']}"
                                           for m, c in sorted(by_method.items(), key=lambda kv: -sum(kv[1].values()))))
    if parts:
        doc_ids = {r["n"]: r["doc_id"] for r in map(json.loads, sample_path.read_text(encoding="utf-8").splitlines())}
        by_part: dict[str, Counter] = {name: Counter() for name, _ in parts} | {"other": Counter()}
        for n, v in verdicts.items():
            part = next((name for name, ids in parts if doc_ids[n] in ids), "other")
            by_part[part][v["verdict"]] += 1
        lines.append("by the document's part: " + ", ".join(f"{name} {c['right']}/{c['right'] + c['wrong']}"
                                                          for name, c in by_part.items()))
    wrong = Counter(v.get("label", "?") for v in verdicts.values() if v["verdict"] == "wrong")
    lines.append("the wrong facts' labels: " + ", ".join(f"{label} {c}" for label, c in wrong.most_common()))
    return lines


def _verdicts(verdict_paths: Sequence[Path]) -> dict[int, dict]:
    """The readers' verdict records by fact number (a later file's record of a number wins)."""
    verdicts = {}
    for path in verdict_paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                verdicts[record["n"]] = record
    return verdicts


def judged(sample_path: Path, verdict_paths: Sequence[Path]) -> list[dict]:
    """One record per judged fact of the sample, with no text of the document: where the fact is
    (``doc_id``, ``start``, ``end`` of its sentence, ``a``, ``b``), the verdict and the reader's
    label, and the build's ``confidence`` and ``method``. Kept beside the code (``bench/judged/``),
    such records let a later build be scored on the facts it shares with this one (:func:`paired`)."""
    key_path = sample_path.with_name(sample_path.name.removesuffix(".jsonl") + ".key.jsonl")
    key = {r["n"]: r for r in map(json.loads, key_path.read_text(encoding="utf-8").splitlines())}
    records = []
    for n, v in sorted(_verdicts(verdict_paths).items()):
        k = key[n]
        records.append({"doc_id": k["doc_id"], "start": k["start"], "end": k["end"], "a": k["a"], "b": k["b"],
                        "verdict": v["verdict"], "label": v.get("label", ""),
                        "confidence": k["confidence"], "method": k["method"]})
    return records


def paired(out: Path, judged_paths: Sequence[Path], relation: str = "partnership") -> list[str]:
    """The summary lines of the judged facts (:func:`judged` records, one file per draw) that the
    build in ``out`` keeps: per draw and over all, how many it keeps and how many of those were
    judged right. A fact is kept when the build has the same pair in the same sentence."""
    kept_facts = {(doc_id, int(start), int(end), frozenset((a, b)))
                  for doc_id, start, end, a, b in partnership_facts(out, relation)}
    lines = ["| draw | judged | kept | right | wrong | unclear | right of kept | right of clear |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    total, judged_count = Counter(), 0
    for path in judged_paths:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        kept = Counter(r["verdict"] for r in records
                       if (r["doc_id"], r["start"], r["end"], frozenset((r["a"], r["b"]))) in kept_facts)
        total.update(kept)
        judged_count += len(records)
        lines.append(_paired_row(path.stem, len(records), kept))
    if len(judged_paths) > 1:
        lines.append(_paired_row("all", judged_count, total))
    return lines


def _paired_row(name: str, judged_count: int, kept: Counter) -> str:
    n = sum(kept.values())
    of_kept = f"{kept['right'] / n:.1%}" if n else "-"
    clear = kept["right"] + kept["wrong"]
    of_clear = f"{kept['right'] / clear:.1%}" if clear else "-"
    return (f"| {name} | {judged_count} | {n} | {kept['right']} | {kept['wrong']} | {kept['unclear']} | "
            f"{of_kept} | {of_clear} |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    drawing = commands.add_parser("draw", help="draw a blind sample of a build's partnership (or membership) facts")
    drawing.add_argument("out", type=Path)
    drawing.add_argument("corpus", type=Path)
    drawing.add_argument("sample", type=Path)
    drawing.add_argument("--n", type=int, default=200)
    drawing.add_argument("--seed", type=int, default=20261205)
    drawing.add_argument("--exclude", type=Path, nargs="*", default=[],
                         help="files of document ids whose facts are not drawn (the documents the model learnt from)")
    drawing.add_argument("--readers", type=int, default=0, metavar="K",
                         help="split the sample among K readers, each part with its reader's instructions")
    drawing.add_argument("--relation", choices=sorted(INSTRUCTIONS), default="partnership",
                         help="the facts drawn: partnerships (default) or memberships")
    drawing.add_argument("--labels", type=Path, default=Path(__file__).parents[1] / ".." / "shared" / "train" / "LABELS.md",
                         help="the labels' guide the readers follow (default ../shared/train/LABELS.md)")
    listing = commands.add_parser("learnt", help="print the documents of labelled or read pairs, for --exclude")
    listing.add_argument("pairs", type=Path, nargs="+")
    scoring = commands.add_parser("score", help="summarise the verdicts on a sample")
    scoring.add_argument("sample", type=Path)
    scoring.add_argument("verdicts", type=Path, nargs="+")
    scoring.add_argument("--part", nargs=2, action="append", default=[], metavar=("NAME", "FILE"),
                         help="a part of the documents (a file of their ids, as for --exclude): the right facts "
                              "per part, as of the labelled and the read documents")
    recording = commands.add_parser("judged", help="write the judged facts of a sample, without their text, as JSON lines")
    recording.add_argument("sample", type=Path)
    recording.add_argument("verdicts", type=Path, nargs="+")
    recording.add_argument("--out", type=Path, required=True, help="the file to write (bench/judged/DRAW.jsonl)")
    pairing = commands.add_parser("paired", help="how many judged facts a build keeps, and how many of those are right")
    pairing.add_argument("out", type=Path)
    pairing.add_argument("judged", type=Path, nargs="+")
    pairing.add_argument("--relation", choices=sorted(INSTRUCTIONS), default="partnership")
    args = parser.parse_args(argv)
    if args.command == "draw":
        if not (args.out / "facts.csv").is_file():
            sys.exit(f"Error: {args.out / 'facts.csv'} not found: draw reads a build's output folder")
        exclude = frozenset(i for path in args.exclude for i in path.read_text(encoding="utf-8").split())
        written = draw(args.out, args.corpus, args.sample, args.n, args.seed, exclude, args.relation)
        print(f"Wrote {written} {args.relation} facts to {args.sample}")
        for instructions in split_for_readers(args.sample, args.readers, args.labels, args.relation) if args.readers > 0 else ():
            print(f"Wrote {instructions}")
    elif args.command == "learnt":
        print("\n".join(learnt_documents(args.pairs)))
    elif args.command == "judged":
        records = judged(args.sample, args.verdicts)
        partial = args.out.with_name(args.out.name + ".partial")
        partial.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        partial.replace(args.out)
        print(f"Wrote {len(records)} judged facts to {args.out}")
    elif args.command == "paired":
        if not (args.out / "facts.csv").is_file():
            sys.exit(f"Error: {args.out / 'facts.csv'} not found: paired reads a build's output folder")
        print("\n".join(paired(args.out, args.judged, args.relation)))
    else:
        parts = [(name, frozenset(Path(path).read_text(encoding="utf-8").split())) for name, path in args.part]
        print("\n".join(score(args.sample, args.verdicts, parts)))


if __name__ == "__main__":
    main()
