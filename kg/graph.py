"""Assemble facts and mentions into NetworkX graphs.

The *knowledge graph* has one node per canonical entity, partnership type
(``partnership_type:<id>``) and activity (``activity:<id>``), typed by a
``type`` attribute, and aggregated undirected edges: entity–entity partnership
and membership, entity–activity, entity–partnership type and partnership
type–activity. The *actor graph* keeps only countries and organisations and one
weighted edge per partnering pair. Attributes hold Python lists here; exports
flatten them.

Partnership and membership edges carry time: ``years`` (the distinct years of
their dated evidence), ``first_year`` and ``last_year`` (left out when no
evidence is dated), ``evidence_years`` (the year of each ``evidence`` sentence,
``""`` when undated) and ``evidence_per_year`` (``"2003: 2"``: sentences per year). Edges to partnership types and activities
carry ``years``, ``first_year`` and ``last_year`` too.

Every edge carries a ``confidence``: 1 - prod(1 - p) over its evidence
sentences, a sentence counting with its most confident fact
(:func:`combined_confidence`). Partnership and membership edges also carry
``evidence_confidences``, the confidence of each ``evidence`` sentence in the
same order.

>>> from kg.records import Fact
>>> fact = Fact("d", 0, 0, 30, "partnership", "QAT", "TUR", activity="joint_exercises", evidence="Qatar and Turkey held drills.", confidence=0.5)
>>> g = build_graph([fact], [])
>>> g.edges["QAT", "TUR"]["weight"], g.edges["QAT", "TUR"]["activities"]
(1, ['joint_exercises'])
>>> later = Fact("d", 1, 31, 60, "partnership", "TUR", "QAT", evidence="They drilled again.", year=2005, confidence=0.8)
>>> g = build_graph([fact, later], [])
>>> g.edges["QAT", "TUR"]["years"], g.edges["QAT", "TUR"]["evidence_years"], g.edges["QAT", "TUR"]["first_year"]
([2005], ['', 2005], 2005)
>>> g.edges["QAT", "TUR"]["evidence_confidences"], g.edges["QAT", "TUR"]["confidence"]
([0.5, 0.8], 0.9)
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import networkx as nx

from kg.gazetteer import GROUP, Gazetteer, load_gazetteer
from kg.ontology import Ontology, load_ontology
from kg.records import MEMBERSHIP, PARTNERSHIP, TYPE_ACTIVITY, Fact, Mention

PARTNERSHIP_TYPE_NODE = "partnership_type"
ACTIVITY_NODE = "activity"


def type_node(type_id: str) -> str:
    """Node id of a partnership type."""
    return f"{PARTNERSHIP_TYPE_NODE}:{type_id}"


def activity_node(activity_id: str) -> str:
    """Node id of an activity."""
    return f"{ACTIVITY_NODE}:{activity_id}"


class _Edge:
    """Evidence gathered for one undirected edge."""

    def __init__(self) -> None:
        self.relations: set[str] = set()
        self.sentences: dict[tuple[str, int], str] = {}
        self.types: Counter = Counter()
        self.activities: Counter = Counter()
        self.years: dict[tuple[str, int], int | None] = {}
        #: The confidence of each evidence sentence (its facts' largest).
        self.sentence_confidence: dict[tuple[str, int], float] = {}

    def add(self, fact: Fact) -> None:
        self.relations.add(fact.relation)
        key = (fact.doc_id, fact.sentence)
        self.sentences.setdefault(key, fact.evidence)
        # A sentence has one event year; a fact of it that states none leaves it to another that does.
        if self.years.get(key) is None:
            self.years[key] = fact.year
        if fact.partnership_type:
            self.types[fact.partnership_type] += 1
        if fact.activity:
            self.activities[fact.activity] += 1
        _note(self.sentence_confidence, key, fact.confidence)

    @property
    def confidence(self) -> float:
        """The edge's confidence: :func:`combined_confidence` of its sentences'."""
        return combined_confidence(self.sentence_confidence.values())

    def attributes(self) -> dict:
        keys = sorted(self.sentences)
        relation = PARTNERSHIP if PARTNERSHIP in self.relations else sorted(self.relations)[0]
        evidence_years = [self.years.get(key) for key in keys]
        per_year = Counter(year for year in evidence_years if year is not None)
        years = sorted(per_year)
        timing = {"first_year": years[0], "last_year": years[-1]} if years else {}
        return {
            "relation": relation,
            "relations": sorted(self.relations),
            "weight": len(keys),
            "partnership_types": sorted(self.types),
            "activities": sorted(self.activities),
            "doc_ids": sorted({d for d, _ in keys}),
            "evidence": [f"[{d}] {self.sentences[(d, s)]}" for d, s in keys],
            "confidence": round(self.confidence, 2),
            "evidence_confidences": [round(self.sentence_confidence[key], 2) for key in keys],
            **timing,
            "years": years,
            "evidence_years": ["" if year is None else year for year in evidence_years],
            "evidence_per_year": [f"{year}: {per_year[year]}" for year in years],
        }


def combined_confidence(confidences: Iterable[float]) -> float:
    """1 - prod(1 - p): the chance that at least one evidence sentence is right, taken as independent.

    >>> round(combined_confidence([0.5, 0.8]), 2), combined_confidence([])
    (0.9, 0.0)
    """
    doubt = 1.0
    for p in confidences:
        doubt *= 1.0 - p
    return 1.0 - doubt


def _note(confidences: dict, key: tuple, confidence: float) -> None:
    """Keep the largest confidence seen for ``key`` (a sentence counts with its most confident fact)."""
    confidences[key] = max(confidences.get(key, 0.0), confidence)


@dataclass
class EntityCounts:
    """What the graph needs of the mentions: how often each entity is mentioned, and in how many documents.

    >>> counts = EntityCounts()
    >>> counts.add({"TUR": 2, "QAT": 1})
    >>> counts.add({"TUR": 1})
    >>> counts.mentions["TUR"], counts.documents["TUR"]
    (3, 2)
    """

    mentions: Counter = field(default_factory=Counter)
    documents: Counter = field(default_factory=Counter)

    def add(self, document_mentions: Mapping[str, int]) -> None:
        """Count one document's mentions per entity id."""
        self.mentions.update(document_mentions)
        self.documents.update(document_mentions.keys())

    @classmethod
    def of(cls, mentions: Iterable[Mention]) -> "EntityCounts":
        """The counts of ``mentions`` (of any documents)."""
        by_document: dict[str, Counter] = defaultdict(Counter)
        for m in mentions:
            by_document[m.doc_id][m.entity] += 1
        counts = cls()
        for document_mentions in by_document.values():
            counts.add(document_mentions)
        return counts


def _entity_nodes(graph: nx.Graph, ids: Iterable[str], counts: EntityCounts, gazetteer: Gazetteer) -> None:
    for entity_id in sorted(set(ids) | set(counts.mentions)):
        graph.add_node(
            entity_id,
            type=gazetteer.type(entity_id),
            label=gazetteer.label(entity_id),
            mentions=counts.mentions.get(entity_id, 0),
            documents=counts.documents.get(entity_id, 0),
        )


def _sentence_years(facts: Iterable[Fact]) -> dict[tuple[str, int], int]:
    """The event year of each evidence sentence ``(doc_id, sentence)`` that has one."""
    years: dict[tuple[str, int], int] = {}
    for fact in facts:
        if fact.year is not None:
            years.setdefault((fact.doc_id, fact.sentence), fact.year)
    return years


def build_graph(
    facts: Iterable[Fact],
    mentions: Iterable[Mention] | EntityCounts,
    gazetteer: Gazetteer | None = None,
    ontology: Ontology | None = None,
) -> nx.Graph:
    """The knowledge graph of a corpus' facts and mentions (the records, or their :class:`EntityCounts`)."""
    gazetteer = gazetteer or load_gazetteer()
    ontology = ontology or load_ontology()
    facts = list(facts)
    counts = mentions if isinstance(mentions, EntityCounts) else EntityCounts.of(mentions)
    graph = nx.Graph()
    pair_edges: dict[tuple[str, str], _Edge] = defaultdict(_Edge)
    # Each concept edge's sentences, with the confidence each counts with.
    concept_edges: dict[tuple[str, str], dict[tuple[str, int], float]] = defaultdict(dict)
    actors: set[str] = set()
    for fact in facts:
        sentence = (fact.doc_id, fact.sentence)
        if fact.relation in (PARTNERSHIP, MEMBERSHIP):
            key = tuple(sorted((fact.source, fact.target)))
            pair_edges[key].add(fact)
            actors |= set(key)
            if fact.relation == PARTNERSHIP:
                for entity_id in key:
                    if fact.activity:
                        _note(concept_edges[(entity_id, activity_node(fact.activity))], sentence, fact.confidence)
                    if fact.partnership_type:
                        _note(concept_edges[(entity_id, type_node(fact.partnership_type))], sentence, fact.confidence)
        if fact.relation == TYPE_ACTIVITY and fact.activity:
            _note(concept_edges[(type_node(fact.source), activity_node(fact.activity))], sentence, fact.confidence)
    # Types and activities stated in one sentence for one pair go together, with
    # the confidence of the pair's most confident fact in that sentence.
    by_sentence: dict[tuple[str, int, str, str], tuple[set, set]] = defaultdict(lambda: (set(), set()))
    pair_confidence: dict[tuple[str, int, str, str], float] = {}
    for fact in facts:
        if fact.relation == PARTNERSHIP:
            a, b = sorted((fact.source, fact.target))
            types, acts = by_sentence[(fact.doc_id, fact.sentence, a, b)]
            if fact.partnership_type:
                types.add(fact.partnership_type)
            if fact.activity:
                acts.add(fact.activity)
            _note(pair_confidence, (fact.doc_id, fact.sentence, a, b), fact.confidence)
    for key, (types, acts) in by_sentence.items():
        for t in types:
            for a in acts:
                _note(concept_edges[(type_node(t), activity_node(a))], key[:2], pair_confidence[key])

    _entity_nodes(graph, actors, counts, gazetteer)
    for kind, concepts, node in (
        (PARTNERSHIP_TYPE_NODE, ontology.partnership_types, type_node),
        (ACTIVITY_NODE, ontology.activities, activity_node),
    ):
        used = {n for edge in concept_edges for n in edge if n.startswith(kind + ":")}
        for concept in concepts.values():
            if node(concept.id) in used:
                graph.add_node(node(concept.id), type=kind, label=concept.label, cameo=concept.cameo)
    for (a, b), edge in sorted(pair_edges.items()):
        graph.add_edge(a, b, **edge.attributes())
    sentence_years = _sentence_years(facts)
    for (a, b), sentences in sorted(concept_edges.items()):
        if not (graph.has_node(a) and graph.has_node(b)):
            continue
        relation = "involves" if a.startswith(PARTNERSHIP_TYPE_NODE + ":") else (
            ACTIVITY_NODE if b.startswith(ACTIVITY_NODE + ":") else PARTNERSHIP_TYPE_NODE
        )
        years = sorted({sentence_years[key] for key in sentences if sentence_years.get(key) is not None})
        timing = {"first_year": years[0], "last_year": years[-1]} if years else {}
        graph.add_edge(
            a, b, relation=relation, relations=[relation], weight=len(sentences),
            confidence=round(combined_confidence(sentences.values()), 2), **timing, years=years,
        )
    return graph


def actor_graph(graph: nx.Graph) -> nx.Graph:
    """The actor network: countries and organisations and the edges between them.

    One weighted edge per partnering pair, with partnership types and activities
    as attributes, and membership edges to organisations: what centrality and
    community detection run on.
    """
    keep = {n for n, d in graph.nodes(data=True) if d.get("type") in ("country", "organization")}
    # Copied in the knowledge graph's order: a subgraph view iterates its node set,
    # whose order changes from run to run with Python's string hashing.
    actors = nx.Graph(**graph.graph)
    actors.add_nodes_from((n, dict(d)) for n, d in graph.nodes(data=True) if n in keep)
    actors.add_edges_from(
        (a, b, dict(d)) for a, b, d in graph.edges(data=True)
        if a in keep and b in keep and d.get("relation") in (PARTNERSHIP, MEMBERSHIP)
    )
    return actors


def add_layout(graph: nx.Graph, seed: int = 42, scale: float = 1000.0) -> nx.Graph:
    """Set ``x``/``y`` on every node from a seeded ForceAtlas2 layout."""
    return set_positions(graph, layout_positions(graph, seed, scale))


def layout_positions(graph: nx.Graph, seed: int = 42, scale: float = 1000.0) -> dict:
    """``{node: (x, y)}`` of a seeded ForceAtlas2 layout, rounded to hundredths, within ``scale``."""
    if graph.number_of_nodes() == 0:
        return {}
    if graph.number_of_nodes() == 1:
        positions = {n: (0.0, 0.0) for n in graph}
    else:
        # Strong gravity keeps disconnected pairs near the centre; with plain
        # gravity they drift far out and rescaling crushes every component
        # into a knot of overlapping nodes.
        positions = nx.forceatlas2_layout(graph, seed=seed, weight="weight", max_iter=200, strong_gravity=True)
        positions = nx.rescale_layout_dict(positions, scale=scale)
    return {node: (round(float(x), 2), round(float(y), 2)) for node, (x, y) in positions.items()}


def set_positions(graph: nx.Graph, positions: dict) -> nx.Graph:
    """Set the ``x``/``y`` node attributes from ``{node: (x, y)}``; return ``graph``."""
    for node, (x, y) in positions.items():
        graph.nodes[node]["x"] = x
        graph.nodes[node]["y"] = y
    return graph


def node_types() -> tuple[str, ...]:
    """Every value the ``type`` node attribute takes."""
    return ("country", "organization", GROUP, PARTNERSHIP_TYPE_NODE, ACTIVITY_NODE)
