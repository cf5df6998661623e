"""The interactive graph page: one self-contained, offline HTML file made with pyvis.

pyvis assembles the vis-network nodes and edges (positions computed in Python,
physics off); the page inlines the vis-network library that ships inside the
pyvis package and no other library (no Bootstrap, no CDN), so it loads no
``http(s)://`` resource. Corpus text travels as JSON in a
``<script type="application/json">`` block and is only ever inserted with
``textContent``, so markup in a document is shown, never executed.

The page (``kg/templates/graph.html``) adds the reading aids: a legend of node
types that doubles as a filter, filters by partnership type and activity, a
minimum-evidence slider, a minimum-confidence slider (when any edge has a
confidence), a year range (when any evidence is dated) that keeps the edges
with evidence in those years, a search box, and a side panel with an edge's
confidence and evidence sentences (each with its own confidence, by year when
they are dated), or a node's partners and memberships. The filters combine: an
edge shows when it passes every one. The confidence slider compares the edge's
own ``confidence`` (all its evidence, whatever the year range), as the evidence
slider compares its whole ``weight``; an edge with no confidence is never
hidden by it.

>>> import networkx as nx
>>> g = nx.Graph(); g.add_edge("PAK", "TUR", relation="partnership", weight=1, evidence=["[d1] Both drilled."], doc_ids=["d1"])
>>> page = render_html(g, title="demo")
>>> "http://" in page or "https://" in page
False
"""
from __future__ import annotations

import json
import math
import re
from importlib import resources

import jinja2
import networkx as nx
from markupsafe import Markup
from pyvis.edge import Edge
from pyvis.network import Network

from kg.export import TYPE_COLOURS, binary_target, flat_nodes

_TEMPLATE = resources.files("kg") / "templates" / "graph.html"


def _pyvis_asset(name: str) -> str:
    """A vis-network file shipped with pyvis, with no literal URL left in it.

    The library names URLs only in licence comments and string constants (the
    SVG namespace); ``:\\/\\/`` reads the same in JavaScript strings, regular
    expressions and comments, so behaviour is unchanged and nothing in the page
    even looks like a network resource.
    """
    text = (resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")
    return text.replace("://", ":\\/\\/")


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#%02x%02x%02x" % rgb


#: C1 controls, which JSON leaves as they are: escaped, the page's source shown in a terminal runs none.
_C1 = re.compile("[\x7f-\x9f]")


def _script_json(value) -> str:
    """JSON that cannot close the ``<script>`` element it sits in, with no raw control character."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True).replace("</", "<\\/").replace("<!--", "<\\!--")
    return _C1.sub(lambda m: "\\u%04x" % ord(m.group()), text)


def split_evidence(evidence: list[str], doc_ids: list[str]) -> list[list[str]]:
    """``[doc_id, sentence]`` pairs from the graph's ``"[doc_id] sentence"`` strings.

    The document id is matched against the edge's own ``doc_ids`` (longest
    first), so an id that itself contains ``"] "`` still splits right.

    >>> split_evidence(["[a] b] Text."], ["a", "a] b"])
    [['a] b', 'Text.']]
    """
    prefixes = [(d, f"[{d}] ") for d in sorted(doc_ids, key=len, reverse=True)]
    pairs = []
    for item in evidence:
        doc_id = next((d for d, prefix in prefixes if item.startswith(prefix)), None)
        pairs.append([doc_id, item[len(doc_id) + 3 :]] if doc_id is not None else ["", item])
    return pairs


def _list(value) -> list:
    return [str(v) for v in value] if isinstance(value, (list, tuple, set, frozenset)) else []


def _years(value, keep_empty: bool = False) -> list:
    """The years of a list attribute as ints; an undated entry is ``None`` with ``keep_empty``, else left out.

    >>> _years([2003, "", 2005], keep_empty=True), _years(None)
    ([2003, None, 2005], [])
    """
    if not isinstance(value, (list, tuple)):
        return []
    years = [int(v) if isinstance(v, int) else None for v in value]
    return years if keep_empty else [y for y in years if y is not None]


def _confidence(value) -> float | None:
    """A confidence as a float, or ``None`` when ``value`` is not a finite number (JSON has no NaN).

    >>> _confidence(0.85), _confidence(1), _confidence(""), _confidence(True), _confidence(float("nan"))
    (0.85, 1.0, None, None, None)
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _confidences(value, count: int) -> list:
    """The confidence of each of ``count`` evidence sentences (``None`` where unknown).

    >>> _confidences([0.9, "x"], 2), _confidences(None, 2), _confidences([0.9], 2)
    ([0.9, None], [None, None], [None, None])
    """
    if not isinstance(value, (list, tuple)) or len(value) != count:
        return [None] * count
    return [_confidence(v) for v in value]


def year_range(graph: nx.Graph) -> list[int]:
    """``[first, last]`` year of the graph's dated edges, or ``[]`` when none is dated.

    >>> g = nx.Graph(); g.add_edge("PAK", "TUR", years=[2003, 2005]); g.add_edge("QAT", "TUR", years=[2001])
    >>> year_range(g)
    [2001, 2005]
    """
    years = [y for _, _, d in graph.edges(data=True) for y in _years(d.get("years"))]
    return [min(years), max(years)] if years else []


def pyvis_network(graph: nx.Graph) -> Network:
    """A pyvis Network of ``graph``: Gephi's layout and colours, physics off.

    Node ``value`` is the size by weighted degree and edge ``value`` the
    evidence count, so vis-network scales both. ``y`` is negated because
    screens count down and Gephi counts up: the page shows the picture Gephi
    shows. Extra fields (``type``, ``evidence``…) ride along for the page.
    """
    flat = flat_nodes(graph, xml=False)
    net = Network(height="100vh", width="100%", cdn_resources="in_line")
    net.toggle_physics(False)
    for node, d in flat.nodes(data=True):
        net.add_node(
            node, label=d["label"], x=d["x"], y=-d["y"], value=d["size"], color=_hex((d["r"], d["g"], d["b"])),
            type=d.get("type", ""), title=f"{d['label']} ({d.get('type', '')})",
        )
    # Network.add_edge scans every edge to drop duplicates (quadratic); an
    # nx.Graph has none, so edges go in through pyvis' Edge directly.
    for index, (u, v, d) in enumerate(sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))):
        weight = int(d.get("weight", 1) or 1)
        relation = str(d.get("relation", "") or "")
        confidence = _confidence(d.get("confidence"))
        evidence = split_evidence(_list(d.get("evidence")), _list(d.get("doc_ids")))
        net.edges.append(Edge(
            str(u), str(v), False, id=index, value=weight, relation=relation, weight=weight,
            title=f"{relation}, {weight} sentence{'s' if weight != 1 else ''}"
            + ("" if confidence is None else f", confidence {confidence:.2f}"),
            partnership_types=_list(d.get("partnership_types")), activities=_list(d.get("activities")),
            evidence=evidence, confidence=confidence,
            evidence_confidences=_confidences(d.get("evidence_confidences"), len(evidence)),
            years=_years(d.get("years")), evidence_years=_years(d.get("evidence_years"), keep_empty=True),
        ).options)
    return net


def _concept_labels(graph: nx.Graph, kind: str) -> list[list[str]]:
    """``[id, label]`` of the partnership types (or activities) the edges carry."""
    key = "partnership_types" if kind == "partnership_type" else "activities"
    used = sorted({str(v) for _, _, d in graph.edges(data=True) for v in _list(d.get(key))})
    labels = []
    for concept in used:
        node = graph.nodes.get(f"{kind}:{concept}", {})
        labels.append([concept, str(node.get("label") or concept.replace("_", " "))])
    return labels


def page_data(graph: nx.Graph, title: str = "kg knowledge graph") -> dict:
    """Everything the page shows, as JSON-ready data."""
    net = pyvis_network(graph)
    present = {n["type"] for n in net.nodes}
    documents = {doc for e in net.edges for doc, _ in e["evidence"] if doc}
    return {
        "title": title,
        "counts": {"nodes": len(net.nodes), "edges": len(net.edges), "documents": len(documents)},
        "nodes": net.nodes,
        "edges": net.edges,
        "types": [[t, _hex(c)] for t, c in TYPE_COLOURS.items() if t in present]
        + [[t, "#7f7f7f"] for t in sorted(present - set(TYPE_COLOURS))],
        "partnership_types": _concept_labels(graph, "partnership_type"),
        "activities": _concept_labels(graph, "activity"),
        "years": year_range(graph),
    }


def render_html(graph: nx.Graph, title: str = "kg knowledge graph") -> str:
    """The page for ``graph`` as a string."""
    template = jinja2.Template(_TEMPLATE.read_text(encoding="utf-8"), autoescape=True)
    return template.render(
        title=title,
        data_json=Markup(_script_json(page_data(graph, title))),
        vis_js=Markup(_pyvis_asset("vis-network.min.js")),
        vis_css=Markup(_pyvis_asset("vis-network.css")),
    )


def write_html(graph: nx.Graph, path_or_file, title: str = "kg knowledge graph") -> None:
    """Write the interactive page for ``graph`` to a path or binary file."""
    with binary_target(path_or_file) as fh:
        fh.write(render_html(graph, title).encode("utf-8"))
