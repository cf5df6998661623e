"""Write a build's tables and graphs: CSV, GraphML and GEXF for Gephi.

Export is where types are flattened: lists become ``"; "``-joined strings,
missing values become ``""`` (or ``0``), and Gephi's reserved attributes are
added (node ``label``, ``x``, ``y``, ``size``, ``r``, ``g``, ``b``; edge
``label``, ``weight``), so a file opens in Gephi labelled, coloured by type,
sized by degree and laid out. GraphML and GEXF are written by networkx's
writers, GEXF as dynamic GEXF 1.3 whose spells are the edges' years
(:func:`write_gexf`); a CSV cell that a spreadsheet would run as a formula is written as
text, and a control character a terminal would run is replaced (:func:`spreadsheet_safe`). Every writer takes a path or an open file,
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
from networkx.readwrite.gexf import GEXFWriter

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

# Characters XML 1.0 forbids; GraphML/GEXF would not parse with them. A lone
# surrogate cannot even be encoded: lxml refuses it and ElementTree writes a
# character reference that no XML parser accepts. The C1 controls XML allows
# would run in a terminal that shows the file (0x9b starts a control sequence).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without characters that XML 1.0 forbids, nor the C1 controls.

    >>> xml_safe("a\\x00b\\ud800c")
    'abc'
    """
    return _XML_ILLEGAL.sub("", text)


@contextlib.contextmanager
def binary_target(path_or_file) -> Iterator[IO[bytes]]:
    """An open binary file to write to: ``path_or_file`` itself if it has ``write``,
    else the path opened with :func:`~kg.outputs.atomic_open` (all or nothing)."""
    if hasattr(path_or_file, "write"):
        yield path_or_file
    else:
        with atomic_open(path_or_file, "wb") as fh:
            yield fh


#: First characters that make a spreadsheet read a cell as a formula (OWASP's list
#: for CSV injection: ``=1+1``, ``@SUM(…)``, a DDE call ``-2+3|cmd…``).
FORMULA_STARTS = frozenset("=+-@\t\r")
#: A cell that is a number (``-3``, ``+2.5``, ``1e-4``): a spreadsheet reads it as that number.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
#: A cell of CSV text that starts like a formula, quoted or not. The csv module quotes every
#: field with a carriage return, so an unquoted one never starts with one, and ``,\r\n`` (an
#: empty last cell) does not match. A comma or line break inside a quoted field may match too:
#: the rows are then checked one by one.
_FORMULA_CELL = re.compile(r'(?:^|,)(?:"[=+\-@\t\r]|[=+\-@\t])', re.MULTILINE)
#: C0 and C1 control characters but tab, line feed and carriage return (which CSV quotes): an
#: escape sequence of a document's text ("\x1b]0;...", "\x9b2J") would run in the terminal that
#: shows the file.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Rows rendered, then checked, at a time.
_CHUNK_ROWS = 4096


def spreadsheet_safe(cell):
    """``cell`` as a spreadsheet must show it: text, never a formula, nor a control sequence.

    A string that starts with one of :data:`FORMULA_STARTS` and is not a
    number gets a leading ``'``, which spreadsheets show as text and do not
    evaluate. Numbers, and strings that are numbers, stay as they are. A
    control character other than tab and line breaks becomes U+FFFD, so the
    file shown in a terminal runs nothing and offsets into the text still hold.

    >>> print(spreadsheet_safe('=HYPERLINK("http://x","click")'))
    '=HYPERLINK("http://x","click")
    >>> spreadsheet_safe("- the two sides agreed."), spreadsheet_safe("-2.5"), spreadsheet_safe(-2)
    ("'- the two sides agreed.", '-2.5', -2)
    >>> spreadsheet_safe("Chile \x1b[31mand Peru")
    'Chile \ufffd[31mand Peru'
    """
    if not isinstance(cell, str):
        return cell
    if _CONTROL.search(cell):
        cell = _CONTROL.sub("\ufffd", cell)
    if cell[:1] in FORMULA_STARTS and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _safe_rows(rows: Iterable[Sequence]) -> Iterator[Sequence]:
    for row in rows:
        # most rows hold no cell that starts like a formula or holds a control: they go out as they are
        for cell in row:
            if isinstance(cell, str) and (cell[:1] in FORMULA_STARTS or _CONTROL.search(cell)):
                yield [spreadsheet_safe(c) for c in row]
                break
        else:
            yield row


def write_table(columns: Sequence[str], rows: Iterable[Sequence], path_or_file) -> None:
    """Write CSV: a header of ``columns``, then ``rows`` of values in the columns' order.

    Every cell, header included, goes through :func:`spreadsheet_safe`: a file
    opened in a spreadsheet or shown in a terminal shows the corpus' text and runs none of it.
    """
    if hasattr(path_or_file, "write"):
        # CRLF rows (RFC 4180): with a "\n" terminator the csv module leaves a
        # lone "\r" in a field unquoted, and every reader splits the row there.
        # Most rows hold no cell that starts like a formula or holds a control: rendered as they are and searched as
        # text, a chunk of them is checked row by row only when the search finds one.
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        rows = itertools.chain([columns], rows)
        while chunk := list(itertools.islice(rows, _CHUNK_ROWS)):
            writer.writerows(chunk)
            text = buffer.getvalue()
            if _FORMULA_CELL.search(text) or _CONTROL.search(text):
                buffer.seek(0)
                buffer.truncate()
                writer.writerows(_safe_rows(chunk))
            path_or_file.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
        return
    with atomic_open(path_or_file, "w", encoding="utf-8", newline="") as fh:
        write_table(columns, rows, fh)


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
#: The GEXF ``<creator>``: the program that made the file.
GEXF_CREATOR = "kg"


def write_graphml(graph: nx.Graph, path_or_file, edges: list | None = None) -> None:
    """Write ``graph`` as GraphML that Gephi, igraph and graphology read.

    The file is what ``networkx.write_graphml`` writes with lxml (a dependency
    of kg: without it networkx writes other bytes) for :func:`flatten`'s copy
    of ``graph``, keys numbered ``d0``, ``d1``… and named by ``attr.name``
    (where Gephi and igraph read names). Colours are given to networkx as
    ``numpy.int32``, its type for GraphML ``int``: Gephi reads ``r``/``g``/``b``
    as colours only when they are ``int``, and networkx declares a Python int
    ``long``. ``edges``: the graph's :func:`flat_edges`, if made before.

    >>> import io, networkx as nx
    >>> g = nx.Graph(); g.add_node("PAK", type="country", label="Pakistan")
    >>> buf = io.BytesIO(); write_graphml(g, buf)
    >>> b'attr.name="r" attr.type="int"' in buf.getvalue()
    True
    """
    flat = flatten(graph, edges=edges)
    for _, attrs in flat.nodes(data=True):
        for key in COLOUR_KEYS:
            attrs[key] = np.int32(attrs[key])
    with binary_target(path_or_file) as fh:
        nx.write_graphml(flat, fh, encoding="utf-8", prettyprint=True, named_key_ids=False)


#: The GEXF column an edge attribute named ``type`` is written as.
EDGE_TYPE_COLUMN = "edge_type"
#: The XML Schema instance namespace. networkx's GEXF 1.3 writer declares
#: ``http://w3.org/…`` (no ``www``), which makes ``xsi:schemaLocation`` an
#: attribute the GEXF schema does not allow.
XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"


def year_spells(years) -> list[tuple[str, str]]:
    """GEXF spells of a set of years: one ``(start, end)`` date pair per run of consecutive years.

    Dates rather than integer years: networkx writes ``timeformat="long"`` for
    integers, which GEXF 1.3 does not allow, and Gephi's Timeline reads dates.

    >>> year_spells([2003, 2004, 2007])
    [('2003-01-01', '2004-12-31'), ('2007-01-01', '2007-12-31')]
    """
    spells: list[list[int]] = []
    for year in sorted(set(years)):
        if spells and spells[-1][1] == year - 1:
            spells[-1][1] = year
        else:
            spells.append([year, year])
    return [(f"{first:04d}-01-01", f"{last:04d}-12-31") for first, last in spells]


def _node_years(graph: nx.Graph) -> dict:
    """The years of each node's dated edges."""
    years: dict = {}
    for u, v, data in graph.edges(data=True):
        for node in (u, v):
            years.setdefault(node, set()).update(data.get("years") or ())
    return years


def write_gexf(graph: nx.Graph, path_or_file, edges: list | None = None) -> None:
    """Write ``graph`` as dynamic GEXF 1.3 with ``viz`` colour, size and position.

    The file is what networkx's ``GEXFWriter`` writes for :func:`flatten`'s
    copy of ``graph``, with position, size and colour handed to it as the
    node's ``viz`` (where Gephi and graphology read them) rather than as
    attribute columns. An edge with ``years`` gets one spell per run of
    consecutive years (:func:`year_spells`) and a node the spells of the years
    of its edges, so Gephi's Timeline plays the network year by year; undated
    nodes and edges have no spell and are always there. Every attribute stays
    static as well (``first_year``, ``last_year``, ``years``…), because Gephi
    Lite's importer drops time, and ``weight`` never varies in time
    (``read_gexf`` cannot read a dynamic weight). An edge attribute ``type`` is
    written as :data:`EDGE_TYPE_COLUMN`. Three things differ from
    ``networkx.write_gexf``: the ``meta`` element has no ``lastmodifieddate``
    (networkx writes today's date) and its creator is :data:`GEXF_CREATOR`, so
    the same graph gives the same bytes on any day, and ``xmlns:xsi`` is
    :data:`XSI_NAMESPACE`. ``edges``: the graph's :func:`flat_edges`, if made before.

    >>> import io, networkx as nx
    >>> g = nx.Graph(); g.add_node("PAK", type="country", label="Pakistan")
    >>> g.add_edge("PAK", "TUR", relation="partnership", years=[2003, 2004])
    >>> buf = io.BytesIO(); write_gexf(g, buf); xml = buf.getvalue()
    >>> b'<viz:color r="31" g="119" b="180"' in xml, b"lastmodifieddate" in xml
    (True, False)
    >>> b'timeformat="date"' in xml, b'<spell start="2003-01-01" end="2004-12-31" />' in xml
    (True, True)
    """
    flat = flatten(graph, edges=edges)
    node_years = _node_years(graph)
    ids = {node: xml_safe(str(node)) for node in graph}
    for node, attrs in flat.nodes(data=True):
        viz = {key: attrs.pop(key) for key in VIZ_KEYS}
        attrs["viz"] = {
            "color": {"r": viz["r"], "g": viz["g"], "b": viz["b"], "a": 1.0},
            "size": viz["size"],
            "position": {"x": viz["x"], "y": viz["y"], "z": 0.0},
        }
    for node, years in node_years.items():
        if years:
            flat.nodes[ids[node]]["spells"] = year_spells(years)
    for u, v, data in graph.edges(data=True):
        attrs = flat.edges[ids[u], ids[v]]
        # networkx writes an edge's `type` as the GEXF edge type (directed, undirected
        # or mutual only): any other value makes the file invalid.
        if "type" in attrs:
            attrs[EDGE_TYPE_COLUMN] = attrs.pop("type")
        if data.get("years"):
            attrs["spells"] = year_spells(data["years"])
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.3")
    writer.xml.set("xmlns:xsi", XSI_NAMESPACE)
    meta = writer.xml.find("meta")
    del meta.attrib["lastmodifieddate"]
    meta.find("creator").text = GEXF_CREATOR
    writer.add_graph(flat)
    with binary_target(path_or_file) as fh:
        writer.write(fh)


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
