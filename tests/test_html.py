"""The interactive page as text: offline, markup in the corpus never executed, evidence split by document."""
from kg.graph import add_layout, build_graph
from kg.html import render_html, split_evidence
from kg.records import Fact


def test_html_is_offline_and_escapes_markup():
    facts = [Fact("d</script>", 0, 0, 40, "partnership", "PAK", "TUR", evidence="<script>alert(1)</script>")]
    page = render_html(add_layout(build_graph(facts, [])))
    assert "http://" not in page and "https://" not in page
    assert "<script>alert(1)</script>" not in page and "d</script>" not in page
    assert "bootstrap" not in page.lower()


def test_a_documents_control_characters_are_escaped_in_the_page_source():
    evidence = "Pakistan \x9b2J and \x1b]0;owned\x07 Turkey held drills."
    page = render_html(add_layout(build_graph([Fact("d", 0, 0, 40, "partnership", "PAK", "TUR", evidence=evidence)], [])))
    data = page[page.index("Pakistan \\u009b2J"):]  # the page's data, after the bundled library
    assert "owned" in data and not any(c in data for c in "\x1b\x07\x9b")


def test_split_evidence_uses_the_edge_doc_ids():
    assert split_evidence(["[a] x", "[a] b] y"], ["a", "a] b"]) == [["a", "x"], ["a] b", "y"]]


def test_page_data_gives_an_edge_its_types_activities_and_evidence_by_document():
    from kg.html import page_data

    facts = [Fact("d1", 0, 0, 33, "partnership", "PAK", "TUR", partnership_type="alliance",
                  activity="joint_exercises", evidence="Pakistan and Turkey held drills.")]
    data = page_data(add_layout(build_graph(facts, [])), title="demo")
    edge = next(e for e in data["edges"] if e["relation"] == "partnership")
    assert {edge["from"], edge["to"]} == {"PAK", "TUR"}
    assert (edge["partnership_types"], edge["activities"]) == (["alliance"], ["joint_exercises"])
    assert edge["evidence"] == [["d1", "Pakistan and Turkey held drills."]]
    assert data["counts"]["documents"] == 1 and ["country", "#1f77b4"] in data["types"]


def test_page_data_gives_edges_their_years_and_the_page_its_range():
    from kg.html import page_data

    facts = [
        Fact("d1", 0, 0, 33, "partnership", "PAK", "TUR", evidence="Drills in 2003.", year=2003),
        Fact("d1", 1, 34, 60, "partnership", "PAK", "TUR", evidence="More drills."),
        Fact("d2", 0, 0, 30, "partnership", "MYS", "IDN", evidence="Patrols in 2010.", year=2010),
    ]
    data = page_data(add_layout(build_graph(facts, [])))
    edge = next(e for e in data["edges"] if {e["from"], e["to"]} == {"PAK", "TUR"})
    assert (edge["years"], edge["evidence_years"]) == ([2003], [2003, None])
    assert data["years"] == [2003, 2010]
    undated = page_data(add_layout(build_graph([Fact("d", 0, 0, 9, "partnership", "PAK", "TUR")], [])))
    assert undated["years"] == []


def test_page_data_gives_an_edge_its_confidence_and_each_sentence_its_own():
    from kg.html import page_data

    facts = [
        Fact("d1", 0, 0, 20, "partnership", "PAK", "TUR", evidence="They drilled.", confidence=0.5),
        Fact("d2", 0, 0, 20, "partnership", "TUR", "PAK", evidence="They drilled again.", confidence=0.6),
    ]
    data = page_data(add_layout(build_graph(facts, [])))
    edge = next(e for e in data["edges"] if e["relation"] == "partnership")
    assert edge["confidence"] == 0.8
    assert list(zip(edge["evidence"], edge["evidence_confidences"])) == [
        (["d1", "They drilled."], 0.5), (["d2", "They drilled again."], 0.6)]
    assert "confidence 0.80" in edge["title"]


def test_page_data_of_a_graph_without_confidences_has_none_and_stays_json():
    import json

    import networkx as nx

    from kg.html import _script_json, page_data

    graph = nx.Graph()
    graph.add_node("PAK", type="country", label="Pakistan", x=0.0, y=0.0)
    graph.add_node("TUR", type="country", label="Turkey", x=1.0, y=1.0)
    graph.add_node("QAT", type="country", label="Qatar", x=2.0, y=0.0)
    graph.add_edge("PAK", "TUR", relation="partnership", weight=2, evidence=["[a] x", "[b] y"], doc_ids=["a", "b"],
                   evidence_confidences=[0.5])  # not one per sentence: unknown, not misaligned
    graph.add_edge("QAT", "TUR", relation="partnership", weight=1, confidence=float("nan"))
    data = json.loads(_script_json(page_data(graph)))
    assert [(e["confidence"], e["evidence_confidences"]) for e in data["edges"]] == [(None, [None, None]), (None, [])]


def test_page_has_a_minimum_confidence_slider_from_0_to_1():
    page = render_html(add_layout(build_graph([Fact("d", 0, 0, 9, "partnership", "PAK", "TUR", confidence=0.7)], [])))
    assert '<input id="min-confidence" type="range" min="0" max="1" step="0.05" value="0">' in page
    assert '<label for="min-confidence">' in page
