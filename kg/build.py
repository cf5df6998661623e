"""``kg.build``: corpus -> spaCy Docs -> mentions and facts -> graphs -> files.

The CLI and the notebook both call :func:`build`.

>>> result = build(["corpus"])                             # doctest: +SKIP
>>> result.facts_df.query("relation == 'partnership'")     # doctest: +SKIP
>>> result.graph.edges["PAK", "TUR"]["activities"]         # doctest: +SKIP
"""
from __future__ import annotations

import contextlib
import functools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import networkx as nx
import pandas as pd

from kg import export, html
from kg.corpus import read_corpus
from kg.errors import StrictError
from kg.extract import SentenceReader, mentions as doc_mentions
from kg.gazetteer import load_gazetteer
from kg.graph import actor_graph, add_layout, build_graph
from kg.nlp import load_pipeline
from kg.ontology import Ontology, load_ontology
from kg.outputs import OutputFolder
from kg.records import FACT_COLUMNS, MENTION_COLUMNS, Document, Fact, Mention
from kg.resolve import resolve

#: Output formats and the files each writes.
FORMATS: dict[str, tuple[str, ...]] = {
    "csv": ("facts.csv", "mentions.csv", "nodes.csv", "edges.csv"),
    "graphml": ("graph.graphml", "actors.graphml"),
    "gexf": ("graph.gexf", "actors.gexf"),
    "html": ("graph.html",),
}
DEFAULT_FORMATS = tuple(FORMATS)
BATCH_SIZE = 64


@dataclass
class BuildResult:
    """Everything a build produced: records, graphs, counts and files written."""

    documents: int = 0
    sentences: int = 0
    words: int = 0
    mentions: list[Mention] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    metadata: dict[str, dict] = field(default_factory=dict)
    graph: nx.Graph = field(default_factory=nx.Graph)
    actors: nx.Graph = field(default_factory=nx.Graph)
    warnings: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0

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

    @property
    def facts_df(self) -> pd.DataFrame:
        """The facts as a DataFrame (same columns as ``facts.csv``)."""
        rows = self.fact_rows()
        return pd.DataFrame(rows, columns=export.table_columns(rows, FACT_COLUMNS))

    @property
    def mentions_df(self) -> pd.DataFrame:
        """The mentions as a DataFrame (same columns as ``mentions.csv``)."""
        rows = self.mention_rows()
        return pd.DataFrame(rows, columns=export.table_columns(rows, MENTION_COLUMNS))

    @property
    def nodes_df(self) -> pd.DataFrame:
        """The knowledge graph's nodes (same rows as ``nodes.csv``)."""
        return pd.DataFrame(export.graph_tables(self.graph)[0])

    @property
    def edges_df(self) -> pd.DataFrame:
        """The knowledge graph's edges (same rows as ``edges.csv``)."""
        return pd.DataFrame(export.graph_tables(self.graph)[1])


def _by_document(records: list) -> list:
    """``records`` in document id order, each document's own order kept: the same
    documents give the same rows however the inputs were listed or scheduled."""
    return sorted(records, key=lambda r: r.doc_id)


def _with_metadata(row: dict, meta: dict, standard: Sequence[str]) -> dict:
    for key, value in meta.items():
        row[f"doc_{key}" if key in standard else key] = value
    return row


def _word_count(doc) -> int:
    return sum(1 for t in doc if not (t.is_space or t.is_punct))


def extract_documents(
    documents: Iterable[Document],
    nlp=None,
    batch_size: int = BATCH_SIZE,
    on_document: Callable[[Document], None] | None = None,
) -> Iterable[tuple[Document, list[Mention], list[Fact], int, int]]:
    """Run the pipeline over documents: per document its mentions, facts, sentences and words."""
    nlp = nlp or load_pipeline()
    reader = SentenceReader()
    gazetteer = load_gazetteer()
    longest = 0

    def texts():
        nonlocal longest
        for document in documents:
            longest = max(longest, len(document.text))
            if longest >= nlp.max_length:
                nlp.max_length = longest + 1
            yield document.text, document

    for doc, document in nlp.pipe(texts(), as_tuples=True, batch_size=batch_size):
        readings = reader(doc)
        if on_document:
            on_document(document)
        yield (
            document,
            doc_mentions(doc, document.id),
            resolve(document.id, readings, gazetteer),
            len(readings),
            _word_count(doc),
        )


def write_outputs(
    result: BuildResult, out: Path | OutputFolder, formats: Sequence[str] = DEFAULT_FORMATS, title: str = "kg"
) -> list[Path]:
    """Write the chosen formats of ``result`` into ``out``, all files or none.

    ``out`` is a folder path or an :class:`~kg.outputs.OutputFolder` already
    locked by the caller. Every file is staged as a temporary file and renamed
    into place only when all are written, so a failed or killed build leaves
    the previous outputs intact.
    """
    if not isinstance(out, OutputFolder):
        with OutputFolder(out) as folder:
            return write_outputs(result, folder, formats, title)
    writers: list[tuple[str, Callable]] = []  # (file name, writer of a text or binary file)
    if "csv" in formats:
        facts, mentions = result.fact_rows(), result.mention_rows()
        nodes, edges = export.graph_tables(result.graph)
        for name, rows, first in (
            ("facts.csv", facts, FACT_COLUMNS), ("mentions.csv", mentions, MENTION_COLUMNS),
            ("nodes.csv", nodes, ["id"]), ("edges.csv", edges, ["source", "target"]),
        ):
            writers.append((name, functools.partial(export.write_csv, rows, export.table_columns(rows, first))))
    if "graphml" in formats:
        writers += [("graph.graphml", functools.partial(export.write_graphml, result.graph)),
                    ("actors.graphml", functools.partial(export.write_graphml, result.actors))]
    if "gexf" in formats:
        writers += [("graph.gexf", functools.partial(export.write_gexf, result.graph)),
                    ("actors.gexf", functools.partial(export.write_gexf, result.actors))]
    if "html" in formats:
        writers.append(("graph.html", functools.partial(html.write_html, result.graph, title=title)))
    for name, write in writers:
        text = name.endswith(".csv")
        with out.open(name, "w" if text else "wb", **({"encoding": "utf-8", "newline": ""} if text else {})) as fh:
            write(fh)
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
) -> BuildResult:
    """Build the knowledge graph of ``inputs``; write ``formats`` into ``out`` if given.

    ``inputs``: folders, ``.txt``/``.md`` and ``.jsonl`` files. ``ontology``: a
    YAML file or :class:`~kg.ontology.Ontology` (default: the packaged one).
    ``spacy_model``: an installed spaCy pipeline to add the rules to.
    ``strict``: any warning (a skipped file or line) raises
    :class:`~kg.errors.StrictError` and nothing is written.
    The output folder and the inputs are checked before any document is
    processed, and ``out`` stays locked against other builds until the files
    are written (all at once). Outputs list documents in id order, so the same
    documents give the same bytes in whatever order the inputs are named.
    Returns a :class:`BuildResult` with the tables (``facts_df``...) and graphs.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r} (choose from {', '.join(FORMATS)})")
    with OutputFolder(out) if out is not None else contextlib.nullcontext() as folder:
        return _build(inputs, folder, formats, ontology, spacy_model, on_warning, on_document, batch_size, strict)


def _build(inputs, folder: OutputFolder | None, formats, ontology, spacy_model, on_warning, on_document, batch_size, strict) -> BuildResult:
    started = time.perf_counter()
    result = BuildResult()

    def warn(message: str) -> None:
        if strict:
            raise StrictError(f"{message} (--strict: stopped, nothing written)")
        result.warnings.append(message)
        if on_warning:
            on_warning(message)

    onto = ontology if isinstance(ontology, Ontology) else load_ontology(ontology)
    documents = read_corpus(inputs, on_warning=warn)
    nlp = load_pipeline(spacy_model, onto)
    for document, mentions, facts, sentences, words in extract_documents(documents, nlp, batch_size, on_document):
        result.documents += 1
        result.sentences += sentences
        result.words += words
        result.mentions += mentions
        result.facts += facts
        if document.meta:
            result.metadata[document.id] = document.meta
    result.graph = add_layout(build_graph(result.facts, result.mentions, load_gazetteer(), onto))
    result.actors = actor_graph(result.graph)
    if folder is not None:
        title = ", ".join(sorted(Path(str(i)).name for i in inputs))
        result.files = write_outputs(result, folder, formats, title=f"kg: {title}")
    result.seconds = time.perf_counter() - started
    return result
