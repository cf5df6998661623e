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


PAKLAND = "Pakland and Turkey will zorble along the border next year."


@pytest.fixture
def edited_data(tmp_path):
    """A copy of kg/data with an alias ("Pakland" -> PAK), PAK's label and a cooperation cue ("zorble") added,
    and a confidence of 0.66 for a pair a coordinated list links."""
    import shutil

    from kg.gazetteer import DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    countries = (data / "countries.csv").read_text(encoding="utf-8")
    row = "PAK,Pakistan,Islamic Republic of Pakistan,"
    assert row in countries
    (data / "countries.csv").write_text(countries.replace(row, "PAK,Pakistan (edited),Islamic Republic of Pakistan|Pakland,"), encoding="utf-8")
    cues = (data / "cues.yaml").read_text(encoding="utf-8")
    (data / "cues.yaml").write_text(cues.replace("  cooperation:\n", "  cooperation:\n    - zorble\n", 1), encoding="utf-8")
    rules = (data / "rules.yaml").read_text(encoding="utf-8")
    assert "  coordination: 0.9 " in rules
    (data / "rules.yaml").write_text(rules.replace("  coordination: 0.9 ", "  coordination: 0.66", 1), encoding="utf-8")
    return data


def test_a_data_dir_reaches_every_stage_and_the_cache(tmp_path, edited_data):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "p.txt").write_text(PAKLAND, encoding="utf-8")
    out = tmp_path / "out"

    def built(*options):
        # the rules decide, so that the added cue alone makes the partnership
        result = kg("build", str(corpus), "--out", str(out), "--quiet", "--model", "rules", *options)
        assert result.returncode == 0, result.stderr
        return rows(out / "mentions.csv"), rows(out / "facts.csv"), {n["id"]: n["label"] for n in rows(out / "nodes.csv")}

    packaged = built()
    mentions, facts, labels = packaged
    assert [m["entity"] for m in mentions] == ["TUR"] and facts == []
    # the edited data, into the same --out: its cache entries are not the packaged data's
    mentions, facts, labels = built("--data-dir", str(edited_data))
    assert [(m["entity"], m["text"]) for m in mentions] == [("PAK", "Pakland"), ("TUR", "Turkey")]
    assert [(f["relation"], f["source"], f["target"]) for f in facts] == [("partnership", "PAK", "TUR")]
    # the data folder's confidence of the shape, less the generic cue's penalty of its rules.yaml
    assert [(f["method"], f["confidence"]) for f in facts] == [("coordination", "0.56")]
    assert labels["PAK"] == "Pakistan (edited)"
    assert built() == packaged


def test_a_data_dir_that_is_not_a_folder_is_one_error_line(tmp_path, repo):
    result = kg("build", str(repo / "corpus"), "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path / "nowhere"))
    assert (result.returncode, result.stderr) == (1, f"Error: {tmp_path / 'nowhere'}: no such data folder\n")


def test_a_misspelt_key_in_a_copied_cues_file_is_one_error_line_with_its_line(tmp_path, repo, edited_data):
    cues = edited_data / "cues.yaml"
    lines = cues.read_text(encoding="utf-8").splitlines(keepends=True)
    number = lines.index("  hostile:\n") + 1
    lines[number - 1] = "  hostle:\n"
    cues.write_text("".join(lines), encoding="utf-8")
    result = kg("build", str(repo / "corpus"), "--out", str(tmp_path / "out"), "--data-dir", str(edited_data))
    assert (result.returncode, result.stderr) == (1, f"Error: {cues}:{number}: unknown key 'hostle'\n")
    assert not (tmp_path / "out").exists()


def test_a_bug_is_reported_as_one_and_not_as_the_users_error(capsys):
    import typer

    from kg.cli import reported_errors

    with pytest.raises(typer.Exit) as exit_:
        with reported_errors():
            raise ValueError("invalid literal for int() with base 10: 'x'")
    assert exit_.value.exit_code == 1
    assert capsys.readouterr().err == (
        "Error: ValueError: invalid literal for int() with base 10: 'x' (a bug in kg; rerun with --debug for the traceback)\n"
    )


@pytest.mark.parametrize("args, message", [
    (["explain", "--doc", "d1"], "--doc needs --corpus"),
    (["explain"], "give a TEXT or --doc ID --corpus PATH"),
    (["train", "labels.jsonl", "--out", "m.json", "--silver", "silver.jsonl"], "--silver needs --silver-corpus"),
])
def test_an_option_missing_its_partner_is_a_usage_error(args, message, tmp_path):
    result = kg(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Usage: " in result.stderr and "a bug in kg" not in result.stderr
