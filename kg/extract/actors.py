"""Which actors of a sentence take part, and why the others do not.

An actor is excluded for a reason kept in its :class:`Roles`: a place ("in
Mali"), an example ("such as X"), an adversary ("to counter X"), a population
or issue ("the people of X"), an attribution ("according to X"), a party to a
conflict ("a ceasefire between X and Y"), a clause made hostile, a set-off
comparison ("Unlike X, ..."), the target of hostility ("invaded X"), a
mediator ("a UN-brokered deal"), the country whose neighbours are named
("Syria's neighbours"), an organisation that modifies a noun ("NATO
allies"), is named to exclude ("non-NATO") or is a channel ("through the UN").
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kg.extract.cues import Hostility, attribution, hostile_clauses
from kg.extract.sentence import HYPHENS, POSSESSIVE_ENDINGS, Actor, Sentence
from kg.gazetteer import ORGANIZATION

#: Why an actor is no participant, by rule (the reasons the candidates of a sentence carry).
PLACE = "place"
ATTRIBUTION = "attribution"
CONFLICT_PARTY = "conflict_party"
HOSTILE_CLAUSE = "hostile_clause"
ADJUNCT = "adjunct"
HOSTILE_TARGET = "hostile_target"
MEDIATOR = "mediator"
NEIGHBOURS_OF = "neighbours_of"
MODIFIER = "modifier"
CHANNEL = "channel"
#: The organisation of a membership the sentence states ("X joined NATO").
MEMBERSHIP_BODY = "membership_body"


@dataclass(slots=True)
class Roles:
    """What each actor of a sentence is, by token start: excluded (with its reasons), a host of
    the activity ("peacekeepers in Mali") or an attribute of it ("U.S. military aid")."""

    excluded: dict[int, list[str]] = field(default_factory=dict)
    hosts: set[int] = field(default_factory=set)
    attributives: set[int] = field(default_factory=set)
    #: "a ceasefire between X and Y" named its parties.
    conflict_parties: bool = False
    #: The clauses (their start tokens) that a hostile cue makes hostile.
    hostile_clauses: set[int] = field(default_factory=set)
    #: Countries listed among the places of their clause's activity, when the clause's place
    #: prepositions introduce at least ``reaches.place_list`` of them ("troops serving in A, B and C").
    place_lists: set[int] = field(default_factory=set)

    def exclude(self, actor: Actor, reason: str) -> None:
        """Record that ``actor`` is no participant, and why."""
        reasons = self.excluded.setdefault(actor.start, [])
        if reason not in reasons:
            reasons.append(reason)


def coordinated_groups(sentence: Sentence) -> list[list[Actor]]:
    """Coordinated lists: actors separated only by list connectors ("A, B and C").

    A list needs a conjunction somewhere ("and", "or", a hyphen): commas alone join clauses
    ("In Pakistan, the UN ..."), not list items.
    """
    lower, words = sentence.tokens.lower, sentence.rules.words
    connectors = words.list_connectors
    groups: list[list[Actor]] = []
    joined: list[bool] = []  # whether each group has a conjunction between its actors
    closed = False  # whether the last group's last join had a conjunction: "A and B" ends there
    actors = sentence.actors
    for k, actor in enumerate(actors):
        if groups:
            prev = groups[-1][-1]
            gap = lower[prev.end : actor.start]
            conjunction = _has_conjunction(sentence, gap)
            joins = all(w in connectors or w.isspace() for w in gap) and not _sets_off(sentence, prev.end, actor.start)
            # "After Zaire and South Africa, Cuban forces ...": a comma after "A and B" ends the list,
            # unless a list goes on from there ("between the SIDS and Italy, Austria and Spain")
            ended = closed and not conjunction and any(not w.isspace() for w in gap) and not (
                k + 1 < len(actors) and _joined(sentence, actor, actors[k + 1]))
            if actor.start >= prev.end and joins and not ended:
                groups[-1].append(actor)
                joined[-1] = joined[-1] or conjunction or not gap
                closed = conjunction
                continue
        groups.append([actor])
        joined.append(False)
        closed = False
    out: list[list[Actor]] = []
    for group, has_conjunction in zip(groups, joined):
        if len(group) == 1:
            out.append(group)
            continue
        # "China, Russia, India and four Central Asian states": the conjunction comes after the last actor
        after = lower[group[-1].end : group[-1].end + 1]
        is_list = has_conjunction or len(group) >= 3 or _has_conjunction(sentence, after)
        out += [group] if is_list else [[a] for a in group]
    return out


def _joined(sentence: Sentence, actor: Actor, later: Actor) -> bool:
    """Whether only list connectors stand between ``actor`` and the ``later`` one ("A, B")."""
    gap = sentence.tokens.lower[actor.end : later.start]
    return later.start >= actor.end and all(w in sentence.rules.words.list_connectors or w.isspace() for w in gap)


def _sets_off(sentence: Sentence, start: int, end: int) -> bool:
    """A hyphen or dash with white space before it stands between tokens ``start`` and ``end``: it
    sets off a phrase ("the land of Chile - Peru has ..."), where one joined to its word makes a
    compound ("the Chile-Peru treaty", "Chile-\nPeru" at a line's end)."""
    tokens = sentence.tokens
    return any(tokens.lower[i] in HYPHENS and tokens.space_before(i) for i in range(start, end))


def _has_conjunction(sentence: Sentence, gap: list[str]) -> bool:
    """"and", "or", a hyphen ... among the lower-cased words of ``gap``, or a conjunction phrase
    ("as well as") ending it."""
    if any(w in sentence.rules.words.list_conjunctions for w in gap):
        return True
    return any(tuple(gap[-len(p):]) == p for p in sentence.rules.list_conjunction_phrases if len(gap) >= len(p))


def roles(sentence: Sentence, hosted: bool, aimed: Hostility) -> Roles:
    """Which actors of ``sentence`` are excluded and why, which host the activity (when the
    sentence states a ``hosted`` activity) and which qualify one; ``aimed``: the sentence's
    :func:`~kg.extract.cues.hostility`."""
    words, kinds, lower = sentence.rules.words, sentence.kinds, sentence.tokens.lower
    out = Roles()
    out.hostile_clauses = hostile_clauses(sentence, aimed)
    conflict_ends = {c.end for c in sentence.live.get("conflict", ())}
    # "countries such as X" are examples, but "a coalition of Arab states, including X" lists its members.
    member_lists = {
        c.end for c in kinds.get("exemplification", ())
        if any(c.start - sentence.rules.reaches.list_head <= t.end <= c.start for t in sentence.types)
    }
    markers = {c.end: kind for kind in sentence.rules.non_partner_markers for c in kinds.get(kind, ())
               if c.end not in member_lists}
    attributed = attribution(sentence) if "attribution" in kinds else set()
    cue_starts = {c.start for c in sentence.types + sentence.activities}
    places: dict[int, list[Actor]] = {}  # clause -> the countries its place prepositions introduce
    place_ends: dict[int, int] = {}  # clause -> the end of its last group of places
    for group in sentence.groups:
        head = group[0]
        i_before = sentence.index_before(head.start)
        before = lower[i_before] if i_before >= 0 else ""
        clause = sentence.clause_of(head.start)
        if clause in place_ends and _continues_places(sentence, place_ends[clause], head.start):
            before = "in"  # "in Cyprus, Sinai, Haiti and Lebanon": the list goes on past a place that is no country
        near = (head.start, head.start - 1, head.start - 2)
        # "in U.S. military aid": an actor qualifying an activity takes part in it, wherever it stands.
        attributive = group[-1].end in cue_starts or any(
            c.start < head.start and group[-1].end <= c.end for c in sentence.activities
        )  # "hosted large American bases"
        attributive = attributive or bool(member_lists and not member_lists.isdisjoint(near))
        if attributive:
            out.attributives.add(head.start)
        place = before in words.place_prepositions and not attributive
        if place:  # "participation in the UN and the EU" names bodies, no places
            places.setdefault(clause, []).extend(a for a in group if a.type != ORGANIZATION)
            place_ends[clause] = group[-1].end
        if place and hosted:
            out.hosts.add(head.start)
        reasons = [PLACE] if place and not hosted else []
        if markers:
            # "against possible X aggression" aims at X; "against terrorism, X and Y ..." does not
            reasons += [markers[i] for i in near if i in markers and not _punctuation_between(sentence, i, head.start)][:1]
        if head.start in attributed:
            reasons.append(ATTRIBUTION)
        # "a ceasefire between X and Y": the parties of a conflict, not partners.
        if before == "between" and conflict_ends and not conflict_ends.isdisjoint((i_before, i_before - 1)):
            out.conflict_parties = True
            reasons.append(CONFLICT_PARTY)
        if out.hostile_clauses and sentence.clause_of(head.start) in out.hostile_clauses:
            reasons.append(HOSTILE_CLAUSE)
        if before in words.adjunct_prepositions and sentence.word_at(group[-1].end) == ",":
            reasons.append(ADJUNCT)  # "Unlike Peru, Chile …", "Besides Peru, …": a set-off comparison
        if _neighbours_named(sentence, group):
            reasons.append(NEIGHBOURS_OF)  # "Syria's neighbours, Jordan and Turkey": where they are
        for actor in group:
            if reasons:
                out.excluded[actor.start] = list(reasons)
            if actor.type == ORGANIZATION or actor.start in attributed or actor.start in aimed.targets or (
                actor.end < sentence.span.stop and lower[actor.end] in HYPHENS
            ):
                for reason in _actor_reasons(sentence, actor, before, attributed, aimed.targets):
                    out.exclude(actor, reason)
    for listed in places.values():
        if len({a.id for a in listed}) >= sentence.rules.reaches.place_list:
            out.place_lists.update(a.start for a in listed)
    return out


def mission_places(sentence: Sentence) -> dict[str, tuple[str, ...]]:
    """The countries named as where a mission works, each with the actors whose mission it is:
    "the United Nations Interim Force in Lebanon" -> {"LBN": ("UN",)}; "the peacekeeping mission in
    Mali" -> {"MLI": ()}; "the United Nations Iraq-Kuwait Observation Mission" -> {"IRQ": ("UN",),
    "KWT": ("UN",)} (:func:`body_named_after`). A country after a mission noun and its preposition
    (``words.mission_nouns``, ``words.mission_place_prepositions``) is the mission's place; the
    actors named with the noun own the mission (:func:`_mission_owners`)."""
    words, tokens, lower = sentence.rules.words, sentence.tokens, sentence.tokens.lower
    first, out = sentence.span.start, {}
    for group in sentence.groups:
        if body_named_after(sentence, group) and _named_mission_noun(sentence, group):
            for place in group[1:]:
                if place.type != ORGANIZATION:
                    out[place.id] = (group[0].id,)
            continue
        i = sentence.index_before(group[0].start)
        if i <= first or lower[i] not in words.mission_place_prepositions:
            continue
        noun = sentence.index_before(i, skip=frozenset())
        if noun < 0 or not (lower[noun] in words.mission_nouns or tokens.lemma(noun) in words.mission_nouns):
            continue
        owners = _mission_owners(sentence, noun)
        for place in group:
            if place.type != ORGANIZATION:
                out[place.id] = owners
    return out


def body_named_after(sentence: Sentence, group: list[Actor]) -> bool:
    """Whether ``group`` is an organisation's name run into a hyphenated pair of actors and a
    capitalised word: "the United Nations Iran-Iraq Military Observer Group" is the UN's body named
    after the two states where it works."""
    if len(group) < 3 or group[0].type != ORGANIZATION or group[1].start != group[0].end:
        return False
    lower, doc = sentence.tokens.lower, sentence.tokens.doc
    gaps = [lower[a.end : b.start] for a, b in zip(group[1:], group[2:])]
    hyphenated = all(gap and all(w in HYPHENS for w in gap) for gap in gaps)
    return hyphenated and group[-1].end < sentence.span.stop and doc[group[-1].end].is_title


def _named_mission_noun(sentence: Sentence, group: list[Actor]) -> bool:
    """Whether a mission noun (``words.mission_nouns``) ends the capitalised words after a body
    named after its places (:func:`body_named_after`), within ``reaches.mission_name`` tokens:
    "the United Nations Iraq-Kuwait Observation *Mission*"."""
    words, tokens, doc = sentence.rules.words, sentence.tokens, sentence.tokens.doc
    stop = min(sentence.span.stop, group[-1].end + sentence.rules.reaches.mission_name)
    for i in range(group[-1].end, stop):
        if not doc[i].is_title:
            return False
        if tokens.lower[i] in words.mission_nouns or tokens.lemma(i) in words.mission_nouns:
            return True
    return False


def _mission_owners(sentence: Sentence, noun: int) -> tuple[str, ...]:
    """The actors named in the phrase before the mission noun at token ``noun``, within
    ``reaches.mission_name`` tokens: "the *African Union-United Nations* Hybrid Operation", "the
    *UN's* peacekeeping mission". The phrase runs back over names, hyphens, possessives and at most
    two words of another kind that are no stop words ("peacekeeping", "naval"); "Chile has troops
    in the mission" names no owner."""
    tokens, doc = sentence.tokens, sentence.tokens.doc
    ends = {a.end: a for a in sentence.actors}
    first = max(sentence.span.start, noun - sentence.rules.reaches.mission_name)
    owners, common, i = [], 0, noun
    while i > first:
        if i in ends:
            owners.append(ends[i].id)
            i = ends[i].start
            continue
        token = doc[i - 1]
        if not (token.is_title or token.is_upper or tokens.lower[i - 1] in HYPHENS or tokens.lower[i - 1] in POSSESSIVE_ENDINGS):
            common += 1
            if token.is_stop or token.is_punct or common > 2:
                break
        i -= 1
    return tuple(dict.fromkeys(reversed(owners)))


def _continues_places(sentence: Sentence, end: int, start: int) -> bool:
    """Whether the tokens from ``end`` to ``start`` (within ``reaches.place_list_gap``) are the
    names of places that are no actors, with list connectors: "in Cyprus*, Sinai,* Haiti". A gap
    of connectors alone ("in Cyprus, and Chile sent ...") starts another list."""
    tokens, words = sentence.tokens, sentence.rules.words
    if start - end > sentence.rules.reaches.place_list_gap:
        return False
    gap = range(end, start)
    named = [i for i in gap if tokens.doc[i].is_title]
    return bool(named) and all(i in named or tokens.lower[i] in words.list_connectors for i in gap)


def _punctuation_between(sentence: Sentence, start: int, end: int) -> bool:
    """Whether a punctuation mark stands among the tokens from ``start`` to ``end``."""
    return any(sentence.tokens.is_punct(i) for i in range(start, end))


def _actor_reasons(sentence: Sentence, actor: Actor, before: str, attributed: set[int], targets: set[int]) -> list[str]:
    """Why ``actor`` itself, whatever its group, is no participant."""
    reasons = []
    if actor.start in attributed:
        reasons.append(ATTRIBUTION)
    if actor.start in targets:
        reasons.append(HOSTILE_TARGET)
    if is_mediator(sentence, actor):
        reasons.append(MEDIATOR)
    if actor.type == ORGANIZATION:
        words = sentence.rules.words
        if sentence.word_at(actor.end) in words.organization_modifier_nouns:
            reasons.append(MODIFIER)
        if before in words.channel_prepositions:
            reasons.append(CHANNEL)
    return reasons


def _neighbours_named(sentence: Sentence, group: list[Actor]) -> bool:
    """Whether a possessive ending and a neighbour noun (``words.neighbour_nouns``) follow ``group``:
    "*Syria's neighbours*" names other countries by where they are."""
    end, lower = group[-1].end, sentence.tokens.lower
    return (
        end + 1 < sentence.span.stop and lower[end] in POSSESSIVE_ENDINGS
        and lower[end + 1] in sentence.rules.words.neighbour_nouns
    )


def is_mediator(sentence: Sentence, actor: Actor) -> bool:
    """"a UN-brokered deal": the actor brokers the deal between others."""
    return (
        actor.end + 1 < sentence.span.stop
        and sentence.tokens.lower[actor.end] in HYPHENS
        and sentence.tokens.lower[actor.end + 1] in sentence.rules.words.mediator_suffixes
    )


def is_led_by(sentence: Sentence, group: list[Actor]) -> bool:
    """"a Russian-led alliance", "the Saudi-backed coalition": the actor leads, it is not listed."""
    end, lower = group[-1].end, sentence.tokens.lower
    return end + 1 < sentence.span.stop and lower[end] in "-–" and lower[end + 1] in sentence.rules.words.leader_suffixes


def actors_in(token, actors: list[Actor]) -> list[Actor]:
    """Actors inside the phrase ``token`` heads ("Norway and Denmark", "Pakistani officers")."""
    left, right = token.left_edge.i, token.right_edge.i
    return [a for a in actors if left <= a.start and a.end - 1 <= right]
