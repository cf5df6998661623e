"""Mechanism 7: ``--spacy-model PATH`` adds the rule components to a trained pipeline saved to disk.

No pretrained pipeline can be downloaded here, so the tests use a tiny dependency
parser trained on a handful of our own annotated sentences and saved with ``nlp.to_disk``
(``parser_path`` in ``conftest.py``), loaded through :func:`kg.nlp.load_pipeline` and
``kg build --spacy-model``.
"""
from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.extract import read_sentences
from kg.nlp import ENTITIES_KEY, load_pipeline


@pytest.fixture(scope="module")
def trained_nlp(parser_path):
    return load_pipeline(str(parser_path))


def test_rule_components_are_added_to_the_saved_pipeline(trained_nlp):
    assert trained_nlp.has_pipe("parser")
    assert {"kg_entity_ruler", "kg_cue_ruler", "kg_fuzzy_linker"} <= set(trained_nlp.pipe_names)
    doc = trained_nlp("Norway supplied Estonia with radars.")
    assert [s.id_ for s in doc.spans[ENTITIES_KEY]] == ["NOR", "EST"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Norway supplied Estonia with radars.", {("EST", "NOR", "dependency")}),
        ("Kenya cooperates with Uganda.", {("KEN", "UGA", "dependency")}),
        # Praise is no cooperation verb: the parser sees subject and object, kg asserts nothing.
        ("Japan praised India.", set()),
    ],
)
def test_dependency_matcher_links_subject_and_object_of_cooperation_verbs(trained_nlp, text, expected):
    found = {(*sorted(p[:2]), p[2]) for r in read_sentences(trained_nlp(text)) for p in r.pairs}
    assert found == expected


def test_embedded_pipeline_has_no_parser_and_no_dependency_pairs(nlp):
    reading = read_sentences(nlp("Norway supplied Estonia with radars."))[0]
    assert [p[2] for p in reading.pairs] == ["object"]


def test_cli_builds_with_a_pipeline_folder(parser_path, tmp_path):
    source = tmp_path / "doc.txt"
    source.write_text("Chile trained Peru.", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(source), "--out", str(out), "--spacy-model", str(parser_path),
                                      "--formats", "csv", "--quiet"])
    assert result.exit_code == 0, result.output
    with (out / "facts.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {(r["source"], r["target"]) for r in rows if r["relation"] == "partnership"} == {("CHL", "PER")}


def test_cli_reports_a_missing_pipeline_in_one_line(tmp_path):
    source = tmp_path / "doc.txt"
    source.write_text("Chile trained Peru.", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(source), "--out", str(tmp_path / "o"), "--spacy-model",
                                      str(tmp_path / "no_such_pipeline")])
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error:") and "Traceback" not in result.output
