"""How soon graph.html is usable for a large graph: seconds from navigation to the
network's first drawing in headless Chromium (the page's ``kgReadyAt`` mark).

The graph is synthetic but shaped like kg's: a seeded scale-free graph whose
nodes are countries, organisations, partnership types and activities, with
ForceAtlas2 positions from ``kg.graph.add_layout`` and one to a few evidence
sentences per edge. Run: ``python bench/html_bench.py [NODES EDGES]``.
"""
from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from kg.graph import add_layout
from kg.html import write_html

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, for tests.browser
from tests.browser import headless_chromium, wait_until_drawn  # noqa: E402

NODE_TYPES = ("country", "organization", "partnership_type", "activity")


def synthetic_graph(n_nodes: int = 2000, n_edges: int = 10000, seed: int = 7) -> nx.Graph:
    """A kg-like knowledge graph with ``n_nodes`` nodes and ``n_edges`` edges."""
    rng = random.Random(seed)
    graph = nx.Graph()
    per_node = max(1, n_edges // n_nodes)
    shape = nx.barabasi_albert_graph(n_nodes, per_node, seed=seed)
    extra = [e for e in nx.gnm_random_graph(n_nodes, n_edges, seed=seed).edges() if not shape.has_edge(*e)]
    edges = list(shape.edges()) + extra[: max(0, n_edges - shape.number_of_edges())]
    for i in range(n_nodes):
        kind = NODE_TYPES[0] if i % 5 else NODE_TYPES[1 + i % 3]
        graph.add_node(f"N{i:05d}", type=kind, label=f"{kind.title()} {i}")
    for k, (a, b) in enumerate(edges[:n_edges]):
        weight = rng.choice((1, 1, 1, 2, 3))
        graph.add_edge(
            f"N{a:05d}", f"N{b:05d}", relation="partnership", relations=["partnership"], weight=weight,
            partnership_types=["alliance"] if k % 7 == 0 else [], activities=["joint_exercises"] if k % 3 == 0 else [],
            doc_ids=[f"doc{k % 500}"], evidence=[f"[doc{k % 500}] Sentence {j} about edge {k}." for j in range(weight)],
        )
    return add_layout(graph)


def measure_html_interactive(n_nodes: int = 2000, n_edges: int = 10000) -> float:
    """Seconds from navigation to the first drawing of graph.html for a graph of this size."""
    graph = synthetic_graph(n_nodes, n_edges)
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "graph.html"
        write_html(graph, page_path, title=f"bench: {n_nodes} nodes, {n_edges} edges")
        with headless_chromium() as browser:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(page_path.resolve().as_uri())
            return wait_until_drawn(page, timeout_ms=120_000)


if __name__ == "__main__":
    nodes, edges = (int(a) for a in sys.argv[1:3]) if len(sys.argv) >= 3 else (2000, 10000)
    started = time.perf_counter()
    seconds = measure_html_interactive(nodes, edges)
    verdict = "ok" if seconds < 3.0 else "SLOWER than the 3 s target"
    print(f"graph.html, {nodes} nodes / {edges} edges: interactive after {seconds:.2f} s in headless Chromium ({verdict}); "
          f"whole benchmark {time.perf_counter() - started:.1f} s")
