"""Engines: run the spaCy pipeline over a stream of documents, in order.

Every engine turns an iterable of :class:`~kg.records.Document` into an
iterator of :class:`Extraction` (a document's mentions, facts and counts) in
the order of the input, so the build's output does not depend on the engine:

- :class:`LocalEngine`: one ``nlp.pipe`` stream in this process.
- :class:`ProcessEngine`: ``workers`` processes, each with its own pipeline,
  fed batches of documents; a bounded window of batches is in flight so memory
  does not grow with the corpus.
- ``kg.distributed.DaskEngine``: the same batches on a Dask cluster.

Documents longer than the pipeline's ``max_length`` are split at paragraph
boundaries; the pieces' offsets and sentence numbers are shifted back into the
document's, so a long document reads as if spaCy had taken it whole.

>>> from kg.nlp import load_pipeline
>>> [x.facts[0].activity for x in LocalEngine(load_pipeline()).map([Document("d", "Qatar and Turkey held joint drills.")])]
['joint_exercises']
"""
from __future__ import annotations

import csv
import gc
import io
import itertools
import multiprocessing
import threading
from collections import Counter, deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Callable, Iterable, Iterator, Protocol

from spacy.attrs import IS_PUNCT, IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc

from kg.classify import PairModel, decide, load_model
from kg.export import csv_lines
from kg.extract import SentenceReader, mentions as doc_mentions
from kg.gazetteer import load_gazetteer
from kg.nlp import load_pipeline, word_columns
from kg.ontology import Ontology
from kg.records import MENTION_COLUMNS, Document, Fact, Mention
from kg.resolve import resolve

#: Documents per ``nlp.pipe`` batch.
BATCH_SIZE = 64
#: Characters of text per batch sent to a worker process or Dask task: large
#: enough that a task's overhead is small, small enough to spread the work.
TASK_CHARS = 400_000
#: Paragraph, line and word separators, tried in this order to split a long document.
_SEPARATORS = ("\n\n", "\n", " ")


@dataclass(slots=True)
class Extraction:
    """What the pipeline found in one document.

    The mentions are kept as their ``mentions.csv`` lines (without the document
    id) and a count per entity, not as :class:`~kg.records.Mention` records: a
    UN speech has about 70 mentions and 3 facts, and the lines take a
    sixth of the records' memory and a hundredth of their time to pickle and
    unpickle between processes (measured on 100 UN speeches: 0.54 against 3.2 MB,
    1 against 132 ms). The :attr:`mentions` property reads the records back.
    """

    doc_id: str
    #: The mentions as ``mentions.csv`` lines without the document id and metadata (:func:`mention_csv`).
    mention_csv: str
    #: Mentions per entity id.
    entity_mentions: dict[str, int]
    facts: list[Fact]
    sentences: int
    words: int

    @classmethod
    def of(cls, doc_id: str, mentions: list[Mention], facts: list[Fact], sentences: int, words: int) -> "Extraction":
        """The extraction of a document with these records.

        >>> Extraction.of("d", [Mention("d", "TUR", "country", "Turkey", 0, 6)], [], 1, 1).entity_mentions
        {'TUR': 1}
        """
        return cls(doc_id, mention_csv(mentions), dict(Counter(m.entity for m in mentions)), facts, sentences, words)

    @property
    def mentions(self) -> list[Mention]:
        """The mentions as records, read from :attr:`mention_csv`."""
        return read_mention_csv(self.doc_id, self.mention_csv)


@dataclass(frozen=True, slots=True)
class PipelineSpec:
    """How to build a pipeline in another process: picklable, unlike a ``Language``."""

    spacy_model: str | None = None
    ontology: Ontology | None = None
    #: The pair classifier's file ("" for the rules alone, None for the shipped model).
    model: str | None = None

    def load(self) -> Language:
        """Build the pipeline this spec describes."""
        return load_pipeline(self.spacy_model, self.ontology)

    def pair_model(self) -> PairModel | None:
        """The pair classifier this spec names (read once per process)."""
        return None if self.model == "" else load_model(self.model)


class Engine(Protocol):
    """Maps documents to their extractions, in input order."""

    def map(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        """Extractions of ``documents`` in the same order."""
        ...

    def close(self) -> None:
        """Release processes or connections."""
        ...


def split_text(text: str, limit: int) -> list[tuple[int, int]]:
    """``(start, end)`` pieces of ``text``, each at most ``limit`` characters.

    Cuts after the last paragraph break (else line break, else space) that
    fits; only a run of ``limit`` characters without any is cut mid-word.

    >>> split_text("aa\\n\\nbb\\n\\ncc", 6)
    [(0, 4), (4, 10)]
    >>> split_text("aa\\n\\nbb\\n\\ncc", 5)
    [(0, 4), (4, 8), (8, 10)]
    """
    pieces: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        for separator in _SEPARATORS:
            cut = text.rfind(separator, start + 1, end - len(separator) + 1)
            if cut > start:
                end = cut + len(separator)
                break
        pieces.append((start, end))
        start = end
    pieces.append((start, len(text)))
    return pieces


def word_count(doc: Doc) -> int:
    """Tokens that are neither white space nor punctuation (tested on the Doc's distinct words)."""
    columns = word_columns(doc)
    counted = (columns.of_words(IS_SPACE) | columns.of_words(IS_PUNCT)) == 0
    return int(counted[columns.inverse].sum())


_MENTION_FIELDS = attrgetter(*MENTION_COLUMNS[1:])


def mention_csv(mentions: list[Mention]) -> str:
    """The CSV lines of ``mentions`` without their document id: the columns of
    ``mentions.csv`` after ``doc_id``, before any metadata.

    >>> mention_csv([Mention("d", "TUR", "country", "Turkey", 0, 6)])
    'TUR,country,Turkey,0,6\\r\\n'
    """
    return csv_lines(map(_MENTION_FIELDS, mentions))


def read_mention_csv(doc_id: str, lines: str) -> list[Mention]:
    """The mentions of document ``doc_id`` that :func:`mention_csv` rendered as ``lines``.

    >>> read_mention_csv("d", 'TUR,country,"Turkey, again",0,6\\r\\n')
    [Mention(doc_id='d', entity='TUR', type='country', text='Turkey, again', start=0, end=6)]
    """
    return [
        Mention(doc_id, entity, kind, text, int(start), int(end))
        for entity, kind, text, start, end in csv.reader(io.StringIO(lines, newline=""))
    ]


def _shift(records: list, offset: int, sentences: int) -> list:
    if not (offset or sentences):
        return records
    if records and isinstance(records[0], Fact):
        return [replace(f, start=f.start + offset, end=f.end + offset, sentence=f.sentence + sentences) for f in records]
    return [replace(m, start=m.start + offset, end=m.end + offset) for m in records]


def extract_stream(
    nlp: Language, documents: Iterable[Document], batch_size: int = BATCH_SIZE, reader: SentenceReader | None = None,
    model: PairModel | None = None,
) -> Iterator[Extraction]:
    """One ``nlp.pipe`` stream over ``documents``: their extractions in order.

    Documents longer than ``nlp.max_length`` go through as paragraph-aligned
    pieces whose records are shifted into the document's offsets. ``reader``:
    a :class:`~kg.extract.SentenceReader` to reuse (default: a new one).
    ``model``: the pair classifier that decides partnerships (default: the rules).
    """
    reader = reader or SentenceReader()
    gazetteer = load_gazetteer()
    limit = nlp.max_length

    def pieces():
        for document in documents:
            spans = split_text(document.text, limit)
            for number, (start, end) in enumerate(spans):
                text = document.text if len(spans) == 1 else document.text[start:end]
                speaker = str(document.meta.get("country") or "")
                yield text, (document.id, text, start, number == len(spans) - 1, speaker)

    # a document's records so far: more than one piece when it is longer than max_length
    mentions: list[Mention] = []
    facts: list[Fact] = []
    sentences = words = sentences_before = 0
    for doc, (doc_id, text, offset, last, speaker) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size):
        readings = reader(doc, text)
        mentions += _shift(doc_mentions(doc, doc_id), offset, 0)
        if model is None:
            found = resolve(doc_id, readings, gazetteer)
        else:
            decisions = decide(model, doc, readings, speaker)
            found = resolve(doc_id, readings, gazetteer, decisions, model.thresholds.get("partnership", 0.5))
        facts += _shift(found, offset, sentences_before)
        sentences += len(readings)
        words += word_count(doc)
        if last:
            yield Extraction.of(doc_id, mentions, facts, sentences, words)
            mentions, facts = [], []
            sentences = words = sentences_before = 0
        else:
            sentences_before += sum(1 for _ in doc.sents)


class LocalEngine:
    """One ``nlp.pipe`` stream in this process.

    Give it a pipeline, or a ``spec`` to build one from when the first document
    needs it (a build whose documents are all cached never builds it).
    """

    def __init__(self, nlp: Language | None = None, batch_size: int = BATCH_SIZE, spec: PipelineSpec | None = None) -> None:
        self._nlp = nlp
        self.spec = spec or PipelineSpec()
        self.batch_size = batch_size

    @property
    def nlp(self) -> Language:
        """The pipeline, built on first use."""
        if self._nlp is None:
            self._nlp = self.spec.load()
        return self._nlp

    def map(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        """Extractions of ``documents`` in the same order."""
        documents = iter(documents)
        for first in documents:  # only a document to extract builds the pipeline
            yield from extract_stream(
                self.nlp, itertools.chain([first], documents), self.batch_size, model=self.spec.pair_model()
            )

    def close(self) -> None:
        """Nothing to release."""


def batches(documents: Iterable[Document], chars: int = TASK_CHARS) -> Iterator[list[Document]]:
    """Consecutive lists of documents of about ``chars`` characters of text each."""
    batch: list[Document] = []
    size = 0
    for document in documents:
        batch.append(document)
        size += len(document.text)
        if size >= chars:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def ordered_results(submit: Callable[[list[Document]], Future], documents: Iterable[Document], window: int) -> Iterator[Extraction]:
    """Submit batches of ``documents`` with at most ``window`` in flight; yield results in input order.

    ``submit`` sends one batch and returns a future of its list of extractions
    (a ``concurrent.futures`` or a ``distributed`` future).
    """
    pending: deque = deque()
    for batch in batches(documents):
        pending.append(submit(batch))
        if len(pending) >= window:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


# One pipeline per worker (process or thread), built on its first batch.
_worker = threading.local()


def load_worker_pipeline(spec: PipelineSpec) -> Language:
    """This worker's pipeline for ``spec``, built on first use."""
    if getattr(_worker, "spec", None) != spec:
        _worker.spec, _worker.nlp, _worker.reader = spec, spec.load(), SentenceReader()
    return _worker.nlp


def _warm_up(spec: PipelineSpec) -> None:
    load_worker_pipeline(spec)  # returns nothing: a pipeline is not worth sending back
    # The worker lives as long as its pipeline: no garbage collection needs to scan it
    # (its lookup tables hold hundreds of thousands of entries).
    gc.freeze()


def extract_batch(spec: PipelineSpec, documents: list[Document]) -> list[Extraction]:
    """Run a batch through this worker's pipeline, building the pipeline (and its reader) once per worker."""
    return list(extract_stream(load_worker_pipeline(spec), documents, reader=_worker.reader, model=spec.pair_model()))


class ProcessEngine:
    """``workers`` processes on this machine, each with its own pipeline."""

    def __init__(self, spec: PipelineSpec, workers: int) -> None:
        # fork starts workers at once, with kg and spaCy already imported
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.spec = spec
        self.workers = workers
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        # Start the workers and their pipelines now, before the corpus is read, so
        # forked workers do not hold (and count as resident) pages of the corpus.
        for _ in range(workers):
            self.pool.submit(_warm_up, spec)

    def map(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        """Extractions of ``documents`` in the same order."""
        return ordered_results(lambda batch: self.pool.submit(extract_batch, self.spec, batch), documents, 2 * self.workers)

    def close(self) -> None:
        """Stop the worker processes."""
        self.pool.shutdown(cancel_futures=True)
