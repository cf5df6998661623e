"""kg.ontology: the ontology and the extraction rules load into typed records, and a data file
with a mistake is an error naming the file and the line."""
from __future__ import annotations

import shutil

import pytest

from kg.errors import KgError
from kg.gazetteer import DATA_DIR
from kg.ontology import OntologyError, load_cues, load_ontology


@pytest.fixture
def data_dir(tmp_path):
    """A copy of the packaged data folder, to edit."""
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _line(path, text):
    """The 1-based number of the line of ``path`` that starts with ``text`` (after indentation)."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.strip().startswith(text))


def test_the_packaged_rules_load_into_typed_records():
    cues = load_cues()
    assert cues.confidence["between"] > cues.confidence["link"] > cues.confidence["host"]
    assert cues.reaches.negation == 4
    assert "the two" in cues.words.sentence_start_references
    assert {"joint_exercises", "joint_operations"} <= cues.words.joint_activities
    with pytest.raises(AttributeError):
        cues.reaches.negation = 5


def test_an_ontology_error_is_a_kg_error_not_a_value_error():
    assert issubclass(OntologyError, KgError) and not issubclass(OntologyError, ValueError)


@pytest.mark.parametrize(
    "file, old, new, line_of, message",
    [
        # a misspelt key switches no rule off silently
        ("cues.yaml", "  hostile:\n", "  hostle:\n", "hostle:", "unknown key 'hostle'"),
        ("cues.yaml", "  copulas:", "  copulae:", "copulae:", "unknown key 'copulae'"),
        ("cues.yaml", "\nwords:\n", "\nwordz:\n", "wordz:", "unknown key 'wordz'"),
        ("rules.yaml", "  negation: 4\n", "", "reaches:", "missing key 'negation' under 'reaches'"),
        ("cues.yaml", "copulas: [is, was,", "copulas: [is, used to be, was,", "copulas:",
         "'used to be' in 'copulas' is several words; the list holds single tokens"),
        ("cues.yaml", "joint_activities: [joint_exercises,", "joint_activities: [joint_exercise,", "joint_activities:",
         "unknown activity 'joint_exercise'"),
        ("cues.yaml", "composed_body_types: [multilateral_framework]", "composed_body_types: [multilateral]",
         "composed_body_types:", "unknown partnership type 'multilateral'"),
        ("cues.yaml", "non_partner_markers: [exemplification,", "non_partner_markers: [example,",
         "non_partner_markers:", "unknown cue kind 'example'"),
        ("cues.yaml", 'intransitive_join_followers: ["in", "on",', 'intransitive_join_followers: ["in", on,',
         "intransitive_join_followers:", "'on' in 'intransitive_join_followers' is not a word: quote it"),
        ("cues.yaml", "    future: [will, shall]", "    future: [will, shall, hope]", "wish:",
         "'hope' in 'modality_classes' is in both 'future' and 'wish'"),
        ("cues.yaml", "    future: [will, shall]", "    future: [will, shall, going to]", "future:",
         "'going to' in 'modality_classes.future' is several words; the list holds single tokens"),
        ("rules.yaml", "  host: 0.7", "  host: high", "host:", "'high' is not a number"),
        ("rules.yaml", "  long_list: 4", "  long_list: 4.5", "long_list:", "'4.5' is not an integer"),
        # an activity implies types the ontology has; a type implies nothing
        ("ontology.yaml", "    implies: [alliance]\n", "    implies: [alliance, friendship]\n", "implies:",
         "unknown partnership type 'friendship'"),
        ("ontology.yaml", "    label: Alliance\n", "    label: Alliance\n    implies: [mutual_defense]\n",
         "implies: [mutual_defense]", "unknown key 'implies'"),
    ],
)
def test_a_mistake_in_the_rules_names_the_file_and_line(data_dir, file, old, new, line_of, message):
    path = data_dir / file
    _edit(path, old, new)
    with pytest.raises(OntologyError) as error:
        load_cues(data_dir)
    assert str(error.value) == f"{path}:{_line(path, line_of)}: {message}"


def test_the_rules_are_checked_against_the_ontology_of_the_same_folder(data_dir):
    _edit(data_dir / "ontology.yaml", "  joint_exercises:", "  joint_drills:")
    with pytest.raises(OntologyError, match="unknown activity 'joint_exercises'"):
        load_cues(data_dir)


def test_a_missing_section_is_named(data_dir):
    cues = data_dir / "cues.yaml"
    _edit(cues, "\nwords:\n", "\nwordz:\n")
    with pytest.raises(OntologyError) as error:
        load_cues(data_dir)
    assert str(error.value) == f"{cues}:{_line(cues, 'wordz:')}: unknown key 'wordz'"


def test_a_missing_rules_file_is_named(data_dir):
    (data_dir / "rules.yaml").unlink()
    with pytest.raises(OntologyError) as error:
        load_cues(data_dir)
    assert str(error.value) == f"{data_dir / 'rules.yaml'}: no such file"


def test_the_ontology_lists_activities_with_their_labels():
    onto = load_ontology()
    assert onto.label("joint_exercises") == onto.activities["joint_exercises"].label


def test_a_misspelt_concept_key_in_the_ontology_names_the_file_and_line(data_dir):
    ontology = data_dir / "ontology.yaml"
    text = ontology.read_text(encoding="utf-8")
    label = next(line for line in text.splitlines()[text.splitlines().index("  joint_exercises:"):] if "label:" in line)
    _edit(ontology, label, label.replace("label:", "lable:"))
    with pytest.raises(OntologyError) as error:
        load_ontology(ontology)
    assert str(error.value) == f"{ontology}:{_line(ontology, 'lable:')}: unknown key 'lable'"


def test_an_ontology_cue_yaml_reads_as_a_boolean_must_be_quoted(data_dir):
    ontology = data_dir / "ontology.yaml"
    _edit(ontology, "      - joint exercise\n", "      - joint exercise\n      - off\n")
    with pytest.raises(OntologyError) as error:
        load_ontology(ontology)
    line = _line(ontology, "- joint exercise") + 1
    assert str(error.value) == f"{ontology}:{line}: 'off' reads as False: quote it"


def test_an_activity_states_the_types_it_implies_where_its_cues_stand(data_dir):
    from kg.extract.reader import read_sentences
    from kg.nlp import load_pipeline

    ontology = data_dir / "ontology.yaml"
    _edit(ontology, "    implies: [alliance]\n", "    implies: [alliance, defense_cooperation]\n")
    nlp = load_pipeline(ontology=load_ontology(ontology), data_dir=data_dir)
    reading = read_sentences(nlp("Denmark and Norway promised to defend each other if attacked."))[0]
    assert reading.activities == ("mutual_defense",)
    assert sorted(reading.partnership_types) == ["alliance", "defense_cooperation"]


def test_a_pair_committed_to_defend_each_other_is_an_alliance():
    from kg.extract.reader import read_sentences
    from kg.nlp import load_pipeline

    reading = read_sentences(load_pipeline()("In 1902 Chile and Peru pledged to come to each other's aid."))[0]
    assert reading.given_for("CHL", "PER") == (("alliance",), ("mutual_defense",))

