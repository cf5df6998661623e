"""The interactive graph page: one self-contained, offline HTML file made with pyvis.

pyvis assembles the nodes and edges (with positions computed in Python and
physics off); the page inlines the vis-network library that ships inside the
pyvis package, so it loads no ``http(s)://`` resource. Corpus text travels as
JSON in a ``<script type="application/json">`` block and is only ever inserted
with ``textContent``, so markup in a document is shown, never executed.
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jinja2
import networkx as nx
from pyvis.network import Network

from kg.export import TYPE_COLOURS, _binary_target, flatten

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


def _script_json(value) -> str:
    """JSON that cannot close the ``<script>`` element it sits in."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True).replace("</", "<\\/").replace("<!--", "<\\!--")


def pyvis_network(graph: nx.Graph) -> Network:
    """A pyvis Network of ``graph`` with positions fixed and physics off."""
    flat = flatten(graph)
    net = Network(height="100vh", width="100%", cdn_resources="in_line")
    net.toggle_physics(False)
    for node, d in flat.nodes(data=True):
        net.add_node(
            node, label=d["label"], x=d["x"], y=d["y"], size=d["size"], color=_hex((d["r"], d["g"], d["b"])),
            type=d.get("type", ""),
        )
    for u, v, d in flat.edges(data=True):
        net.add_edge(u, v, **{k: val for k, val in d.items() if k not in ("label",)})
    return net


def render_html(graph: nx.Graph, title: str = "kg knowledge graph") -> str:
    """The page as a string."""
    net = pyvis_network(graph)
    nodes = [
        {"id": n["id"], "label": n["label"], "type": n["type"], "x": n["x"], "y": n["y"], "size": n["size"], "color": n["color"]}
        for n in net.nodes
    ]
    edges = [
        {
            "source": u, "target": v, "relation": d.get("relation", ""), "weight": d.get("weight", 1),
            "partnership_types": list(d.get("partnership_types", [])), "activities": list(d.get("activities", [])),
            "evidence": list(d.get("evidence", [])),
        }
        for u, v, d in sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))
    ]
    data = {
        "title": title,
        "nodes": nodes,
        "edges": edges,
        "colours": {t: _hex(c) for t, c in TYPE_COLOURS.items()},
    }
    template = jinja2.Template(_TEMPLATE.read_text(encoding="utf-8"), autoescape=True)
    return template.render(
        title=title,
        data_json=jinja2.utils.markupsafe.Markup(_script_json(data)),
        vis_js=jinja2.utils.markupsafe.Markup(_pyvis_asset("vis-network.min.js")),
        vis_css=jinja2.utils.markupsafe.Markup(_pyvis_asset("vis-network.css")),
    )


def write_html(graph: nx.Graph, path_or_file, title: str = "kg knowledge graph") -> None:
    """Write the interactive page for ``graph`` to a path or binary file."""
    with _binary_target(path_or_file) as fh:
        fh.write(render_html(graph, title).encode("utf-8"))
