"""Analyse a build: partnerships, country profiles, centrality, communities, time.

Every function takes the build's tables and graphs, either from
:func:`kg.build` (``result.facts_df``, ``result.mentions_df``, ``result.actors``)
or read back from its outputs (``pd.read_csv("out/facts.csv")``,
``nx.read_graphml("out/actors.graphml")``), and returns a pandas table, so a
notebook cell is one call. An *evidence sentence* is one ``(doc_id, sentence)``:
several facts drawn from one sentence count once.

>>> import pandas as pd
>>> facts = pd.DataFrame([
...     {"doc_id": "d1", "sentence": 0, "relation": "partnership", "source": "TUR", "target": "PAK",
...      "partnership_type": "alliance", "activity": "", "evidence": "Turkey and Pakistan are allies."},
... ])
>>> top_partnerships(facts)[["source", "target", "evidence"]].values.tolist()
[['PAK', 'TUR', 1]]
"""
from __future__ import annotations

import gzip
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import networkx as nx
import numpy as np
import pandas as pd

from kg import export
from kg.records import MEMBERSHIP, PARTNERSHIP

#: Columns of :func:`partnerships`.
PARTNERSHIP_COLUMNS = ["source", "target", "evidence", "documents", "partnership_types", "activities", "confidence"]
#: Columns of :func:`centrality`.
CENTRALITY_COLUMNS = ["id", "label", "type", "degree", "weighted_degree", "betweenness", "eigenvector"]
#: Metadata columns a year is read from, in order of preference (``doc_`` when it clashed with a fact column).
YEAR_COLUMNS = ("year", "doc_year", "date", "doc_date")

Labels = Mapping[str, str] | None


# -- shared helpers ---------------------------------------------------------------------------------


def _relation_rows(facts: pd.DataFrame, relation: str) -> pd.DataFrame:
    """Facts of one relation with empty strings for missing values and an evidence-sentence key.

    Partnership pairs are unordered, so they are put in sorted order (``source`` < ``target``).
    """
    rows = facts[facts["relation"] == relation].copy()
    for column in ("source", "target", "partnership_type", "activity", "evidence"):
        rows[column] = rows[column].fillna("").astype(str) if column in rows else ""
    rows["doc_id"] = rows["doc_id"].astype(str)
    if relation == PARTNERSHIP and not rows.empty:
        first = np.where(rows["source"] <= rows["target"], rows["source"], rows["target"])
        second = np.where(rows["source"] <= rows["target"], rows["target"], rows["source"])
        rows["source"], rows["target"] = first, second
    rows["key"] = list(zip(rows["doc_id"], rows["sentence"].astype(int)))
    return rows


def _values(values: Iterable[str]) -> list[str]:
    """The distinct non-empty values, sorted."""
    return sorted({v for v in values if v})


def _namer(labels: Labels):
    """A function from an id to its label (the id itself without labels)."""
    if not labels:
        return lambda entity: entity
    return lambda entity: labels.get(entity, entity)


def _name_columns(table: pd.DataFrame, labels: Labels, columns: Iterable[str]) -> pd.DataFrame:
    """Replace ids by labels in ``columns`` (id columns or columns of id lists)."""
    if not labels:
        return table
    name = _namer(labels)
    table = table.copy()
    for column in columns:
        table[column] = [[name(v) for v in cell] if isinstance(cell, list) else name(cell) for cell in table[column]]
    return table


def node_labels(source: nx.Graph | pd.DataFrame) -> dict[str, str]:
    """Id → label of every node of a graph, or of a nodes table (``id`` and ``label`` columns)."""
    if isinstance(source, pd.DataFrame):
        return {str(i): str(label) for i, label in zip(source["id"], source["label"]) if isinstance(label, str) and label}
    return {str(n): str(d.get("label") or n) for n, d in source.nodes(data=True)}


# -- partnerships -----------------------------------------------------------------------------------


def partnerships(facts: pd.DataFrame, labels: Labels = None) -> pd.DataFrame:
    """One row per partnering pair: evidence sentences, documents, partnership types, activities.

    Sorted by evidence, most first. With ``labels`` (see :func:`node_labels`) the pair is named.
    """
    rows = _relation_rows(facts, PARTNERSHIP)
    table = pd.DataFrame(
        [
            {
                "source": source,
                "target": target,
                "evidence": group["key"].nunique(),
                "documents": group["doc_id"].nunique(),
                "partnership_types": _values(group["partnership_type"]),
                "activities": _values(group["activity"]),
                "confidence": float(group["confidence"].max()) if "confidence" in group else math.nan,
            }
            for (source, target), group in rows.groupby(["source", "target"], sort=True)
        ],
        columns=PARTNERSHIP_COLUMNS,
    )
    table = table.sort_values(["evidence", "documents"], ascending=False, kind="stable", ignore_index=True)
    return _name_columns(table, labels, ["source", "target"])


def top_partnerships(facts: pd.DataFrame, n: int = 10, labels: Labels = None) -> pd.DataFrame:
    """The ``n`` partnerships with the most evidence sentences (see :func:`partnerships`)."""
    return partnerships(facts, labels).head(n)


def partnership_type_counts(facts: pd.DataFrame) -> pd.DataFrame:
    """Per partnership type: how many pairs have it and in how many evidence sentences, most first."""
    rows = _relation_rows(facts, PARTNERSHIP)
    rows = rows[rows["partnership_type"] != ""]
    table = (
        rows.assign(pair=list(zip(rows["source"], rows["target"])))
        .groupby("partnership_type")
        .agg(pairs=("pair", "nunique"), evidence=("key", "nunique"))
        .sort_values(["evidence", "pairs"], ascending=False, kind="stable")
    )
    return table.astype(int)


def activity_matrix(
    facts: pd.DataFrame, actors: Iterable[str] | None = None, top: int | None = None, labels: Labels = None
) -> pd.DataFrame:
    """Actor × activity: in how many evidence sentences an actor's partnership involves the activity.

    ``actors`` keeps only those rows (e.g. the countries of the nodes table); ``top``
    keeps the actors with the most activity. Rows and columns are sorted by total, most first.
    """
    rows = _relation_rows(facts, PARTNERSHIP)
    rows = rows[rows["activity"] != ""]
    ends = pd.concat([rows.assign(actor=rows["source"]), rows.assign(actor=rows["target"])], ignore_index=True)
    if actors is not None:
        ends = ends[ends["actor"].isin(set(actors))]
    counts = ends.groupby(["actor", "activity"])["key"].nunique()
    matrix = counts.unstack(fill_value=0).astype(int) if not counts.empty else pd.DataFrame(dtype=int)
    matrix = matrix.loc[_by_total(matrix.sum(axis=1)), _by_total(matrix.sum(axis=0))]
    if top is not None:
        matrix = matrix.head(top)
        matrix = matrix.loc[:, matrix.sum(axis=0) > 0]
    matrix.index.name, matrix.columns.name = "actor", "activity"
    if labels:
        matrix.index = [_namer(labels)(a) for a in matrix.index]
        matrix.index.name = "actor"
    return matrix


def _by_total(totals: pd.Series) -> list:
    """Index of ``totals`` sorted by value (most first), then by name."""
    return sorted(totals.index, key=lambda k: (-totals[k], k))


# -- one actor --------------------------------------------------------------------------------------


@dataclass
class Profile:
    """What the corpus says about one actor: partners, activities, memberships, evidence."""

    id: str
    label: str
    partners: pd.DataFrame = field(repr=False)
    activities: pd.DataFrame = field(repr=False)
    memberships: list[str]
    members: list[str]
    evidence: pd.DataFrame = field(repr=False)

    def summary(self) -> str:
        """One paragraph: who the actor partners with, doing what, and what it belongs to."""
        parts = [f"{self.label} ({self.id}): {len(self.partners)} partners in {len(self.evidence)} evidence sentences"]
        if len(self.partners):
            parts.append("most evidence with " + ", ".join(self.partners["partner"].head(3)))
        if len(self.activities):
            parts.append("activities: " + ", ".join(self.activities["activity"]))
        if self.memberships:
            parts.append("member of " + ", ".join(self.memberships))
        if self.members:
            parts.append("members: " + ", ".join(self.members))
        return "; ".join(parts) + "."


def country_profile(facts: pd.DataFrame, actor: str, labels: Labels = None) -> Profile:
    """The :class:`Profile` of ``actor`` (a country or organisation id such as ``"PAK"``).

    Raises ``ValueError`` when no partnership or membership fact names the actor.
    """
    name = _namer(labels)
    pairs = _relation_rows(facts, PARTNERSHIP)
    pairs = pairs[(pairs["source"] == actor) | (pairs["target"] == actor)]
    pairs = pairs.assign(partner=np.where(pairs["source"] == actor, pairs["target"], pairs["source"]))
    member = _relation_rows(facts, MEMBERSHIP)
    member = member[(member["source"] == actor) | (member["target"] == actor)]
    member = member.assign(partner=np.where(member["source"] == actor, member["target"], member["source"]))
    if pairs.empty and member.empty:
        raise ValueError(f"no partnership or membership fact names {actor!r}")

    partners = partnerships(pairs, labels=None)
    partners = partners.assign(partner=np.where(partners["source"] == actor, partners["target"], partners["source"]))
    partners = _name_columns(
        partners[["partner", "evidence", "documents", "partnership_types", "activities"]], labels, ["partner"]
    )
    with_activity = pairs[pairs["activity"] != ""]
    activities = pd.DataFrame(
        [
            {"activity": activity, "evidence": group["key"].nunique(), "partners": [name(p) for p in _values(group["partner"])]}
            for activity, group in with_activity.groupby("activity", sort=True)
        ],
        columns=["activity", "evidence", "partners"],
    ).sort_values("evidence", ascending=False, kind="stable", ignore_index=True)
    both = pd.concat([pairs, member], ignore_index=True)
    evidence = pd.DataFrame(
        [
            {
                "doc_id": doc_id,
                "sentence": sentence,
                "relations": _values(group["relation"]),
                "with": [name(p) for p in _values(group["partner"])],
                "evidence": group["evidence"].iloc[0],
            }
            for (doc_id, sentence), group in both.groupby(["doc_id", "sentence"], sort=True)
        ],
        columns=["doc_id", "sentence", "relations", "with", "evidence"],
    )
    return Profile(
        id=actor,
        label=name(actor),
        partners=partners,
        activities=activities,
        memberships=[name(o) for o in _values(member.loc[member["source"] == actor, "target"])],
        members=[name(m) for m in _values(member.loc[member["target"] == actor, "source"])],
        evidence=evidence,
    )


# -- the actor network ------------------------------------------------------------------------------


def centrality(graph: nx.Graph, weight: str = "weight") -> pd.DataFrame:
    """Degree, weighted degree, betweenness and eigenvector centrality of every node, most central first.

    Weighted degree sums the edges' ``weight`` (evidence sentences); betweenness counts
    hops (a weight is a strength, not a distance); eigenvector centrality is weighted.
    """
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(columns=CENTRALITY_COLUMNS)
    weighted = dict(graph.degree(weight=weight))
    betweenness = nx.betweenness_centrality(graph, weight=None)
    # Power iteration on A + I (NetworkX's) converges on bipartite and disconnected graphs too.
    eigenvector = nx.eigenvector_centrality(graph, max_iter=10_000, tol=1e-9, weight=weight)
    table = pd.DataFrame(
        [
            {
                "id": str(node),
                "label": str(data.get("label") or node),
                "type": str(data.get("type", "")),
                "degree": graph.degree(node),
                "weighted_degree": float(weighted[node]),
                "betweenness": round(betweenness[node], 4),
                "eigenvector": round(eigenvector[node], 4),
            }
            for node, data in graph.nodes(data=True)
        ],
        columns=CENTRALITY_COLUMNS,
    )
    return table.sort_values(
        ["weighted_degree", "degree", "eigenvector", "id"], ascending=[False, False, False, True], ignore_index=True
    )


def communities(graph: nx.Graph, seed: int = 42, resolution: float = 1.0, weight: str = "weight") -> pd.DataFrame:
    """Louvain communities (seeded, so the same graph gives the same communities), largest first.

    One row per community: ``community`` (0 is the largest), ``size``, ``members`` (ids)
    and ``labels``; ``internal_weight`` sums the weights of the edges inside it.
    """
    found = nx.community.louvain_communities(graph, weight=weight, resolution=resolution, seed=seed)
    ordered = sorted((sorted(map(str, c)) for c in found), key=lambda members: (-len(members), members))
    ids = {str(n): n for n in graph}
    rows = []
    for number, members in enumerate(ordered):
        inside = graph.subgraph(ids[m] for m in members)
        rows.append(
            {
                "community": number,
                "size": len(members),
                "members": members,
                "labels": [str(graph.nodes[ids[m]].get("label") or m) for m in members],
                "internal_weight": float(inside.size(weight=weight)),
            }
        )
    return pd.DataFrame(rows, columns=["community", "size", "members", "labels", "internal_weight"])


def ego_network(graph: nx.Graph, center: str, radius: int = 1) -> nx.Graph:
    """The actors within ``radius`` edges of ``center``, with the edges among them."""
    if center not in graph:
        raise ValueError(f"{center!r} is not a node of the graph")
    return nx.ego_graph(graph, center, radius=radius)


def save_ego_network(graph: nx.Graph, center: str, path: str | Path, radius: int = 1) -> nx.Graph:
    """Write the ego network of ``center`` as GraphML for Gephi (labelled, coloured, laid out); return it."""
    ego = ego_network(graph, center, radius)
    export.write_graphml(ego, Path(path))
    return ego


# -- time -------------------------------------------------------------------------------------------


def fact_years(facts: pd.DataFrame) -> pd.Series:
    """The year of each fact, from its ``year`` or else ``date`` column (``<NA>`` when missing).

    A build's facts carry the event's year (the one the sentence states, else
    the document's: see :mod:`kg.dates`); a table without it falls back to
    document metadata (``doc_year``, ``doc_date``).

    A date gives the first four-digit number in it (``2019-05-01``, ``May 2019``).
    Raises ``ValueError`` when the table has neither column.
    """
    for column in YEAR_COLUMNS:
        if column in facts:
            years = facts[column].astype("string").str.extract(r"(\d{4})", expand=False)
            return pd.to_numeric(years, errors="coerce").astype("Int64").rename("year")
    raise ValueError("the facts have no year or date column: build from JSONL documents with a `year` or `date` key")


def has_years(facts: pd.DataFrame) -> bool:
    """Whether any fact's document carries a year or a date."""
    try:
        return bool(fact_years(facts).notna().any())
    except ValueError:
        return False


def _dated_pairs(facts: pd.DataFrame) -> pd.DataFrame:
    rows = _relation_rows(facts, PARTNERSHIP)
    rows = rows.assign(year=fact_years(rows) if len(rows) else pd.Series(dtype="Int64"))
    rows = rows[rows["year"].notna()]
    return rows.assign(year=rows["year"].astype(int), pair=list(zip(rows["source"], rows["target"])))


def partnerships_per_year(facts: pd.DataFrame) -> pd.DataFrame:
    """Per year (every year from the first to the last): partnering pairs, evidence sentences, documents."""
    rows = _dated_pairs(facts)
    table = rows.groupby("year").agg(pairs=("pair", "nunique"), evidence=("key", "nunique"), documents=("doc_id", "nunique"))
    if len(table):
        table = table.reindex(range(table.index.min(), table.index.max() + 1), fill_value=0)
    table.index.name = "year"
    return table.astype(int)


def yearly_counts(facts: pd.DataFrame, by: str = "partnership_type") -> pd.DataFrame:
    """Partnering pairs per year (rows, every year from the first to the last) and per
    ``by`` value (columns): ``partnership_type`` or ``activity``.

    >>> facts = pd.DataFrame([
    ...     {"doc_id": "a", "sentence": 0, "relation": "partnership", "source": "TUR", "target": "PAK",
    ...      "partnership_type": "alliance", "activity": "", "year": 2001},
    ...     {"doc_id": "b", "sentence": 0, "relation": "partnership", "source": "QAT", "target": "TUR",
    ...      "partnership_type": "alliance", "activity": "", "year": 2003},
    ... ])
    >>> yearly_counts(facts)["alliance"].to_dict()
    {2001: 1, 2002: 0, 2003: 1}
    """
    if by not in ("partnership_type", "activity"):
        raise ValueError(f"by must be 'partnership_type' or 'activity', not {by!r}")
    rows = _dated_pairs(facts)
    rows = rows[rows[by] != ""]
    table = rows.groupby(["year", by])["pair"].nunique().unstack(fill_value=0)
    if len(table):
        table = table.reindex(range(table.index.min(), table.index.max() + 1), fill_value=0)
    table.index.name, table.columns.name = "year", by
    return table.astype(int)


def pair_years(facts: pd.DataFrame, labels: Labels = None) -> pd.DataFrame:
    """Per partnering pair: first and last year it is attested, in how many years
    (``years``) and which (``years_active``), with how much evidence."""
    rows = _dated_pairs(facts)
    table = pd.DataFrame(
        [
            {
                "source": source,
                "target": target,
                "first_year": int(group["year"].min()),
                "last_year": int(group["year"].max()),
                "years": group["year"].nunique(),
                "years_active": sorted(int(y) for y in group["year"].unique()),
                "evidence": group["key"].nunique(),
            }
            for (source, target), group in rows.groupby(["source", "target"], sort=True)
        ],
        columns=["source", "target", "first_year", "last_year", "years", "years_active", "evidence"],
    )
    table = table.sort_values(["years", "evidence"], ascending=False, kind="stable", ignore_index=True)
    return _name_columns(table, labels, ["source", "target"])


def pair_turnover(facts: pd.DataFrame, period: int = 1) -> pd.DataFrame:
    """Per period of ``period`` years (every one from the first to the last): the pairs
    attested in it (``active``), those attested for the first time (``new``), those
    attested in the period before and not in this one (``lapsed``), and those in both
    (``continuing``). A period is named by its first year (``period=10``: decades).

    >>> facts = pd.DataFrame([
    ...     {"doc_id": "a", "sentence": 0, "relation": "partnership", "source": "PAK", "target": "TUR", "year": 2001},
    ...     {"doc_id": "b", "sentence": 0, "relation": "partnership", "source": "QAT", "target": "TUR", "year": 2002},
    ...     {"doc_id": "c", "sentence": 0, "relation": "partnership", "source": "QAT", "target": "TUR", "year": 2003},
    ... ])
    >>> pair_turnover(facts).to_dict("index")[2002]
    {'active': 1, 'new': 1, 'lapsed': 1, 'continuing': 0}
    """
    if period < 1:
        raise ValueError(f"period must be at least 1 year, not {period}")
    rows = _dated_pairs(facts)
    columns = ["active", "new", "lapsed", "continuing"]
    if rows.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="period"), dtype=int)
    rows = rows.assign(period=rows["year"] // period * period)
    pairs_in = rows.groupby("period")["pair"].agg(set)
    seen: set = set()
    previous: set = set()
    records = {}
    for start in range(int(pairs_in.index.min()), int(pairs_in.index.max()) + 1, period):
        active = pairs_in.get(start, set())
        records[start] = {"active": len(active), "new": len(active - seen), "lapsed": len(previous - active),
                          "continuing": len(active & previous)}
        seen |= active
        previous = active
    table = pd.DataFrame.from_dict(records, orient="index", columns=columns)
    table.index.name = "period"
    return table.astype(int)


def dyad_years(facts: pd.DataFrame, labels: Labels = None) -> pd.DataFrame:
    """One row per partnering pair and year it is attested, in the shape of the
    peacesciencer/ATOP dyad-year panels: ``source``, ``target`` (``source`` <
    ``target``: undirected), ``year``, the evidence sentences and documents of that
    year, its partnership types and activities, and a 0/1 column per partnership
    type (``type_<id>``) for panel regressions.

    >>> facts = pd.DataFrame([
    ...     {"doc_id": "a", "sentence": 0, "relation": "partnership", "source": "TUR", "target": "PAK",
    ...      "partnership_type": "alliance", "activity": "", "year": 2001},
    ...     {"doc_id": "b", "sentence": 0, "relation": "partnership", "source": "PAK", "target": "TUR",
    ...      "partnership_type": "", "activity": "joint_exercises", "year": 2002},
    ... ])
    >>> dyad_years(facts)[["source", "target", "year", "activities", "type_alliance"]].values.tolist()
    [['PAK', 'TUR', 2001, [], 1], ['PAK', 'TUR', 2002, ['joint_exercises'], 0]]
    """
    rows = _dated_pairs(facts)
    types = _values(rows["partnership_type"]) if len(rows) else []
    records = []
    for (source, target, year), group in rows.groupby(["source", "target", "year"], sort=True):
        found = set(group["partnership_type"])
        records.append({
            "source": source,
            "target": target,
            "year": int(year),
            "evidence": group["key"].nunique(),
            "documents": group["doc_id"].nunique(),
            "partnership_types": _values(group["partnership_type"]),
            "activities": _values(group["activity"]),
            **{f"type_{t}": int(t in found) for t in types},
        })
    columns = ["source", "target", "year", "evidence", "documents", "partnership_types", "activities"]
    table = pd.DataFrame(records, columns=columns + [f"type_{t}" for t in types])
    return _name_columns(table, labels, ["source", "target"])


# -- corpus -----------------------------------------------------------------------------------------


def corpus_overview(
    facts: pd.DataFrame, mentions: pd.DataFrame, actors: nx.Graph, documents: int | None = None
) -> pd.Series:
    """The corpus in numbers: documents, mentions, entities, facts by relation, pairs, actor network size.

    ``documents`` defaults to the documents with at least one mention or fact.
    """
    if documents is None:
        documents = len(set(facts["doc_id"].astype(str)) | set(mentions["doc_id"].astype(str)))
    relations = facts["relation"].value_counts()
    return pd.Series(
        {
            "documents": documents,
            "entity mentions": len(mentions),
            "distinct entities": mentions["entity"].nunique(),
            "partnership facts": int(relations.get(PARTNERSHIP, 0)),
            "membership facts": int(relations.get(MEMBERSHIP, 0)),
            "partnering pairs": len(partnerships(facts)),
            "actors in the network": actors.number_of_nodes(),
            "edges in the network": actors.number_of_edges(),
        },
        name="count",
    )


def sample_jsonl(source: str | Path, dest: str | Path, n: int) -> int:
    """Write ``n`` lines of a JSONL file (``.gz`` too) spread evenly over it to ``dest``; return how many.

    Deterministic: the same file gives the same sample. A corpus ordered by year
    (like the UN General Debates) gives a sample spread across its years.
    """
    source = Path(source)

    def lines():
        opener = gzip.open if source.suffix == ".gz" else open
        with opener(source, "rt", encoding="utf-8") as fh:
            yield from (line for line in fh if line.strip())

    total = sum(1 for _ in lines())
    picked = {i * total // n for i in range(n)} if n < total else set(range(total))
    Path(dest).parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "w", encoding="utf-8") as out:
        chosen = [line for i, line in enumerate(lines()) if i in picked]
        out.writelines(line if line.endswith("\n") else line + "\n" for line in chosen)
    return len(chosen)
