"""kg.analysis on small hand-built tables and graphs."""
import gzip
import io
import json

import networkx as nx
import pandas as pd
import pytest

from kg import analysis as ka

LABELS = {"PAK": "Pakistan", "TUR": "Turkey", "MYS": "Malaysia", "NATO": "NATO", "QAT": "Qatar"}


def fact(doc, sentence, source, target, partnership_type="", activity="", relation="partnership", **meta):
    return {
        "doc_id": doc, "sentence": sentence, "start": 0, "end": 10, "relation": relation, "source": source,
        "target": target, "partnership_type": partnership_type, "activity": activity,
        "evidence": f"sentence {sentence} of {doc}", "confidence": 0.9, "method": "between", **meta,
    }


@pytest.fixture
def facts():
    return pd.DataFrame([
        # PAK-TUR: three sentences in two documents, written in both orders.
        fact("d1", 0, "PAK", "TUR", "alliance", "joint_exercises"),
        fact("d1", 0, "PAK", "TUR", "alliance", "intelligence_sharing"),  # same sentence: counts once
        fact("d1", 1, "TUR", "PAK", "", "joint_exercises"),
        fact("d2", 4, "TUR", "PAK", "defense_agreement", ""),
        # TUR-MYS: one sentence.
        fact("d2", 5, "MYS", "TUR", "defense_agreement", "cybersecurity"),
        # Memberships and a generic statement that is no pair.
        fact("d2", 6, "TUR", "NATO", relation="membership"),
        fact("d3", 0, "alliance", "", "alliance", "joint_exercises", relation="type_activity"),
    ])


def as_read_from_csv(table):
    """The table as an analyst gets it from ``pd.read_csv("out/facts.csv")``: empty cells are NaN."""
    buf = io.StringIO()
    table.to_csv(buf, index=False)
    buf.seek(0)
    return pd.read_csv(buf)


def test_partnerships_merge_both_orders_and_count_sentences_once(facts):
    table = ka.partnerships(facts)
    assert table[["source", "target", "evidence", "documents"]].values.tolist() == [
        ["PAK", "TUR", 3, 2],
        ["MYS", "TUR", 1, 1],
    ]
    pak_tur = table.iloc[0]
    assert pak_tur["partnership_types"] == ["alliance", "defense_agreement"]
    assert pak_tur["activities"] == ["intelligence_sharing", "joint_exercises"]


def test_partnerships_from_csv_equal_partnerships_from_build(facts):
    pd.testing.assert_frame_equal(ka.partnerships(as_read_from_csv(facts)), ka.partnerships(facts))


def test_top_partnerships_named_by_labels(facts):
    top = ka.top_partnerships(facts, n=1, labels=LABELS)
    assert top[["source", "target"]].values.tolist() == [["Pakistan", "Turkey"]]


def test_partnerships_of_no_facts_is_an_empty_table():
    empty = pd.DataFrame([fact("d", 0, "TUR", "NATO", relation="membership")])
    assert ka.partnerships(empty).empty
    assert list(ka.partnerships(empty).columns) == ka.PARTNERSHIP_COLUMNS


def test_partnership_type_counts(facts):
    counts = ka.partnership_type_counts(facts)
    assert counts.to_dict("index") == {
        "defense_agreement": {"pairs": 2, "evidence": 2},
        "alliance": {"pairs": 1, "evidence": 1},
    }


def test_activity_matrix_counts_sentences_per_actor_and_activity(facts):
    matrix = ka.activity_matrix(facts)
    assert matrix.loc["TUR", "joint_exercises"] == 2
    assert matrix.loc["PAK", "intelligence_sharing"] == 1
    assert matrix.loc["MYS", "joint_exercises"] == 0
    assert list(matrix.index) == ["TUR", "PAK", "MYS"]  # most activity first
    assert list(matrix.columns)[0] == "joint_exercises"


def test_activity_matrix_keeps_chosen_actors_and_the_top(facts):
    assert list(ka.activity_matrix(facts, actors=["MYS", "PAK"]).index) == ["PAK", "MYS"]
    top = ka.activity_matrix(facts, top=1, labels=LABELS)
    assert list(top.index) == ["Turkey"]
    assert set(top.columns) == {"joint_exercises", "intelligence_sharing", "cybersecurity"}


def test_country_profile(facts):
    profile = ka.country_profile(facts, "TUR", labels=LABELS)
    assert profile.label == "Turkey"
    assert profile.partners[["partner", "evidence"]].values.tolist() == [["Pakistan", 3], ["Malaysia", 1]]
    assert profile.activities.to_dict("records")[0] == {
        "activity": "joint_exercises", "evidence": 2, "partners": ["Pakistan"]
    }
    assert profile.memberships == ["NATO"] and profile.members == []
    # Every sentence that names Turkey in a pair or membership, once, in document order.
    assert profile.evidence[["doc_id", "sentence"]].values.tolist() == [["d1", 0], ["d1", 1], ["d2", 4], ["d2", 5], ["d2", 6]]
    assert profile.evidence.iloc[-1]["relations"] == ["membership"]
    assert "Turkey (TUR): 2 partners in 5 evidence sentences" in profile.summary()
    assert "member of NATO" in profile.summary()


def test_profile_of_an_organisation_lists_its_members(facts):
    profile = ka.country_profile(facts, "NATO")
    assert profile.members == ["TUR"] and profile.partners.empty


def test_profile_of_an_unknown_actor_says_so(facts):
    with pytest.raises(ValueError, match="'XYZ'"):
        ka.country_profile(facts, "XYZ")


def path_graph():
    """A - B - C with weights 3 and 1, and an isolated D."""
    g = nx.Graph()
    g.add_node("A", label="Alpha", type="country")
    g.add_node("B", label="Beta", type="country")
    g.add_node("C", label="Gamma", type="organization")
    g.add_node("D", label="Delta", type="country")
    g.add_edge("A", "B", weight=3)
    g.add_edge("B", "C", weight=1)
    return g


def test_centrality():
    table = ka.centrality(path_graph()).set_index("id")
    assert list(table.index) == ["B", "A", "C", "D"]
    assert table.loc["B", "degree"] == 2 and table.loc["B", "weighted_degree"] == 4
    assert table.loc["B", "betweenness"] == pytest.approx(1 / 3, abs=1e-4)  # on one of 3 pairs' shortest paths
    assert table.loc["A", "betweenness"] == 0
    assert table.loc["B", "eigenvector"] > table.loc["A", "eigenvector"] > table.loc["C", "eigenvector"]
    assert table.loc["D", "eigenvector"] == 0
    assert table.loc["C", "label"] == "Gamma" and table.loc["C", "type"] == "organization"


def test_centrality_of_an_empty_graph():
    assert ka.centrality(nx.Graph()).empty


def two_triangles():
    g = nx.Graph()
    g.add_weighted_edges_from([("a", "b", 5), ("b", "c", 5), ("a", "c", 5), ("x", "y", 5), ("y", "z", 5), ("x", "z", 5),
                               ("w", "x", 5), ("c", "x", 1)])
    return g


def test_communities_split_weakly_linked_groups_largest_first():
    table = ka.communities(two_triangles())
    assert table["members"].tolist() == [["w", "x", "y", "z"], ["a", "b", "c"]]
    assert table["size"].tolist() == [4, 3] and table["community"].tolist() == [0, 1]
    assert table["internal_weight"].tolist() == [20.0, 15.0]
    assert table["labels"].tolist() == table["members"].tolist()  # no labels: the ids


def test_communities_are_the_same_every_run():
    first = ka.communities(two_triangles(), seed=7)
    pd.testing.assert_frame_equal(first, ka.communities(two_triangles(), seed=7))


def test_ego_network_and_its_graphml_for_gephi(tmp_path):
    g = path_graph()
    g.edges["A", "B"]["activities"] = ["joint_exercises", "intelligence_sharing"]
    assert set(ka.ego_network(g, "A", radius=2)) == {"A", "B", "C"}
    path = tmp_path / "ego.graphml"
    ego = ka.save_ego_network(g, "A", path)
    assert set(ego) == {"A", "B"}
    reread = nx.read_graphml(path)
    assert set(reread) == {"A", "B"}
    assert reread.nodes["A"]["label"] == "Alpha"
    assert reread.edges["A", "B"]["activities"] == "joint_exercises; intelligence_sharing"
    with pytest.raises(ValueError, match="'Z'"):
        ka.ego_network(g, "Z")


def test_node_labels_from_a_graph_and_a_nodes_table():
    assert ka.node_labels(path_graph())["C"] == "Gamma"
    nodes = pd.DataFrame({"id": ["PAK", "TUR"], "label": ["Pakistan", "Turkey"]})
    assert ka.node_labels(nodes) == {"PAK": "Pakistan", "TUR": "Turkey"}


@pytest.fixture
def dated():
    return pd.DataFrame([
        fact("a", 0, "PAK", "TUR", year=2001),
        fact("a", 1, "TUR", "PAK", year=2001),
        fact("b", 0, "PAK", "TUR", year=2004),
        fact("c", 0, "MYS", "TUR", year=2003),
        fact("c", 1, "MYS", "TUR", year=2003),
    ])


def test_fact_years_from_year_or_date(dated):
    assert ka.fact_years(dated).tolist() == [2001, 2001, 2004, 2003, 2003]
    by_date = pd.DataFrame([fact("a", 0, "PAK", "TUR", date="2019-05-01"), fact("b", 0, "PAK", "TUR", date="")])
    assert ka.fact_years(by_date).tolist() == [2019, pd.NA]
    assert ka.has_years(by_date)


def test_no_year_column_is_said(facts):
    assert not ka.has_years(facts)
    with pytest.raises(ValueError, match="year or date"):
        ka.partnerships_per_year(facts)


def test_partnerships_per_year_fills_the_years_between(dated):
    table = ka.partnerships_per_year(dated)
    assert table.index.tolist() == [2001, 2002, 2003, 2004]
    assert table["pairs"].tolist() == [1, 0, 1, 1]
    assert table["evidence"].tolist() == [2, 0, 2, 1]
    assert table["documents"].tolist() == [1, 0, 1, 1]
    assert ka.partnerships_per_year(as_read_from_csv(dated)).equals(table)


def test_pair_years(dated):
    table = ka.pair_years(dated, labels=LABELS)
    assert table.to_dict("records") == [
        {"source": "Pakistan", "target": "Turkey", "first_year": 2001, "last_year": 2004, "years": 2,
         "years_active": [2001, 2004], "evidence": 3},
        {"source": "Malaysia", "target": "Turkey", "first_year": 2003, "last_year": 2003, "years": 1,
         "years_active": [2003], "evidence": 2},
    ]


@pytest.fixture
def decades():
    """Turkey's partners over three decades, as a speech corpus would give them."""
    return pd.DataFrame([
        fact("a", 0, "TUR", "PAK", "alliance", year=1985),
        fact("a", 1, "PAK", "TUR", "", "joint_exercises", year=1988),
        fact("b", 0, "USA", "TUR", "alliance", "joint_exercises", year=1991),
        fact("c", 0, "TUR", "QAT", "defence_cooperation", "joint_exercises", year=2015),
        fact("c", 1, "QAT", "TUR", "defence_cooperation", "", year=2015),
        fact("d", 0, "TUR", "QAT", "", "intelligence_sharing"),  # undated: in no year
    ])


def test_yearly_counts_by_partnership_type_and_activity(decades):
    by_type = ka.yearly_counts(decades)
    assert by_type.index.tolist() == list(range(1985, 2016))
    assert by_type.loc[[1985, 1991, 2015]].to_dict("index") == {
        1985: {"alliance": 1, "defence_cooperation": 0},
        1991: {"alliance": 1, "defence_cooperation": 0},
        2015: {"alliance": 0, "defence_cooperation": 1},
    }
    assert by_type.loc[2000].sum() == 0
    by_activity = ka.yearly_counts(decades, by="activity")
    assert list(by_activity.columns) == ["joint_exercises"]  # the undated intelligence sharing is in no year
    assert by_activity["joint_exercises"].sum() == 3
    with pytest.raises(ValueError, match="by must be"):
        ka.yearly_counts(decades, by="source")


def test_pair_turnover_per_decade(decades):
    table = ka.pair_turnover(decades, period=10)
    assert table.to_dict("index") == {
        1980: {"active": 1, "new": 1, "lapsed": 0, "continuing": 0},
        1990: {"active": 1, "new": 1, "lapsed": 1, "continuing": 0},
        2000: {"active": 0, "new": 0, "lapsed": 1, "continuing": 0},
        2010: {"active": 1, "new": 1, "lapsed": 0, "continuing": 0},
    }
    assert ka.pair_turnover(decades, period=1).loc[1988, "continuing"] == 0  # 1985 and 1988 are not adjacent years
    assert ka.pair_turnover(decades.iloc[:2], period=5).to_dict("index") == {
        1985: {"active": 1, "new": 1, "lapsed": 0, "continuing": 0}}


def test_dyad_years_one_row_per_pair_and_year(decades):
    table = ka.dyad_years(decades, labels=LABELS)
    assert table[["source", "target", "year", "evidence"]].values.tolist() == [
        ["Pakistan", "Turkey", 1985, 1], ["Pakistan", "Turkey", 1988, 1],
        ["Qatar", "Turkey", 2015, 2], ["Turkey", "USA", 1991, 1],
    ]
    assert table["type_alliance"].tolist() == [1, 0, 0, 1]
    assert table["type_defence_cooperation"].tolist() == [0, 0, 1, 0]
    assert table.loc[2, "activities"] == ["joint_exercises"]
    assert ka.dyad_years(as_read_from_csv(decades)).shape == table.shape


def test_time_tables_of_undated_facts_are_empty(facts):
    undated = facts.assign(year=None)
    assert ka.dyad_years(undated).empty and ka.pair_turnover(undated).empty and ka.yearly_counts(undated).empty


def test_corpus_overview(facts):
    mentions = pd.DataFrame({"doc_id": ["d1", "d1", "d2", "d4"], "entity": ["PAK", "TUR", "TUR", "QAT"]})
    overview = ka.corpus_overview(facts, mentions, path_graph())
    assert overview["documents"] == 4  # d1-d4: with a mention or a fact
    assert overview["distinct entities"] == 3
    assert overview["partnership facts"] == 5 and overview["membership facts"] == 1
    assert overview["partnering pairs"] == 2
    assert overview["actors in the network"] == 4 and overview["edges in the network"] == 2
    assert ka.corpus_overview(facts, mentions, path_graph(), documents=10)["documents"] == 10


def test_sample_jsonl_spreads_evenly_and_is_deterministic(tmp_path):
    source = tmp_path / "speeches.jsonl.gz"
    with gzip.open(source, "wt", encoding="utf-8") as fh:
        for i in range(100):
            fh.write(json.dumps({"id": f"s{i}", "year": 1970 + i // 10, "text": "Speech."}) + "\n")
    assert ka.sample_jsonl(source, tmp_path / "a.jsonl", 10) == 10
    sample = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert [d["year"] for d in sample] == list(range(1970, 1980))  # one per year: spread over the file
    ka.sample_jsonl(source, tmp_path / "b.jsonl", 10)
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert ka.sample_jsonl(source, tmp_path / "all.jsonl", 500) == 100


def test_a_build_that_found_nothing_gives_empty_tables():
    facts = pd.DataFrame(columns=["doc_id", "sentence", "relation", "source", "target", "partnership_type", "activity",
                                  "evidence", "confidence", "year"])
    mentions = pd.DataFrame(columns=["doc_id", "entity"])
    for table in (ka.partnerships(facts), ka.activity_matrix(facts), ka.partnership_type_counts(facts),
                  ka.partnerships_per_year(facts), ka.pair_years(facts), ka.communities(nx.Graph())):
        assert table.empty
    assert ka.corpus_overview(facts, mentions, nx.Graph()).sum() == 0
    assert not ka.has_years(facts)
