from kg.graph import activity_node, actor_graph, add_layout, build_graph, type_node
from kg.records import Fact, Mention


def fact(a, b, sentence=0, relation="partnership", **kw):
    return Fact("d", sentence, 0, 10, relation, a, b, evidence=f"sentence {sentence}", confidence=0.9, **kw)


def test_partnership_edges_aggregate_sentences_types_and_activities():
    g = build_graph(
        [fact("PAK", "TUR", 0, activity="joint_exercises"), fact("TUR", "PAK", 1, partnership_type="alliance"),
         fact("PAK", "TUR", 1, activity="intelligence_sharing")],
        [Mention("d", "PAK", "country", "Pakistan", 0, 8)],
    )
    edge = g.edges["PAK", "TUR"]
    assert edge["weight"] == 2
    assert edge["activities"] == ["intelligence_sharing", "joint_exercises"]
    assert edge["partnership_types"] == ["alliance"]
    assert edge["evidence"] == ["[d] sentence 0", "[d] sentence 1"]
    assert g.nodes["PAK"]["type"] == "country" and g.nodes["PAK"]["label"] == "Pakistan"
    assert g.has_edge(type_node("alliance"), activity_node("intelligence_sharing"))
    assert g.has_edge("PAK", activity_node("joint_exercises"))


def test_actor_graph_keeps_countries_organisations_and_their_edges():
    g = build_graph([fact("PAK", "TUR", activity="joint_exercises"), fact("TUR", "NATO", relation="membership")], [])
    actors = actor_graph(g)
    assert set(actors) == {"PAK", "TUR", "NATO"}
    assert actors.edges["TUR", "NATO"]["relation"] == "membership"
    assert actors.number_of_edges() == 2


def test_layout_is_seeded_and_deterministic():
    facts = [fact("PAK", "TUR"), fact("TUR", "AZE"), fact("AZE", "PAK")]
    first = add_layout(build_graph(facts, []))
    second = add_layout(build_graph(facts, []))
    assert [first.nodes[n]["x"] for n in first] == [second.nodes[n]["x"] for n in second]


def test_layout_positions_are_the_coordinates_add_layout_sets():
    from kg.graph import layout_positions, set_positions

    facts = [
        Fact("d", i, 0, 10, "partnership", a, b, activity="joint_exercises")
        for i, (a, b) in enumerate([("PAK", "TUR"), ("TUR", "QAT"), ("QAT", "SAU"), ("SAU", "PAK"), ("USA", "GBR")])
    ]
    laid_out = add_layout(build_graph(facts, []))
    positions = layout_positions(build_graph(facts, []))
    assert positions == {n: (d["x"], d["y"]) for n, d in laid_out.nodes(data=True)}
    assert len(set(positions.values())) == len(positions)  # no two nodes on one spot
    graph = set_positions(build_graph(facts, []), positions)
    assert dict(graph.nodes(data=True)) == dict(laid_out.nodes(data=True))


def test_nodes_take_their_labels_from_the_gazetteer_given(tmp_path):
    import shutil

    from kg.gazetteer import DATA_DIR, load_gazetteer

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    countries = (data / "countries.csv").read_text(encoding="utf-8")
    (data / "countries.csv").write_text(countries.replace("\nTUR,Turkey,", "\nTUR,Türkiye,", 1), encoding="utf-8")
    facts = [fact("PAK", "TUR", activity="joint_exercises")]
    assert build_graph(facts, []).nodes["TUR"]["label"] == "Turkey"
    assert build_graph(facts, [], load_gazetteer(data)).nodes["TUR"]["label"] == "Türkiye"


def test_every_edge_combines_the_confidence_of_its_sentences_and_lists_each():
    def said(sentence, confidence, **kw):
        return Fact("d", sentence, 0, 10, "partnership", "PAK", "TUR", evidence=f"sentence {sentence}",
                    confidence=confidence, **kw)

    g = build_graph(
        # Sentence 1 has two facts: it counts once, with the more confident one.
        [said(0, 0.5, partnership_type="alliance", activity="joint_exercises"), said(1, 0.2, activity="joint_exercises"),
         said(1, 0.6, partnership_type="alliance"), Fact("d", 2, 0, 9, "membership", "TUR", "NATO", confidence=0.9)],
        [],
    )
    pair = g.edges["PAK", "TUR"]
    assert pair["evidence_confidences"] == [0.5, 0.6] and len(pair["evidence"]) == 2
    assert pair["confidence"] == 0.8  # 1 - 0.5 * 0.4
    assert g.edges["NATO", "TUR"]["evidence_confidences"] == [0.9]
    assert g.edges["PAK", activity_node("joint_exercises")]["confidence"] == 0.6  # 1 - 0.5 * 0.8
    assert g.edges["PAK", type_node("alliance")]["confidence"] == 0.8
    # A type and an activity stated together count with the pair's best fact in the sentence.
    assert g.edges[type_node("alliance"), activity_node("joint_exercises")]["confidence"] == 0.8
