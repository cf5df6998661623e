"""The pair classifier: candidate pairs, their features, the model file and its decisions."""
from __future__ import annotations

import gzip
import json
import re

import pytest

from kg.classify import ActorSentences, DocIndex, PairModel, decide, sentence_candidates
from kg.errors import KgError
from kg.extract import read_sentences
from kg.resolve import resolve


def candidates(nlp, text, speaker=""):
    doc = nlp(text)
    return {(c.a, c.b): c for r in read_sentences(doc) for c in sentence_candidates(doc, r, speaker)}


def test_every_pair_of_distinct_actors_is_a_candidate(nlp):
    found = candidates(nlp, "Chile and Peru met Brazil; Chile spoke first.")
    assert {frozenset(pair) for pair in found} == {frozenset(p) for p in (("CHL", "PER"), ("CHL", "BRA"), ("PER", "BRA"))}


def test_words_between_the_pair_are_read_with_the_actors_masked(nlp):
    features = candidates(nlp, "Chile signed a defence pact with Peru in 1990.")[("CHL", "PER")].features
    assert "btw:signed a defence" in features and "btw_end:pact with" in features
    assert "rgt:in 0" in features  # numbers read as 0
    assert not any("chile" in f or "peru" in f for f in features)


def test_the_sentence_words_are_shared_by_its_pairs_with_every_actor_masked(nlp):
    found = candidates(nlp, "Chile, Peru and Brazil met in Lima.")
    shared = {c.shared for c in found.values()}
    assert len(shared) == 1 and {"s:X ,", "s:X and"} <= set(next(iter(shared)))
    assert not any("chile" in f or "brazil" in f for c in found.values() for f in c.all_features)


def test_cues_are_features_by_kind_and_place(nlp):
    features = candidates(nlp, "Chile and Peru held joint exercises.")[("CHL", "PER")].features
    assert "cue_rgt:activity" in features and "cue:activity:joint_exercises" in features
    between = candidates(nlp, "Chile signed an alliance with Peru.")[("CHL", "PER")].features
    assert "cue_btw:partnership_type" in between


def test_a_cue_word_in_another_sense_is_no_cue_of_its_activity(nlp):
    trains = candidates(nlp, "Chile trains the army of Peru.")[("CHL", "PER")].features
    assert "cue:activity:military_training" in trains
    teaches = candidates(nlp, "Chile trains the medical students of Peru.")[("CHL", "PER")].features
    assert "cue:activity:military_training" not in teaches and "cue:other_sense" in teaches


def test_a_negated_cue_is_marked(nlp):
    features = candidates(nlp, "Chile did not sign a treaty with Peru.")[("CHL", "PER")].features
    assert "cue_btw:negation" in features and any(f.startswith("cue_negated:") for f in features)


def test_the_rule_that_links_the_pair_is_a_feature(nlp):
    linked = candidates(nlp, "Chile and Peru held joint exercises.")[("CHL", "PER")]
    assert linked.rule == "coordination" and "rule:coordination" in linked.features
    unlinked = candidates(nlp, "Chile thanked the people of Peru.")[("CHL", "PER")]
    assert unlinked.rule == "" and "rule:none" in unlinked.features


def test_why_the_rules_refused_a_pair_is_a_feature(nlp):
    # thanked together as givers, the two are co-donors; the support for the United Nations is a stance
    found = candidates(nlp, "We thank Japan and Norway for their generous aid to my country.", speaker="PER")
    refused = [f for f in found[("JPN", "NOR")].features if f.startswith("refused:")]
    assert refused == ["refused:co_donors"]
    stance = candidates(nlp, "Chile supports the United Nations.")[("CHL", "UN")]
    assert "refused:stance" in stance.features
    # a pair a rule links has no refusal feature
    linked = candidates(nlp, "Chile and Peru held joint exercises.")[("CHL", "PER")]
    assert not [f for f in linked.features if f.startswith("refused:")]


def test_a_place_in_a_list_of_places_is_a_feature(nlp):
    found = candidates(nlp, "Chilean forces have served in Haiti, Mali and Lebanon.")
    assert "place_list:one" in found[("CHL", "HTI")].features
    assert "place_list:both" in found[("HTI", "MLI")].features
    assert not any(f.startswith("place_list") for f in candidates(nlp, "Chilean forces have served in Haiti.")[("CHL", "HTI")].features)
    assert "place_list:body" not in found[("CHL", "HTI")].features
    missions = candidates(nlp, "The United Nations has peacekeeping missions in Haiti, Mali and Lebanon.")
    assert {"place_list:one", "place_list:body"} <= set(missions[("UN", "HTI")].features)


def test_a_listed_place_named_as_another_bodys_mission_is_no_place_of_the_body(nlp):
    found = candidates(nlp, "Ghana serves in the United Nations Mission in Haiti, the United Nations Mission in Mali "
                            "and the African Union Mission in Somalia.", speaker="GHA")
    assert "place_list:body" in found[("AU", "SOM")].features
    assert "place_list:body" not in found[("MLI", "AU")].features
    assert "mission_place:other" in found[("MLI", "AU")].features
    assert "place_list:body" in found[("UN", "MLI")].features


def test_the_speaker_in_the_pair_is_a_feature(nlp):
    assert "speaker_in_pair" in candidates(nlp, "Chile and Peru met.", speaker="PER")[("CHL", "PER")].features
    assert "speaker_other" in candidates(nlp, "Chile and Peru met Brazil.", speaker="BRA")[("CHL", "PER")].features


def test_outside_a_speech_a_pair_reads_its_features_but_the_words_also_as_prose_ones(nlp):
    text = "Chile and Peru held joint exercises near the border."
    prose = candidates(nlp, text)[("CHL", "PER")].features
    assert {"prose&rule:coordination", "prose&cue:activity:joint_exercises"} <= set(prose)
    assert "btw:and" in prose and not any(f.startswith(("prose&btw:", "prose&lft:", "prose&rgt:")) for f in prose)
    speech = candidates(nlp, text, speaker="BRA")[("CHL", "PER")].features
    assert "rule:coordination" in speech and not any(f.startswith("prose&") for f in speech)


def test_a_clause_boundary_between_the_pair_is_a_feature(nlp):
    same = candidates(nlp, "Chile and Peru held talks in June.")[("CHL", "PER")].features
    crossed = candidates(nlp, "Chile held talks in June, while Peru stayed away.")[("CHL", "PER")].features
    assert "clause:same" in same and "clause:cross" not in same
    assert "clause:cross" in crossed and "clause:same" not in crossed


def test_the_modality_word_nearest_the_pair_in_its_clause_is_a_feature(nlp):
    hoped = candidates(nlp, "Last year the ministers said they hope Chile and Peru will sign a pact.")[("CHL", "PER")].features
    assert "modal_lft:hope" in hoped and "modal_rgt:will" in hoped
    # a modal verb of another clause says nothing of this pair
    other = candidates(nlp, "Chile and Peru signed a pact, which Bolivia would like to join.")[("CHL", "PER")].features
    assert not any(f.startswith("modal_") for f in other)


def test_the_modality_that_governs_the_pairs_link_is_a_feature_by_class(nlp):
    hoped = candidates(nlp, "We hope that Chile will sign a defence pact with Peru.")[("CHL", "PER")].features
    assert {"modal_class_lft:wish", "modal_class_btw:future", "modal_over:btw", "modal_over_class:future"} <= set(hoped)
    urged = candidates(nlp, "Bolivia urged a new treaty between Chile and Peru.")[("CHL", "PER")].features
    assert {"modal_over:lft", "modal_over_class:call"} <= set(urged)
    # a modal verb after the link says what the pact will do, not that the pact is only hoped for
    reported = candidates(nlp, "The pact between Chile and Peru will boost their trade.")[("CHL", "PER")].features
    assert "modal_class_rgt:future" in reported and not any(f.startswith("modal_over") for f in reported)
    # nor does one of another clause
    other = candidates(nlp, "Chile signed a pact with Peru, which Bolivia hopes to join.")[("CHL", "PER")].features
    assert not any(f.startswith(("modal_class", "modal_over")) for f in other)


@pytest.mark.parametrize(
    "text, modality",
    [
        ("Bolivia has been urging a new treaty between Chile and Peru.", "call"),
        ("They discussed the intended defence pact between Chile and Peru.", "plan"),
        ("Bolivia has long wished for a defence pact between Chile and Peru.", "wish"),
    ],
)
def test_a_modality_class_holds_each_form_of_its_words(nlp, text, modality):
    assert "modal_over_class:" + modality in candidates(nlp, text)[("CHL", "PER")].features


def test_a_hostile_cue_that_ends_the_pairs_link_is_a_feature(nlp):
    suspended = candidates(nlp, "Chile suspended its naval cooperation with Peru in May.")[("CHL", "PER")].features
    assert "link_ended:lft" in suspended
    # the pair's cooperation named before them, ended after them
    halted = candidates(nlp, "Arms sales between Chile and Peru were halted in 2019.")[("CHL", "PER")].features
    assert "link_ended:rgt" in halted
    called_off = candidates(nlp, "Naval drills between Chile and Peru were called off in May.")[("CHL", "PER")].features
    assert "link_ended:rgt" in called_off  # a passive ending (phrases.ended), neither hostile nor a negation
    # a hostile word of a third party's deed does not end the pair's own cooperation
    against = candidates(nlp, "Chile and Peru held joint drills after Bolivia threatened them.")[("CHL", "PER")].features
    ongoing = candidates(nlp, "Chile and Peru signed a defence pact in 2019.")[("CHL", "PER")].features
    assert not any(f.startswith("link_ended") for f in (*against, *ongoing))


def test_the_reach_of_a_word_over_the_pairs_link_is_read_from_the_data_folder(nlp, tmp_path):
    import shutil

    from kg.gazetteer import DATA_DIR
    from kg.ontology import load_cues

    sentence = "Chile hopes that early in the next decade its first defence pact with Peru is signed."
    doc = nlp(sentence)
    assert "modal_over_class:wish" not in candidates(nlp, sentence)[("CHL", "PER")].features  # "hopes" is 9 tokens before "pact"
    shutil.copytree(DATA_DIR, tmp_path / "data")
    rules = tmp_path / "data" / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("  link_governor: 6\n", "  link_governor: 10\n"), encoding="utf-8")
    wider = load_cues(tmp_path / "data")
    found = {(c.a, c.b): c for r in read_sentences(doc) for c in sentence_candidates(doc, r, rules=wider)}
    assert "modal_over_class:wish" in found[("CHL", "PER")].features


def test_a_modality_class_of_the_data_folder_is_read(nlp, tmp_path):
    import shutil

    from kg.gazetteer import DATA_DIR
    from kg.ontology import load_cues

    shutil.copytree(DATA_DIR, tmp_path / "data")
    cues = tmp_path / "data" / "cues.yaml"
    cues.write_text(cues.read_text(encoding="utf-8").replace("  modality_classes:\n", "  modality_classes:\n    rumour: [reportedly]\n"),
                    encoding="utf-8")
    doc = nlp("Chile reportedly signed a pact with Peru.")
    rules = load_cues(tmp_path / "data")
    found = {(c.a, c.b): c for r in read_sentences(doc) for c in sentence_candidates(doc, r, rules=rules)}
    assert {"modal_class_btw:rumour", "modal_over_class:rumour"} <= set(found[("CHL", "PER")].features)
    assert not any(f.startswith("modal_") for f in candidates(nlp, "Chile reportedly signed a pact with Peru.")[("CHL", "PER")].features)


def test_the_first_person_is_a_feature_with_where_the_speaker_stands(nlp):
    thanked = candidates(nlp, "We thank Chile and Peru for their help.", speaker="BRA")[("CHL", "PER")].features
    assert {"first_person", "first_person&speaker_other"} <= set(thanked)
    assert not any(f.startswith("first_person") for f in candidates(nlp, "Chile and Peru held exercises.")[("CHL", "PER")].features)


def test_the_words_that_open_and_close_the_pairs_list_are_features(nlp):
    found = candidates(nlp, "The proposal of Chile, Peru and Brazil was adopted.")
    features = found[("CHL", "PER")].features
    assert {"list:same_3", "lhead:of", "lhead2:proposal of", "ltail:was"} <= set(features)
    assert "lhead:of" in found[("CHL", "BRA")].features and "list:same_3" in found[("PER", "BRA")].features
    apart = candidates(nlp, "Chile and Peru met, and Brazil spoke.")[("CHL", "BRA")].features
    assert "list:x_in_other" in apart and not any(f.startswith(("list:same", "lhead")) for f in apart)


def test_an_actor_named_by_its_capital_is_a_feature(nlp):
    capitals = candidates(nlp, "Talks in Lima and Santiago ended.")[("PER", "CHL")].features
    assert capitals.count("form:capital") == 2
    one = candidates(nlp, "Lima and Chile officials met.")[("PER", "CHL")].features
    assert one.count("form:capital") == 1
    assert "form:capital" not in candidates(nlp, "Peruvian and Chilean officials met.")[("PER", "CHL")].features


def test_a_long_list_gives_only_the_pairs_a_rule_links(nlp):
    names = ["Chile", "Peru", "Brazil", "Bolivia", "Ecuador", "Uruguay", "Paraguay", "Colombia", "Venezuela",
             "Argentina", "Guyana", "Suriname", "Panama", "Mexico"]
    from kg.ontology import load_cues

    assert len(names) > load_cues().reaches.pairwise_list
    text = f"We salute {', '.join(names[:-1])} and {names[-1]}."
    assert candidates(nlp, text) == {}


def document_features(nlp, text):
    """The document feature of each candidate pair of each sentence of ``text``: {(sentence, a, b): feature}."""
    doc = nlp(text)
    readings = read_sentences(doc)
    sentences = ActorSentences.of(DocIndex(doc), readings)
    return {(r.index, *sorted((c.a, c.b))): [f for f in c.features if f.startswith("doc_")]
            for r in readings for c in sentence_candidates(doc, r, sentences=sentences)}


def test_a_pair_named_together_in_every_sentence_has_no_document_feature_for_it(nlp):
    found = document_features(nlp, "Ghana and Togo met in Accra. Ghana and Togo spoke at length. Ghana and Togo "
                                   "left on Monday.")
    assert found[(0, "GHA", "TGO")] == ["doc_linked:none", "doc_hostile:none"]  # the subject, not partners


def test_the_other_sentences_that_link_the_pair_are_counted(nlp):
    found = document_features(nlp, "Ghana and Togo signed a pact. Ghana and Togo held joint exercises. "
                                   "Ghana thanked Togo.")
    assert found[(2, "GHA", "TGO")] == ["doc_linked:more", "doc_hostile:none"]
    assert found[(0, "GHA", "TGO")][0] == "doc_linked:one"  # its own link is not counted


def test_the_other_hostile_sentences_that_name_the_pair_are_counted(nlp):
    found = document_features(nlp, "Relations between Armenia and Azerbaijan deteriorated. Armenia and Azerbaijan "
                                   "clashed again. Armenia and Azerbaijan met in Geneva. Iran condemned the violence.")
    assert found[(2, "ARM", "AZE")] == ["doc_linked:none", "doc_hostile:more"]
    assert found[(0, "ARM", "AZE")][1] == "doc_hostile:one"


def test_a_hostile_cue_aimed_at_one_of_the_pair_makes_its_sentence_hostile_to_the_pair(nlp):
    found = document_features(nlp, "India accuses Pakistan of sheltering militants. India and Pakistan met in Delhi.")
    assert found[(1, "IND", "PAK")] == ["doc_linked:none", "doc_hostile:one"]


def test_without_the_whole_document_a_pair_has_no_document_feature(nlp):
    doc = nlp("Ghana and Togo signed an accord. Ghana and Togo patrol the frontier.")
    assert all(not f.startswith("doc_") for r in read_sentences(doc)
               for c in sentence_candidates(doc, r) for f in c.features)


def test_a_build_scores_the_document_feature(nlp, tmp_path):
    model = PairModel.load(tiny_model(tmp_path, {"doc_linked:one": [6, 0, 0, 0, 0]}, threshold=0.7))
    doc = nlp("Ghana and Togo signed an accord. Ghana and Togo signed a pact. Mali and Niger met.")
    decisions = decide(model, doc, read_sentences(doc))
    assert [d.partnership > 0.9 for sentence in decisions for d in sentence] == [True, True, False]


WAR = ("Armenia and Azerbaijan fought a six-week war over the disputed region in 2020. Azerbaijan shelled Armenian "
       "positions along the border, and Armenia accused Azerbaijan of targeting civilians. Talks between Armenia and "
       "Azerbaijan collapsed in the spring. Both Armenia and Azerbaijan massed troops near the line of contact. Russia "
       "deployed peacekeepers after a ceasefire between Armenia and Azerbaijan. Clashes between Armenia and Azerbaijan "
       "resumed in September.")
RIVALRY = ("India and Pakistan have fought three wars since 1947. India accuses Pakistan of sheltering militants, and "
           "Pakistan denies it. India and Pakistan both "
           "tested missiles this year. India and Pakistan sent delegations to the talks in Geneva. Analysts say India "
           "and Pakistan remain far apart.")
PACT = ("Ghana and Togo signed a defence pact in 2021. Under the pact, Ghana and Togo share intelligence on militant "
        "groups. Troops of Ghana and Togo patrol the northern border together. Ghana and Togo also hold joint "
        "exercises every year.")


@pytest.mark.parametrize("text, partners", [(WAR, False), (RIVALRY, False), (PACT, True)])
def test_a_pair_an_article_is_about_is_partners_only_when_its_sentences_say_so(nlp, text, partners):
    from kg.classify import load_model

    model = load_model()
    threshold = model.thresholds["partnership"]
    doc = nlp(text)
    decisions = [d for sentence in decide(model, doc, read_sentences(doc), threshold=threshold) for d in sentence
                 if {d.a, d.b} in ({"ARM", "AZE"}, {"IND", "PAK"}, {"GHA", "TGO"})]
    assert len(decisions) >= 4  # the two are named together in most sentences
    assert any(d.accepted(threshold) for d in decisions) is partners


def tiny_model(tmp_path, weights, threshold=0.5):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({
        "relations": ["partnership", "proposed", "hostile", "membership", "none"],
        "bias": [0, 0, 0, 0, 0], "weights": weights, "thresholds": {"partnership": threshold},
        "calibration": {"partnership": {"x": [0.0, 0.5, 1.0], "y": [0.0, 0.8, 1.0]}},
    }))
    return path


def test_a_model_file_scores_features_and_calibrates(tmp_path):
    model = PairModel.load(tiny_model(tmp_path, {"btw:and": [4, 0, 0, 0, 0]}))
    raw = model.scores(["btw:and"])[0]
    assert raw == pytest.approx(0.9317, abs=1e-3)  # e^4 / (e^4 + 4)
    assert model.predict(["btw:and"])["partnership"] == pytest.approx(0.8 + 0.2 * (raw - 0.5) / 0.5, abs=1e-3)
    assert model.predict(["unseen"])["partnership"] == pytest.approx(0.32)  # 0.2 raw, between 0 and 0.8
    assert model.contributions(["btw:and", "unseen"]) == [("btw:and", 4)]
    assert len(model.digest) == 64


def tree_model(tmp_path, trees):
    path = tiny_model(tmp_path, {"btw:and": [1, 0, 0, 0, 0]})
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "trees": trees}))
    return path


# A tree asking about a word of the sentence (a feature every pair of it shares), then one that only
# the trees read, between the pair.
TREES = {"relation": "partnership", "share": 0.5, "features": ["s:pact", "btw:signed"], "feature": [0, 1],
         "present": [2, 3], "absent": [1, 4], "values": [3.0, 1.0, -2.0], "roots": [0]}


@pytest.mark.parametrize("block", [2048, 2])  # the pairs of a long document are read in blocks
def test_a_build_averages_the_trees_with_the_regression_as_the_model_predicts_a_pair(tmp_path, nlp, block,
                                                                                     monkeypatch):
    from kg.trees import Trees

    monkeypatch.setattr(Trees, "BLOCK", block)
    model = PairModel.load(tree_model(tmp_path, TREES))
    doc = nlp("Ghana signed a pact with Togo and Benin. Mali and Niger met. Chad signed a charter with Sudan.")
    readings = read_sentences(doc)
    decided = [d for sentence in decide(model, doc, readings) for d in sentence]
    candidates = [c for r in readings for c in sentence_candidates(doc, r)]
    assert [(d.a, d.b) for d in decided] == [(c.a, c.b) for c in candidates] and len(decided) >= 4
    assert [d.partnership for d in decided] == [model.predict(c.all_features)["partnership"] for c in candidates]
    regression = [model.raw_scores(model.linear(c.all_features)[None, :])[0, 0] for c in candidates]
    trees = [0.5 * (r + t) for r, t in zip(regression, model.trees.probability(c.all_features for c in candidates))]
    assert [model.scores(c.all_features)[0] for c in candidates] == pytest.approx(trees)
    # the pact's pairs reach the first leaf, Chad and Sudan the second, Mali and Niger the third
    assert sorted({round(float(t), 3) for t in model.trees.raw(c.all_features for c in candidates)}) == [-2.0, 1.0, 3.0]


def test_kg_explain_prints_the_regressions_and_the_trees_probabilities(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "kg", "explain", "Chad signed a charter with Sudan.",
                             "--model", str(tree_model(tmp_path, TREES))], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    # the regression weighs none of the pair's features (0.2 for each relation), the trees reach their
    # leaf of 1.0 (0.73), and the mean, 0.465, is calibrated to 0.74
    line = result.stdout.splitlines()[1]
    assert line.startswith("  TCD-SDN: partnership (p=0.74, regression 0.20, trees 0.73; proposed 0.20,"), line


def test_a_model_file_whose_trees_do_not_hold_together_is_an_error(tmp_path):
    path = tree_model(tmp_path, {**TREES, "roots": [9]})
    with pytest.raises(KgError, match=r"model.json is not a pair model: a node of the trees' roots list is neither"):
        PairModel.load(path)
    path = tree_model(tmp_path, {**TREES, "relation": "hostile"})
    with pytest.raises(KgError, match=r"model.json is not a pair model: its trees are not of a partnership"):
        PairModel.load(path)


def test_a_model_file_that_is_not_one_is_an_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"relations": []}')
    with pytest.raises(KgError, match=r"bad.json is not a pair model: no bias, weights"):
        PairModel.load(bad)
    bad.write_text("not json")
    with pytest.raises(KgError, match=r"bad.json is not a pair model: Expecting value"):
        PairModel.load(bad)
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(gzip.compress(b'{"relations": []}')[:12])
    with pytest.raises(KgError, match=r"^cannot read the pair model .*cut.json.gz: "):
        PairModel.load(cut)


def test_kg_build_with_a_missing_model_is_one_error_line(tmp_path, repo):
    import subprocess
    import sys

    missing = tmp_path / "missing.json"
    result = subprocess.run([sys.executable, "-m", "kg", "build", str(repo / "corpus"), "--out", str(tmp_path / "o"),
                             "--model", str(missing)], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == f"Error: cannot read the pair model {missing}: no such file or directory\n"


def test_pairs_the_model_accepts_become_facts_with_its_probability(nlp, tmp_path):
    model = PairModel.load(tiny_model(tmp_path, {"btw:signed a": [6, 0, 0, 0, 0]}, threshold=0.7))
    doc = nlp("Chile signed a pact with Peru. Chile thanked Peru.")
    readings = read_sentences(doc)
    decisions = decide(model, doc, readings)
    facts = resolve("d", readings, decisions=decisions, threshold=0.7)
    partnerships = [(f.sentence, f.source, f.target, f.method) for f in facts if f.relation == "partnership"]
    assert partnerships == [(0, "CHL", "PER", "link")]
    assert facts[0].confidence == round(decisions[0][0].partnership, 2) > 0.9
    assert decisions[1][0].partnership < 0.7  # the second sentence: a candidate, rejected


def test_kg_explain_prints_each_pair_with_its_probability_decision_and_words():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "kg", "explain", "Chile and Peru held joint military exercises. Chile thanked everyone."],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "[0] Chile and Peru held joint military exercises."
    assert lines[1].startswith("  CHL-PER: partnership (p=") and lines[1].endswith("rule: coordination")
    # the features that weigh most, each with its signed weight (which ones depends on the trained model)
    weighed = lines[2].removeprefix("    features: ").split(", ")
    assert lines[2].startswith("    features: ") and len(weighed) == 6
    assert all(re.fullmatch(r".+ [+-]\d+\.\d\d", item) for item in weighed), weighed
    assert lines[3] == "    stated: joint_exercises ('held joint military exercises')"
    # then what the model's stated part reads for the pair, if anything (which depends on the trained model)
    assert all(re.fullmatch(r"    read by the model: \w+ \d\.\d\d(, \w+ \d\.\d\d)*", line) for line in lines[4:])
    assert len(lines) <= 5  # the second sentence names one actor: no candidate


def test_kg_explain_without_a_pair_says_so():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "kg", "explain", "Chile voted."], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == "No candidate pair: no sentence names two actors.\n"


def test_kg_explain_reads_a_document_of_a_corpus(tmp_path):
    import subprocess
    import sys

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "s1", "country": "PER", "text": "Chile and Peru held joint naval exercises."}) + "\n")
    found = subprocess.run([sys.executable, "-m", "kg", "explain", "--doc", "s1", "--corpus", str(corpus)],
                           capture_output=True, text=True)
    assert found.returncode == 0 and found.stdout.startswith("[0] Chile and Peru held joint naval exercises.\n  CHL-PER: ")
    missing = subprocess.run([sys.executable, "-m", "kg", "explain", "--doc", "s2", "--corpus", str(corpus)],
                             capture_output=True, text=True)
    assert missing.returncode == 1 and missing.stderr == f"Error: no document 's2' in {corpus}\n"


def test_kg_explain_reads_the_data_folder_it_is_given(tmp_path, perchance_folder):
    import subprocess
    import sys

    data, model, text = perchance_folder

    def verdict(*options):
        result = subprocess.run([sys.executable, "-m", "kg", "explain", text, "--model", str(model), *options],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()[1].split(" (p=")[0]

    assert verdict() == "  GHA-NGA: partnership"
    assert verdict("--data-dir", str(data)) == "  GHA-NGA: no partnership"
    missing = subprocess.run([sys.executable, "-m", "kg", "explain", text, "--data-dir", str(tmp_path / "nowhere")],
                             capture_output=True, text=True)
    assert missing.returncode == 1 and missing.stderr == f"Error: {tmp_path / 'nowhere'}: no such data folder\n"


STATED_MODEL = {
    "relations": ["partnership", "none"], "bias": [1, 0], "weights": {},
    # the pair's sentence holding "together" reads as joint operations
    "stated": {"types": ["alliance"], "activities": ["joint_operations"], "bias": [-5, -5],
               "weights": {"s:together": [0, 10]}, "threshold": 0.5},
}


def test_the_model_adds_the_types_and_activities_it_reads_for_a_pair(tmp_path, nlp):
    from kg.classify import PairModel, decide
    from kg.extract import read_sentences
    from kg.resolve import resolve

    path = tmp_path / "model.json"
    path.write_text(json.dumps(STATED_MODEL))
    model = PairModel.load(path)
    doc = nlp("Ghana and Nigeria patrolled the gulf together. Chile and Peru formed an alliance. "
              "Kenya and Uganda held joint naval exercises together.")
    readings = read_sentences(doc)
    decisions = decide(model, doc, readings)
    assert [d.inferred for d in decisions[0]] == [((), ("joint_operations",))]
    assert [d.inferred for d in decisions[1]] == [((), ())]
    assert [d.inferred for d in decisions[2]] == [((), ("joint_operations",))]
    facts = resolve("d", readings, decisions=decisions, threshold=0.5)
    # the model's activity where the cue phrases state none; the cue phrases' where they state one
    assert {(f.source, f.target, f.partnership_type, f.activity) for f in facts} == {
        ("GHA", "NGA", "", "joint_operations"), ("CHL", "PER", "alliance", ""), ("KEN", "UGA", "", "joint_exercises")}
    # read for the accepted pairs alone, the same facts
    assert decide(model, doc, readings, threshold=0.5) == decisions
    assert [d.inferred for ds in decide(model, doc, readings, threshold=0.99) for d in ds] == [((), ())] * 3
    assert resolve("d", readings, decisions=decide(model, doc, readings, threshold=0.5), threshold=0.5) == facts


def test_the_model_reads_types_and_activities_from_its_genres_thresholds(tmp_path, nlp):
    from kg.classify import PairModel, decide
    from kg.extract import read_sentences

    path = tmp_path / "model.json"
    # in documents without a speaker the model's activities are never read, its types are
    thresholds = {"speech": {"types": 0.5, "activities": 0.5}, "document": {"types": 0.5, "activities": 1.0}}
    stated = {**STATED_MODEL["stated"], "weights": {"s:together": [10, 10]}, "thresholds": thresholds}
    path.write_text(json.dumps({**STATED_MODEL, "stated": stated}))
    model = PairModel.load(path)
    doc = nlp("Ghana and Nigeria patrolled the gulf together.")
    readings = read_sentences(doc)
    assert [d.inferred for d in decide(model, doc, readings, speaker="KEN")[0]] == [(("alliance",), ("joint_operations",))]
    assert [d.inferred for d in decide(model, doc, readings)[0]] == [(("alliance",), ())]


def test_kg_explain_prints_what_the_model_reads_for_a_pair(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "model.json"
    path.write_text(json.dumps(STATED_MODEL))
    result = subprocess.run([sys.executable, "-m", "kg", "explain", "Ghana and Nigeria patrolled the gulf together.",
                             "--model", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "    read by the model: joint_operations 0.99"


def test_a_rule_linked_pair_has_the_floor_in_prose_and_not_in_a_speech(tmp_path, nlp):
    from kg.classify import PairModel, decide
    from kg.extract import read_sentences

    path = tmp_path / "model.json"
    # p(partnership) 0.47 for every pair: under the threshold 0.6, over the floor 0.45 of a rule-linked pair
    path.write_text(json.dumps({"relations": ["partnership", "none"], "bias": [0, 0.12], "weights": {},
                                "thresholds": {"partnership": 0.6, "linked": 0.45, "stated": 0.45}}))
    model = PairModel.load(path)
    doc = nlp("Ghana and Nigeria patrolled the gulf together.")

    def accepted(speaker):
        [[decision]] = decide(model, doc, read_sentences(doc), speaker)
        return round(decision.partnership, 2), decision.rule, decision.accepted(0.6)
    assert accepted("") == (0.47, "coordination", True)
    assert accepted("KEN") == (0.47, "coordination", False)


def test_the_occasion_of_a_founding_gives_a_pair_the_stated_floor_and_no_activity(tmp_path, nlp):
    from kg.classify import PairModel, decide
    from kg.extract import read_sentences

    path = tmp_path / "model.json"
    # p(partnership) 0.3 for every pair: under the floor 0.45 of a rule-linked pair, over the 0.2 of a stated one
    path.write_text(json.dumps({"relations": ["partnership", "none"], "bias": [0, 0.85], "weights": {},
                                "thresholds": {"partnership": 0.6, "linked": 0.45, "stated": 0.2}}))
    model = PairModel.load(path)

    def decided(text):
        doc = nlp(text)
        readings = read_sentences(doc)
        return [(d.a, d.b, d.stated, d.accepted(0.6), readings[0].stated_for(d.a, d.b)) for d in decide(model, doc, readings)[0]]
    assert decided("The force was created at a summit of Ghana and Togo.") == [("GHA", "TGO", True, True, ((), ()))]
    assert decided("The force was praised by Ghana and Togo.")[0][2:4] == (False, False)
    # the occasion is the founders' only: a pair of another clause is not given it
    other = {(a, b): tuple(rest[:2]) for a, b, *rest in decided(
        "The force was created at a summit of Ghana and Togo, while Benin and Niger praised it.")}
    assert (other[("GHA", "TGO")], other[("BEN", "NER")]) == ((True, True), (False, False))


def test_no_floor_accepts_a_pair_the_model_reads_as_hoped_for(tmp_path, nlp):
    from kg.classify import PairModel, decide, explain
    from kg.extract import read_sentences

    path = tmp_path / "model.json"
    # p(partnership) about 0.47 for every pair, under the threshold 0.6 and over the floor 0.45; a
    # wish before the pair makes "proposed" more probable than a partnership, without lowering it
    path.write_text(json.dumps({"relations": ["partnership", "proposed", "none"], "bias": [0, -5, 0.12],
                                "weights": {"modal_class_lft:wish": [0, 5.1, -5]},
                                "thresholds": {"partnership": 0.6, "linked": 0.45, "stated": 0.45}}))
    model = PairModel.load(path)

    def decision(text):
        doc = nlp(text)
        [[d]] = decide(model, doc, read_sentences(doc))
        return d
    done = decision("Ghana and Nigeria patrolled the gulf together.")
    hoped = decision("We hope that Ghana and Nigeria will patrol the gulf together.")
    assert (done.hoped, done.accepted(0.6)) == (False, True)
    assert hoped.partnership > 0.45 and (hoped.hoped, hoped.accepted(0.6)) == (True, False)
    assert hoped.accepted(0.4)  # the threshold still decides
    [why] = explain(nlp("We hope that Ghana and Nigeria will patrol the gulf together."), model)
    assert (why.hoped, why.partnership) == (True, False)


@pytest.mark.parametrize(
    "text, accepted",
    [
        # members listed as such share a body: no partnership of their own
        ("Mercosur was founded in 1991. Venezuela, Bolivia and Chile joined later.", set()),
        ("Mercosur meets twice a year. Its members include Venezuela, Bolivia and Chile.", set()),
        ("Mercosur's members are Venezuela, Bolivia and Chile.", set()),
        # acting together is a partnership
        ("Mercosur meets twice a year. Venezuela, Bolivia and Chile held joint drills.",
         {("VEN", "BOL"), ("VEN", "CHL"), ("BOL", "CHL")}),
    ],
)
def test_co_members_named_as_members_are_no_partners(tmp_path, nlp, text, accepted):
    path = tmp_path / "model.json"
    # p(partnership) 0.9 for every pair: only the reading of the sentence refuses one
    path.write_text(json.dumps({"relations": ["partnership", "none"], "bias": [2.2, 0],
                                "weights": {}, "thresholds": {"partnership": 0.6}}))
    doc = nlp(text)
    decided = [d for sentence in decide(PairModel.load(path), doc, read_sentences(doc)) for d in sentence]
    assert {(d.a, d.b) for d in decided if d.accepted(0.6) and "MERCOSUR" not in (d.a, d.b)} == accepted


def test_kg_explain_prints_document_text_escaped():
    import subprocess
    import sys

    # a terminal escape (set the window title) inside the sentence and between the pair
    text = "Chile and \x1b]0;owned\x07 Peru held joint military exercises."
    result = subprocess.run([sys.executable, "-m", "kg", "explain", text], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert result.stdout.startswith("[0] Chile and \\x1b]0;owned\\x07 Peru held joint military exercises.\n")


def test_explain_gives_each_pair_only_the_types_stated_for_it(nlp):
    from kg.classify import explain, load_model

    found = {(e.a, e.b): dict(e.stated) for e in explain(nlp("Ghana and Kenya welcomed a defence pact between Chile and Peru."), load_model())}
    by_pair = {frozenset(pair): stated for pair, stated in found.items()}
    assert by_pair[frozenset(("CHL", "PER"))] == {"alliance": "defence pact"}
    assert "alliance" not in by_pair.get(frozenset(("GHA", "KEN")), {})


def test_explain_names_the_body_that_gives_its_members_a_type(nlp):
    from kg.classify import explain, load_model

    found = explain(nlp("The Sahel Guard is composed of battalions from Chad, Niger and Mali."), load_model())
    assert {frozenset((e.a, e.b)) for e in found} == {frozenset(p) for p in (("TCD", "NER"), ("TCD", "MLI"), ("NER", "MLI"))}
    assert all(dict(e.stated)["multilateral_framework"] == "members of one body: TCD, NER, MLI" for e in found)


def test_explain_says_why_no_rule_links_a_pair(nlp):
    from kg.classify import explain, load_model

    found = {frozenset((e.a, e.b)): e for e in explain(
        nlp("Chile supports the United Nations. Chilean peacekeepers serve in Haiti, Mali and Lebanon. "
            "Chile and Peru held joint drills."), load_model())}
    assert found[frozenset(("CHL", "UN"))].refused == ("stance",)
    assert found[frozenset(("CHL", "MLI"))].refused == ("place_list",)
    # a pair a rule links has nothing refused
    assert found[frozenset(("CHL", "PER"))].rule == "coordination" and found[frozenset(("CHL", "PER"))].refused == ()


def test_kg_explain_prints_why_no_rule_links_a_pair():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "kg", "explain", "Chile supports the United Nations."],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].endswith("rule: none (refused: stance)")


def test_the_place_of_a_named_mission_is_a_feature_by_whose_mission_it_is(nlp):
    found = candidates(nlp, "Norway sent engineers to the United Nations Interim Force in Lebanon.")
    assert "mission_place:own" in found[("UN", "LBN")].features
    assert "mission_place:other" in found[("NOR", "LBN")].features
    assert not any(f.startswith("mission_place") for f in found[("NOR", "UN")].features)
    elsewhere = candidates(nlp, "The African Union Mission in Somalia and the United Nations Mission in Liberia ended.")
    assert "mission_place:other" in elsewhere[("SOM", "UN")].features
    assert "mission_place:both" in elsewhere[("SOM", "LBR")].features
    assert not any(f.startswith("mission_place") for f in candidates(nlp, "Norway sent engineers to Lebanon.")[("NOR", "LBN")].features)


def test_an_organisation_after_members_of_is_a_feature_and_whether_a_membership_is_stated(nlp):
    listed = candidates(nlp, "Our trade with the member countries of the European Union, Japan and Chile grew.")
    assert {"members_of", "members_of:unstated"} <= set(listed[("EU", "JPN")].features)
    stated = candidates(nlp, "Chile, a member of the African Union, sent troops.")
    assert "members_of" not in stated[("CHL", "AU")].features
    fellow = candidates(nlp, "Chile joined the other members of the African Union in 2004.")
    assert "members_of" in fellow[("CHL", "AU")].features
