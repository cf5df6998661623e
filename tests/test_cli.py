"""End to end: the CLI on the bundled corpus."""
import csv
import subprocess
import sys

import networkx as nx
import pytest

OUTPUTS = ["facts.csv", "mentions.csv", "nodes.csv", "edges.csv", "graph.graphml", "graph.gexf", "graph.html",
           "actors.graphml", "actors.gexf"]


def kg(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def built(tmp_path_factory, repo):
    out = tmp_path_factory.mktemp("out")
    result = kg("build", str(repo / "corpus"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out, result


def rows(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_build_writes_every_output_and_a_summary(built):
    out, result = built
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0, name
    assert "documents" in result.stderr and "words/second" in result.stderr


def test_pak_tur_partnership_with_its_activities(built):
    out, _ = built
    facts = rows(out / "facts.csv")
    pak_tur = [f for f in facts if f["relation"] == "partnership" and {f["source"], f["target"]} == {"PAK", "TUR"}]
    assert {"joint_exercises", "intelligence_sharing"} <= {f["activity"] for f in pak_tur}
    assert all(f["evidence"] and 0 <= float(f["confidence"]) <= 1 for f in pak_tur)
    assert not [f for f in facts if f["relation"] == "partnership" and {f["source"], f["target"]} == {"PAK", "SAU"}]


def test_evidence_offsets_point_at_the_sentence(built, repo):
    out, _ = built
    for f in rows(out / "facts.csv"):
        text = (repo / "corpus" / f"{f['doc_id']}.txt").read_text(encoding="utf-8")
        assert text[int(f["start"]) : int(f["end"])] == f["evidence"]


def test_misspelling_is_linked(built):
    out, _ = built
    assert any(m["text"] == "Pakisatn" and m["entity"] == "PAK" for m in rows(out / "mentions.csv"))


def test_graphs_reread_and_match_tables(built):
    out, _ = built
    g = nx.read_graphml(out / "graph.graphml")
    assert g.number_of_nodes() == len(rows(out / "nodes.csv"))
    assert g.number_of_edges() == len(rows(out / "edges.csv"))
    actors = nx.read_graphml(out / "actors.graphml")
    assert actors.has_edge("PAK", "TUR")
    page = (out / "graph.html").read_text(encoding="utf-8")
    assert "https://" not in page and "http://" not in page


def test_missing_input_is_a_one_line_error(tmp_path):
    result = kg("build", str(tmp_path / "missing"), "--out", str(tmp_path / "o"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: {tmp_path / 'missing'}: no such file or folder"


def test_help_explains_the_options():
    result = kg("build", "--help")
    assert result.returncode == 0
    for option in ["--out", "--formats", "--ontology", "--spacy-model", "--quiet"]:
        assert option in result.stdout


def test_an_ontology_that_is_not_yaml_is_one_error_line_with_its_line_number(tmp_path, repo):
    ontology = tmp_path / "ontology.yaml"
    ontology.write_text("partnership_types:\n  alliance: [1, 2\nactivities: {}\n", encoding="utf-8")
    result = kg("build", str(repo / "corpus"), "--out", str(tmp_path / "out"), "--ontology", str(ontology))
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: {ontology}:3: not valid YAML (did not find expected ',' or ']')"
    assert not (tmp_path / "out" / "graph.graphml").exists()
