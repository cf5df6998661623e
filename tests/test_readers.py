"""A build's GraphML and GEXF re-read by the programs people open them with:
networkx, igraph, and Gephi Lite's importers graphology-graphml and graphology-gexf
(npm packages from package.json, run with the machine's Node.js)."""
import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import igraph
import networkx as nx
import pytest

import kg

HERE = Path(__file__).parent
CORPUS = HERE / "data" / "explorer_corpus.jsonl"
COUNTRY_RGB = (31, 119, 180)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("readers")
    kg.build([CORPUS], out=out)
    return out


def table(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def graphology(fmt: str, path: Path) -> dict:
    node = shutil.which("node")
    if node is None or not (HERE.parent / "node_modules" / "graphology").exists():
        pytest.fail("graphology needs node and `npm ci` (make test runs it)")
    run = subprocess.run([node, str(HERE / "graphology_read.js"), fmt, str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_networkx_reads_what_the_tables_say(out):
    nodes, edges = table(out / "nodes.csv"), table(out / "edges.csv")
    g = nx.read_graphml(out / "graph.graphml")
    assert (g.number_of_nodes(), g.number_of_edges()) == (len(nodes), len(edges))
    assert not g.is_directed() and not g.is_multigraph()
    assert set(g) == {row["id"] for row in nodes}
    assert g.nodes["TUR"]["label"] == "Turkey" and g.nodes["TUR"]["type"] == "country"
    assert (g.nodes["TUR"]["r"], g.nodes["TUR"]["g"], g.nodes["TUR"]["b"]) == COUNTRY_RGB
    pak_tur = g.edges["PAK", "TUR"]
    assert pak_tur["weight"] == 4.0 and "alliance" in pak_tur["partnership_types"].split("; ")
    assert g.edges["NATO", "TUR"]["label"] == "membership"
    actors = nx.read_graphml(out / "actors.graphml")
    assert {d["type"] for _, d in actors.nodes(data=True)} <= {"country", "organization"}
    assert actors.has_edge("EGY", "JOR") and actors.has_edge("NATO", "TUR")


def test_igraph_reads_the_graphml(out):
    nodes = table(out / "nodes.csv")
    g = igraph.Graph.Read_GraphML(str(out / "graph.graphml"))
    assert (g.vcount(), g.ecount()) == (len(nodes), len(table(out / "edges.csv")))
    assert not g.is_directed()
    tur = g.vs.find(id="TUR")
    assert tur["label"] == "Turkey" and (tur["r"], tur["g"], tur["b"]) == COUNTRY_RGB
    edge = g.es[g.get_eid(g.vs.find(id="PAK").index, tur.index)]
    assert edge["weight"] == 4.0 and edge["label"] == "partnership"
    actors = igraph.Graph.Read_GraphML(str(out / "actors.graphml"))
    assert actors.vcount() == nx.read_graphml(out / "actors.graphml").number_of_nodes()


@pytest.mark.parametrize("name", ["graph", "actors"])
def test_gephi_lite_reads_graphml_and_gexf_alike(out, name):
    """graphology-graphml turns r/g/b into Gephi Lite's colour; graphology-gexf reads viz:*."""
    reference = nx.read_graphml(out / f"{name}.graphml")
    from_graphml = graphology("graphml", out / f"{name}.graphml")
    from_gexf = graphology("gexf", out / f"{name}.gexf")
    for seen in (from_graphml, from_gexf):
        assert seen["type"] == "undirected" and not seen["multi"]
        assert (seen["order"], seen["size"]) == (reference.number_of_nodes(), reference.number_of_edges())
        tur = seen["nodes"]["TUR"]
        assert tur["label"] == "Turkey"
        assert (tur["x"], tur["y"], tur["size"]) == tuple(reference.nodes["TUR"][k] for k in ("x", "y", "size"))
        pak_tur = next(e for e in seen["edges"] if {e["source"], e["target"]} == {"PAK", "TUR"})
        assert pak_tur["attributes"]["weight"] == 4 and pak_tur["attributes"]["label"] == "partnership"
    assert from_graphml["nodes"]["TUR"]["color"] == "#%02x%02x%02x" % COUNTRY_RGB
    assert re.fullmatch(r"rgba\(31,119,180,1(\.0)?\)", from_gexf["nodes"]["TUR"]["color"])


def test_html_shows_the_gephi_layout(out):
    """Same positions in the page as in Gephi (y flipped: screens count down)."""
    page = (out / "graph.html").read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S).group(1)
    data = json.loads(block)
    g = nx.read_graphml(out / "graph.graphml")
    assert {n["id"]: (n["x"], -n["y"]) for n in data["nodes"]} == {n: (d["x"], d["y"]) for n, d in g.nodes(data=True)}
