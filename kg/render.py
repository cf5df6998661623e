"""Render a build's output files: lay out the graph, render every file, write them all at once.

On a large corpus the last steps of a build (the graph layout; rendering the
CSV, GraphML, GEXF and HTML files) each take a second or more. They read
what the build holds and write nothing to it, so :func:`write_build` runs
them in two processes (:func:`kg.forked.run_groups`): the tables and the
flattened edges, which need no layout, are made here while a forked process
lays out the graph; then the HTML page and the graph's GEXF are rendered in a
forked process while this one renders the rest. The bytes are the same in
one process or two.
"""
from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from kg import export
from kg.forked import default_processes, run_groups
from kg.graph import layout_positions, set_positions
from kg.outputs import OutputFolder

if TYPE_CHECKING:
    from kg.build import BuildResult

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
#: The slowest outputs to render, which a forked process renders while this one renders the rest.
SECOND_PROCESS_FILES = frozenset({"graph.html", "graph.gexf"})
#: Records (mentions and facts) from which a build renders its outputs in two processes:
#: below, forking costs more than it saves.
PARALLEL_RECORDS = 20_000

Renderer = Callable[[], bytes]


def _text_bytes(write: Callable) -> Renderer:
    def render() -> bytes:
        buffer = io.BytesIO()
        text = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
        write(text)
        text.flush()
        return buffer.getvalue()

    return render


def _binary_bytes(write: Callable) -> Renderer:
    def render() -> bytes:
        buffer = io.BytesIO()
        write(buffer)
        return buffer.getvalue()

    return render


def _table_bytes(table: Callable[[], tuple]) -> Renderer:
    """The CSV bytes of the table ``table()`` returns, made when rendered (in whichever process renders it)."""
    return lambda: _text_bytes(functools.partial(export.write_table, *table()))()


def table_renderers(result: BuildResult, formats: Sequence[str] = DEFAULT_FORMATS) -> list[tuple[str, Renderer]]:
    """``(file name, renderer of its bytes)`` of ``facts.csv`` and ``mentions.csv``: the files
    that need no graph, so they can be rendered while the layout is computed."""
    if "csv" not in formats:
        return []
    return [("facts.csv", _table_bytes(result.fact_table)), ("mentions.csv", _table_bytes(result.mention_table))]


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
) -> list[tuple[str, Renderer]]:
    """``(file name, renderer of its bytes)`` of the files made from the laid-out graphs
    (``edges``: :func:`flat_edge_lists` of the graphs, if made before)."""
    edges = edges or {}
    renderers: list[tuple[str, Renderer]] = []
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
    the graph's GEXF in a forked process while this one renders the rest (the same
    bytes). ``rendered``: files already rendered, by name; ``edges``: the
    graphs' :func:`flat_edge_lists`, if made before.
    """
    if not isinstance(out, OutputFolder):
        with OutputFolder(out) as folder:
            return write_outputs(result, folder, formats, title, processes, rendered, edges)
    rendered = dict(rendered or {})
    renderers = table_renderers(result, formats) + graph_renderers(result, formats, title, edges)
    renderers = [(name, render) for name, render in renderers if name not in rendered]
    here = [(name, render) for name, render in renderers if name not in SECOND_PROCESS_FILES]
    there = [(name, render) for name, render in renderers if name in SECOND_PROCESS_FILES]
    outputs = run_groups([[render for _, render in here], [render for _, render in there]], processes)
    rendered.update(zip([name for name, _ in here + there], outputs[0] + outputs[1]))
    for name in FILES:
        if name in rendered:
            with out.open(name, "wb") as fh:
                fh.write(rendered[name])
    return out.commit()


def lay_out(result: BuildResult, positions: dict | None = None) -> None:
    """Give the nodes of ``result``'s graphs their ``x``/``y`` (``positions``: the layout, if made)."""
    positions = layout_positions(result.graph) if positions is None else positions
    set_positions(result.graph, positions)
    set_positions(result.actors, {node: positions[node] for node in result.actors})


def write_build(result: BuildResult, folder: OutputFolder, formats: Sequence[str], title: str) -> list[Path]:
    """Lay out ``result``'s graphs and write its ``formats`` into ``folder``, in two
    processes when it has :data:`PARALLEL_RECORDS` records or more; the paths written."""
    processes = default_processes() if result.mention_count + len(result.facts) >= PARALLEL_RECORDS else 1
    tables = table_renderers(result, formats)
    unplaced = [render for _, render in tables] + [lambda: flat_edge_lists(result, formats)]
    (*table_bytes, edges), (positions,) = run_groups([unplaced, [lambda: layout_positions(result.graph)]], processes)
    lay_out(result, positions)
    rendered = dict(zip([name for name, _ in tables], table_bytes))
    return write_outputs(result, folder, formats, title=title, processes=processes, rendered=rendered, edges=edges)
