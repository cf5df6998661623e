"""``kg.build``: corpus -> spaCy Docs -> mentions and facts -> graphs -> files.

The CLI and the notebook both call :func:`build`: read the corpus, extract
each document's mentions and facts, assemble the graphs, write the files.
Where the pipeline runs is :mod:`kg.engine`'s business, the cache
:mod:`kg.cache`'s, rendering the files :mod:`kg.render`'s and keeping memory
bounded :mod:`kg.memory`'s.

>>> result = build(["corpus"])                             # doctest: +SKIP
>>> result.facts_df.query("relation == 'partnership'")     # doctest: +SKIP
>>> result.graph.edges["PAK", "TUR"]["activities"]         # doctest: +SKIP
"""
from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping, Sequence

import networkx as nx

from kg import export
from kg.cache import ExtractionCache, default_cache_dir, extract_documents, fingerprint, open_cache
from kg.classify import pipeline_mismatch
from kg.corpus import Columns, corpus_files, read_files, shown, text_size
from kg.dates import dated_facts
from kg.engine import BATCH_SIZE, EngineOptions, Extraction, MentionRow, PipelineSpec, make_engine, most_batches
from kg.errors import OptionError, StrictError
from kg.gazetteer import DATA_DIR, load_gazetteer
from kg.graph import EntityCounts, actor_graph, build_graph
from kg.memory import FrozenHeap, RecordSpool
from kg.nlp import describe_spacy_model
from kg.ontology import Ontology, load_ontology
from kg.outputs import OutputFolder
from kg.records import FACT_COLUMNS, MENTION_COLUMNS, Document, Fact, Mention
from kg.render import DEFAULT_FORMATS, FILES, FORMATS, lay_out, write_build
from kg.tables import record_rows, record_table, table

if TYPE_CHECKING:
    import pandas as pd  # imported by the DataFrame properties only: a CLI build never needs it

__all__ = ["BuildOptions", "BuildResult", "build", "DEFAULT_FORMATS", "FILES", "FORMATS"]


@dataclass
class BuildResult:
    """Everything a build produced: records, graphs, counts and files written.

    A build keeps the facts, which the graph needs, but not the mentions, of
    which a corpus has many more: each document's mention rows go to a
    temporary file as the document comes (:attr:`document_mentions`), and the
    graph's nodes take their counts per entity (:attr:`entity_counts`).
    :attr:`mentions` reads them as :class:`~kg.records.Mention` records when
    first asked.
    """

    documents: int = 0
    sentences: int = 0
    words: int = 0
    facts: list[Fact] = field(default_factory=list)
    metadata: dict[str, dict] = field(default_factory=dict)
    graph: nx.Graph = field(default_factory=nx.Graph)
    actors: nx.Graph = field(default_factory=nx.Graph)
    warnings: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    #: Each document's mentions as rows of values (:data:`~kg.engine.MentionRow`), by document
    #: id, which the tables are made from until :attr:`mentions` is read; a build spools
    #: them to a temporary file as they come (:class:`~kg.memory.RecordSpool`).
    document_mentions: Mapping[str, list[MentionRow]] = field(default_factory=dict, repr=False)
    #: Mentions and documents per entity id, for the graph's nodes.
    entity_counts: EntityCounts = field(default_factory=EntityCounts, repr=False)
    _mentions: list[Mention] | None = field(default=None, init=False, repr=False, compare=False)

    def add(self, document: Document, extraction: Extraction) -> None:
        """Add one document's extraction (:attr:`document_mentions` must accept new keys)."""
        self.documents += 1
        self.sentences += extraction.sentences
        self.words += extraction.words
        # Dated here, not before the cache: a cached extraction is keyed by the text
        # alone, and a fact's year may come from the document's metadata.
        self.facts += dated_facts(extraction.facts, document.meta)
        if extraction.mention_rows:
            self.document_mentions[document.id] = extraction.mention_rows  # type: ignore[index]
            self.entity_counts.add(extraction.entity_mentions)
        if document.meta:
            self.metadata[document.id] = document.meta

    @property
    def mentions(self) -> list[Mention]:
        """Every mention as a record, in input order (read from :attr:`document_mentions` on first use).

        Once read, the list is what the tables hold: changes to it are written.
        """
        if self._mentions is None:
            self._mentions = [Mention(doc_id, *row) for doc_id, rows in self.document_mentions.items() for row in rows]
        return self._mentions

    @mentions.setter
    def mentions(self, mentions: Iterable[Mention]) -> None:
        self._mentions = list(mentions)

    @property
    def mention_count(self) -> int:
        """How many mentions the build found (without reading them as records)."""
        return len(self._mentions) if self._mentions is not None else sum(self.entity_counts.mentions.values())

    @property
    def words_per_second(self) -> float:
        """Throughput of the whole build."""
        return self.words / self.seconds if self.seconds else 0.0

    def fact_rows(self) -> list[dict]:
        """``facts.csv`` rows: the fact columns, then the document's metadata."""
        return record_rows(self.facts, self.metadata, FACT_COLUMNS)

    def mention_rows(self) -> list[dict]:
        """``mentions.csv`` rows: the mention columns, then the document's metadata."""
        return record_rows(self.mentions, self.metadata, MENTION_COLUMNS)

    def fact_table(self) -> tuple[list[str], Iterator[tuple]]:
        """``facts.csv`` as its columns and rows of values (made as they are read)."""
        return record_table(self.facts, self.metadata, FACT_COLUMNS)

    def mention_table(self) -> tuple[list[str], Iterator[tuple]]:
        """``mentions.csv`` as its columns and rows of values (made as they are read, each
        document's rows read from the spool in turn)."""
        if self._mentions is not None:
            return record_table(self._mentions, self.metadata, MENTION_COLUMNS)
        documents = [(doc_id, _with_id(doc_id, self.document_mentions)) for doc_id in sorted(self.document_mentions)]
        return table(documents, self.metadata, MENTION_COLUMNS)

    @property
    def facts_df(self) -> pd.DataFrame:
        """The facts as a DataFrame (same columns as ``facts.csv``)."""
        import pandas as pd

        rows = self.fact_rows()
        # Int64: years stay integers where some facts have none (float64 would show 2003.0)
        return pd.DataFrame(rows, columns=export.table_columns(rows, FACT_COLUMNS)).astype({"year": "Int64"})

    @property
    def mentions_df(self) -> pd.DataFrame:
        """The mentions as a DataFrame (same columns as ``mentions.csv``)."""
        import pandas as pd

        rows = self.mention_rows()
        return pd.DataFrame(rows, columns=export.table_columns(rows, MENTION_COLUMNS))

    @property
    def nodes_df(self) -> pd.DataFrame:
        """The knowledge graph's nodes (same rows as ``nodes.csv``)."""
        import pandas as pd

        return pd.DataFrame(export.graph_tables(self.graph)[0])

    @property
    def edges_df(self) -> pd.DataFrame:
        """The knowledge graph's edges (same rows as ``edges.csv``)."""
        import pandas as pd

        return pd.DataFrame(export.graph_tables(self.graph)[1])


def _with_id(doc_id: str, document_mentions: Mapping[str, list[MentionRow]]) -> Iterator[tuple]:
    """The ``mentions.csv`` values of document ``doc_id``'s rows, read when first iterated."""
    for row in document_mentions[doc_id]:
        yield (doc_id, *row)


@dataclass(frozen=True)
class BuildOptions:
    """How to build, checked when made: before the output folder is touched or any document read.

    ``data_dir``: a copy of the package's data folder (``kg/data``), edited;
    every stage reads it (the rulers, the sentence reader, resolution, the
    graph's labels), and its ``ontology.yaml`` is the ontology unless
    ``ontology`` names another. See :func:`build` for the others.
    """

    formats: tuple[str, ...] = DEFAULT_FORMATS
    ontology: str | Path | Ontology | None = None
    spacy_model: str | None = None
    data_dir: Path = DATA_DIR
    batch_size: int = BATCH_SIZE
    strict: bool = False
    engine: EngineOptions = EngineOptions()
    cache: bool = True
    cache_dir: Path | None = None
    fast: bool = True
    columns: Columns | None = None
    #: The pair classifier's file (None: the shipped one; "": none, the rules decide).
    model: str | None = None

    def __post_init__(self) -> None:
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown:
            raise OptionError(f"unknown format {unknown[0]!r} (choose from {', '.join(FORMATS)})")
        if not self.formats:
            raise OptionError(f"no output format given (choose from {', '.join(FORMATS)})")
        if not Path(self.data_dir).is_dir():
            raise OptionError(f"{self.data_dir}: no such data folder")

    def load_ontology(self) -> Ontology:
        """The ontology: :attr:`ontology`, else the data folder's, else the packaged one."""
        if isinstance(self.ontology, Ontology):
            return self.ontology
        if self.ontology is None and (Path(self.data_dir) / "ontology.yaml").is_file():
            return load_ontology(Path(self.data_dir) / "ontology.yaml")
        return load_ontology(self.ontology)

    def own_folders(self, folder: OutputFolder | None) -> list[Path]:
        """The folders a build into ``folder`` writes (its outputs and caches): never read as input."""
        if folder is None:
            return [self.cache_dir] if self.cache_dir else []
        return [folder.path, default_cache_dir(folder.path).parent, *([self.cache_dir] if self.cache_dir else [])]

    def open_cache(
        self, folder: OutputFolder | None, spec: PipelineSpec, on_warning: Callable[[str], None] | None = None
    ) -> ExtractionCache | None:
        """The extraction cache of a build into ``folder`` running ``spec``, or None without one
        (``on_warning``: told of a cache set aside or that cannot be made)."""
        if not self.cache or (self.cache_dir is None and folder is None):
            return None
        key = fingerprint(spec.spacy_model, spec.ontology, data_dir=spec.data_dir, model=spec.model)
        return open_cache(self.cache_dir or default_cache_dir(folder.path), key, on_warning)


def build(
    inputs: Sequence[str | Path] = ("corpus",),
    out: str | Path | None = None,
    formats: Sequence[str] = DEFAULT_FORMATS,
    ontology: str | Path | Ontology | None = None,
    spacy_model: str | None = None,
    on_warning: Callable[[str], None] | None = None,
    on_document: Callable[[Document], None] | None = None,
    batch_size: int = BATCH_SIZE,
    strict: bool = False,
    *,
    engine: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    fast: bool = True,
    columns: Columns | None = None,
    model: str | Path | None = None,
) -> BuildResult:
    """Build the knowledge graph of ``inputs``; write ``formats`` into ``out`` if given.

    ``inputs``: folders, ``.txt``/``.md``, ``.jsonl``, ``.csv``/``.tsv`` and
    ``.parquet`` files (see :func:`~kg.corpus.read_corpus`); ``columns``: the
    text, id and date columns of the tables. ``ontology``: a
    YAML file or :class:`~kg.ontology.Ontology` (default: the data folder's).
    ``spacy_model``: an installed spaCy pipeline to add the rules to.
    ``data_dir``: a copy of ``kg/data``, edited, that every stage reads
    (default: the packaged data). ``fast``: the pipeline's fast components
    (the same output as spaCy's stock ones, sooner).
    ``model``: the pair classifier's file (default: the one shipped with kg; ``""``:
    no classifier, the rules decide the partnerships).
    ``strict``: any warning (a skipped file or line) raises
    :class:`~kg.errors.StrictError` and nothing is written.
    The output folder and the inputs are checked before any document is
    processed, and ``out`` stays locked against other builds until the files
    are written (all at once). Outputs list documents in id order, so the same
    documents give the same bytes in whatever order the inputs are named.
    ``engine``/``workers``/``scheduler``: where the pipeline runs (see
    :func:`kg.engine.make_engine`); the output is the same whichever runs it.
    ``cache``: reuse per-document extractions from ``cache_dir`` (default
    ``.kg-cache/OUT`` beside ``out``; no cache without ``out`` or ``cache_dir``).
    Returns a :class:`BuildResult` with the tables (``facts_df``...) and graphs.
    """
    options = BuildOptions(
        tuple(formats), ontology, spacy_model, Path(data_dir) if data_dir is not None else DATA_DIR, batch_size, strict,
        EngineOptions(engine, workers, scheduler), cache, Path(cache_dir) if cache_dir is not None else None, fast,
        columns, None if model is None else str(model),
    )
    with OutputFolder(out) if out is not None else contextlib.nullcontext() as folder, FrozenHeap() as heap:
        return build_with(inputs, options, folder, on_warning, on_document, heap)


def build_with(
    inputs: Sequence[str | Path],
    options: BuildOptions,
    folder: OutputFolder | None = None,
    on_warning: Callable[[str], None] | None = None,
    on_document: Callable[[Document], None] | None = None,
    heap: FrozenHeap | None = None,
) -> BuildResult:
    """:func:`build` with its options made: read, extract, assemble the graphs, write into ``folder`` (if any).

    ``heap``: what the build keeps is left out of garbage collection as it comes.
    """
    started = time.perf_counter()
    heap = heap or FrozenHeap()
    heap.freeze()  # what the caller made lives on; forked workers then copy fewer pages
    spool = RecordSpool(folder.path if folder is not None else None)
    result = BuildResult(document_mentions=spool)

    def note(message: str) -> None:
        result.warnings.append(message)
        if on_warning:
            on_warning(message)

    def warn(message: str) -> None:
        if options.strict:
            raise StrictError(f"{message} (--strict: stopped, nothing written)")
        note(message)

    ontology = options.load_ontology()
    spec = PipelineSpec(options.spacy_model, ontology, options.data_dir, options.fast, options.model)
    pair_model = spec.pair_model()  # a pair model that cannot be read fails here, before any document is
    if pair_model is not None and (mismatch := pipeline_mismatch(pair_model, describe_spacy_model(options.spacy_model))):
        note(mismatch)  # a fact about the model and the pipeline, not about the input: --strict goes on
    files = corpus_files(inputs, warn, options.own_folders(folder))  # checks every input path first
    documents = read_files(files, warn, options.columns, on_note=note)  # a renamed metadata key: --strict goes on
    engine_options, capped = options.engine.fitted(batches=most_batches(text_size(files)))
    if capped:
        note(capped)  # a fact about the machine, not about the input: --strict goes on
    with contextlib.closing(make_engine(engine_options, spec, options.batch_size)) as engine, \
            options.open_cache(folder, spec, warn) or contextlib.nullcontext() as cache:
        for document, extraction in extract_documents(documents, engine, cache, on_document):
            result.add(document, extraction)
            heap.freeze()  # the records (and the pipeline) are kept to the end
    spool.flush()  # before the end of the build forks: buffered rows are written once
    result.graph = build_graph(result.facts, result.entity_counts, load_gazetteer(options.data_dir), ontology)
    result.actors = actor_graph(result.graph)
    if folder is None:
        lay_out(result)
    else:
        title = ", ".join(sorted(shown(Path(str(i)).name) for i in inputs))
        result.files = write_build(result, folder, options.formats, title=f"kg: {title}")
    result.seconds = time.perf_counter() - started
    return result
