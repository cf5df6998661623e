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

import contextlib
import gc
import itertools
import multiprocessing
import os
import threading
from collections import Counter, deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from operator import attrgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol

from spacy.attrs import IS_PUNCT, IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc

from kg.classify import ActorSentences, DocIndex, PairModel, decide, load_model
from kg.dates import document_year
from kg.errors import KgError, OptionError
from kg.extract import SentenceReader, mentions as doc_mentions
from kg.gazetteer import DATA_DIR, Gazetteer, load_gazetteer
from kg.fast import word_columns
from kg.forked import die_with_parent
from kg.nlp import dated_entities, load_pipeline
from kg.ontology import Ontology, load_cues
from kg.records import MENTION_COLUMNS, Document, Fact, Mention
from kg.resolve import resolve

#: Documents per ``nlp.pipe`` batch.
BATCH_SIZE = 64
#: Characters of text per batch sent to a worker process or Dask task: large
#: enough that a task's overhead is small, small enough to spread the work.
TASK_CHARS = 400_000
#: Paragraph, line and word separators, tried in this order to split a long document.
_SEPARATORS = ("\n\n", "\n", " ")
#: Where the pipeline runs: this machine (one stream or a process pool) or a Dask cluster.
ENGINES = ("local", "dask")


#: A mention's values after its document id, in the order of ``MENTION_COLUMNS``:
#: entity, type, text, start, end.
MentionRow = tuple[str, str, str, int, int]


@dataclass(slots=True)
class Extraction:
    """What the pipeline found in one document: its mentions, facts and counts.

    The mentions travel as rows of plain values (:data:`MentionRow`) rather
    than :class:`~kg.records.Mention` records: a document has many more
    mentions than facts, workers send all of them back, and tuples of strings
    and numbers pickle (and marshal into the cache) without a Python call per
    record. :attr:`mentions` gives them as records.
    """

    doc_id: str
    mention_rows: list[MentionRow]
    facts: list[Fact]
    sentences: int
    words: int

    @classmethod
    def of(cls, doc_id: str, mentions: list[Mention], facts: list[Fact], sentences: int, words: int) -> "Extraction":
        """The extraction of a document with these records.

        >>> Extraction.of("d", [Mention("d", "TUR", "country", "Turkey", 0, 6)], [], 1, 1).mention_rows
        [('TUR', 'country', 'Turkey', 0, 6)]
        """
        return cls(doc_id, list(map(_MENTION_VALUES, mentions)), facts, sentences, words)

    @property
    def mentions(self) -> list[Mention]:
        """The mentions as records."""
        return [Mention(self.doc_id, *row) for row in self.mention_rows]

    @property
    def entity_mentions(self) -> dict[str, int]:
        """Mentions per entity id.

        >>> Extraction("d", [("TUR", "country", "Turkey", 0, 6), ("TUR", "country", "Ankara", 9, 15)], [], 1, 2).entity_mentions
        {'TUR': 2}
        """
        return dict(Counter(row[0] for row in self.mention_rows))


_MENTION_VALUES = attrgetter(*MENTION_COLUMNS[1:])


@dataclass(frozen=True, slots=True)
class PipelineSpec:
    """How to build a pipeline in another process: picklable, unlike a ``Language``.

    ``data_dir``: the folder of domain data (gazetteer, cues) every stage reads;
    ``fast``: the pipeline's fast components rather than spaCy's stock ones.
    """

    spacy_model: str | None = None
    ontology: Ontology | None = None
    data_dir: Path = DATA_DIR
    fast: bool = True
    #: The pair classifier's file ("" for the rules alone, None for the shipped model).
    model: str | None = None

    def load(self) -> Language:
        """Build the pipeline this spec describes."""
        return load_pipeline(self.spacy_model, self.ontology, self.data_dir, fast=self.fast)

    def reader(self) -> SentenceReader:
        """A sentence reader with the cues of :attr:`data_dir`."""
        return SentenceReader(load_cues(Path(self.data_dir)))

    def gazetteer(self) -> Gazetteer:
        """The gazetteer of :attr:`data_dir`, which resolution reads."""
        return load_gazetteer(Path(self.data_dir))

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


def _shift(records: list, offset: int, sentences: int) -> list:
    if not (offset or sentences):
        return records
    if records and isinstance(records[0], Fact):
        return [replace(f, start=f.start + offset, end=f.end + offset, sentence=f.sentence + sentences) for f in records]
    return [replace(m, start=m.start + offset, end=m.end + offset) for m in records]


def extract_stream(
    nlp: Language,
    documents: Iterable[Document],
    batch_size: int = BATCH_SIZE,
    reader: SentenceReader | None = None,
    gazetteer: Gazetteer | None = None,
    model: PairModel | None = None,
) -> Iterator[Extraction]:
    """One ``nlp.pipe`` stream over ``documents``: their extractions in order.

    Documents longer than ``nlp.max_length`` go through as paragraph-aligned
    pieces whose records are shifted into the document's offsets; with a pair
    classifier, a document's pieces are decided once all are read, as its pairs'
    features read every sentence of the document. ``reader``:
    a :class:`~kg.extract.SentenceReader` to reuse, and ``gazetteer`` the one
    resolution reads (default: the packaged data's). ``model``: the pair
    classifier that decides partnerships (default: the rules).
    """
    reader = reader or SentenceReader()
    gazetteer = gazetteer or load_gazetteer()
    limit = nlp.max_length

    def pieces():
        for document in documents:
            spans = split_text(document.text, limit)
            for number, (start, end) in enumerate(spans):
                text = document.text if len(spans) == 1 else document.text[start:end]
                speaker = str(document.meta.get("country") or "")
                year = document_year(document.meta)
                yield text, (document.id, text, start, number == len(spans) - 1, speaker, year)

    # a document's records so far: more than one piece when it is longer than max_length
    mentions: list[Mention] = []
    facts: list[Fact] = []
    # its pieces read so far (Doc, readings, offset, sentences before it), decided once the last one
    # is read: a pair's features read every sentence of the document
    read: list[tuple[Doc, list, int, int]] = []
    sentences = words = sentences_before = 0
    for doc, (doc_id, text, offset, last, speaker, year) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size):
        dated_entities(doc, gazetteer, year)
        readings = reader(doc, text)
        mentions += _shift(doc_mentions(doc, doc_id, text), offset, 0)
        read.append((doc, readings, offset, sentences_before))
        sentences += len(readings)
        words += word_count(doc)
        if not last:
            sentences_before += sum(1 for _ in doc.sents)
            continue
        whole = None
        if model is not None and len(read) > 1:
            whole = ActorSentences.joined((ActorSentences.of(DocIndex(d), r), at) for d, r, at, _ in read)
        for piece, piece_readings, at, before in read:
            if model is None:
                found = resolve(doc_id, piece_readings, gazetteer, rules=reader.rules)
            else:
                threshold = model.thresholds.get("partnership", 0.5)
                decisions = decide(model, piece, piece_readings, speaker, rules=reader.rules,
                                   capitals=gazetteer.capitals, threshold=threshold, sentences=whole, at=at)
                found = resolve(doc_id, piece_readings, gazetteer, decisions, threshold, speaker,
                                model.thresholds.get("membership", 1.0), reader.rules)
            facts += _shift(found, at, before)
        yield Extraction.of(doc_id, mentions, facts, sentences, words)
        mentions, facts, read = [], [], []
        sentences = words = sentences_before = 0


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
            stream = itertools.chain([first], documents)
            yield from extract_stream(
                self.nlp, stream, self.batch_size, self.spec.reader(), self.spec.gazetteer(), self.spec.pair_model()
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


def most_batches(chars: int | None) -> int | None:
    """At most how many batches :func:`batches` makes of documents of ``chars`` characters in all (None: not known).

    >>> most_batches(10), most_batches(None)
    (1, None)
    """
    return None if chars is None else chars // TASK_CHARS + 1


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
        _worker.spec, _worker.nlp, _worker.reader = spec, spec.load(), spec.reader()
    return _worker.nlp


def _warm_up(spec: PipelineSpec) -> None:
    load_worker_pipeline(spec)  # returns nothing: a pipeline is not worth sending back
    # The worker lives as long as its pipeline: no garbage collection needs to scan it
    # (its lookup tables hold hundreds of thousands of entries).
    gc.freeze()


def extract_batch(spec: PipelineSpec, documents: list[Document]) -> list[Extraction]:
    """Run a batch through this worker's pipeline, building the pipeline (and its reader) once per worker."""
    return list(extract_stream(load_worker_pipeline(spec), documents, reader=_worker.reader, gazetteer=spec.gazetteer(),
                               model=spec.pair_model()))


class WorkerDiedError(KgError):
    """A worker process ended in the middle of a batch: killed, most often by the out-of-memory killer."""

    def __init__(self) -> None:
        super().__init__("a worker process died (out of memory?): try fewer --workers, each holds a pipeline of its own")


class ProcessEngine:
    """``workers`` processes on this machine, each with its own pipeline.

    The workers end with this process, however it ends (see
    :func:`kg.forked.die_with_parent`), and are killed at once when the
    build stops before its last document.
    """

    def __init__(self, spec: PipelineSpec, workers: int) -> None:
        # fork starts workers at once, with kg and spaCy already imported
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.spec = spec
        self.workers = workers
        self.pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
        )
        self.finished = False
        # Start the workers and their pipelines now, before the corpus is read, so
        # forked workers do not hold (and count as resident) pages of the corpus.
        for _ in range(workers):
            self.pool.submit(_warm_up, spec)

    def map(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        """Extractions of ``documents`` in the same order."""
        try:
            yield from ordered_results(lambda batch: self.pool.submit(extract_batch, self.spec, batch), documents, 2 * self.workers)
        except BrokenProcessPool:
            raise WorkerDiedError() from None
        self.finished = True

    def close(self) -> None:
        """Stop the worker processes: at once, without finishing their batches, if the build stopped early."""
        if not self.finished:
            for process in list((self.pool._processes or {}).values()):
                with contextlib.suppress(OSError):
                    process.kill()
        self.pool.shutdown(cancel_futures=True)


@dataclass(frozen=True)
class EngineOptions:
    """Where the pipeline runs, checked when made: before any document is read.

    >>> EngineOptions("spark")
    Traceback (most recent call last):
    kg.errors.OptionError: unknown engine 'spark' (choose from local, dask)
    """

    engine: str = "local"
    workers: int = 1
    scheduler: str | None = None

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise OptionError(f"unknown engine {self.engine!r} (choose from {', '.join(ENGINES)})")
        if self.workers < 1:
            raise OptionError(f"--workers must be at least 1, not {self.workers}")
        if self.scheduler and self.engine != "dask":
            raise OptionError("--scheduler needs --engine dask")

    def fitted(self, batches: int | None = None, cores: int | None = None) -> tuple[EngineOptions, str | None]:
        """These options with no more workers on this machine than its ``cores`` (default:
        the cores this process may use) or the ``batches`` to run (None: not known), and
        the warning to give when the cores capped them.

        A remote Dask scheduler's workers are its own, never capped.

        >>> EngineOptions(workers=100).fitted(batches=3, cores=8)
        (EngineOptions(engine='local', workers=3, scheduler=None), '--workers 100 is more than the 8 cores of this machine: at most 8 are used')
        """
        if self.scheduler:
            return self, None
        cores = cores or available_cores()
        workers = min(self.workers, cores, batches or self.workers)
        warning = f"--workers {self.workers} is more than the {cores} cores of this machine: at most {cores} are used" \
            if self.workers > cores else None
        return replace(self, workers=max(1, workers)), warning


def available_cores() -> int:
    """The CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def make_engine(
    options: EngineOptions = EngineOptions(), spec: PipelineSpec = PipelineSpec(), batch_size: int = BATCH_SIZE
) -> Engine:
    """The engine ``options`` name, running the pipeline ``spec`` describes.

    ``local`` with one worker is one ``nlp.pipe`` stream in this process, with
    more a pool of processes; ``dask`` connects to ``options.scheduler`` or
    starts a ``LocalCluster`` of ``options.workers`` processes.
    """
    if options.engine == "dask":
        from kg.distributed import DaskEngine  # Dask is an optional dependency

        return DaskEngine(spec, scheduler=options.scheduler, workers=options.workers)
    if options.workers > 1:
        return ProcessEngine(spec, options.workers)
    return LocalEngine(batch_size=batch_size, spec=spec)
