"""Train the pair classifier from labelled pairs, measure it by grouped cross-validation.

Labels are JSON lines as in ``shared/train`` (``LABELS.md``): a sentence of a document
(``doc_id``, ``sentence``, ``context_before``), two actors ``a`` and ``b`` and the
``relation`` the text asserts. Each label's sentence is read by kg's own pipeline (with its
context, for references back) and the pair's features are those
:func:`kg.classify.sentence_candidates` gives in a build. :func:`train` fits a multinomial
logistic regression and, beside it, gradient-boosted trees of a partnership (:func:`fit_trees`) whose
probability is averaged with the regression's (:func:`with_trees`), calibrates its partnership and membership scores on held-out folds
(centred isotonic regression) and chooses the partnership threshold for precision; :func:`cross_validate`
measures any learner on folds grouped by document.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

import numpy

from kg.classify import PROSE_PREFIX, RELATIONS, ActorSentences, Candidate, DocIndex, blend, hoped_for, sentence_candidates
from kg.dates import document_year
from kg.errors import KgError
from kg.extract import SentenceReader, SentenceReading
from kg.gazetteer import Gazetteer, load_gazetteer
from kg.records import Document
from kg.trees import Trees

SEED = 13
FOLDS = 5
#: Features seen in fewer labelled pairs than this are left out of the model.
MIN_COUNT = 2
#: The relation model's inverse L2 strength, chosen by held-out average precision (docs/classifier.md):
#: the silver pairs widen the vocabulary, and a stronger penalty keeps their rare features small.
RELATION_C = 0.125
#: The stated models' (one per type and activity, learnt from the labelled partnerships alone).
STATED_C = 0.5
#: Feature families whose value in the learners' matrix is more than a present word's 1, by prefix:
#: the penalty of ``RELATION_C`` is sized for thousands of sparse word features, and it held back
#: the few columns that say which rule links the pair ("rule:composition"), each seen in hundreds
#: of pairs. A larger value is a smaller penalty on their weights, chosen by held-out average
#: precision (docs/classifier.md). The model file stores weight x value: a build reads 1 per feature.
FEATURE_SCALES = {"rule:": 4.0}
#: The stated models read every feature as 1: scaled like the relation model's, their held-out
#: types lost precision (docs/classifier.md, *The rule features' value*).
STATED_SCALES: dict[str, float] = {}
#: Precision the default partnership threshold aims for on held-out folds.
TARGET_PRECISION = 0.85
#: The recall the threshold keeps: where the precision target is out of reach at this recall, the
#: threshold is the most precise that keeps it. Held-out recall is compared at two decimals, as it
#: is reported: a step of the calibration a few pairs short of it keeps it, where the next step down
#: may give up much precision for recall nobody asked for.
MIN_RECALL = 0.5
#: Lower partnership thresholds for a pair a rule links (``linked``), and for one with a partnership
#: type or activity stated for it too (``stated``), in documents without a speaker: the model, learnt
#: mostly from speeches, misses plain statements of news and reference prose that the rules read.
#: :func:`choose_floors` chooses them on held-out folds; these are a model's without such labels.
RULE_FLOORS = {"linked": 0.45, "stated": 0.35}
#: The floors (linked, stated) :func:`choose_floors` tries.
FLOOR_GRID = tuple((linked, stated) for linked in (0.5, 0.45, 0.4, 0.35, 0.3, 0.25)
                   for stated in (0.35, 0.3, 0.25, 0.2, 0.15, 0.1) if stated <= linked)
#: The weight of a labelled pair of a document without a speaker (news, reference prose) beside a labelled
#: speech pair's 1: such labels are a ninth of the labels and no read pair is one, and at this weight their
#: genre's own features (:data:`kg.classify.PROSE_PREFIX`) are learnt where the penalty held them back,
#: chosen by held-out average precision (docs/classifier.md).
PROSE_WEIGHT = 3.0
#: The share of the gradient-boosted trees (:func:`gradient_boosting`) in a pair's raw partnership score,
#: the rest the regression's: the two rank pairs differently enough that their mean ranks them better
#: than either alone, in speeches and in prose (docs/classifier.md, *Trees beside the regression*).
TREE_SHARE = 0.5
#: The trees' LightGBM parameters: a binary model of a partnership, one thread and deterministic, so
#: that make train rebuilds them bit for bit.
TREE_PARAMETERS = {"n_estimators": 300, "learning_rate": 0.05, "num_leaves": 63, "colsample_bytree": 0.5,
                   "min_child_samples": 10}
#: The trees ask only about features of at least this share of the training pairs (and of
#: :data:`MIN_COUNT`): a tree's time grows with the features it may split on, and the rarer ones
#: added nothing to held-out average precision (docs/classifier.md, *Trees beside the regression*).
TREE_MIN_SHARE = 0.002
#: The weight of a silver pair (a teacher's soft label) beside a labelled pair's 1.
SILVER_WEIGHT = 0.2
#: A silver pair is learnt as each relation the teacher gives at least this probability.
SILVER_MIN_PROBABILITY = 0.02
#: The stated model learns a type or activity only from this many labelled partnerships that state it.
STATED_MIN_EXAMPLES = 5
#: Membership thresholds whose mean F1 is within this of the best are equally good, and the highest
#: of them is chosen: F1 takes a step whose own pairs are right a third of the time when the F1 is
#: low, and on a few hundred labelled memberships a difference this small is noise.
MEMBERSHIP_F1_TOLERANCE = 0.005
#: Floors whose F1 on documents without a speaker is within this of the best are equally good, and the
#: highest of them is chosen: a few labelled prose pairs decide a difference this small, so the argmax
#: moves between retrainings, while the highest keeps the precision of equal F1.
FLOOR_F1_TOLERANCE = 0.005
#: Relations whose scores are calibrated and written as facts.
CALIBRATED = ("partnership", "membership")
_REQUIRED = ("doc_id", "sentence", "a", "b", "relation")


@dataclass(slots=True)
class Example:
    """One labelled pair with its features (``features`` empty when the pipeline finds no such pair)."""

    id: str
    doc_id: str
    genre: str
    relation: str
    features: tuple[str, ...]
    #: The partnership types and activities the label states for the pair (with ``partnership``),
    #: and those it leaves optional (neither rewarded nor penalised when predicted).
    stated: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    #: The types and activities the rules state for the pair in the sentence.
    rule_stated: tuple[str, ...] = ()


@dataclass(slots=True)
class Silver:
    """Unlabelled candidate pairs with a teacher's relation probabilities, learnt as soft labels.

    Each pair is learnt once per relation the teacher gives at least ``SILVER_MIN_PROBABILITY``,
    weighted by ``weight`` times that probability. ``by_fold[k]`` are the probabilities of the
    teacher that did not learn from fold ``k`` of :func:`folds` (so that held-out scores stay
    held out); ``final`` those the model fitted on every label learns from. Both are arrays of
    pairs x ``RELATIONS``.
    """

    examples: list[Example]
    final: numpy.ndarray
    by_fold: Sequence[numpy.ndarray]
    weight: float = SILVER_WEIGHT
    #: Who read the pairs when the relations are readers' labels (the file's ``readers``), not a teacher's.
    readers: str = ""

    def rows(self, probabilities: numpy.ndarray) -> tuple[list[Example], list[str], list[float]]:
        """The training rows of the pairs with ``probabilities``: examples, relations, weights."""
        examples, relations, weights = [], [], []
        for e, row in zip(self.examples, probabilities):
            if not e.features:
                continue
            for relation, q in zip(RELATIONS, row):
                if q >= SILVER_MIN_PROBABILITY:
                    examples.append(e)
                    relations.append(relation)
                    weights.append(self.weight * float(q))
        return examples, relations, weights

    def of_fold(self, k: int) -> Silver:
        """The pairs with only the probabilities of the teacher that did not learn from fold ``k``,
        for a model trained without fold ``k`` (and the folds inside its training set), so that
        scores on fold ``k`` stay held out from every teacher."""
        return Silver(self.examples, self.by_fold[k], [self.by_fold[k]] * len(self.by_fold), self.weight, self.readers)


def json_lines(path: Path) -> Iterator[tuple[int, dict]]:
    """The line number and the record of each line of a JSON lines file (gzip-compressed when its
    name ends in ``.gz``); a line that is not JSON is an error naming the file and line."""
    import gzip

    try:
        with (gzip.open if path.suffix == ".gz" else open)(path, "rt", encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except (OSError, EOFError) as e:
        raise KgError(f"cannot read {path}: {getattr(e, 'strerror', None) or e}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except ValueError as e:
            raise KgError(f"{path}:{number}: not JSON: {e}") from None


def read_labels(path: Path | str) -> list[dict]:
    """The labelled pairs of a JSONL file; a record without a required key, or with an unknown
    relation, is an error naming the file and line."""
    path = Path(path)
    out = []
    for number, record in json_lines(path):
        missing = [k for k in _REQUIRED if k not in record]
        if missing:
            raise KgError(f"{path}:{number}: no {', '.join(missing)}")
        if record["relation"] not in RELATIONS:
            raise KgError(f"{path}:{number}: unknown relation {record['relation']!r} (one of {', '.join(RELATIONS)})")
        out.append(record)
    return out


_SILVER_HEADER = ("labels", "teacher", "readers", "weight")
_SILVER_PAIR = ("doc_id", "start", "end", "a", "b")
_SILVER_SOFT = ("probabilities", "fold_probabilities")
_SILVER_OPTIONAL = ("year", "date", "speaker", "a_text", "b_text", "relation", *_SILVER_SOFT)


def read_silver_file(path: Path | str) -> tuple[dict, list[dict]]:
    """The header and the pairs of a silver file: JSON lines (gzip-compressed when the name ends in
    ``.gz``). The first line says where the pairs' relations come from: ``{"labels": [{"file",
    "sha256"}...], "teacher": "..."}`` for a teacher's probabilities (the labels its teachers learnt
    from), or ``{"readers": "..."}`` for readers' labels; an optional ``weight`` is a pair's weight
    beside a labelled pair's 1. Then one candidate pair a line, ``doc_id``, ``start`` and ``end`` of
    its sentence, actors ``a`` and ``b``, and either a reader's ``relation`` or a teacher's
    ``probabilities`` (one per relation, in ``RELATIONS`` order) and ``fold_probabilities`` (one
    such list per fold of :func:`folds`). A reader's relation is probability 1 for every fold: the
    readers learnt from no label. A missing or unknown key is an error naming the file and line."""
    path = Path(path)
    header, pairs = None, []
    for number, record in json_lines(path):
        if header is None:
            unknown = sorted(k for k in record if k not in _SILVER_HEADER)
            source = "readers" in record or ("teacher" in record and "labels" in record)
            if unknown or not source:
                what = f"unknown key {', '.join(unknown)}" if unknown else "no readers, or teacher and labels"
                raise KgError(f"{path}:{number}: {what}")
            weight = record.get("weight", SILVER_WEIGHT)
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not weight > 0:
                raise KgError(f"{path}:{number}: weight {weight!r} is not a positive number")
            header = record
            continue
        required = _SILVER_PAIR + (() if "relation" in record else _SILVER_SOFT)
        missing = [k for k in required if k not in record]
        unknown = sorted(k for k in record if k not in _SILVER_PAIR + _SILVER_OPTIONAL)
        if missing or unknown:
            what = "; ".join(filter(None, [missing and f"no {', '.join(missing)}",
                                           unknown and f"unknown key {', '.join(unknown)}"]))
            raise KgError(f"{path}:{number}: {what}")
        if "relation" in record:
            if any(k in record for k in _SILVER_SOFT):
                raise KgError(f"{path}:{number}: a reader's relation or a teacher's probabilities, not both")
            if record["relation"] not in RELATIONS:
                raise KgError(f"{path}:{number}: unknown relation {record['relation']!r} (one of {', '.join(RELATIONS)})")
            one = [float(r == record["relation"]) for r in RELATIONS]
            record = {**record, "probabilities": one, "fold_probabilities": [one] * FOLDS}
        shapes = [record["probabilities"], *record["fold_probabilities"]]
        if len(record["fold_probabilities"]) != FOLDS or any(len(p) != len(RELATIONS) for p in shapes):
            raise KgError(f"{path}:{number}: probabilities need {len(RELATIONS)} numbers ({', '.join(RELATIONS)}), "
                          f"for the whole labels and for each of {FOLDS} folds")
        pairs.append({**record, "id": f"{path.name}:{number}", "relation": "none"})
    if header is None:
        raise KgError(f"{path}: empty")
    return header, pairs


def silver_of(path: Path | str, corpus: Path | str, label_paths: Sequence[Path], nlp=None,
              weight: float | None = None) -> Silver:
    """The :class:`Silver` pairs of a silver file (:func:`read_silver_file`), their sentences and
    documents read from ``corpus``, each weighted ``weight`` (the file's ``weight``, or
    ``SILVER_WEIGHT``). A teacher's file must name ``label_paths`` as they are now: the folds of
    the labels are its teachers'."""
    header, pairs = read_silver_file(path)
    now = sorted((p.name, sha256(p)) for p in label_paths)
    if "labels" in header and sorted((d.get("file"), d.get("sha256")) for d in header["labels"]) != now:
        raise KgError(f"{path}: its teachers learnt from other labels than {', '.join(n for n, _ in now)}; "
                      "rebuild it from these")
    documents = labelled_documents(pairs, [corpus])
    pairs = with_corpus(pairs, documents)
    unread = next((p for p in pairs if "sentence" not in p), None)
    if unread is not None:
        raise KgError(f"{unread['id']}: no document {unread['doc_id']!r} in {corpus}")
    examples = featurize(pairs, nlp, documents=documents)
    weight = weight if weight is not None else float(header.get("weight", SILVER_WEIGHT))
    return Silver(examples, numpy.array([p["probabilities"] for p in pairs], dtype=float),
                  [numpy.array([p["fold_probabilities"][k] for p in pairs], dtype=float) for k in range(FOLDS)], weight,
                  header.get("readers", ""))


def featurize(labels: list[dict], nlp=None, genre: Callable[[dict], str] | None = None,
              gazetteer: Gazetteer | None = None, documents: Mapping[str, Document] | None = None) -> list[Example]:
    """Each label as an :class:`Example`, reading its sentence (after its context) with ``nlp``, its
    names as of the label's ``year`` or ``date`` (the document's) as a build reads them with ``gazetteer``.

    ``documents``: the labelled documents by id (:func:`labelled_documents`). The pair of a label
    whose document is among them has the document features a build gives it (what the document's
    other sentences say of the pair: :class:`~kg.classify.ActorSentences`); without its document, or
    with one longer than ``nlp.max_length`` (which a build reads in pieces), none.
    """
    from kg.nlp import dated_entities, load_pipeline

    nlp = nlp or load_pipeline()
    gazetteer = gazetteer or load_gazetteer()
    reader = SentenceReader()
    genre = genre or (lambda label: "un" if label.get("speaker") else "prose")
    whole = _actor_sentences(labels, documents or {}, nlp, reader, gazetteer)
    by_sentence: dict[tuple, list[dict]] = {}
    for label in labels:
        by_sentence.setdefault(_sentence_key(label), []).append(label)
    texts = (
        ((group[0].get("context_before") or "") + group[0]["sentence"], key) for key, group in by_sentence.items()
    )
    examples: dict[str, Example] = {}
    for doc, key in nlp.pipe(texts, as_tuples=True, batch_size=64):
        group = by_sentence[key]
        dated_entities(doc, gazetteer, document_year(group[0]))
        start = len(group[0].get("context_before") or "")
        readings = reader(doc)
        inside = [r for r in readings if r.end > start] or readings[-1:]
        reading = SentenceReading.joined(inside, start, len(doc.text), group[0]["sentence"])
        sentences, span = whole.get(key, (None, None))
        candidates = {
            frozenset((c.a, c.b)): c
            for c in sentence_candidates(doc, reading, group[0].get("speaker") or "", sentences=sentences, span=span)
        }
        for label in group:
            found: Candidate | None = candidates.get(frozenset((label["a"], label["b"])))
            rule_stated = {i for r in inside for side in r.given_for(label["a"], label["b"]) for i in side}
            examples[label["id"]] = Example(
                label["id"], str(label["doc_id"]), genre(label), label["relation"], found.all_features if found else (),
                stated=tuple(sorted({*(label.get("types") or ()), *(label.get("activities") or ())})),
                optional=tuple(sorted({*(label.get("optional_types") or ()), *(label.get("optional_activities") or ())})),
                rule_stated=tuple(sorted(rule_stated)),
            )
    return [examples[label["id"]] for label in labels]


def _sentence_key(label: dict) -> tuple:
    """The labelled sentence a label reads: its document, offset and text (several labels share one)."""
    return label["doc_id"], label.get("start"), label["sentence"]


def _actor_sentences(labels: list[dict], documents: Mapping[str, Document], nlp, reader: SentenceReader,
                     gazetteer: Gazetteer) -> dict[tuple, tuple[ActorSentences, tuple[int, int]]]:
    """For each labelled sentence (by :func:`_sentence_key`) whose document is in
    ``documents``: the actors of each sentence of that document, read whole as a build reads it,
    and the labelled sentence's offsets in it (its ``start`` and ``end``, or where its text stands)."""
    from kg.nlp import dated_entities

    by_doc: dict[str, list[dict]] = {}
    for label in labels:
        document = documents.get(str(label["doc_id"]))
        if document is not None and len(document.text) <= nlp.max_length:
            by_doc.setdefault(str(label["doc_id"]), []).append(label)
    texts = ((documents[doc_id].text, doc_id) for doc_id in by_doc)
    out: dict[tuple, tuple[ActorSentences, tuple[int, int]]] = {}
    for doc, doc_id in nlp.pipe(texts, as_tuples=True, batch_size=16):
        dated_entities(doc, gazetteer, document_year(by_doc[doc_id][0]))
        sentences = ActorSentences.of(DocIndex(doc), reader(doc))
        for label in by_doc[doc_id]:
            start, end = label.get("start"), label.get("end")
            if start is None or end is None:
                start = doc.text.find(label["sentence"])
                if start < 0:
                    continue
                end = start + len(label["sentence"])
            out[_sentence_key(label)] = (sentences, (int(start), int(end)))
    return out


def vocabulary(examples: Iterable[Example], min_count: int = MIN_COUNT, without: tuple[str, ...] = ()) -> dict[str, int]:
    """Feature -> column, for the features of at least ``min_count`` examples, in sorted order;
    none that starts with one of ``without``."""
    counts = Counter(f for e in examples for f in set(e.features) if not (without and f.startswith(without)))
    return {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}


def feature_value(feature: str, scales: dict[str, float] = FEATURE_SCALES) -> float:
    """The value of a present ``feature`` in a learner's matrix: its family's in ``scales``, else 1.

    >>> feature_value("rule:composition"), feature_value("btw:and"), feature_value("rule:composition", {})
    (4.0, 1.0, 1.0)
    """
    for prefix, value in scales.items():
        if feature.startswith(prefix):
            return value
    return 1.0


def matrix(examples: list[Example], vocab: dict[str, int], scales: dict[str, float] = FEATURE_SCALES):
    """The sparse feature matrix of ``examples``: a feature present has its :func:`feature_value`
    (the relation model's ``scales`` by default; the stated models', :data:`STATED_SCALES`)."""
    from scipy.sparse import csr_matrix

    values = numpy.ones(len(vocab))
    for f, c in vocab.items() if scales else ():
        values[c] = feature_value(f, scales)
    rows, cols = [], []
    for i, e in enumerate(examples):
        for c in {vocab[f] for f in e.features if f in vocab}:
            rows.append(i)
            cols.append(c)
    return csr_matrix((values[cols], (rows, cols)), shape=(len(examples), len(vocab)))


def _stored_weights(coef: numpy.ndarray, vocab: dict[str, int],
                    scales: dict[str, float] = FEATURE_SCALES) -> dict[str, list[float]]:
    """Feature -> its weight per row of ``coef`` as a model file stores it (times :func:`feature_value`,
    so that a build adds it for a present feature); weights that round to nothing are left out."""
    out = {}
    for f in sorted(vocab, key=vocab.get):
        column = coef[:, vocab[f]] * feature_value(f, scales)
        if numpy.abs(column).max() >= 1e-4:
            out[f] = [round(float(w), 5) for w in column]
    return out


def _one_thread():
    """Numerical libraries limited to one thread: a sum split across threads may round differently,
    and the shipped model must be rebuilt bit for bit."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def logistic_regression(c: float = RELATION_C):
    """The learner kg ships: multinomial logistic regression, L2 (inverse strength ``c``), seeded."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000, class_weight=None, random_state=SEED)


def gradient_boosting():
    """The trees kg ships beside the regression: LightGBM's binary gradient boosting
    (:data:`TREE_PARAMETERS`), seeded, on one thread."""
    from lightgbm import LGBMClassifier

    return LGBMClassifier(**TREE_PARAMETERS, n_jobs=1, random_state=SEED, deterministic=True, force_row_wise=True,
                          verbose=-1)


def _training_rows(train_set: list[Example], silver: Silver | None = None, probabilities: numpy.ndarray | None = None,
                   min_count: int = MIN_COUNT) -> tuple[list[Example], list[str], list[float], dict[str, int]]:
    """The rows a learner fits on ``train_set`` (a pair outside the speeches weighted :data:`PROSE_WEIGHT`) and,
    with ``silver``, its pairs with ``probabilities``: examples, relations, weights, and the vocabulary
    of the matrix's columns (the features of at least ``min_count`` pairs)."""
    rows, relations = list(train_set), [e.relation for e in train_set]
    weights = [1.0 if e.genre == "un" else PROSE_WEIGHT for e in train_set]
    if silver is not None:
        extra, extra_relations, extra_weights = silver.rows(probabilities)
        rows += extra
        relations += extra_relations
        weights += extra_weights
    # a silver pair is a row per relation, but one pair for the features' minimum count
    vocab = vocabulary(train_set + ([e for e in silver.examples if e.features] if silver is not None else []), min_count)
    return rows, relations, weights, vocab


def _fit(learner, train_set: list[Example], silver: Silver | None = None, probabilities: numpy.ndarray | None = None):
    """``learner`` fitted on :func:`_training_rows`; returns the vocabulary of its columns."""
    rows, relations, weights, vocab = _training_rows(train_set, silver, probabilities)
    with _one_thread():
        learner.fit(matrix(rows, vocab), relations, sample_weight=numpy.array(weights))
    return vocab


def tree_min_count(pairs: int) -> int:
    """The fewest of ``pairs`` training pairs a feature the trees ask about is found in (:data:`TREE_MIN_SHARE`).

    >>> tree_min_count(55_000), tree_min_count(400)
    (110, 2)
    """
    return max(MIN_COUNT, math.ceil(TREE_MIN_SHARE * pairs))


def fit_trees(train_set: list[Example], silver: Silver | None = None, probabilities: numpy.ndarray | None = None) -> Trees:
    """The gradient-boosted trees (:func:`gradient_boosting`) of a partnership against every other relation,
    fitted on the rows of :func:`_training_rows` and the features of :func:`tree_min_count` pairs; a present
    feature reads 1 (a split only asks whether it is)."""
    pairs = len(train_set) + (sum(1 for e in silver.examples if e.features) if silver is not None else 0)
    rows, relations, weights, vocab = _training_rows(train_set, silver, probabilities, tree_min_count(pairs))
    y = numpy.array([r == "partnership" for r in relations])
    if y.all() or not y.any() or not vocab:  # every pair gets the log-odds, as LightGBM would start from
        share = min(max(float(numpy.average(y, weights=weights)) if len(y) else 0.5, 1e-6), 1 - 1e-6)
        return Trees({"features": [], "feature": [], "present": [], "absent": [],
                      "values": [math.log(share / (1 - share))], "roots": [0]})
    learner = gradient_boosting()
    learner.fit(matrix(rows, vocab, scales={}), y, sample_weight=numpy.array(weights))
    return Trees.from_dump(learner.booster_.dump_model(), sorted(vocab, key=vocab.get))


def folds(examples: list[Example], n: int = FOLDS, seed: int = SEED) -> list[tuple[numpy.ndarray, numpy.ndarray]]:
    """Train/test index arrays of ``n`` folds grouped by document and stratified by relation."""
    from sklearn.model_selection import StratifiedGroupKFold

    split = StratifiedGroupKFold(n_splits=n, shuffle=True, random_state=seed)
    y = [e.relation for e in examples]
    groups = [e.doc_id for e in examples]
    return list(split.split(numpy.zeros(len(y)), y, groups))


def out_of_fold(examples: list[Example], make_learner: Callable = logistic_regression,
                splits: list | None = None, silver: Silver | None = None) -> numpy.ndarray:
    """Probabilities (examples x RELATIONS) of each example from the model of the folds without its document.

    An example whose pair the pipeline does not find gets probability 1 for ``none``: a build
    writes nothing for it. With ``silver``, the model of fold ``k`` learns its pairs too, with the
    probabilities of the teacher that did not see fold ``k``.
    """
    probabilities = numpy.zeros((len(examples), len(RELATIONS)))
    probabilities[:, RELATIONS.index("none")] = 1.0
    for k, (train_idx, test_idx) in enumerate(splits or folds(examples)):
        train_set = [examples[i] for i in train_idx if examples[i].features]
        learner = make_learner()
        vocab = _fit(learner, train_set, silver, silver.by_fold[k] if silver is not None else None)
        tested = [i for i in test_idx if examples[i].features]
        p = _predict_proba(learner, matrix([examples[i] for i in tested], vocab))
        columns = [RELATIONS.index(c) for c in learner.classes_]
        for row, i in enumerate(tested):
            probabilities[i] = 0.0
            probabilities[i, columns] = p[row]
    return probabilities


def trees_out_of_fold(examples: list[Example], splits: list | None = None, silver: Silver | None = None) -> numpy.ndarray:
    """The probability of a partnership of each example from the trees (:func:`fit_trees`) of the folds
    without its document, as :func:`out_of_fold` gives the regression's; 0 for a pair the pipeline does not find."""
    out = numpy.zeros(len(examples))
    for k, (train_idx, test_idx) in enumerate(splits or folds(examples)):
        trees = fit_trees([examples[i] for i in train_idx if examples[i].features], silver,
                          silver.by_fold[k] if silver is not None else None)
        tested = [i for i in test_idx if examples[i].features]
        out[tested] = trees.probability(examples[i].features for i in tested)
    return out


def with_trees(probabilities: numpy.ndarray, trees: numpy.ndarray, share: float = TREE_SHARE) -> numpy.ndarray:
    """The regression's ``probabilities`` (examples x :data:`RELATIONS`) with their partnership column the
    mean of the regression's and the ``trees``' probability, ``share`` the trees': a build's raw
    partnership score (:meth:`kg.classify.PairModel.raw_scores`).

    >>> with_trees(numpy.array([[0.2, 0.0, 0.0, 0.0, 0.8]]), numpy.array([0.6])).tolist()
    [[0.4, 0.0, 0.0, 0.0, 0.8]]
    """
    return blend(probabilities, trees, RELATIONS.index("partnership"), share)


def _predict_proba(learner, x) -> numpy.ndarray:
    if hasattr(learner, "predict_proba"):
        return learner.predict_proba(x)
    z = learner.decision_function(x)  # a margin classifier: softmax of its margins, for ranking
    e = numpy.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def prf(gold: Iterable[bool], predicted: Iterable[bool]) -> dict:
    """Precision, recall, F1 and counts of one relation."""
    gold, predicted = list(gold), list(predicted)
    tp = int(sum(bool(g and p) for g, p in zip(gold, predicted)))
    fp = int(sum(bool(p and not g) for g, p in zip(gold, predicted)))
    fn = int(sum(bool(g and not p) for g, p in zip(gold, predicted)))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 3),
            "tp": tp, "fp": fp, "fn": fn}


def scores(examples: list[Example], predicted: list[str]) -> dict:
    """P/R/F1 per relation, for all examples and per genre."""
    out = {}
    for genre in ["all", *sorted({e.genre for e in examples})]:
        chosen = [i for i, e in enumerate(examples) if genre == "all" or e.genre == genre]
        out[genre] = {
            rel: prf((examples[i].relation == rel for i in chosen), (predicted[i] == rel for i in chosen))
            for rel in RELATIONS
        }
    return out


def isotonic(raw: numpy.ndarray, gold: numpy.ndarray) -> dict:
    """Centred isotonic calibration fitted on held-out scores (``x``: raw scores, ``y``: observed
    frequency, joined by straight lines; :func:`calibrate`). Isotonic regression pools the scores into
    blocks of one frequency each; a block is placed at the mean raw score of its pairs, and the line
    from one block to the next rises. Plain isotonic steps give every pair of a block one probability,
    so a threshold can only fall between blocks, a few dozen in all, and a block holding the scores
    around the recall sought leaves a choice between much recall and much precision; centred, the
    calibrated probability keeps the model's ranking, and any point of its precision-recall curve
    can be chosen. (Oron and Flournoy, "Centered isotonic regression", 2017.)

    >>> isotonic(numpy.array([0.1, 0.2, 0.3, 0.4, 0.6, 0.8]), numpy.array([0, 0, 1, 0, 1, 1]))
    {'x': [0.15, 0.35, 0.7], 'y': [0.0, 0.5, 1.0]}
    """
    from sklearn.isotonic import IsotonicRegression

    order = numpy.argsort(raw, kind="stable")
    scores = numpy.asarray(raw, dtype=float)[order]
    fitted = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, gold).predict(scores)
    starts = numpy.flatnonzero(numpy.r_[True, numpy.diff(fitted) != 0])
    x: list[float] = []
    y: list[float] = []
    for start, stop in zip(starts, [*starts[1:], len(scores)]):
        centre = round(float(scores[start:stop].mean()), 5)
        if x and centre <= x[-1]:  # blocks within the rounding of one score: the later one stands
            del x[-1], y[-1]
        x.append(centre)
        y.append(round(float(fitted[start]), 4))
    return {"x": x, "y": y}


def calibrate(steps: dict, raw: numpy.ndarray) -> numpy.ndarray:
    """Apply isotonic ``steps`` to raw scores."""
    return numpy.interp(raw, steps["x"], steps["y"])


def reliability(calibrated: numpy.ndarray, gold: numpy.ndarray, bins: int = 10) -> list[dict]:
    """Bins of calibrated probability: count, mean probability and observed precision."""
    out = []
    for k in range(bins):
        lo, hi = k / bins, (k + 1) / bins
        chosen = (calibrated >= lo) & ((calibrated < hi) if k < bins - 1 else (calibrated <= hi))
        n = int(chosen.sum())
        out.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": n,
                    "mean_p": round(float(calibrated[chosen].mean()), 3) if n else None,
                    "observed": round(float(gold[chosen].mean()), 3) if n else None})
    return out


def precision_recall_curve(probability: numpy.ndarray, gold: numpy.ndarray, points: Iterable[float],
                           floor: numpy.ndarray | None = None) -> list[dict]:
    """Precision, recall and F1 of ``probability >= t`` for each threshold ``t`` (as :func:`threshold_of`
    holds it); with ``floor`` (one per example, :func:`rule_floors`), of ``probability >= min(t, floor)``,
    a build's decision."""
    out = []
    for t in points:
        shown = threshold_of(t)
        s = prf(gold.astype(bool), probability >= (shown if floor is None else numpy.minimum(shown, floor)))
        out.append({"threshold": shown, "p": float(s["p"]), "r": float(s["r"]), "f1": float(s["f1"])})
    return out


def threshold_of(probability: float) -> float:
    """The threshold of three decimals a model file holds for a decision from ``probability`` up:
    rounded down, as rounding up would leave out the pairs at ``probability``. The decision is
    measured at that threshold, which also keeps the pairs below ``probability`` down to it.

    >>> threshold_of(0.5538)
    0.553
    """
    return math.floor(round(float(probability) * 1000, 6)) / 1000


def average_precision(score: numpy.ndarray, gold: numpy.ndarray) -> float:
    """Average precision of ranking the examples by ``score`` (the area under the precision-recall curve)."""
    from sklearn.metrics import average_precision_score

    return round(float(average_precision_score(gold.astype(bool), score)), 3) if gold.any() else 0.0


def recall_at_precision(probability: numpy.ndarray, gold: numpy.ndarray, target: float = TARGET_PRECISION) -> float:
    """The most recall of any threshold on ``probability`` whose precision reaches ``target``."""
    curve = precision_recall_curve(probability, gold, sorted(set(numpy.round(probability, 4).tolist())))
    return max((c["r"] for c in curve if c["p"] >= target), default=0.0)


def rule_floors(examples: list[Example], floors: dict = RULE_FLOORS, hoped: numpy.ndarray | None = None) -> numpy.ndarray:
    """Per example, the probability from which a build accepts the pair whatever the threshold:
    ``floors["linked"]`` when a rule links it, ``floors["stated"]`` when a partnership type or activity
    is stated for it too (read from its features: its own clause's, or the sentence's cues), 1 otherwise,
    for a pair of a speech (genre ``un``: a label with a speaker), and for one the model reads as
    ``hoped`` for (:func:`kg.classify.hoped_for`), as :meth:`PairModel.floor` and :meth:`Decision.accepted`."""
    out = numpy.ones(len(examples))
    for i, e in enumerate(examples):
        if e.genre == "un" or (hoped is not None and hoped[i]):
            continue
        features = set(e.features)
        if not any(f.startswith("rule:") and f not in ("rule:none", "rule:membership") for f in features):
            continue
        stated = "scoped:typed" in features or ("scoped:untyped" not in features and bool(
            {"cue:partnership_type", "cue:activity"} & features))
        out[i] = min(floors["linked"], floors["stated"]) if stated else floors["linked"]
    return out


def choose_threshold(probability: numpy.ndarray, gold: numpy.ndarray, target: float = TARGET_PRECISION,
                     min_recall: float = MIN_RECALL, floor: numpy.ndarray | None = None) -> float:
    """The threshold of most recall at precision ``target`` when that recall reaches ``min_recall``;
    otherwise the threshold of most precision whose recall still reaches ``min_recall`` (the lowest of
    equally precise ones), or the lowest threshold when none does. Recall reaches ``min_recall`` when
    it does at two decimals. ``floor``: each example's rule
    floor (:func:`rule_floors`), so that the threshold is chosen for a build's whole decision."""
    candidates = sorted(set(numpy.round(probability, 4).tolist()))
    curve = precision_recall_curve(probability, gold, candidates, floor)
    good = [c for c in curve if c["p"] >= target and round(c["r"], 2) >= min_recall]
    if good:
        return float(min(c["threshold"] for c in good if c["r"] == max(g["r"] for g in good)))
    kept = [c for c in curve if round(c["r"], 2) >= min_recall]
    if not kept:
        return float(curve[0]["threshold"])
    best = max(c["p"] for c in kept)
    return float(min(c["threshold"] for c in kept if c["p"] == best))


def choose_floors(probability: numpy.ndarray, gold: numpy.ndarray, examples: list[Example],
                  threshold: float, hoped: numpy.ndarray | None = None,
                  tolerance: float = FLOOR_F1_TOLERANCE) -> dict[str, float]:
    """The rules' floors (``linked``, ``stated``) of :data:`FLOOR_GRID` whose decision, with the
    partnership ``threshold``, has the best F1 on the examples of documents without a speaker (where
    a build applies them): of those within ``tolerance`` of the best, the highest ``linked`` floor and
    then the highest ``stated`` one; :data:`RULE_FLOORS` without such examples.
    ``hoped``: the examples no floor accepts (:func:`kg.classify.hoped_for`).

    >>> examples = [Example(str(i), "d", "prose", "", ("rule:link",)) for i in range(3)]
    >>> choose_floors(numpy.array([0.2, 0.3, 0.9]), numpy.array([0, 1, 1]), examples, 0.5)
    {'linked': 0.3, 'stated': 0.3}
    """
    prose = numpy.array([e.genre != "un" for e in examples])
    if not prose.any():
        return dict(RULE_FLOORS)
    scores = {}
    for linked, stated in FLOOR_GRID:
        floors = {"linked": linked, "stated": stated}
        decided = probability >= numpy.minimum(threshold, rule_floors(examples, floors, hoped))
        scores[linked, stated] = prf(gold[prose].astype(bool), decided[prose])["f1"]
    best = max(scores.values())
    linked, stated = max(floors for floors, f1 in scores.items() if f1 >= best - tolerance)
    return {"linked": linked, "stated": stated}


def rule_memberships(examples: list[Example]) -> numpy.ndarray:
    """Per example, whether the rules state the pair as a membership (a build writes it whatever the model)."""
    return numpy.array(["rule:membership" in e.features for e in examples], dtype=bool)


def choose_membership_threshold(probability: numpy.ndarray, gold: numpy.ndarray, stated: numpy.ndarray,
                                genres: Sequence[str], tolerance: float = MEMBERSHIP_F1_TOLERANCE) -> float:
    """The calibrated membership probability from which a build adds a membership the rules did not
    state: the threshold whose decision (``stated`` by the rules, or ``probability`` reaching it) has
    the best mean F1 over the ``genres`` of the examples, so that neither genre's memberships decide it
    alone; the highest of those within ``tolerance`` of the best.

    >>> p, gold = numpy.array([0.2, 0.45, 0.7, 0.9]), numpy.array([0, 1, 0, 1])
    >>> choose_membership_threshold(p, gold, numpy.array([False, False, False, True]), ["un"] * 4)
    0.45
    """
    genres = numpy.asarray(genres)
    scores = {}
    for t in sorted({threshold_of(p) for p in probability}):
        decided = stated | (probability >= t)
        scores[t] = numpy.mean([prf(gold[genres == g].astype(bool), decided[genres == g])["f1"] for g in sorted(set(genres))])
    if not scores:
        return 1.0
    best = max(scores.values())
    return max(t for t, score in scores.items() if score >= best - tolerance)


def fit_model(examples: list[Example], oof: numpy.ndarray, genre_for_threshold: str | None = "un",
              silver: Silver | None = None, hoped: numpy.ndarray | None = None, trees: bool = False) -> dict:
    """The model file's content: the learner fitted on every example (and ``silver``'s pairs with
    its ``final`` probabilities), calibrated on ``oof``; with ``trees``, the trees of :func:`fit_trees`
    beside it, and ``oof`` the held-out scores :func:`with_trees` gives. ``hoped``: the pairs the
    held-out regression reads as hoped for (:func:`kg.classify.hoped_for`; default: those of ``oof``)."""
    train_set = [e for e in examples if e.features]
    learner = logistic_regression()
    vocab = _fit(learner, train_set, silver, silver.final if silver is not None else None)
    classes = list(learner.classes_)
    coef, intercept = learner.coef_, learner.intercept_
    if len(classes) == 2:  # one weight vector, for the second class: the first's are zero
        coef, intercept = numpy.vstack([numpy.zeros_like(coef), coef]), numpy.array([0.0, intercept[0]])
    relations = [r for r in RELATIONS if r in classes]
    order = [classes.index(r) for r in relations]
    coef = coef[order]
    weights = _stored_weights(coef, vocab)
    calibration, thresholds = {}, {}
    chosen = numpy.array([genre_for_threshold is None or e.genre == genre_for_threshold for e in examples])
    hoped = hoped_for(oof) if hoped is None else hoped
    floors = rule_floors(examples, hoped=hoped)
    thresholds.update(RULE_FLOORS)
    for rel in (r for r in CALIBRATED if r in relations):
        k = RELATIONS.index(rel)
        gold = numpy.array([e.relation == rel for e in examples], dtype=float)
        calibration[rel] = isotonic(oof[:, k], gold)
        calibrated = calibrate(calibration[rel], oof[:, k])
        if rel == "partnership":
            thresholds[rel] = choose_threshold(calibrated[chosen], gold[chosen], floor=floors[chosen])
            thresholds.update(choose_floors(calibrated, gold, examples, thresholds[rel], hoped))
        else:
            thresholds[rel] = choose_membership_threshold(calibrated, gold, rule_memberships(examples),
                                                          [e.genre for e in examples])
    model = {"relations": relations, "bias": [round(float(b), 5) for b in intercept[order]],
             "weights": weights, "calibration": calibration, "thresholds": thresholds}
    if trees:
        fitted = fit_trees(train_set, silver, silver.final if silver is not None else None)
        model["trees"] = {"relation": "partnership", "share": TREE_SHARE, **fitted.to_data()}
    return model


def stated_vocabulary(examples: Iterable[Example]) -> dict[str, int]:
    """The stated models' :func:`vocabulary`: without the prose copies of the features
    (:data:`kg.classify.PROSE_PREFIX`), which cost the held-out prose types precision there."""
    return vocabulary(examples, without=(PROSE_PREFIX,))


def _stated_training_set(examples: list[Example]) -> list[Example]:
    """The examples a stated model learns from: partnerships the pipeline finds."""
    return [e for e in examples if e.relation == "partnership" and e.features]


def stated_labels(examples: list[Example], minimum: int = STATED_MIN_EXAMPLES) -> list[str]:
    """The types and activities stated for at least ``minimum`` partnerships: the ones a model can learn."""
    counts = Counter(i for e in _stated_training_set(examples) for i in e.stated)
    return sorted(i for i, n in counts.items() if n >= minimum)


def _fit_stated(train_set: list[Example], labels: list[str], vocab: dict[str, int]) -> tuple[numpy.ndarray, numpy.ndarray]:
    """One logistic regression per type or activity (coefficients: labels x features; intercepts)."""
    coef = numpy.zeros((len(labels), len(vocab)))
    intercept = numpy.full(len(labels), -30.0)
    x = matrix(train_set, vocab, scales=STATED_SCALES)
    for k, label in enumerate(labels):
        y = [label in e.stated for e in train_set]
        if sum(y) < 2 or all(y):  # nothing to learn in this fold: the label is never predicted
            continue
        learner = logistic_regression(STATED_C)
        with _one_thread():
            learner.fit(x, y)
        coef[k], intercept[k] = learner.coef_[0], learner.intercept_[0]
    return coef, intercept


def stated_out_of_fold(examples: list[Example], labels: list[str], splits: list | None = None) -> numpy.ndarray:
    """Probabilities (examples x ``labels``) that each type or activity is stated for the pair, from
    the stated models of the folds without the example's document (0 for pairs the pipeline misses)."""
    out = numpy.zeros((len(examples), len(labels)))
    for train_idx, test_idx in splits or folds(examples):
        train_set = _stated_training_set([examples[i] for i in train_idx])
        vocab = stated_vocabulary(train_set)
        coef, intercept = _fit_stated(train_set, labels, vocab)
        tested = [i for i in test_idx if examples[i].features]
        z = matrix([examples[i] for i in tested], vocab, scales=STATED_SCALES) @ coef.T + intercept
        out[tested] = 1.0 / (1.0 + numpy.exp(-z))
    return out


def stated_counts(pairs: Iterable[tuple[set[str], set[str], set[str]]]) -> tuple[int, int, int]:
    """True positives, false positives and false negatives over ``(gold, optional, found)`` id sets;
    an optional id found counts for nothing.

    >>> stated_counts([({"alliance"}, {"training"}, {"alliance", "training", "arms_transfer"}), ({"training"}, set(), set())])
    (1, 1, 1)
    """
    tp = fp = fn = 0
    for gold, optional, found in pairs:
        tp += len(gold & found)
        fp += len(found - gold - optional)
        fn += len(gold - found)
    return tp, fp, fn


def stated_scores(examples: list[Example], predicted: list[Iterable[str]], ontology=None) -> dict:
    """Precision, recall and F1 of the types and of the activities predicted for the labelled
    partnerships (``predicted``: the ids of each example), per genre; optional ids count for nothing."""
    from kg.ontology import load_ontology

    ontology = ontology or load_ontology()
    is_type = set(ontology.partnership_types)
    out: dict = {}
    for genre in sorted({e.genre for e in examples}):
        for layer in ("types", "activities"):
            keep = (lambda i: i in is_type) if layer == "types" else (lambda i: i not in is_type)
            tp, fp, fn = stated_counts(
                ({i for i in e.stated if keep(i)}, {i for i in e.optional if keep(i)}, {i for i in ids if keep(i)})
                for e, ids in zip(examples, predicted)
                if e.genre == genre and e.relation == "partnership" and e.features)
            p = tp / (tp + fp) if tp + fp else 1.0
            r = tp / (tp + fn) if tp + fn else 1.0
            out.setdefault(genre, {})[layer] = {"p": round(p, 3), "r": round(r, 3),
                                                 "f1": round(2 * p * r / (p + r) if p + r else 0.0, 3)}
    return out


def filled(rule_ids: Iterable[str], model_ids: Iterable[str], types: Iterable[str]) -> set[str]:
    """The types and activities of a pair as a build gives them: the rules', and the model's types
    (or activities) where the rules state none (``types``: the ids that are partnership types).

    >>> sorted(filled({"alliance"}, {"defense_cooperation", "training"}, {"alliance", "defense_cooperation"}))
    ['alliance', 'training']
    """
    types = set(types)
    rule_ids, model_ids = set(rule_ids), set(model_ids)
    out = set(rule_ids)
    for layer in (types, None):
        if not any((i in types) == (layer is not None) for i in rule_ids):
            out |= {i for i in model_ids if (i in types) == (layer is not None)}
    return out


#: The probabilities :func:`choose_stated_thresholds` tries; 1: the model never adds one. Steps of 0.1
#: from 0.2: finer steps, or lower ones, move with the folds by more than the F1 they gain.
STATED_GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def stated_genre(genre: str) -> str:
    """The genre a build tells apart for the stated model: ``speech`` (a document with a speaker: the
    ``un`` labels) or ``document``."""
    return "speech" if genre == "un" else "document"


def choose_stated_thresholds(examples: list[Example], oof: numpy.ndarray, labels: list[str]) -> dict:
    """Per genre (:func:`stated_genre`) and layer (``types``, ``activities``), the probability from
    which the stated model adds a type or activity: the best held-out F1 of the rules' and the model's
    together (:func:`filled`) on :data:`STATED_GRID`, the lowest of equals; for the activities over
    that genre's labelled partnerships (a genre without labels takes the other's), for the types over
    all of them. A layer is filled apart from the other, so each is chosen alone.

    In speeches the cue phrases miss most of the activities the labels state and the model adds them;
    in reference prose they state most of them, and the model's can only cost precision there. The
    types gain from the model in both, and the prose labels alone are too few to choose their
    threshold: chosen on them, it moves from fold to fold by more than it gains."""
    from kg.ontology import load_ontology

    types = set(load_ontology().partnership_types)
    kept = [i for i, e in enumerate(examples) if e.relation == "partnership" and e.features]

    def f1(genre: str | None, layer: str, threshold: float) -> tuple[float, int]:
        """F1 and, to tell apart what F1 cannot (no type stated right), the fewer wrong ones."""
        keep = (lambda i: i in types) if layer == "types" else (lambda i: i not in types)
        tp, fp, fn = stated_counts(
            ({i for i in examples[k].stated if keep(i)}, {i for i in examples[k].optional if keep(i)},
             {i for i in filled(examples[k].rule_stated,
                                (labels[j] for j in numpy.flatnonzero(oof[k] >= threshold) if threshold < 1.0), types)
              if keep(i)})
            for k in kept if genre is None or stated_genre(examples[k].genre) == genre)
        return round(2 * tp / (2 * tp + fp + fn) if tp else 0.0, 4), -fp
    present = sorted({stated_genre(examples[k].genre) for k in kept})
    types_threshold = max(STATED_GRID, key=lambda t: (*f1(None, "types", t), -t)) if kept else 1.0
    activities = {genre: max(STATED_GRID, key=lambda t: (*f1(genre, "activities", t), -t)) for genre in present}
    return {genre: {"types": types_threshold, "activities": activities.get(genre, activities[present[0]] if present else 1.0)}
            for genre in ("speech", "document")}


def stated_ids(oof: numpy.ndarray, examples: list[Example], labels: list[str], thresholds: dict) -> list[set[str]]:
    """The types and activities the stated model gives each example at ``thresholds``
    (:func:`choose_stated_thresholds`) of its genre."""
    from kg.ontology import load_ontology

    types = set(load_ontology().partnership_types)
    out = []
    for e, row in zip(examples, oof):
        chosen = thresholds[stated_genre(e.genre)]
        cuts = [chosen["types" if i in types else "activities"] for i in labels]
        out.append({i for i, q, cut in zip(labels, row, cuts) if cut < 1.0 and q >= cut})
    return out


def fit_stated(examples: list[Example], labels: list[str], vocab: dict[str, int], thresholds: dict,
               ontology=None) -> dict:
    """The model file's ``stated`` part: a logistic regression per type or activity of ``labels``,
    fitted on every labelled partnership, on the features of ``vocab`` (:func:`stated_vocabulary`); its
    columns are the ``types`` then the ``activities`` (by ``ontology``, default the packaged one)."""
    from kg.ontology import load_ontology

    ontology = ontology or load_ontology()
    types = [i for i in labels if i in ontology.partnership_types]
    activities = [i for i in labels if i not in ontology.partnership_types]
    coef, intercept = _fit_stated(_stated_training_set(examples), types + activities, vocab)
    weights = _stored_weights(coef, vocab, scales=STATED_SCALES)
    return {"types": types, "activities": activities, "bias": [round(float(b), 5) for b in intercept],
            "weights": weights, "threshold": thresholds["speech"]["types"], "thresholds": thresholds}


def _stated_thresholds_text(thresholds: dict) -> str:
    """The stated model's thresholds in words, for the card.

    >>> _stated_thresholds_text({"speech": {"types": 0.15, "activities": 0.2}, "document": {"types": 0.2, "activities": 1.0}})
    'in speeches types from 0.15, activities from 0.2; in other documents types from 0.2, activities never'
    """
    def one(layer: str, t: float) -> str:
        return f"{layer} never" if t >= 1.0 else f"{layer} from {t:g}"
    return "; ".join(f"in {'speeches' if genre == 'speech' else 'other documents'} "
                     + ", ".join(one(layer, thresholds[genre][layer]) for layer in ("types", "activities"))
                     for genre in ("speech", "document"))


def _numerical_versions() -> str:
    """The releases whose arithmetic the weights depend on, for the card."""
    import scipy
    import sklearn

    return f"scikit-learn {sklearn.__version__}, scipy {scipy.__version__}, numpy {numpy.__version__}"


def _trees_text() -> str:
    """The card's words for the trees beside the regression."""
    import lightgbm

    parameters = ", ".join(f"{k} {v:g}" for k, v in TREE_PARAMETERS.items())
    return (f"; beside it, LightGBM {lightgbm.__version__} gradient-boosted trees of a partnership against the other "
            f"relations ({parameters}; the features of at least {TREE_MIN_SHARE:g} of the pairs, a present one reads 1), the partnership score {1 - TREE_SHARE:g} times "
            f"the regression's probability plus {TREE_SHARE:g} times the trees'")


def sha256(path: Path) -> str:
    """The sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def labelled_documents(labels: Iterable[dict], corpora: Iterable[Path | str]) -> dict[str, Document]:
    """The documents of ``corpora`` (files or folders kg reads) that ``labels`` come from, by id."""
    from kg.corpus import read_corpus

    wanted = {str(label["doc_id"]) for label in labels}
    return {d.id: d for d in read_corpus([Path(c) for c in corpora]) if d.id in wanted}


def with_corpus(labels: list[dict], corpus: Path | str | Mapping[str, Document] | None) -> list[dict]:
    """``labels`` with their ``sentence`` (from ``start`` to ``end``), ``context_before`` (the 500
    characters before it) and ``speaker`` (the document's ``country``) read from the documents of ``corpus`` where they lack them, as labels
    of a corpus that is not a speech corpus come (``prose_pairs.jsonl`` and ``prose_passages.jsonl``).
    ``corpus``: a file or folder, or documents by id (:func:`labelled_documents`)."""
    if corpus is None:
        return labels
    docs = corpus if isinstance(corpus, Mapping) else labelled_documents(labels, [corpus])
    out = []
    for label in labels:
        doc = docs.get(str(label["doc_id"]))
        if doc is not None:
            label = dict(label)
            if "sentence" not in label and label.get("start") is not None and label.get("end") is not None:
                label["sentence"] = doc.text[int(label["start"]) : int(label["end"])]
            if "context_before" not in label and label.get("start") is not None:
                label["context_before"] = doc.text[max(0, int(label["start"]) - 500) : int(label["start"])]
            label.setdefault("speaker", doc.meta.get("country", ""))
        out.append(label)
    return out


def precision_at_recall(score: numpy.ndarray, gold: numpy.ndarray, target: float = MIN_RECALL) -> float:
    """The precision of ranking the examples by ``score`` where the recall first reaches ``target``.

    >>> precision_at_recall(numpy.array([0.9, 0.8, 0.7, 0.6]), numpy.array([1, 0, 1, 1]), 0.5)
    0.667
    """
    gold = gold.astype(bool)[numpy.argsort(-score, kind="stable")]
    if not gold.any():
        return 0.0
    found = numpy.cumsum(gold)
    k = int(numpy.searchsorted(found / gold.sum(), target))
    return round(float(found[k] / (k + 1)), 3)


def learning_curve(examples: list[Example], fractions: Iterable[float] = (0.25, 0.5, 0.75, 1.0),
                   seed: int = SEED) -> list[dict]:
    """Held-out partnership ranking when each training fold keeps only a share of its documents (the
    labels alone, no silver pairs; the folds of ``seed``): per fraction and genre, the average
    precision, the precision at recall :data:`MIN_RECALL` and the recall at precision
    :data:`TARGET_PRECISION` of the partnership probability."""
    rng = numpy.random.default_rng(seed)
    splits = folds(examples, seed=seed)
    gold = numpy.array([e.relation == "partnership" for e in examples])
    genres = numpy.array([e.genre for e in examples])
    column = RELATIONS.index("partnership")
    out = []
    for fraction in fractions:
        kept = []
        for train_idx, test_idx in splits:
            docs = sorted({examples[i].doc_id for i in train_idx})
            chosen = set(rng.permutation(docs)[: max(1, round(len(docs) * fraction))].tolist())
            kept.append((numpy.array([i for i in train_idx if examples[i].doc_id in chosen]), test_idx))
        score = out_of_fold(examples, splits=kept)[:, column]
        row: dict = {"fraction": fraction}
        for genre in sorted(set(genres)):
            m = genres == genre
            row[genre] = {"ap": average_precision(score[m], gold[m]),
                          "p_at_recall": precision_at_recall(score[m], gold[m]),
                          "r_at_precision": recall_at_precision(score[m], gold[m])}
        out.append(row)
    return out


def train(label_paths: Iterable[Path | str], out: Path | str, corpus: Path | str | Sequence[Path | str] | None = None,
          nlp=None, spacy_model: str | None = None, silver: Path | str | None = None,
          silver_corpus: Path | str | None = None, trees: bool = True) -> dict:
    """Train the pair classifier on labelled pairs, write it to ``out`` (JSON) with its card
    (``out`` with the suffix ``.md``); return the card.

    ``corpus``: the files or folders of the labelled documents. A label takes from its document
    the sentence, context and speaker it lacks, and its pair the document features a build gives it
    (:func:`featurize`); the card names the files and their sha256.

    The labels are read with ``nlp``, or the pipeline ``kg.nlp.load_pipeline(spacy_model)``
    builds (``spacy_model``: an installed spaCy pipeline or a folder; None: kg's default). With a
    parser, the pairs' dependency paths are features too. The card names the pipeline.

    The card holds the data files and their sha256, the learner, the grouped cross-validated
    scores per relation and genre, the partnership reliability table, precision-recall
    curve and the chosen threshold.

    ``silver``: a file of unlabelled pairs with a teacher's probabilities (:func:`read_silver_file`),
    their documents in ``silver_corpus``, learnt beside the labels (:class:`Silver`).

    ``trees``: gradient-boosted trees of a partnership beside the regression (:func:`fit_trees`), the
    partnership score the mean of the two (:func:`with_trees`); without, the regression alone.
    """
    label_paths = [Path(p) for p in label_paths]
    corpora = [Path(corpus)] if isinstance(corpus, (str, Path)) else [Path(c) for c in corpus or ()]
    labels = [label for p in label_paths for label in read_labels(p)]
    documents = labelled_documents(labels, corpora) if corpora else {}
    labels = with_corpus(labels, documents)
    if not labels:
        raise KgError("no labelled pairs to train on")
    from kg.nlp import describe_pipeline, load_pipeline

    nlp = nlp or load_pipeline(spacy_model)
    soft = None
    if silver is not None:
        if silver_corpus is None:
            raise KgError("a silver file needs the corpus its pairs come from")
        soft = silver_of(silver, silver_corpus, label_paths, nlp)
    return train_examples(featurize(labels, nlp, documents=documents), label_paths, out, describe_pipeline(nlp), soft,
                          Path(silver) if silver is not None else None, corpora, trees)


def train_examples(examples: list[Example], label_paths: list[Path], out: Path | str,
                   pipeline: dict | None = None, silver: Silver | None = None,
                   silver_path: Path | None = None, corpora: Sequence[Path] = (), trees: bool = True) -> dict:
    """:func:`train` on labels already featurized (``pipeline``: :func:`kg.nlp.describe_pipeline` of
    the pipeline that read them, recorded in the card), with the ``silver`` pairs of ``silver_path``;
    ``corpora``: the files of the labelled documents they were read with, named in the card; ``trees``
    as :func:`train`."""
    if len({e.doc_id for e in examples}) < FOLDS:
        raise KgError(f"the labels come from fewer than {FOLDS} documents: too few to cross-validate")
    if not any(e.relation == "partnership" for e in examples):
        raise KgError("the labels have no partnership to learn from")
    regression = out_of_fold(examples, silver=silver)
    hoped = hoped_for(regression)
    tree_oof = trees_out_of_fold(examples, silver=silver) if trees else None
    oof = regression if tree_oof is None else with_trees(regression, tree_oof)
    threshold_genre = "un" if any(e.genre == "un" for e in examples) else None
    model = fit_model(examples, oof, threshold_genre, silver, hoped, trees)
    from kg.ontology import load_ontology

    labels = stated_labels(examples)
    stated_card = None
    if labels:
        stated_oof = stated_out_of_fold(examples, labels)
        stated_thresholds = choose_stated_thresholds(examples, stated_oof, labels)
        model["stated"] = fit_stated(examples, labels, stated_vocabulary(e for e in examples if e.features), stated_thresholds)
        by_model = stated_ids(stated_oof, examples, labels, stated_thresholds)
        stated_card = {
            "thresholds": stated_thresholds,
            "labels": len(labels),
            "rules": stated_scores(examples, [e.rule_stated for e in examples]),
            "model": stated_scores(examples, by_model),
            "rules_and_model": stated_scores(examples, [filled(e.rule_stated, m, load_ontology().partnership_types)
                                                        for e, m in zip(examples, by_model)]),
        }
    predicted = [RELATIONS[k] for k in oof.argmax(axis=1)]
    k = RELATIONS.index("partnership")
    gold = numpy.array([e.relation == "partnership" for e in examples], dtype=float)
    calibrated = calibrate(model["calibration"]["partnership"], oof[:, k])
    threshold = model["thresholds"]["partnership"]
    floors = rule_floors(examples, model["thresholds"], hoped)
    by_genre = {}
    for genre in sorted({e.genre for e in examples}):
        chosen = numpy.array([e.genre == genre for e in examples])
        by_genre[genre] = {
            "at_threshold": prf(gold[chosen].astype(bool), calibrated[chosen] >= threshold),
            "with_linked_floor": prf(gold[chosen].astype(bool), (calibrated >= numpy.minimum(threshold, floors))[chosen]),
            "reliability": reliability(calibrated[chosen], gold[chosen]),
            "pr_curve": precision_recall_curve(calibrated[chosen], gold[chosen], numpy.arange(0.1, 1.0, 0.1)),
            "average_precision": average_precision(oof[chosen, k], gold[chosen]),
            "recall_at_target": recall_at_precision(calibrated[chosen], gold[chosen]),
        }
        if tree_oof is not None:
            by_genre[genre]["parts"] = {"regression": average_precision(regression[chosen, k], gold[chosen]),
                                        "trees": average_precision(tree_oof[chosen], gold[chosen])}
    memberships = {}
    if "membership" in model["calibration"]:
        k = RELATIONS.index("membership")
        member = numpy.array([e.relation == "membership" for e in examples])
        by_model = calibrate(model["calibration"]["membership"], oof[:, k]) >= model["thresholds"]["membership"]
        ruled = rule_memberships(examples)
        for genre in sorted({e.genre for e in examples}):
            chosen = numpy.array([e.genre == genre for e in examples])
            memberships[genre] = {"rules": prf(member[chosen], ruled[chosen]),
                                  "rules_or_model": prf(member[chosen], (ruled | by_model)[chosen])}
    card = {
        "data": [{"file": p.name, "sha256": sha256(p), "pairs": sum(1 for _ in read_labels(p))} for p in label_paths],
        "examples": len(examples),
        "without_candidate": sum(1 for e in examples if not e.features),
        "features": len(model["weights"]),
        "learner": f"multinomial logistic regression ({_numerical_versions()}; L2, C={RELATION_C:g}) on sparse "
                   "features (a present one reads 1, " + ", ".join(f"{p}* {v:g}" for p, v in FEATURE_SCALES.items())
                   + f"; outside speeches each but the words also as {PROSE_PREFIX}feature, and a labelled pair weighs "
                   f"{PROSE_WEIGHT:g} beside a speech's 1)" + (_trees_text() if trees else "")
                   + "; centred isotonic calibration on out-of-fold scores",
        "cross_validation": f"{FOLDS}-fold, grouped by document, stratified by relation, seed {SEED}",
        "cv_argmax": scores(examples, predicted),
        "threshold": threshold,
        "floors": {"linked": model["thresholds"]["linked"], "stated": model["thresholds"]["stated"],
                   "chosen": any(e.genre != "un" for e in examples)},
        "partnership": by_genre,
    }
    if memberships:
        card["membership_threshold"] = model["thresholds"]["membership"]
        card["memberships"] = memberships
    if stated_card is not None:
        card["stated"] = stated_card
    if corpora:
        card["documents"] = [{"file": p.name, "sha256": sha256(p) if p.is_file() else ""} for p in corpora]
    if silver is not None:
        card["silver"] = {"file": silver_path.name if silver_path else "", "sha256": sha256(silver_path) if silver_path else "",
                          "pairs": sum(1 for e in silver.examples if e.features), "weight": silver.weight,
                          **({"readers": silver.readers} if silver.readers else {})}
    if pipeline is not None:
        card["spacy_pipeline"] = pipeline
    model["card"] = card
    write_model(model, out)
    return card


def card_path(model_path: Path | str) -> Path:
    """The model card beside a model file: its name without ``.gz`` and ``.json``, with ``.md``.

    >>> card_path("kg/models/pairs.json.gz").name
    'pairs.md'
    """
    path = Path(model_path)
    return path.with_name(path.name.removesuffix(".gz").removesuffix(".json") + ".md")


def write_model(model: dict, out: Path | str) -> None:
    """Write ``model`` to ``out`` as JSON (gzip-compressed, reproducibly, when the name ends in ``.gz``)
    and its card to :func:`card_path`; each file is replaced whole or not at all."""
    import gzip

    from kg.outputs import atomic_open

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(model, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")
    if out.name.endswith(".gz"):
        data = gzip.compress(data, compresslevel=9, mtime=0)
    with atomic_open(out, "wb") as fh:
        fh.write(data)
    with atomic_open(card_path(out), "w", encoding="utf-8") as fh:
        fh.write(card_markdown(model["card"]))


def _table(rows: list[dict], columns: list[str]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    lines += ["| " + " | ".join("" if r.get(c) is None else str(r.get(c)) for c in columns) + " |" for r in rows]
    return lines


def card_markdown(card: dict) -> str:
    """The model card as markdown."""
    lines = ["# Pair classifier: model card", "", f"Learner: {card['learner']}.", "",
             f"Cross-validation: {card['cross_validation']}.", ""]
    pipeline = card.get("spacy_pipeline")
    if pipeline:
        parse = "with its dependency parse" if pipeline["parses"] else "no dependency parse"
        lines += [f"spaCy pipeline: {pipeline['name']} {pipeline['version']} ({parse}).", ""]
    lines += ["## Data", ""]
    lines += _table(card["data"], ["file", "pairs", "sha256"])
    lines += ["", f"{card['examples']} labelled pairs; {card['without_candidate']} of them are pairs kg's pipeline "
              f"does not find in the sentence (counted as predicted `none`). {card['features']} features.", ""]
    if card.get("documents"):
        lines += ["Labelled documents, read whole for the pairs' document feature (which other sentences name "
                  "both actors):", ""]
        lines += _table(card["documents"], ["file", "sha256"])
        lines.append("")
    silver = card.get("silver")
    if silver and silver.get("readers"):
        lines += [f"Also learnt: {silver['pairs']} unlabelled pairs of `{silver['file']}` (sha256 {silver['sha256']}), "
                  f"each as the relation its readers give, weighted {silver['weight']} beside a labelled pair's 1; "
                  f"no held-out score counts them. Readers: {silver['readers']}.", ""]
    elif silver:
        lines += [f"Also learnt: {silver['pairs']} unlabelled pairs of `{silver['file']}` (sha256 {silver['sha256']}), "
                  f"each as the relations its teacher gives, weighted {silver['weight']} times the teacher's "
                  "probability; a held-out fold's model learns the probabilities of the teacher that did not "
                  "learn from that fold.", ""]
    lines += ["## Held-out scores per relation (most probable relation)", ""]
    for genre, by_relation in card["cv_argmax"].items():
        lines += [f"### {genre}", ""]
        lines += _table([{"relation": r, **s} for r, s in by_relation.items()], ["relation", "p", "r", "f1", "tp", "fp", "fn"])
        lines.append("")
    floors = card.get("floors", RULE_FLOORS)
    why = (f"the highest floors within {FLOOR_F1_TOLERANCE:g} of the best held-out F1 on documents without a speaker"
           if floors.get("chosen")
           else "kg's defaults: no labelled document without a speaker to choose them on")
    lines += [f"## Partnership at the default threshold {card['threshold']}", "",
              f"Outside speeches a pair a rule links is a partnership from {floors['linked']}, from "
              f"{floors['stated']} when a type or activity is stated for it too: {why}.", ""]
    for genre, block in card["partnership"].items():
        s = block["at_threshold"]
        w = block["with_linked_floor"]
        parts = block.get("parts")
        lines += [f"### {genre}: precision {s['p']}, recall {s['r']}, F1 {s['f1']}", "",
                  f"Average precision {block['average_precision']}"
                  + (f" (the regression alone {parts['regression']}, the trees alone {parts['trees']})" if parts else "")
                  + f"; recall at precision {TARGET_PRECISION}: {block['recall_at_target']}.", "",
                  f"A build's decision, with the rules' floors outside speeches (a pair a rule links from "
                  f"{floors['linked']}, from {floors['stated']} when a type or activity is stated for it): "
                  f"precision {w['p']}, recall {w['r']}, F1 {w['f1']}.", "",
                  "Reliability (calibrated probability against observed precision):", ""]
        lines += _table(block["reliability"], ["bin", "n", "mean_p", "observed"])
        lines += ["", "Precision-recall curve:", ""]
        lines += _table(block["pr_curve"], ["threshold", "p", "r", "f1"])
        lines.append("")
    if card.get("memberships"):
        lines += [f"## Memberships at the threshold {card['membership_threshold']}", "",
                  "A build writes the memberships the rules state, and those of a country and an organisation whose "
                  "calibrated membership probability reaches the threshold (the highest whose mean F1 of the genres "
                  f"is within {MEMBERSHIP_F1_TOLERANCE:g} of the best). "
                  "Held-out folds:", ""]
        rows = [{"genre": genre, "source": source.replace("_", " "), **scores[source]}
                for genre, scores in card["memberships"].items() for source in ("rules", "rules_or_model")]
        lines += _table(rows, ["genre", "source", "p", "r", "f1", "tp", "fp", "fn"])
        lines.append("")
    stated = card.get("stated")
    if stated:
        lines += ["## Partnership types and activities of a pair", "",
                  f"A logistic regression per type and activity ({stated['labels']} stated for at least "
                  f"{STATED_MIN_EXAMPLES} labelled partnerships) gives a pair the types (or activities) it reads "
                  "where the rules state none, from a probability chosen per genre and layer "
                  f"({_stated_thresholds_text(stated['thresholds'])}). Held-out folds, over the labelled "
                  "partnerships the pipeline finds:", ""]
        rows = [{"genre": genre, "layer": layer, "source": source.replace("_", " "), **stated[source][genre][layer]}
                for genre in stated["rules"] for layer in ("types", "activities")
                for source in ("rules", "model", "rules_and_model")]
        lines += _table(rows, ["genre", "layer", "source", "p", "r", "f1"])
        lines.append("")
    return "\n".join(lines)
