"""Turn sentence readings into facts, resolving references across sentences.

A paragraph keeps a *focus*: the pairs of the last sentence that stated a
partnership. A later sentence of the same paragraph that refers back ("the two
nations", "their", "the alliance", "the Kingdom"), or whose only actors belong
to the pair in focus, asserts its types and activities for that pair. A pair
whose sentence states no partnership type keeps the types stated for it
earlier in the document.

>>> from kg.extract import SentenceReading
>>> first = SentenceReading(0, 0, 10, "...", 0, ("PAK", "TUR"), [("PAK", "TUR", "between")], cooperative=True)
>>> second = SentenceReading(1, 11, 20, "...", 0, activities=("joint_exercises",), cooperative=True, refers_back=True)
>>> [(f.source, f.target, f.activity, f.method) for f in resolve("d", [first, second])]
[('PAK', 'TUR', '', 'between'), ('PAK', 'TUR', 'joint_exercises', 'reference')]
"""
from __future__ import annotations

from typing import Iterable

from kg.classify import Decision
from kg.extract import SentenceReading
from kg.gazetteer import ORGANIZATION, Gazetteer, load_gazetteer
from kg.ontology import Cues, load_cues
from kg.records import MEMBERSHIP, PARTNERSHIP, TYPE_ACTIVITY, Fact

#: ``Fact.method`` of a partnership the classifier finds where no rule links the pair.
CLASSIFIER_METHOD = "classifier"


def _facts_for_pair(
    doc_id: str, r: SentenceReading, a: str, b: str, method: str, confidence: float, penalty: float = 0.0,
    known_types: dict | None = None, inferred: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
) -> list[Fact]:
    """The facts of pair ``a``-``b`` in reading ``r``: one per type and activity stated for it (or
    ``inferred`` by the classifier), else one; ``penalty`` is taken off ``confidence`` when the pair
    has neither."""
    base = dict(
        doc_id=doc_id, sentence=r.index, start=r.start, end=r.end, relation=PARTNERSHIP,
        source=a, target=b, evidence=r.text, method=method,
    )
    types, activities = r.given_for(a, b)
    # where the cue phrases state no type (or no activity) for the pair, the classifier's reading of it
    types, activities = types or inferred[0], activities or inferred[1]
    if not (types or activities):
        confidence -= penalty
    if known_types is not None:
        types = carried_types(known_types, a, b, types)
    if types and set(activities) <= set(r.occasions):
        # "It was signed during a visit to Pyongyang", or "The Ghanaian president visited Togo" after
        # "Ghana and Togo signed a defence treaty": the occasion yields to the kind of relation the
        # classifier reads or the document states for the pair, as to one the sentence states
        activities = ()
    confidence = round(confidence, 2)
    facts = [Fact(**base, partnership_type=t, confidence=confidence) for t in types]
    facts += [Fact(**base, activity=act, confidence=confidence) for act in activities]
    return facts or [Fact(**base, confidence=confidence)]


def carried_types(known: dict, a: str, b: str, types: tuple[str, ...]) -> tuple[str, ...]:
    """The pair's partnership types: ``types`` when the sentence states some for it, else those an
    earlier sentence of the document stated for the same pair ("The treaty of alliance bound A and B.
    In 1902 A assisted B." keeps the alliance). ``known`` (pair -> types) remembers them.

    Reference prose names the kind of a relationship once, often in its opening paragraph, and
    then reports its events; the document, not the paragraph, is its reach."""
    pair = frozenset((a, b))
    if types:
        known[pair] = types
        return types
    return known.get(pair, ())


def carried(focus: list[tuple[str, str]], named: list[str], scored: set[frozenset]) -> list[tuple[str, str]]:
    """The pairs in ``focus`` a sentence naming ``named`` continues: those holding every actor it
    names or among the actors it names, less the pairs the classifier decided in the sentence itself
    (``scored``), whose two names it read there ("the Simla Agreement between India and Pakistan"
    continues neither a pair of India with a third country nor, when the model rejected it, India
    and Pakistan).

    >>> carried([("IND", "PAK"), ("BGD", "IND")], ["IND"], set())
    [('IND', 'PAK'), ('BGD', 'IND')]
    >>> carried([("IND", "PAK"), ("BGD", "IND")], ["IND", "PAK"], set())
    [('IND', 'PAK')]
    >>> carried([("IND", "PAK"), ("BGD", "IND")], ["IND", "PAK"], {frozenset(("IND", "PAK"))})
    []
    """
    return [pair for pair in focus
            if (set(named) <= set(pair) or set(pair) <= set(named)) and frozenset(pair) not in scored]


def _referenced_actor(word: str, recent: list[str], gazetteer: Gazetteer) -> str | None:
    """The most recent actor whose official name contains ``word`` ("Kingdom")."""
    for entity_id in reversed(recent):
        entity = gazetteer.entities.get(entity_id)
        if entity and any(word in name.split() for name in entity.official_names | entity.names):
            return entity_id
    return None


def _classified_pairs(decisions: list[Decision], threshold: float) -> list[tuple[str, str, str, float, tuple]]:
    """The pairs the model calls partners, oriented as the rule that links them if one does, with the
    types and activities the model reads for them."""
    return [(d.a, d.b, d.rule or CLASSIFIER_METHOD, d.partnership, d.inferred)
            for d in decisions if d.accepted(threshold)]


def _classified_memberships(
    doc_id: str, r: SentenceReading, decisions: list[Decision], threshold: float, gazetteer: Gazetteer,
    speaker: str = "",
) -> list[Fact]:
    """Membership facts of the pairs of a country (or group) and an organisation whose membership
    probability reaches ``threshold``, less those the rules state in the sentence already: the
    model reads memberships the rules' phrasings miss ("X's admission as a Member", "X's
    presidency of the Council"). Not a member and an organisation the rules give other memberships
    in the sentence: "Kenya joined the EAC, and Ghana joined the AU" makes Ghana no EAC member; nor
    the ``speaker`` of a speech that welcomes another's membership of the organisation ("we
    welcome Vanuatu as a new Member of the United Nations")."""
    if r.membership_unstated:
        return []  # "X's bid to join NATO": the rules read the membership as hoped for
    stated = {frozenset(pair) for pair in r.memberships}
    stated_members, stated_organisations = {m for m, _ in r.memberships}, {o for _, o in r.memberships}
    out = []
    for d in decisions:
        if d.membership < threshold or frozenset((d.a, d.b)) in stated:
            continue
        kinds = (gazetteer.type(d.a) == ORGANIZATION, gazetteer.type(d.b) == ORGANIZATION)
        if kinds[0] != kinds[1]:
            member, org = (d.b, d.a) if kinds[0] else (d.a, d.b)
            if org in stated_organisations and (member in stated_members or r.welcomes and member == speaker):
                continue
            out.append(Fact(doc_id, r.index, r.start, r.end, MEMBERSHIP, member, org, evidence=r.text,
                            confidence=d.membership, method=CLASSIFIER_METHOD))
    return out


def resolve(
    doc_id: str, readings: Iterable[SentenceReading], gazetteer: Gazetteer | None = None,
    decisions: list[list[Decision]] | None = None, threshold: float = 0.5, speaker: str = "",
    membership_threshold: float = 1.0, rules: Cues | None = None,
) -> list[Fact]:
    """Facts of one document from its sentence readings, in sentence order.

    ``decisions``: the pair classifier's candidates of each reading (:func:`kg.classify.decide`);
    then a sentence's partnerships are the pairs whose probability reaches ``threshold``, with
    that probability as their confidence, and references back carry those pairs, each as sure as
    where it was stated times ``confidence.reference`` (in a speech, while that reaches
    ``threshold``). Without it,
    the rules' pairs. ``speaker``: the speaking country of a speech, where a pronoun ("their",
    "both") or the speaker's own name is mostly the speaker's own statement: only a reference that
    names what it points to ("the two countries", "the agreement") or both actors named again
    continue the pair in focus, and no membership is read from the organisation or the pair in
    focus. ``membership_threshold``: with ``decisions``, a country and an organisation whose
    membership probability reaches it are a membership the rules did not state.
    ``rules``: the build's rules (default: the packaged data), whose ``confidence`` the facts the
    rules find carry and whose ``reaches.reference`` bounds how far back a reference reaches.
    """
    gazetteer = gazetteer or load_gazetteer()
    rules = rules or load_cues()
    shape_confidence, strong_reach = rules.confidence, rules.reaches.reference
    decisions = iter(decisions) if decisions is not None else None
    facts: list[Fact] = []
    focus: list[tuple[str, str]] = []
    focus_confidence: dict[tuple[str, str], float] = {}
    recent: list[str] = []
    organization_in_focus = ""
    focus_age = 0  # sentences since the pair in focus was stated or referred to
    paragraph = -1
    known_types: dict[frozenset, tuple[str, ...]] = {}  # the types stated for each pair so far
    for r in readings:
        if r.paragraph != paragraph:
            focus, recent, paragraph, organization_in_focus = [], [], r.paragraph, ""
        participants = list(r.participants)
        for word in r.actor_references:
            referenced = _referenced_actor(word, recent, gazetteer)
            if referenced and referenced not in participants:
                participants.append(referenced)
        # "It was founded by A and B", "Its members include C": the organisation in focus; "Both
        # countries are members of NATO": the pair in focus. Not in a speech, whose organisation in
        # focus is mostly the one it is addressed to and whose "members" its audience ("As members
        # are aware, Gabon has ...").
        if organization_in_focus and not speaker:
            for member in r.members_of_focus:
                facts.append(Fact(
                    doc_id, r.index, r.start, r.end, MEMBERSHIP, member, organization_in_focus, evidence=r.text,
                    confidence=shape_confidence["reference"], method="reference",
                ))
        for org in r.focus_memberships if not speaker else ():
            for member in dict.fromkeys(x for pair in focus for x in pair):
                facts.append(Fact(
                    doc_id, r.index, r.start, r.end, MEMBERSHIP, member, org, evidence=r.text,
                    confidence=shape_confidence["reference"], method="reference",
                ))
        organization_in_focus = (r.organizations or (organization_in_focus,))[-1]
        for member, org in r.memberships:
            facts.append(Fact(
                doc_id, r.index, r.start, r.end, MEMBERSHIP, member, org, evidence=r.text,
                confidence=shape_confidence["membership"], method="membership",
            ))
        scored: set[frozenset] = set()  # in a speech, the pairs the classifier decided in this sentence
        if decisions is not None:
            sentence_decisions = next(decisions)
            facts += _classified_memberships(doc_id, r, sentence_decisions, membership_threshold, gazetteer, speaker)
            pairs = _classified_pairs(sentence_decisions, threshold)
            if speaker:
                # a speech names a pair again mostly to say something else of it: the model, which
                # read the pair there, decides; news and reference prose name it again to go on
                scored = {frozenset((d.a, d.b)) for d in sentence_decisions}
        else:
            pairs = [(a, b, m, shape_confidence[m], ((), ())) for a, b, m in r.pairs]
        focus_age += 1
        if not pairs and r.cooperative and not r.hostile:
            in_focus = {x for pair in focus for x in pair}
            # "The two nations" reaches a few sentences back; "their", or the pair's names alone, only one.
            reach = strong_reach if r.strong_reference else 1
            # "the Kingdom" in a speech is mostly the speaker, or its own president's "Republic": the
            # speaker's own statement, as its name would be, and the model has not read that pair
            if len(participants) == 2 and r.actor_references and not speaker and frozenset(participants) not in scored:
                pairs = [(participants[0], participants[1], "reference", shape_confidence["reference"], ((), ()))]
            elif focus and focus_age <= reach and set(participants) <= in_focus and (
                (r.strong_reference or len(set(participants)) >= 2) if speaker else
                (r.refers_back or len(set(participants)) >= 2 or (participants and (r.partnership_types or r.activities)))
            ):  # with one name and no reference word, only a stated type or activity continues the pair
                # ("Jordan also buys F-16s"); a generic word ("Italy supports ...") is that actor's own statement.
                for a, b in carried(focus, participants, scored):
                    if r.country_reference and ORGANIZATION in (gazetteer.type(a), gazetteer.type(b)):
                        continue
                    # With the classifier, a pair referred to is as sure as where it was stated, times how
                    # often a reference carries a pair right (`confidence.reference`); in a speech only
                    # while that still reaches the threshold, as a speech refers back to a pair mostly to
                    # say something else, where a passage that refers back goes on about its pair.
                    sure = focus_confidence.get((a, b), 1.0) * shape_confidence["reference"]
                    if decisions is None or not speaker or sure >= threshold:
                        pairs.append((a, b, "reference", sure, ((), ())))
        for a, b, method, confidence, inferred in pairs:
            facts += _facts_for_pair(doc_id, r, a, b, method, confidence,
                                     penalty=shape_confidence["generic_cue_penalty"] if decisions is None else 0.0,
                                     known_types=known_types, inferred=inferred)
        if not pairs and not participants and not r.refers_back and not r.hostile:
            # A generic statement about a kind of partnership.
            for t in r.partnership_types:
                for act in r.activities:
                    facts.append(Fact(
                        doc_id, r.index, r.start, r.end, TYPE_ACTIVITY, t, "", t, act, r.text,
                        shape_confidence["generic"], "generic",
                    ))
        if pairs:
            focus, focus_age = [(a, b) for a, b, *_ in pairs], 0
            if decisions is not None:
                focus_confidence = {(a, b): p for a, b, _, p, _ in pairs}
        elif r.hostile and set(participants) & {x for pair in focus for x in pair}:
            focus = []
        recent += participants
    return facts
