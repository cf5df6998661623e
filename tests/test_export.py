import io

import networkx as nx
from lxml import etree

from kg.export import atomic_open, flatten, write_gexf, write_graphml
from kg.graph import add_layout, build_graph
from kg.html import render_html
from kg.records import Fact


def sample_graph():
    facts = [
        Fact("d", 0, 0, 40, "partnership", "PAK", "TUR", activity="joint_exercises", evidence="Pakistan and Turkey; drills"),
        Fact("d", 1, 41, 80, "membership", "TUR", "NATO", evidence="Turkey is a NATO member\x00."),
    ]
    return add_layout(build_graph(facts, []))


def test_graphml_has_scalar_typed_attributes_and_gephi_names(tmp_path):
    path = tmp_path / "g.graphml"
    write_graphml(sample_graph(), path)
    g = nx.read_graphml(path)
    node = g.nodes["PAK"]
    assert node["label"] == "Pakistan"
    assert isinstance(node["r"], int) and 0 <= node["r"] <= 255
    assert isinstance(node["x"], float) and isinstance(node["size"], float)
    edge = g.edges["PAK", "TUR"]
    assert edge["weight"] == 1.0 and edge["label"] == "partnership"
    assert edge["activities"] == "joint_exercises"
    assert "[" not in str(g.edges["NATO", "TUR"].get("relations"))


def test_graphml_is_valid_xml_even_with_control_characters():
    buf = io.BytesIO()
    write_graphml(sample_graph(), buf)
    etree.fromstring(buf.getvalue())


def test_gexf_carries_viz_colour_size_and_position(tmp_path):
    path = tmp_path / "g.gexf"
    write_gexf(sample_graph(), path)
    text = path.read_text(encoding="utf-8")
    assert "viz:color" in text and "viz:position" in text and "viz:size" in text
    assert nx.read_gexf(path).number_of_nodes() == sample_graph().number_of_nodes()


def test_flatten_joins_lists_with_semicolons():
    flat = flatten(sample_graph())
    assert flat.edges["NATO", "TUR"]["relations"] == "membership"
    assert all(not isinstance(v, (list, set, tuple)) for _, d in flat.nodes(data=True) for v in d.values())


def test_html_is_offline_and_escapes_markup():
    facts = [Fact("d</script>", 0, 0, 40, "partnership", "PAK", "TUR", evidence="<script>alert(1)</script>")]
    page = render_html(add_layout(build_graph(facts, [])))
    assert "http://" not in page and "https://" not in page
    assert "<script>alert(1)</script>" not in page


def test_atomic_open_keeps_the_old_file_on_failure(tmp_path):
    path = tmp_path / "facts.csv"
    path.write_text("old")
    try:
        with atomic_open(path) as fh:
            fh.write("half")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert path.read_text() == "old"
    assert list(tmp_path.iterdir()) == [path]
