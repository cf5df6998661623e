"""Facts across sentences, in our own sentences."""
from tests.extraction_helpers import facts


def test_the_two_nations_carries_the_pair_to_the_next_sentence(nlp):
    found = facts(nlp, "Ghana and Nigeria renewed their security partnership. The two nations will also run joint naval patrols.")
    second = [f for f in found if f.sentence == 1]
    assert {(f.source, f.target) for f in second} == {("GHA", "NGA")}
    assert {f.activity for f in second} >= {"joint_operations"}
    assert all(f.method == "reference" and f.confidence < 0.9 for f in second)


def test_focus_does_not_cross_paragraphs(nlp):
    found = facts(nlp, "Ghana and Nigeria renewed their security partnership.\n\nThe two nations also run joint patrols.")
    assert {f.sentence for f in found} == {0}


def test_the_kingdom_resolves_to_the_kingdom_in_focus(nlp):
    found = facts(nlp, "Officials from Jordan visited Cairo last week. Egypt offered the Kingdom training for its pilots.")
    assert ("EGY", "JOR") in {tuple(sorted((f.source, f.target))) for f in found if f.activity == "military_training"}


def test_generic_statements_become_type_level_facts(nlp):
    found = facts(nlp, "Security partnerships usually involve intelligence sharing.")
    assert [(f.relation, f.source, f.activity) for f in found] == [("type_activity", "security_partnership", "intelligence_sharing")]


def test_membership_facts(nlp):
    found = facts(nlp, "Estonia, a NATO member, hosts allied troops.")
    assert [(f.relation, f.source, f.target) for f in found if f.relation == "membership"] == [("membership", "EST", "NATO")]
