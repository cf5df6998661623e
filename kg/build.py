"""``kg.build``: corpus -> spaCy Docs -> mentions and facts -> graphs -> files.

The CLI and the notebook both call :func:`build`.

>>> result = build(["corpus"])                             # doctest: +SKIP
>>> result.facts_df.query("relation == 'partnership'")     # doctest: +SKIP
>>> result.graph.edges["PAK", "TUR"]["activities"]         # doctest: +SKIP
"""
from __future__ import annotations

import contextlib
import functools
import gc
import io
import itertools
import time
from collections import deque
from dataclasses import dataclass, field, replace
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping, Sequence

import networkx as nx

from kg import export
from kg.cache import ExtractionCache, default_cache_dir, fingerprint, text_hash
from kg.corpus import read_corpus
from kg.engine import BATCH_SIZE, Engine, Extraction, LocalEngine, PipelineSpec, ProcessEngine, read_mention_csv
from kg.errors import StrictError
from kg.gazetteer import load_gazetteer
from kg.forked import default_processes, run_groups
from kg.graph import EntityCounts, actor_graph, build_graph, layout_positions, set_positions
from kg.nlp import load_pipeline
from kg.ontology import Ontology, load_ontology
from kg.outputs import OutputFolder, TextSpool
from kg.records import FACT_COLUMNS, MENTION_COLUMNS, Document, Fact, Mention

if TYPE_CHECKING:
    import pandas as pd  # imported by the DataFrame properties only: a CLI build never needs it

#: Output formats and the files each writes.
FORMATS: dict[str, tuple[str, ...]] = {
    "csv": ("facts.csv", "mentions.csv", "nodes.csv", "edges.csv"),
    "graphml": ("graph.graphml", "actors.graphml"),
    "gexf": ("graph.gexf", "actors.gexf"),
    "html": ("graph.html",),
}
DEFAULT_FORMATS = tuple(FORMATS)
#: Every output file, in the order written.
FILES = tuple(name for names in FORMATS.values() for name in names)
#: Where the pipeline runs: this machine (one stream or a process pool) or a Dask cluster.
ENGINES = ("local", "dask")


@dataclass
class BuildResult:
    """Everything a build produced: records, graphs, counts and files written.

    A build keeps the facts, which the graph needs, but not the mentions, of
    which a corpus has many more (26 times more in the UN speeches): each
    document's ``mentions.csv`` lines go to a temporary file as the document
    comes (:attr:`mention_csv`), and the graph's nodes take their counts per
    entity (:attr:`entity_counts`). :attr:`mentions` reads them as
    :class:`~kg.records.Mention` records when first asked.
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
    #: Each document's mentions as the CSV lines its extraction rendered (``Extraction.mention_csv``),
    #: which ``mentions.csv`` is joined from until :attr:`mentions` is read; a build spools
    #: them to a temporary file as they come (:class:`~kg.outputs.TextSpool`).
    mention_csv: Mapping[str, str] = field(default_factory=dict, repr=False)
    #: Mentions and documents per entity id, for the graph's nodes.
    entity_counts: EntityCounts = field(default_factory=EntityCounts, repr=False)
    _mentions: list[Mention] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def mentions(self) -> list[Mention]:
        """Every mention as a record, in input order (read from :attr:`mention_csv` on first use).

        Once read, the list is what the tables hold: changes to it are written.
        """
        if self._mentions is None:
            self._mentions = [m for doc_id, lines in self.mention_csv.items() for m in read_mention_csv(doc_id, lines)]
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
        return [_with_metadata(f.as_row(), self.metadata.get(f.doc_id, {}), FACT_COLUMNS) for f in _by_document(self.facts)]

    def mention_rows(self) -> list[dict]:
        """``mentions.csv`` rows: the mention columns, then the document's metadata."""
        return [_with_metadata(m.as_row(), self.metadata.get(m.doc_id, {}), MENTION_COLUMNS) for m in _by_document(self.mentions)]

    def fact_table(self) -> tuple[list[str], list[tuple]]:
        """``facts.csv`` as its columns and rows of values: :meth:`fact_rows` without a dict per row."""
        return _table(self.facts, self.metadata, FACT_COLUMNS)

    def mention_table(self) -> tuple[list[str], list[tuple]]:
        """``mentions.csv`` as its columns and rows of values: :meth:`mention_rows` without a dict per row."""
        return _table(self.mentions, self.metadata, MENTION_COLUMNS)

    @property
    def facts_df(self) -> pd.DataFrame:
        """The facts as a DataFrame (same columns as ``facts.csv``)."""
        import pandas as pd

        rows = self.fact_rows()
        return pd.DataFrame(rows, columns=export.table_columns(rows, FACT_COLUMNS))

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


_DOC_ID = attrgetter("doc_id")


def _by_document(records: list) -> list:
    """``records`` in document id order, each document's own order kept: the same
    documents give the same rows however the inputs were listed or scheduled."""
    return sorted(records, key=_DOC_ID)


def _with_metadata(row: dict, meta: dict, standard: Sequence[str]) -> dict:
    for key, value in meta.items():
        row[f"doc_{key}" if key in standard else key] = value
    return row


def _metadata_columns(doc_ids: list[str], metadata: dict[str, dict], standard: Sequence[str]) -> tuple[list[str], list[dict]]:
    """The table's columns (``standard``, then metadata keys in the order first met in
    ``doc_ids``) and each document's metadata under its column names."""
    extras = [_with_metadata({}, metadata.get(doc_id, {}), standard) for doc_id in doc_ids]
    columns = list(standard)
    for extra in extras:
        columns += [key for key in extra if key not in columns]
    return columns, extras


def _table(records: list, metadata: dict[str, dict], standard: Sequence[str]) -> tuple[list[str], list[tuple]]:
    """The columns and value rows of ``records`` (facts or mentions) with their documents'
    metadata: the rows ``_with_metadata`` makes, with the columns ``export.table_columns``
    finds in them, but one metadata dict per document rather than a dict per row."""
    documents = [(doc_id, list(group)) for doc_id, group in itertools.groupby(_by_document(records), key=_DOC_ID)]
    columns, extras = _metadata_columns([doc_id for doc_id, _ in documents], metadata, standard)
    values = attrgetter(*standard)
    rows = []
    for (_, group), extra in zip(documents, extras):
        suffix = tuple(extra.get(column, "") for column in columns[len(standard):])
        rows += [values(record) + suffix for record in group]
    return columns, rows


def extract_documents(
    documents: Iterable[Document],
    nlp=None,
    batch_size: int = BATCH_SIZE,
    on_document: Callable[[Document], None] | None = None,
    *,
    engine: Engine | None = None,
    cache: ExtractionCache | None = None,
) -> Iterator[tuple[Document, Extraction]]:
    """Run the pipeline over documents: per document its :class:`~kg.engine.Extraction`
    (mentions, facts, sentences and words).

    ``engine`` runs the pipeline (default: one ``nlp.pipe`` stream in this
    process); documents found in ``cache`` skip it, the others are added to it.
    Results come in the order of ``documents`` whatever the engine. A document
    found in the cache comes back without its text (``text`` is empty): it may
    wait for a new document far behind it, and in a rebuild every document may
    wait for the last, so the texts would fill memory.
    """
    engine = engine or LocalEngine(nlp or load_pipeline(), batch_size)
    # input order: (document, its cached extraction or None when sent to the engine, its text's key)
    pending: deque[tuple[Document, Extraction | None, str | None]] = deque()

    def misses() -> Iterator[Document]:
        for document in documents:
            key = text_hash(document.text) if cache else None
            hit = cache.get(document.text, document.id, key) if cache else None
            if hit is None:
                pending.append((document, None, key))
                yield document
            else:
                pending.append((replace(document, text=""), hit, key))

    def done(document: Document, extraction: Extraction):
        if on_document:
            on_document(document)
        return document, extraction

    def cached_before_next_miss():
        while pending and pending[0][1] is not None:
            yield done(*pending.popleft()[:2])

    for extraction in engine.map(misses()):
        yield from cached_before_next_miss()
        document, _, key = pending.popleft()
        if cache:
            cache.put(document.text, extraction, key)
        yield done(document, extraction)
    yield from cached_before_next_miss()


def make_engine(
    engine: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    spacy_model: str | None = None,
    ontology: Ontology | None = None,
    batch_size: int = BATCH_SIZE,
    model: str | None = None,
) -> Engine:
    """The engine named ``engine`` (``local`` or ``dask``) with ``workers`` workers.

    ``local`` with one worker is one ``nlp.pipe`` stream in this process, with
    more a pool of processes; ``dask`` connects to ``scheduler`` or starts a
    ``LocalCluster`` of ``workers`` processes.
    """
    make_engine_options(engine, workers, scheduler)
    spec = PipelineSpec(spacy_model, ontology, None if model is None else str(model))
    if engine == "dask":
        from kg.distributed import DaskEngine  # Dask is an optional dependency

        return DaskEngine(spec, scheduler=scheduler, workers=workers)
    if workers > 1:
        return ProcessEngine(spec, workers)
    return LocalEngine(batch_size=batch_size, spec=spec)


#: Outputs a forked process renders while this one renders the rest (about half the time each).
_SECOND_PROCESS_FILES = frozenset({"graph.html", "actors.gexf"})
#: Records (mentions and facts) from which a build renders its outputs in two processes:
#: below, forking costs more than it saves.
PARALLEL_RECORDS = 20_000


def _text_bytes(write: Callable) -> Callable[[], bytes]:
    def render() -> bytes:
        buffer = io.BytesIO()
        text = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
        write(text)
        text.flush()
        return buffer.getvalue()

    return render


def _binary_bytes(write: Callable) -> Callable[[], bytes]:
    def render() -> bytes:
        buffer = io.BytesIO()
        write(buffer)
        return buffer.getvalue()

    return render


def table_renderers(result: BuildResult, formats: Sequence[str] = DEFAULT_FORMATS) -> list[tuple[str, Callable[[], bytes]]]:
    """``(file name, renderer of its bytes)`` of ``facts.csv`` and ``mentions.csv``: the files
    that need no graph, so they can be rendered while the layout is computed."""
    if "csv" not in formats:
        return []

    def mentions() -> bytes:
        joined = joined_mentions_csv(result)
        return joined if joined is not None else _text_bytes(functools.partial(export.write_table, *result.mention_table()))()

    return [("facts.csv", _text_bytes(functools.partial(export.write_table, *result.fact_table()))), ("mentions.csv", mentions)]


def joined_mentions_csv(result: BuildResult) -> bytes | None:
    """``mentions.csv`` joined from the CSV lines each document's extraction rendered
    (``result.mention_csv``), each line given its document id and metadata; the
    bytes :meth:`BuildResult.mention_table` written as CSV gives, without a CSV row
    made per mention here. None once ``result.mentions`` has been read as records,
    which may have been changed since.
    """
    if result._mentions is not None:
        return None
    blocks = result.mention_csv
    doc_ids = sorted(blocks)
    columns, extras = _metadata_columns(doc_ids, result.metadata, MENTION_COLUMNS)
    values = attrgetter(*MENTION_COLUMNS)
    parts = [export.csv_lines([columns])]
    for doc_id, extra in zip(doc_ids, extras):
        suffix = tuple(extra.get(column, "") for column in columns[len(MENTION_COLUMNS):])
        lines = blocks[doc_id]
        if '"' in lines:
            # a quoted field (a comma, quote or line break in a value): only unquoted
            # lines can be told apart by "\r\n", so these rows are written again
            parts.append(export.csv_lines(values(m) + suffix for m in read_mention_csv(doc_id, lines)))
            continue
        # The id and metadata rendered inside a row, as CSV quotes a lone empty field otherwise.
        head = export.csv_lines([(doc_id, "")])[:-2]
        tail = export.csv_lines([("", *suffix)])[:-2] if suffix else ""
        parts.append(head + lines[:-2].replace("\r\n", f"{tail}\r\n{head}") + tail + "\r\n")
    return "".join(parts).encode("utf-8")


def flat_edge_lists(result: BuildResult, formats: Sequence[str] = DEFAULT_FORMATS) -> dict[tuple[str, bool], list]:
    """The flattened edges (:func:`kg.export.flat_edges`) the chosen formats write, by
    ``(graph name, xml)``: made once for all writers, and before the layout, which they
    do not depend on."""
    wanted = []
    if "csv" in formats:
        wanted.append(("graph", False))
    if "graphml" in formats or "gexf" in formats:
        wanted += [("graph", True), ("actors", True)]
    graphs = {"graph": result.graph, "actors": result.actors}
    return {(name, xml): export.flat_edges(graphs[name], xml) for name, xml in wanted}


def graph_renderers(
    result: BuildResult, formats: Sequence[str] = DEFAULT_FORMATS, title: str = "kg", edges: dict | None = None
) -> list[tuple[str, Callable[[], bytes]]]:
    """``(file name, renderer of its bytes)`` of the files made from the laid-out graphs
    (``edges``: :func:`flat_edge_lists` of the graphs, if made before)."""
    edges = edges or {}
    renderers: list[tuple[str, Callable[[], bytes]]] = []
    if "csv" in formats:
        nodes, edge_rows = export.graph_tables(result.graph, edges.get(("graph", False)))
        for name, rows, first in (("nodes.csv", nodes, ["id"]), ("edges.csv", edge_rows, ["source", "target"])):
            renderers.append((name, _text_bytes(functools.partial(export.write_csv, rows, export.table_columns(rows, first)))))
    for fmt, write in (("graphml", export.write_graphml), ("gexf", export.write_gexf)):
        if fmt in formats:
            for name, graph in (("graph", result.graph), ("actors", result.actors)):
                renderers.append((f"{name}.{fmt}", _binary_bytes(functools.partial(write, graph, edges=edges.get((name, True))))))
    if "html" in formats:
        from kg import html  # pyvis, jinja2 and IPython: only a build that writes the page imports them

        renderers.append(("graph.html", _binary_bytes(functools.partial(html.write_html, result.graph, title=title))))
    return renderers


def write_outputs(
    result: BuildResult, out: Path | OutputFolder, formats: Sequence[str] = DEFAULT_FORMATS, title: str = "kg",
    processes: int = 1, rendered: dict[str, bytes] | None = None, edges: dict | None = None,
) -> list[Path]:
    """Write the chosen formats of ``result`` into ``out``, all files or none.

    ``out`` is a folder path or an :class:`~kg.outputs.OutputFolder` already
    locked by the caller. Every file is staged as a temporary file and renamed
    into place only when all are written, so a failed or killed build leaves
    the previous outputs intact. ``processes``: 2 renders the HTML page and
    the actors' GEXF in a forked process while this one renders the rest (the same
    bytes). ``rendered``: files already rendered, by name; ``edges``: the
    graphs' :func:`flat_edge_lists`, if made before.
    """
    if not isinstance(out, OutputFolder):
        with OutputFolder(out) as folder:
            return write_outputs(result, folder, formats, title, processes, rendered, edges)
    rendered = dict(rendered or {})
    renderers = table_renderers(result, formats) + graph_renderers(result, formats, title, edges)
    renderers = [(name, render) for name, render in renderers if name not in rendered]
    here = [(name, render) for name, render in renderers if name not in _SECOND_PROCESS_FILES]
    there = [(name, render) for name, render in renderers if name in _SECOND_PROCESS_FILES]
    outputs = run_groups([[render for _, render in here], [render for _, render in there]], processes)
    rendered.update(zip([name for name, _ in here + there], outputs[0] + outputs[1]))
    for name in FILES:
        if name in rendered:
            with out.open(name, "wb") as fh:
                fh.write(rendered[name])
    return out.commit()


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
    model: str | Path | None = None,
) -> BuildResult:
    """Build the knowledge graph of ``inputs``; write ``formats`` into ``out`` if given.

    ``inputs``: folders, ``.txt``/``.md`` and ``.jsonl`` files. ``ontology``: a
    YAML file or :class:`~kg.ontology.Ontology` (default: the packaged one).
    ``spacy_model``: an installed spaCy pipeline to add the rules to.
    ``model``: the pair classifier's file (default: the one shipped with kg; ``""``:
    no classifier, the rules decide the partnerships).
    ``strict``: any warning (a skipped file or line) raises
    :class:`~kg.errors.StrictError` and nothing is written.
    The output folder and the inputs are checked before any document is
    processed, and ``out`` stays locked against other builds until the files
    are written (all at once). Outputs list documents in id order, so the same
    documents give the same bytes in whatever order the inputs are named.
    ``engine``/``workers``/``scheduler``: where the pipeline runs (see
    :func:`make_engine`); the output is the same whichever runs it.
    ``cache``: reuse per-document extractions from ``cache_dir`` (default
    ``.kg-cache/OUT`` beside ``out``; no cache without ``out`` or ``cache_dir``).
    Returns a :class:`BuildResult` with the tables (``facts_df``...) and graphs.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r} (choose from {', '.join(FORMATS)})")
    with OutputFolder(out) if out is not None else contextlib.nullcontext() as folder, _FrozenHeap() as heap:
        return _build(
            inputs, folder, formats, ontology, spacy_model, on_warning, on_document, batch_size, strict,
            make_engine_options(engine, workers, scheduler), cache_dir if cache else None, cache and out is not None,
            heap, model,
        )


class _FrozenHeap:
    """Leaves the objects a build keeps out of garbage collection until the build ends.

    A build keeps what it makes to the end (the pipeline with its lookup tables
    of hundreds of thousands of entries, every document's records), and each
    full collection scanned all of it again: over a second of a 1,000-speech
    build. :meth:`freeze` moves every object that exists now out of collection
    (in constant time); leaving the block returns them. A heap the caller froze
    is left as it is.
    """

    def __init__(self) -> None:
        self.owned = False

    def __enter__(self) -> "_FrozenHeap":
        self.owned = gc.get_freeze_count() == 0
        return self

    def freeze(self) -> None:
        """Leave every object that exists now out of collection."""
        if self.owned:
            gc.freeze()

    def __exit__(self, *exc) -> None:
        if self.owned:
            gc.unfreeze()


def make_engine_options(engine: str, workers: int, scheduler: str | None) -> dict:
    """The keyword arguments of :func:`make_engine`, checked before anything runs."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    if workers < 1:
        raise ValueError(f"--workers must be at least 1, not {workers}")
    if scheduler and engine != "dask":
        raise ValueError("--scheduler needs --engine dask")
    return {"engine": engine, "workers": workers, "scheduler": scheduler}


def _build(
    inputs, folder: OutputFolder | None, formats, ontology, spacy_model, on_warning, on_document, batch_size, strict,
    engine_options: dict, cache_dir: str | Path | None, cache_beside_out: bool, heap: _FrozenHeap,
    model: str | Path | None = None,
) -> BuildResult:
    started = time.perf_counter()
    heap.freeze()  # what the caller made lives on; forked workers then copy fewer pages
    result = BuildResult()
    # Each document's mention lines go to disk as they come: what the build holds grows
    # with the facts (which the graph needs), not with the mentions.
    result.mention_csv = spool = TextSpool(folder.path if folder is not None else None)

    def warn(message: str) -> None:
        if strict:
            raise StrictError(f"{message} (--strict: stopped, nothing written)")
        result.warnings.append(message)
        if on_warning:
            on_warning(message)

    onto = ontology if isinstance(ontology, Ontology) else load_ontology(ontology)
    documents = read_corpus(inputs, on_warning=warn)  # checks every input path first
    PipelineSpec(model=None if model is None else str(model)).pair_model()  # a bad model file fails here, first
    runner = make_engine(
        **(engine_options or {}), spacy_model=spacy_model, ontology=onto, batch_size=batch_size, model=model
    )
    if cache_dir is not None or (cache_beside_out and folder is not None):
        store = ExtractionCache(cache_dir or default_cache_dir(folder.path), fingerprint(
            spacy_model, onto, model=None if model is None else str(model)
        ))
    else:
        store = None
    try:
        for document, extraction in extract_documents(
            documents, batch_size=batch_size, on_document=on_document, engine=runner, cache=store
        ):
            result.documents += 1
            result.sentences += extraction.sentences
            result.words += extraction.words
            result.facts += extraction.facts
            if extraction.mention_csv:
                result.mention_csv[document.id] = extraction.mention_csv
                result.entity_counts.add(extraction.entity_mentions)
            if document.meta:
                result.metadata[document.id] = document.meta
            heap.freeze()  # the records (and the pipeline) are kept to the end
    finally:
        runner.close()
        if store:
            store.close()
    spool.flush()  # before the end of the build forks: buffered lines are written once
    result.graph = build_graph(result.facts, result.entity_counts, load_gazetteer(), onto)
    result.actors = actor_graph(result.graph)
    processes = default_processes() if result.mention_count + len(result.facts) >= PARALLEL_RECORDS else 1
    # What needs no layout (the tables, the flattened edges) is made here while a second
    # process lays out the graph.
    if folder is None:
        positions = layout_positions(result.graph)
    else:
        tables = table_renderers(result, formats)
        unplaced = [render for _, render in tables] + [lambda: flat_edge_lists(result, formats)]
        (*table_bytes, edges), (positions,) = run_groups([unplaced, [lambda: layout_positions(result.graph)]], processes)
    set_positions(result.graph, positions)
    set_positions(result.actors, {node: positions[node] for node in result.actors})
    if folder is not None:
        title = ", ".join(sorted(Path(str(i)).name for i in inputs))
        rendered = dict(zip([name for name, _ in tables], table_bytes))
        result.files = write_outputs(
            result, folder, formats, title=f"kg: {title}", processes=processes, rendered=rendered, edges=edges
        )
    result.seconds = time.perf_counter() - started
    return result
