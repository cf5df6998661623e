"""``kg.build``: corpus -> spaCy Docs -> mentions and facts -> graphs -> files.

The CLI and the notebook both call :func:`build`.

>>> result = build(["corpus"])                             # doctest: +SKIP
>>> result.facts_df.query("relation == 'partnership'")     # doctest: +SKIP
>>> result.graph.edges["PAK", "TUR"]["activities"]         # doctest: +SKIP
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import networkx as nx
import pandas as pd

from kg import export, html
from kg.corpus import read_corpus
from kg.extract import SentenceReader, mentions as doc_mentions
from kg.gazetteer import load_gazetteer
from kg.graph import actor_graph, add_layout, build_graph
from kg.nlp import load_pipeline
from kg.ontology import Ontology, load_ontology
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
        return [_with_metadata(f.as_row(), self.metadata.get(f.doc_id, {}), FACT_COLUMNS) for f in self.facts]

    def mention_rows(self) -> list[dict]:
        """``mentions.csv`` rows: the mention columns, then the document's metadata."""
        return [_with_metadata(m.as_row(), self.metadata.get(m.doc_id, {}), MENTION_COLUMNS) for m in self.mentions]

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


def write_outputs(result: BuildResult, out: Path, formats: Sequence[str] = DEFAULT_FORMATS, title: str = "kg") -> list[Path]:
    """Write the chosen formats of ``result`` into ``out`` (atomically, file by file)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if "csv" in formats:
        facts, mentions = result.fact_rows(), result.mention_rows()
        export.write_csv(facts, export.table_columns(facts, FACT_COLUMNS), out / "facts.csv")
        export.write_csv(mentions, export.table_columns(mentions, MENTION_COLUMNS), out / "mentions.csv")
        nodes, edges = export.graph_tables(result.graph)
        export.write_csv(nodes, export.table_columns(nodes, ["id"]), out / "nodes.csv")
        export.write_csv(edges, export.table_columns(edges, ["source", "target"]), out / "edges.csv")
    if "graphml" in formats:
        export.write_graphml(result.graph, out / "graph.graphml")
        export.write_graphml(result.actors, out / "actors.graphml")
    if "gexf" in formats:
        export.write_gexf(result.graph, out / "graph.gexf")
        export.write_gexf(result.actors, out / "actors.gexf")
    if "html" in formats:
        html.write_html(result.graph, out / "graph.html", title=title)
    for fmt in formats:
        written += [out / name for name in FORMATS[fmt]]
    return written


def build(
    inputs: Sequence[str | Path] = ("corpus",),
    out: str | Path | None = None,
    formats: Sequence[str] = DEFAULT_FORMATS,
    ontology: str | Path | Ontology | None = None,
    spacy_model: str | None = None,
    on_warning: Callable[[str], None] | None = None,
    on_document: Callable[[Document], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> BuildResult:
    """Build the knowledge graph of ``inputs``; write ``formats`` into ``out`` if given.

    ``inputs``: folders, ``.txt``/``.md`` and ``.jsonl`` files. ``ontology``: a
    YAML file or :class:`~kg.ontology.Ontology` (default: the packaged one).
    ``spacy_model``: an installed spaCy pipeline to add the rules to.
    Returns a :class:`BuildResult` with the tables (``facts_df``...) and graphs.
    """
    started = time.perf_counter()
    result = BuildResult()

    def warn(message: str) -> None:
        result.warnings.append(message)
        if on_warning:
            on_warning(message)

    onto = ontology if isinstance(ontology, Ontology) else load_ontology(ontology)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r} (choose from {', '.join(FORMATS)})")
    nlp = load_pipeline(spacy_model, onto)
    documents = read_corpus(inputs, on_warning=warn)
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
    if out is not None:
        title = ", ".join(Path(str(i)).name for i in inputs)
        result.files = write_outputs(result, Path(out), formats, title=f"kg: {title}")
    result.seconds = time.perf_counter() - started
    return result
