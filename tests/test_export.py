"""GraphML, GEXF and CSV writers: scalar typed attributes, Gephi's reserved names, schema validity."""
import io
import re
import sys
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from kg.export import atomic_open, flatten, write_gexf, write_graphml
from kg.graph import add_layout, build_graph
from kg.records import Fact

SCHEMA = Path(__file__).parent / "schemas" / "graphml-structure.xsd"
GEXF_SCHEMA = Path(__file__).parent / "schemas" / "gexf-1.3" / "gexf.xsd"
GEXF = "{http://gexf.net/1.3}"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
# What each GraphML attr.type must parse as (the GraphML 1.0 primer's Java types).
PARSERS = {"boolean": lambda v: v in ("true", "false") or int("x"), "int": int, "long": int,
           "float": float, "double": float, "string": str}


def sample_graph():
    facts = [
        Fact("d", 0, 0, 40, "partnership", "PAK", "TUR", activity="joint_exercises", evidence="Pakistan and Turkey; drills"),
        Fact("d", 0, 0, 40, "partnership", "PAK", "TUR", partnership_type="alliance", evidence="Pakistan and Turkey; drills"),
        Fact("e", 2, 0, 30, "partnership", "TUR", "PAK", activity="intelligence_sharing", evidence="They share intelligence."),
        Fact("d", 1, 41, 80, "membership", "TUR", "NATO", evidence="Turkey is a NATO member\x00."),
    ]
    return add_layout(build_graph(facts, []))


def graphml_bytes(graph) -> bytes:
    buf = io.BytesIO()
    write_graphml(graph, buf)
    return buf.getvalue()


def test_graphml_has_scalar_typed_attributes_and_gephi_names(tmp_path):
    path = tmp_path / "g.graphml"
    write_graphml(sample_graph(), path)
    g = nx.read_graphml(path)
    assert not g.is_directed() and not g.is_multigraph()
    node = g.nodes["PAK"]
    assert node["label"] == "Pakistan" and node["type"] == "country"
    assert (node["r"], node["g"], node["b"]) == (31, 119, 180)
    assert isinstance(node["x"], float) and isinstance(node["y"], float) and node["size"] > 0
    edge = g.edges["PAK", "TUR"]
    assert edge["weight"] == 2.0 and edge["label"] == "partnership"
    assert edge["activities"] == "intelligence_sharing; joint_exercises"
    assert edge["doc_ids"] == "d; e"
    for _, _, data in g.edges(data=True):
        for value in data.values():
            assert value != "None" and not str(value).startswith(("['", "{'", "('", "set("))  # no Python reprs


def test_graphml_declares_gephi_types_once_per_name():
    """Gephi reads node label/x/y/size/r/g/b and edge label/weight by attr.name and type."""
    root = etree.fromstring(graphml_bytes(sample_graph()))
    keys = {(k.get("for"), k.get("attr.name")): k.get("attr.type") for k in root.iter(f"{GRAPHML}key")}
    assert len(keys) == len(root.findall(f"{GRAPHML}key")), "one key per name and domain"
    assert {n: keys[("node", n)] for n in ("label", "x", "y", "size", "r", "g", "b")} == {
        "label": "string", "x": "double", "y": "double", "size": "double", "r": "int", "g": "int", "b": "int"}
    assert (keys[("edge", "label")], keys[("edge", "weight")]) == ("string", "double")


def test_graphml_is_valid_against_the_graphml_structure_schema():
    """Validated with lxml against tests/schemas/graphml-structure.xsd: the structural
    GraphML 1.0 schema (element order, required attributes, key/type enumerations,
    declared keys, edge ends that are nodes), derived from the specification because
    the published XSD cannot be downloaded here. Every value must also parse as its
    key's attr.type, and colours must lie in 0-255."""
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    doc = etree.fromstring(graphml_bytes(sample_graph()))
    assert schema.validate(doc), schema.error_log
    keys = {k.get("id"): k for k in doc.iter(f"{GRAPHML}key")}
    for data in doc.iter(f"{GRAPHML}data"):
        key = keys[data.get("key")]
        assert key.get("for") == etree.QName(data.getparent()).localname
        value = PARSERS[key.get("attr.type")](data.text or "")
        if key.get("attr.name") in ("r", "g", "b"):
            assert 0 <= value <= 255


def test_schema_rejects_an_undeclared_key_and_a_dangling_edge():
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    text = graphml_bytes(sample_graph()).decode()
    assert not schema.validate(etree.fromstring(text.replace('<data key="d0">', '<data key="d999">', 1).encode()))
    assert not schema.validate(etree.fromstring(text.replace('target="TUR"', 'target="NOWHERE"', 1).encode()))


def test_graphml_is_valid_xml_even_with_control_characters():
    assert b"\x00" not in graphml_bytes(sample_graph())
    etree.fromstring(graphml_bytes(sample_graph()))


def test_gexf_carries_viz_colour_size_and_position_and_no_date(tmp_path):
    path = tmp_path / "g.gexf"
    graph = sample_graph()
    write_gexf(graph, path)
    root = etree.parse(str(path)).getroot()
    viz = "{http://gexf.net/1.3/viz}"
    pak = next(n for n in root.iter("{http://gexf.net/1.3}node") if n.get("id") == "PAK")
    assert pak.get("label") == "Pakistan"
    assert {k: pak.find(f"{viz}color").get(k) for k in "rgb"} == {"r": "31", "g": "119", "b": "180"}
    assert float(pak.find(f"{viz}position").get("x")) == graph.nodes["PAK"]["x"]
    assert float(pak.find(f"{viz}size").get("value")) > 0
    titles = {a.get("title") for a in root.iter("{http://gexf.net/1.3}attribute")}
    assert not titles & {"x", "y", "size", "r", "g", "b"}, "viz values are not repeated as columns"
    assert "lastmodifieddate" not in path.read_text(encoding="utf-8")
    reread = nx.read_gexf(path)
    assert reread.number_of_nodes() == graph.number_of_nodes()
    assert reread.edges["PAK", "TUR"]["weight"] == 2.0


def test_same_graph_same_bytes(tmp_path):
    for writer in (write_graphml, write_gexf):
        first, second = io.BytesIO(), io.BytesIO()
        writer(sample_graph(), first)
        writer(sample_graph(), second)
        assert first.getvalue() == second.getvalue()


def test_flatten_joins_lists_and_fills_missing_values():
    graph = sample_graph()
    graph.nodes["PAK"]["note"] = None
    graph.nodes["TUR"]["note"] = ["a", "b"]
    flat = flatten(graph)
    assert flat.edges["NATO", "TUR"]["relations"] == "membership"
    assert flat.nodes["PAK"]["note"] == "" and flat.nodes["TUR"]["note"] == "a; b"
    assert flat.nodes["NATO"]["note"] == ""
    assert all(not isinstance(v, (list, set, tuple)) and v is not None for _, d in flat.nodes(data=True) for v in d.values())


def test_atomic_open_keeps_the_old_file_on_failure(tmp_path):
    path = tmp_path / "facts.csv"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_open(path) as fh:
            fh.write("half")
            raise RuntimeError("boom")
    assert path.read_text() == "old"
    assert list(tmp_path.iterdir()) == [path]


def test_csv_tables_are_the_dict_rows_with_their_columns():
    import csv
    import dataclasses

    from kg.build import BuildResult
    from kg.export import csv_text, table_columns, write_table
    from kg.records import FACT_COLUMNS, MENTION_COLUMNS, Mention

    assert tuple(f.name for f in dataclasses.fields(Fact)) == FACT_COLUMNS
    result = BuildResult(
        facts=[Fact("b", 2, 5, 9, "partnership", "QAT", "TUR", evidence='Said "hi",\r\nthen', confidence=0.9),
               Fact("a", 0, 0, 4, "membership", "QAT", "GCC")],
        # "entity" and "start" are standard columns (renamed doc_entity, doc_start); "z" has no rows
        metadata={"a": {"year": 1990, "entity": "x", "doc_entity": "y"}, "b": {"start": 1.5, "year": None},
                  "z": {"only": "here"}},
    )
    result.mentions = [Mention("c", "QAT", "country", "Qatar", 0, 5), Mention("a", "TUR", "country", "Turkey", 1, 7),
                       Mention("b", "OMN", "country", "Oman", 3, 7), Mention("a", "OMN", "country", "Oman", 9, 13)]
    for (columns, rows), dicts, first in (
        (result.fact_table(), result.fact_rows(), FACT_COLUMNS),
        (result.mention_table(), result.mention_rows(), MENTION_COLUMNS),
    ):
        assert columns == table_columns(dicts, first)
        buf, reference = io.StringIO(), io.StringIO()
        write_table(columns, rows, buf)
        writer = csv.DictWriter(reference, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(dicts)
        assert buf.getvalue() == reference.getvalue() == csv_text(dicts, columns)


def awkward_graphs():
    odd = 'a&b<c>d"e\'f\tg\nh\r\ni é 🙂 ]]> \x7f\x85'
    graph = sample_graph()
    graph.add_node(odd, type="country", label=odd, flag=True, big=float("inf"), x=-0.0, y=1e-7)
    graph.add_node("lone")
    graph.add_edge(odd, "PAK", relation=odd, weight=3, evidence=["", odd], confidence=0.333)
    graph.add_edge("lone", "lone", relation="")
    yield graph
    yield nx.Graph()
    yield nx.Graph([("a", "b")])


@pytest.mark.parametrize("index", range(3))
def test_graphml_and_gexf_read_back_as_the_flattened_graph(index, tmp_path):
    """Every value, escapes and all, comes back from networkx's readers (GEXF: x, y, size
    and colour as ``viz``)."""
    from kg.export import VIZ_KEYS

    graph = list(awkward_graphs())[index]
    flat = flatten(graph)
    write_graphml(graph, tmp_path / "g.graphml")
    write_gexf(graph, tmp_path / "g.gexf")
    graphml, gexf = nx.read_graphml(tmp_path / "g.graphml"), nx.read_gexf(tmp_path / "g.gexf")
    assert dict(graphml.nodes(data=True)) == dict(flat.nodes(data=True))
    assert {frozenset((u, v)): d for u, v, d in graphml.edges(data=True)} == {
        frozenset((u, v)): d for u, v, d in flat.edges(data=True)}
    for node, data in flat.nodes(data=True):
        viz = gexf.nodes[node].pop("viz")
        assert (viz["position"]["x"], viz["size"], viz["color"]["r"]) == (data["x"], data["size"], data["r"])
        assert gexf.nodes[node] == {k: v for k, v in data.items() if k not in VIZ_KEYS}
    for u, v, data in flat.edges(data=True):
        assert {k: val for k, val in gexf.edges[u, v].items() if k != "id"} == data


def test_graphml_colours_are_int_where_networkx_alone_says_long():
    """Gephi colours nodes by r/g/b only when they are GraphML ``int``."""
    plain = io.BytesIO()
    nx.write_graphml(flatten(sample_graph()), plain)
    assert b'attr.name="r" attr.type="long"' in plain.getvalue()
    assert b'attr.name="r" attr.type="int"' in graphml_bytes(sample_graph())


def test_gexf_is_the_same_on_another_day(monkeypatch):
    """networkx stamps a GEXF file with today's date; kg's file depends on the graph alone."""
    import time

    first = io.BytesIO()
    write_gexf(sample_graph(), first)
    monkeypatch.setattr(time, "strftime", lambda *args: "2099-12-31")
    second = io.BytesIO()
    write_gexf(sample_graph(), second)
    assert first.getvalue() == second.getvalue()
    assert b"<creator>kg</creator>" in first.getvalue() and b"2099" not in second.getvalue()


def test_values_networkx_cannot_write_are_flattened():
    """None, lists and one attribute of two types (int on one node, str on another)."""
    graph = sample_graph()
    graph.nodes["PAK"]["note"], graph.nodes["TUR"]["note"] = None, ["x", "y"]
    graph.nodes["PAK"]["rank"], graph.nodes["TUR"]["rank"] = 1, "first"
    with pytest.raises(TypeError):
        nx.write_graphml(graph, io.BytesIO())
    root = etree.fromstring(graphml_bytes(graph))
    names = [k.get("attr.name") for k in root.iter(f"{GRAPHML}key") if k.get("for") == "node"]
    assert names.count("rank") == 1 and names.count("note") == 1
    reread = nx.read_graphml(io.BytesIO(graphml_bytes(graph)))
    assert (reread.nodes["PAK"]["rank"], reread.nodes["TUR"]["rank"]) == ("1", "first")
    assert (reread.nodes["PAK"]["note"], reread.nodes["TUR"]["note"]) == ("", "x; y")


def test_characters_xml_cannot_hold_are_left_out(tmp_path):
    graph = nx.Graph([("a\x00", "b", {"note": "lone \ud800 surrogate, \x1b escape"})])
    write_graphml(graph, tmp_path / "g.graphml")
    write_gexf(graph, tmp_path / "g.gexf")
    for reread in (nx.read_graphml(tmp_path / "g.graphml"), nx.read_gexf(tmp_path / "g.gexf")):
        assert reread.edges["a", "b"]["note"] == "lone  surrogate,  escape"


def test_records_pickle_as_their_values():
    import dataclasses
    import pickle

    from kg.records import MENTION_COLUMNS, Mention

    assert tuple(f.name for f in dataclasses.fields(Mention)) == MENTION_COLUMNS
    records = [Mention("d", "QAT", "country", "Qatar", 0, 5),
               Fact("d", 1, 2, 3, "partnership", "QAT", "TUR", "alliance", "joint_exercises", "Qatar and Turkey.", 0.9, "m")]
    assert pickle.loads(pickle.dumps(records)) == records


def read_csv(path: Path) -> list[list[str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_no_csv_cell_reads_as_a_spreadsheet_formula(tmp_path):
    """OWASP's CSV injection: text cells starting with = + - @ tab or CR get a leading
    quote in every CSV kg writes, headers included; numbers stay numbers."""
    import json

    import kg

    document = {
        "id": '=HYPERLINK("http://example.org","click")',
        "text": "- Pakistan and Turkey held joint military exercises.\n\nQatar and Oman signed a defence agreement.",
        "year": 2020, "source": "@SUM(1+1)*cmd|' /C calc'!A0", "+note": "\tindented", "delta": -5, "score": 0.8,
    }
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps(document) + "\n", encoding="utf-8")
    kg.build([corpus], out=tmp_path / "out", cache=False, formats=["csv"])
    facts = read_csv(tmp_path / "out" / "facts.csv")
    header, rows = facts[0], [dict(zip(facts[0], row)) for row in facts[1:]]
    assert "'+note" in header and "+note" not in header
    assert {row["doc_id"] for row in rows} == {"'" + document["id"]}
    assert {row["doc_source"] for row in rows} == {"'" + document["source"]}
    assert {row["'+note"] for row in rows} == {"'\tindented"}
    assert "'- Pakistan and Turkey held joint military exercises." in {row["evidence"] for row in rows}
    assert {(row["year"], row["delta"], row["score"]) for row in rows} == {("2020", "-5", "0.8")}
    mentions = read_csv(tmp_path / "out" / "mentions.csv")
    assert {row[0] for row in mentions[1:]} == {"'" + document["id"]}
    assert "'+note" in mentions[0]
    edges = read_csv(tmp_path / "out" / "edges.csv")
    doc_ids = {row[edges[0].index("doc_ids")] for row in edges[1:]} - {""}
    assert doc_ids == {"'" + document["id"]}
    for name in ("facts.csv", "mentions.csv", "nodes.csv", "edges.csv"):
        for row in read_csv(tmp_path / "out" / name):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or re.fullmatch(r"-\d+(\.\d+)?", cell)


def test_mention_rows_are_written_with_formula_cells_quoted():
    """A worker's mention rows keep their values (they are records again on demand);
    mentions.csv quotes their formula-like cells."""
    import io

    from kg.build import BuildResult
    from kg.export import write_table

    result = BuildResult(document_mentions={"d": [("TUR", "country", "-Turkey", 0, 7), ("PAK", "country", "Pakistan", 9, 17)]},
                         metadata={"d": {"tag": "@x"}})
    buffer = io.StringIO(newline="")
    write_table(*result.mention_table(), buffer)
    assert buffer.getvalue() == (
        "doc_id,entity,type,text,start,end,tag\r\nd,TUR,country,'-Turkey,0,7,'@x\r\nd,PAK,country,Pakistan,9,17,'@x\r\n")
    assert result.mentions[0].text == "-Turkey"


_CELLS = st.one_of(
    st.integers(-5, 5), st.floats(-2, 2, allow_nan=False), st.booleans(),
    st.text(alphabet=st.sampled_from(list("ab ,\"'\r\n\t=+-@1.\x1b\x9b")), max_size=6),
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(_CELLS, min_size=3, max_size=3), max_size=4), repeat=st.sampled_from([1, 3000]))
def test_write_table_quotes_exactly_the_cells_a_spreadsheet_would_run(rows, repeat):
    """Whatever the cells (formula starts, quoted line breaks, empty last cells, negative numbers),
    and however many rows, the CSV is the one written cell by cell through spreadsheet_safe."""
    import csv

    from kg.export import spreadsheet_safe, write_table

    rows = rows * repeat  # past one chunk of rows
    buffer, reference = io.StringIO(newline=""), io.StringIO(newline="")
    write_table(["a", "b", "c"], iter(rows), buffer)
    csv.writer(reference, lineterminator="\r\n").writerows(
        [spreadsheet_safe(c) for c in row] for row in [["a", "b", "c"], *rows])
    assert buffer.getvalue() == reference.getvalue()


def test_spreadsheet_safe_leaves_numbers_and_plain_text():
    from kg.export import spreadsheet_safe

    assert [spreadsheet_safe(v) for v in (2020, -5, 0.8, -0.5, "-5", "+1.5e3", "Turkey", "", None)] == [
        2020, -5, 0.8, -0.5, "-5", "+1.5e3", "Turkey", "", None]
    assert [spreadsheet_safe(v) for v in ("=1+1", "+1+1", "-1+1", "@A1", "\tx", "\rx", "-")] == [
        "'=1+1", "'+1+1", "'-1+1", "'@A1", "'\tx", "'\rx", "'-"]


def test_a_documents_control_sequences_do_not_reach_the_csv_or_graphml(tmp_path):
    import networkx as nx

    from kg.export import write_graphml, write_table

    evidence = "Chile \x1b]0;owned\x07and Peru \x9b2Jsigned a pact."
    write_table(["evidence"], [[evidence]], tmp_path / "t.csv")
    written = (tmp_path / "t.csv").read_text(encoding="utf-8")
    assert "owned" in written and not any(c in written for c in "\x1b\x07\x9b")
    # the same length as the text, so offsets into the document still hold
    assert len(written.splitlines()[1]) == len(evidence)
    g = nx.Graph()
    g.add_edge("CHL", "PER", evidence=evidence)
    write_graphml(g, tmp_path / "g.graphml")
    data = (tmp_path / "g.graphml").read_text(encoding="utf-8")
    assert "owned" in data and not any(c in data for c in "\x1b\x07\x9b")


def dated_graph():
    """Pakistan and Turkey in 2001, 2002 and 2005 (and once undated), Malaysia and Turkey in 2003."""
    facts = [
        Fact("a", 0, 0, 30, "partnership", "PAK", "TUR", partnership_type="alliance", evidence="Allies since 2001.", year=2001),
        Fact("a", 1, 31, 60, "partnership", "TUR", "PAK", activity="joint_exercises", evidence="Drills in 2002.", year=2002),
        Fact("b", 0, 0, 30, "partnership", "PAK", "TUR", activity="joint_exercises", evidence="Drills again.", year=2005),
        Fact("c", 0, 0, 30, "partnership", "PAK", "TUR", evidence="They cooperate."),
        Fact("c", 1, 31, 60, "partnership", "MYS", "TUR", partnership_type="alliance", evidence="Allies in 2003.", year=2003),
        Fact("c", 2, 61, 90, "membership", "TUR", "NATO", evidence="Turkey is in NATO."),
    ]
    return add_layout(build_graph(facts, []))


def gexf_root(graph, tmp_path):
    path = tmp_path / "g.gexf"
    write_gexf(graph, path)
    return path, etree.parse(str(path))


def test_partnership_edges_carry_their_years():
    edge = dated_graph().edges["PAK", "TUR"]
    assert (edge["first_year"], edge["last_year"], edge["years"]) == (2001, 2005, [2001, 2002, 2005])
    assert edge["evidence_per_year"] == ["2001: 1", "2002: 1", "2005: 1"]
    assert list(zip(edge["evidence_years"], edge["evidence"])) == [
        (2001, "[a] Allies since 2001."), (2002, "[a] Drills in 2002."), (2005, "[b] Drills again."), ("", "[c] They cooperate.")]
    assert "first_year" not in dated_graph().edges["NATO", "TUR"]


def test_flat_year_attributes_are_static_columns_in_graphml(tmp_path):
    write_graphml(dated_graph(), tmp_path / "g.graphml")
    reread = nx.read_graphml(tmp_path / "g.graphml")
    assert reread.edges["PAK", "TUR"]["years"] == "2001; 2002; 2005"
    assert (reread.edges["PAK", "TUR"]["first_year"], reread.edges["MYS", "TUR"]["last_year"]) == (2001, 2003)
    assert reread.edges["NATO", "TUR"]["first_year"] == 0  # no dated evidence


def test_gexf_is_valid_gexf_1_3(tmp_path):
    schema = etree.XMLSchema(etree.parse(str(GEXF_SCHEMA)))
    for graph in (dated_graph(), sample_graph(), nx.Graph()):
        _, document = gexf_root(graph, tmp_path)
        assert schema.validate(document), schema.error_log
        assert document.getroot().get("version") == "1.3"


def test_schema_rejects_integer_years_and_an_edge_type_attribute(tmp_path):
    """The two traps of networkx's writer the GEXF writer steps around."""
    schema = etree.XMLSchema(etree.parse(str(GEXF_SCHEMA)))
    _, document = gexf_root(dated_graph(), tmp_path)
    document.getroot().find(f"{GEXF}graph").set("timeformat", "long")
    assert not schema.validate(document)
    _, document = gexf_root(dated_graph(), tmp_path)
    document.getroot().find(f".//{GEXF}edge").set("type", "partnership")
    assert not schema.validate(document)


def test_an_edge_attribute_named_type_stays_a_column_and_the_file_valid(tmp_path):
    graph = nx.Graph()
    graph.add_edge("PAK", "TUR", relation="partnership", type="alliance", years=[2003])
    path, document = gexf_root(graph, tmp_path)
    assert etree.XMLSchema(etree.parse(str(GEXF_SCHEMA))).validate(document)
    assert nx.read_gexf(path).edges["PAK", "TUR"]["edge_type"] == "alliance"


def test_gexf_is_dynamic_with_a_spell_per_run_of_years(tmp_path):
    _, document = gexf_root(dated_graph(), tmp_path)
    graph = document.getroot().find(f"{GEXF}graph")
    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")
    spells = {
        (e.get("source"), e.get("target")): [(s.get("start"), s.get("end")) for s in e.iter(f"{GEXF}spell")]
        for e in graph.iter(f"{GEXF}edge")
    }
    assert spells[("PAK", "TUR")] == [("2001-01-01", "2002-12-31"), ("2005-01-01", "2005-12-31")]
    assert spells[("MYS", "TUR")] == [("2003-01-01", "2003-12-31")]
    assert spells[("NATO", "TUR")] == []  # undated: always there
    turkey = next(n for n in graph.iter(f"{GEXF}node") if n.get("id") == "TUR")
    assert [s.get("start") for s in turkey.iter(f"{GEXF}spell")] == ["2001-01-01", "2005-01-01"]


def test_dynamic_gexf_reads_back_with_networkx_static_attributes_and_spells(tmp_path):
    path, _ = gexf_root(dated_graph(), tmp_path)
    reread = nx.read_gexf(path)
    edge = reread.edges["PAK", "TUR"]
    assert (edge["first_year"], edge["last_year"], edge["years"], edge["weight"]) == (2001, 2005, "2001; 2002; 2005", 4.0)
    assert edge["spells"] == [("2001-01-01", "2002-12-31"), ("2005-01-01", "2005-12-31")]


def test_dynamic_gexf_reads_back_with_gephi_lites_importer(tmp_path):
    sys.path.insert(0, str(Path(__file__).parent))
    from test_readers import graphology

    graph = dated_graph()
    path, _ = gexf_root(graph, tmp_path)
    seen = graphology("gexf", path)
    assert (seen["order"], seen["size"]) == (graph.number_of_nodes(), graph.number_of_edges())
    edge = next(e for e in seen["edges"] if {e["source"], e["target"]} == {"PAK", "TUR"})
    assert edge["attributes"]["years"] == "2001; 2002; 2005"
    assert edge["attributes"]["first_year"] == 2001


def test_a_dated_corpus_builds_edges_with_years_and_dynamic_gexf(tmp_path):
    import csv

    import kg

    corpus = tmp_path / "dated.jsonl"
    corpus.write_text(
        '{"id": "a", "date": "2021-06-01", "text": "In 2003, Qatar and Turkey held joint military exercises."}\n'
        '{"id": "b", "date": "2019-02-01", "text": "Qatar and Turkey signed a defence cooperation agreement."}\n'
        '{"id": "c", "text": "Malaysia and Indonesia launched joint maritime patrols."}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    kg.build([corpus], out=out, formats=["csv", "gexf"])
    with (out / "edges.csv").open(encoding="utf-8", newline="") as fh:
        edges = {frozenset((row["source"], row["target"])): row for row in csv.DictReader(fh)}
    qatar_turkey, malaysia_indonesia = edges[frozenset(("QAT", "TUR"))], edges[frozenset(("IDN", "MYS"))]
    assert (qatar_turkey["first_year"], qatar_turkey["last_year"], qatar_turkey["years"]) == ("2003", "2019", "2003; 2019")
    assert (malaysia_indonesia["first_year"], malaysia_indonesia["years"]) == ("0", "")
    schema = etree.XMLSchema(etree.parse(str(GEXF_SCHEMA)))
    for name in ("graph.gexf", "actors.gexf"):
        document = etree.parse(str(out / name))
        assert schema.validate(document), schema.error_log
        assert document.getroot().find(f"{GEXF}graph").get("mode") == "dynamic"
    reread = nx.read_gexf(out / "actors.gexf")
    assert reread.edges["QAT", "TUR"]["spells"] == [("2003-01-01", "2003-12-31"), ("2019-01-01", "2019-12-31")]
    assert "spells" not in reread.edges["IDN", "MYS"]


def test_evidence_confidences_are_a_static_column_beside_the_evidence(tmp_path):
    facts = [
        Fact("a", 0, 0, 9, "partnership", "PAK", "TUR", activity="joint_exercises", evidence="Drills.", confidence=0.5),
        Fact("b", 0, 0, 9, "partnership", "TUR", "PAK", evidence="More drills.", confidence=0.75),
    ]
    graph = add_layout(build_graph(facts, []))
    write_graphml(graph, tmp_path / "g.graphml")
    reread = nx.read_graphml(tmp_path / "g.graphml")
    edge = reread.edges["PAK", "TUR"]
    assert (edge["evidence"], edge["evidence_confidences"]) == ("[a] Drills.; [b] More drills.", "0.5; 0.75")
    assert edge["confidence"] == 0.88  # 1 - 0.5 * 0.25, rounded
    assert reread.edges["PAK", "activity:joint_exercises"]["confidence"] == 0.5
    assert reread.edges["PAK", "activity:joint_exercises"]["evidence_confidences"] == ""
