"""Write a build's tables and graphs: CSV, GraphML and GEXF for Gephi.

Export is where types are flattened: lists become ``"; "``-joined strings,
missing values become ``""`` (or ``0``), and Gephi's reserved attributes are
added (node ``label``, ``x``, ``y``, ``size``, ``r``, ``g``, ``b``; edge
``label``, ``weight``), so a file opens in Gephi labelled, coloured by type,
sized by degree and laid out. Every writer takes a path or an open binary file,
like ``networkx.write_graphml``; paths are written atomically.

>>> import io, networkx as nx
>>> g = nx.Graph(); g.add_node("PAK", type="country", label="Pakistan", x=0.0, y=0.0)
>>> buf = io.BytesIO(); write_graphml(g, buf); b'Pakistan' in buf.getvalue()
True
"""
from __future__ import annotations

import contextlib
import csv
import io
import itertools
import re
from typing import IO, Callable, Iterable, Iterator, Sequence

import networkx as nx
import numpy as np
from networkx.readwrite.gexf import GEXF, GEXFWriter
from networkx.readwrite.graphml import GraphML

from kg.outputs import atomic_open

LIST_SEPARATOR = "; "

#: Node colours by ``type`` (r, g, b), shared by GraphML, GEXF and HTML.
TYPE_COLOURS: dict[str, tuple[int, int, int]] = {
    "country": (31, 119, 180),
    "organization": (255, 127, 14),
    "group": (148, 103, 189),
    "partnership_type": (44, 160, 44),
    "activity": (214, 39, 40),
}
DEFAULT_COLOUR = (127, 127, 127)

# Characters XML 1.0 forbids; GraphML/GEXF would not parse with them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without characters that XML 1.0 forbids.

    >>> xml_safe("a\\x00b")
    'ab'
    """
    return _XML_ILLEGAL.sub("", text)


@contextlib.contextmanager
def _binary_target(path_or_file) -> Iterator[IO[bytes]]:
    if hasattr(path_or_file, "write"):
        yield path_or_file
    else:
        with atomic_open(path_or_file, "wb") as fh:
            yield fh


def write_table(columns: Sequence[str], rows: Iterable[Sequence], path_or_file) -> None:
    """Write CSV: a header of ``columns``, then ``rows`` of values in the columns' order."""
    if hasattr(path_or_file, "write"):
        # CRLF rows (RFC 4180): with a "\n" terminator the csv module leaves a
        # lone "\r" in a field unquoted, and every reader splits the row there.
        writer = csv.writer(path_or_file, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return
    with atomic_open(path_or_file, "w", encoding="utf-8", newline="") as fh:
        write_table(columns, rows, fh)


def csv_lines(rows: Iterable[Sequence]) -> str:
    """``rows`` as the CSV lines :func:`write_table` writes for them, each ended by ``\\r\\n``.

    >>> csv_lines([("PAK", "country", "Pakistan, again", 3, 11)])
    'PAK,country,"Pakistan, again",3,11\\r\\n'
    """
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def write_csv(rows: Iterable[dict], columns: Sequence[str], path_or_file) -> None:
    """Write dict rows as CSV with the given columns (missing values empty, other keys left out)."""
    write_table(columns, ([row.get(column, "") for column in columns] for row in rows), path_or_file)


def _scalar(value, clean: Callable[[str], str]):
    """``value`` as a bool, number or ``clean``-ed string."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return clean(LIST_SEPARATOR.join(map(str, items)))
    if isinstance(value, (bool, int, float)):
        return value
    return clean(str(value))


def _uniform(items: list[dict]) -> None:
    """Give every attribute one type across items and fill missing values."""
    kinds: dict[str, type] = {}
    for attrs in items:
        for key, value in attrs.items():
            kind = type(value)
            prev = kinds.get(key)
            if prev is None:
                kinds[key] = kind
            elif prev is not kind:
                kinds[key] = float if {prev, kind} <= {int, float} else str
    defaults = {bool: False, int: 0, float: 0.0, str: ""}
    for attrs in items:
        for key, kind in kinds.items():
            value = attrs.get(key, defaults[kind])
            attrs[key] = value if type(value) is kind else (kind(value) if kind is not str else str(value))


def flatten(graph: nx.Graph, xml: bool = True, edges: list | None = None) -> nx.Graph:
    """A copy of ``graph`` with scalar attributes and Gephi's reserved names.

    Lists are joined with ``"; "``; every attribute has one type on all nodes
    (and on all edges); nodes get ``label``, ``x``, ``y``, ``size`` (by weighted
    degree) and ``r``/``g``/``b`` (by type); edges get ``label`` and ``weight``.
    ``xml``: leave out the characters XML forbids. ``edges``: the graph's
    :func:`flat_edges` made before, for the same ``xml``.
    """
    flat = flat_nodes(graph, xml)
    flat.add_edges_from(flat_edges(graph, xml) if edges is None else edges)
    return flat


def flat_nodes(graph: nx.Graph, xml: bool = True) -> nx.Graph:
    """The nodes of :func:`flatten`'s copy of ``graph``, without its edges."""
    clean = xml_safe if xml else _unchanged
    strength = dict(graph.degree(weight="weight"))
    top = max(strength.values(), default=0) or 1
    nodes = []
    for node, data in graph.nodes(data=True):
        attrs = {k: _scalar(v, clean) for k, v in data.items()}
        r, g, b = TYPE_COLOURS.get(str(data.get("type")), DEFAULT_COLOUR)
        attrs.update(
            label=clean(str(data.get("label") or node)),
            x=float(data.get("x", 0.0)),
            y=float(data.get("y", 0.0)),
            size=round(10.0 + 40.0 * (strength.get(node, 0) / top) ** 0.5, 2),
            r=r, g=g, b=b,
        )
        nodes.append((clean(str(node)), attrs))
    _uniform([a for _, a in nodes])
    flat = nx.Graph()
    flat.add_nodes_from(nodes)
    return flat


def flat_edges(graph: nx.Graph, xml: bool = True) -> list[tuple[str, str, dict]]:
    """The edges of :func:`flatten`'s copy of ``graph``: ``(u, v, attributes)``.

    They do not depend on the layout, so a build makes them while the layout is
    computed and hands them to every writer of the same graph (``edges=``).
    """
    clean = xml_safe if xml else _unchanged
    edges = []
    for u, v, data in graph.edges(data=True):
        attrs = {k: _scalar(val, clean) for k, val in data.items()}
        attrs["weight"] = float(data.get("weight", 1))
        attrs["label"] = clean(str(data.get("relation", "")))
        edges.append((clean(str(u)), clean(str(v)), attrs))
    _uniform([a for _, _, a in edges])
    return edges


def _unchanged(text: str) -> str:
    return text


#: Attributes Gephi reads as a node's colour: GraphML ``int`` in 0-255.
COLOUR_KEYS = ("r", "g", "b")
#: Attributes GEXF carries in ``viz:`` elements rather than as columns.
VIZ_KEYS = ("x", "y", "size", *COLOUR_KEYS)


def write_graphml(graph: nx.Graph, path_or_file, edges: list | None = None) -> None:
    """Write ``graph`` as GraphML that Gephi, igraph and graphology read.

    Keys are ``d0``, ``d1``… with ``attr.name`` (Gephi and igraph read names
    there); colours are declared ``int`` (networkx writes Python ints as
    ``long``; ``numpy.int32`` is its spelling for ``int``). The text is what
    ``networkx.write_graphml`` writes (:func:`_graphml_text`). ``edges``: the
    graph's :func:`flat_edges`, if made before.
    """
    flat = flatten(graph, edges=edges)
    for _, attrs in flat.nodes(data=True):
        for key in COLOUR_KEYS:
            attrs[key] = np.int32(attrs[key])
    with _binary_target(path_or_file) as fh:
        fh.write(_graphml_text(flat).encode("utf-8"))


# networkx's tables of value types by XML type name, and its GEXF 1.2 names.
_GRAPHML = GraphML()
_GRAPHML.construct_types()
_GEXF = GEXF()
_GEXF.construct_types()
_GEXF.set_version("1.2draft")

#: Escapes of text and of attribute values as libxml2 (lxml: networkx's GraphML writer) writes them.
_LXML_TEXT = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
_LXML_ATTRIBUTE = (*_LXML_TEXT, ('"', "&quot;"), ("\t", "&#9;"), ("\n", "&#10;"))
#: The same as ElementTree (networkx's GEXF writer) writes them.
_ET_ATTRIBUTE = (*_LXML_TEXT, ('"', "&quot;"), ("\t", "&#09;"), ("\n", "&#10;"))


def _escape(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    """``text`` with each character of ``escapes`` (``&`` first) replaced by its entity."""
    for char, entity in escapes:
        if char in text:  # most values need none: a scan is cheaper than a replace
            text = text.replace(char, entity)
    return text


def _graphml_text(flat: nx.Graph) -> str:
    """The GraphML that ``networkx.write_graphml`` (with lxml) writes for ``flat``, made as one string.

    ``flat`` is an undirected graph of scalar attributes without graph
    attributes, as :func:`flatten` makes. networkx makes an lxml element of
    every value (tens of thousands in a corpus' graph); this writes the same
    text directly: keys numbered in the order first used and listed last
    first, values as ``str`` with libxml2's escapes.
    """
    keys: dict[tuple[str, str, str], str] = {}  # (name, GraphML type, for) -> key id

    def element(tag: str, identity: str, scope: str, data: dict) -> str:
        values = []
        for name, value in data.items():
            key = (str(name), _GRAPHML.get_xml_type(type(value)), scope)
            if key not in keys:
                keys[key] = f"d{len(keys)}"
            values.append(f'  <data key="{keys[key]}">{_escape(str(value), _LXML_TEXT)}</data>\n')
        return f"<{tag} {identity}>\n{''.join(values)}</{tag}>\n" if values else f"<{tag} {identity}/>\n"

    def attribute(value) -> str:
        return _escape(str(value), _LXML_ATTRIBUTE)

    body = [element("node", f'id="{attribute(n)}"', "node", d) for n, d in flat.nodes(data=True)]
    body += [element("edge", f'source="{attribute(u)}" target="{attribute(v)}"', "edge", d) for u, v, d in flat.edges(data=True)]
    declarations = [
        f'<key id="{key_id}" for="{scope}" attr.name="{attribute(name)}" attr.type="{kind}"/>\n'
        for (name, kind, scope), key_id in reversed(keys.items())
    ]
    return (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        f'<graphml xmlns="{_GRAPHML.NS_GRAPHML}" xmlns:xsi="{_GRAPHML.NS_XSI}" xsi:schemaLocation="{_GRAPHML.SCHEMALOCATION}">'
        f'{"".join(declarations)}<graph edgedefault="undirected">{"".join(body)}</graph></graphml>'
    )


def write_gexf(graph: nx.Graph, path_or_file, edges: list | None = None) -> None:
    """Write ``graph`` as GEXF 1.2 with ``viz`` colour, size and position.

    Position, size and colour travel only in ``viz:`` elements (where Gephi
    and graphology read them), not again as attribute columns. The file is the
    same for the same graph on any day: networkx's ``lastmodifieddate`` (today)
    is left out. ``edges``: the graph's :func:`flat_edges`, if made before.
    """
    flat = flatten(graph, edges=edges)
    for _, attrs in flat.nodes(data=True):
        viz = {key: attrs.pop(key) for key in VIZ_KEYS}
        attrs["viz"] = {
            "color": {"r": viz["r"], "g": viz["g"], "b": viz["b"], "a": 1.0},
            "size": viz["size"],
            "position": {"x": viz["x"], "y": viz["y"], "z": 0.0},
        }
    text = _gexf_text(flat)
    with _binary_target(path_or_file) as fh:
        if text is not None:
            fh.write(text.encode("utf-8", "xmlcharrefreplace"))  # ElementTree's encoding errors
            return
        writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
        meta = writer.xml.find("meta")
        del meta.attrib["lastmodifieddate"]
        meta.find("creator").text = GEXF_CREATOR
        writer.add_graph(flat)
        writer.write(fh)


GEXF_CREATOR = "kg"
#: Node and edge data that networkx's GEXF writer turns into more than an attribute
#: column (ids, parents, time spells, edge types...): :func:`_gexf_text` leaves such
#: graphs to it. Node ``label`` and ``viz``, edge ``label`` and ``weight`` it writes.
_GEXF_NODE_FIELDS = frozenset({"id", "pid", "start", "end", "parents", "spells", "key"})
_GEXF_EDGE_FIELDS = frozenset({"id", "type", "start", "end", "spells", "viz", "key"})


def _gexf_text(flat: nx.Graph) -> str | None:
    """The GEXF 1.2 that networkx's ``GEXFWriter`` writes for ``flat`` (with kg's
    ``meta``), made as one string; None for a graph with data networkx writes in
    its own ways (:data:`_GEXF_NODE_FIELDS`, lists, other ``viz``).

    ``flat`` is an undirected graph of scalar attributes without graph
    attributes, as :func:`flatten` makes, with ``viz`` dicts of ``color``,
    ``size`` and ``position``. networkx builds an ElementTree element of every
    value and serialises the tree in Python; this writes the same text, indented
    the same way, directly.
    """
    declared: dict[str, dict[str, tuple[str, str]]] = {"node": {}, "edge": {}}  # class -> title -> (id, type)
    attribute_ids = itertools.count()
    nodes, edges, viz_used = [], [], False
    for node, data in flat.nodes(data=True):
        data = dict(data)
        label, viz = data.pop("label", node), data.pop("viz", None) or {}
        if _GEXF_NODE_FIELDS & data.keys() or not isinstance(viz, dict) or not viz.keys() <= {"color", "size", "position"}:
            return None
        parts = []
        if viz.get("color") is not None:
            c = viz["color"]
            parts += _et_element("        ", "viz:color", {"r": c.get("r"), "g": c.get("g"), "b": c.get("b"), "a": c.get("a", 1.0)})
        if viz.get("size") is not None:
            parts += _et_element("        ", "viz:size", {"value": viz["size"]})
        if viz.get("position") is not None:
            p = viz["position"]
            parts += _et_element("        ", "viz:position", {"x": p.get("x"), "y": p.get("y"), "z": p.get("z")})
        viz_used = viz_used or bool(parts)
        values = _gexf_attvalues(declared["node"], attribute_ids, data)
        if values is None:
            return None
        nodes += _et_element("      ", "node", {"id": node, "label": label}, parts + values)
    for number, (u, v, data) in enumerate(flat.edges(data=True)):
        data = dict(data)
        if _GEXF_EDGE_FIELDS & data.keys():
            return None
        attributes = {"source": u, "target": v, "id": number, **{k: data.pop(k) for k in ("label", "weight") if k in data}}
        values = _gexf_attvalues(declared["edge"], attribute_ids, data)
        if values is None:
            return None
        edges += _et_element("      ", "edge", attributes, values)
    graph = []
    for kind in ("edge", "node"):  # networkx puts a class' block first when it declares its first attribute
        if declared[kind]:
            graph += _et_element("    ", "attributes", {"mode": "static", "class": kind}, [
                line for title, (i, xml_type) in declared[kind].items()
                for line in _et_element("      ", "attribute", {"id": i, "title": title, "type": xml_type})
            ])
    graph += _et_element("    ", "nodes", {}, nodes) + _et_element("    ", "edges", {}, edges)
    namespaces = {"xmlns:viz": _GEXF.NS_VIZ} if viz_used else {}
    root = {**namespaces, "xmlns": _GEXF.NS_GEXF, "xmlns:xsi": _GEXF.NS_XSI, "xsi:schemaLocation": _GEXF.SCHEMALOCATION, "version": _GEXF.VERSION}
    meta = _et_element("  ", "meta", {}, [f"    <creator>{GEXF_CREATOR}</creator>\n"])
    graph = _et_element("  ", "graph", {"defaultedgetype": "undirected", "mode": "static", "name": ""}, graph)
    return "".join(["<?xml version='1.0' encoding='utf-8'?>\n", *_et_element("", "gexf", root, meta + graph)])


def _gexf_attvalues(declared: dict[str, tuple[str, str]], ids: Iterator[int], data: dict) -> list[str] | None:
    """The ``attvalues`` lines of a node's or edge's ``data``, declaring new titles
    in ``declared`` with the next of ``ids``; None if a value is not a scalar."""
    values = []
    for title, value in data.items():
        xml_type = _GEXF.xml_type.get(type(value))
        if xml_type is None or isinstance(value, (list, dict)):
            return None
        if title not in declared:
            declared[title] = (str(next(ids)), xml_type)
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if type(value) is float:
            text = {"inf": "INF", "nan": "NaN", "-inf": "-INF"}.get(text, text)
        values += _et_element("          ", "attvalue", {"for": declared[title][0], "value": text})
    return _et_element("        ", "attvalues", {}, values) if values else []


def _et_element(indent: str, tag: str, attributes: dict, children: Sequence[str] = ()) -> list[str]:
    """The lines of an element as ElementTree writes it indented: ``<tag a="…" />``, or
    its start tag, its children's lines and its end tag (attribute values escaped)."""
    start = indent + "<" + tag + "".join(f' {k}="{_escape(str(v), _ET_ATTRIBUTE)}"' for k, v in attributes.items())
    return [start + ">\n", *children, f"{indent}</{tag}>\n"] if children else [start + " />\n"]


def graph_tables(graph: nx.Graph, edges: list | None = None) -> tuple[list[dict], list[dict]]:
    """Node and edge rows of ``graph``, the same rows as its GraphML (``edges``: its
    ``flat_edges(graph, xml=False)``, if made before)."""
    flat = flatten(graph, xml=False, edges=edges)
    nodes = [{"id": n, **d} for n, d in flat.nodes(data=True)]
    edges = [{"source": u, "target": v, **d} for u, v, d in flat.edges(data=True)]
    return nodes, edges


def table_columns(rows: list[dict], first: Sequence[str]) -> list[str]:
    """``first`` then every other key of ``rows`` in first-seen order."""
    columns = list(first)
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    return columns


def csv_text(rows: list[dict], columns: Sequence[str]) -> str:
    """CSV of ``rows`` as a string (for tests and notebooks)."""
    buf = io.StringIO()
    write_csv(rows, columns, buf)
    return buf.getvalue()
