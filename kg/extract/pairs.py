"""Which pairs a sentence states, and by which shape; why it states no pair between other actors.

The shapes, from the surest: ``between`` ("an accord between X and Y"),
``compound`` ("the X-Y alliance"), ``coordination`` ("X and Y held drills"),
``dependency`` (subject and object of a cooperation verb, with a parser),
``link`` ("X signed a deal with Y", "X, an ally of Y"), ``object`` ("X supplied
Y with drones"), ``host`` ("X deployed peacekeepers in Y"). Two actors merely
in one sentence are no pair: every other pair of actors is a :class:`Candidate`
with the reasons it was refused.
"""
from __future__ import annotations

from itertools import combinations
from typing import NamedTuple

from spacy.matcher import DependencyMatcher
from spacy.vocab import Vocab

from kg.extract.actors import MEMBERSHIP_BODY, Roles, actors_in, body_named_after
from kg.extract.sentence import HYPHENS, POSSESSIVE_ENDINGS, Actor, Sentence, ids
from kg.gazetteer import ORGANIZATION
from kg.ontology import ACTIVITY, PARTNERSHIP_TYPE

#: Why a coordinated list or a later actor is not paired, by rule.
DISTRIBUTIVE = "distributive"
CO_RECIPIENTS = "co_recipients"
CO_DONORS = "co_donors"
LISTED_MEMBERS = "listed_members"
LONG_UNTYPED_LIST = "long_untyped_list"
ROLL_CALL = "roll_call"
GUESTS_OF_HOST = "guests_of_host"
NON_PARTNER_COMPOUND = "non_partner_compound"
NON_PARTNER_BETWEEN = "non_partner_between"
PAIR_OF_OTHERS = "pair_of_others"
CO_PARTNERS = "co_partners"
FRONTED_PHRASE = "fronted_phrase"
PLACE_LIST = "place_list"
STANCE = "stance"
OFFICE = "office"
NO_LINK = "no_link"
#: Why a sentence pairs no one.
HOSTILE = "hostile"
NEGATED = "negated"
HOPED_FOR = "hoped_for"
NO_COOPERATION_CUE = "no_cooperation_cue"


class Candidate(NamedTuple):
    """Two distinct actors of one sentence: the shape that pairs them, or why they are no pair."""

    a: str
    b: str
    #: "" when the sentence does not pair them.
    shape: str
    reasons: tuple[str, ...] = ()


class StatedPairs(NamedTuple):
    """The pairs a sentence's shape links, and why it refuses the others."""

    #: (a, b, shape), in the order found.
    pairs: list[tuple[str, str, str]]
    #: frozenset({a, b}) -> the reasons no shape paired them.
    refused: dict[frozenset, list[str]]
    #: The distinct members of the body a composition or founding word lists (:func:`composed_of`), in text order.
    composed: tuple[str, ...] = ()


class _Found:
    """Pairs found so far: the surest shape of each, and the reasons refused ones were dropped."""

    def __init__(self, confidence: dict[str, float]) -> None:
        self.confidence = confidence
        self.shapes: dict[tuple[str, str], str] = {}
        self.refused: dict[frozenset, list[str]] = {}

    def add(self, a: str, b: str, shape: str) -> None:
        if a == b:
            return
        key = (a, b) if (b, a) not in self.shapes else (b, a)
        if key not in self.shapes or self.confidence[shape] > self.confidence[self.shapes[key]]:
            self.shapes[key] = shape

    def refuse(self, actors_a: list[Actor], actors_b: list[Actor] | None, reason: str) -> None:
        """Record ``reason`` for every pair within ``actors_a`` or (when given) across a and b."""
        pairs = combinations(actors_a, 2) if actors_b is None else ((x, y) for x in actors_a for y in actors_b)
        for x, y in pairs:
            if x.id != y.id:
                self.refused.setdefault(frozenset((x.id, y.id)), []).append(reason)


def stated_pairs(
    sentence: Sentence, participants: list[Actor], roles: Roles, members: frozenset, cooperative: bool = True
) -> StatedPairs:
    """Pairs linked by the sentence's shape; two actors merely in one sentence are no pair.
    ``members``: actors the sentence gives a membership, which are no partners of each other,
    unless a composition word lists them as the makeup of one body (:func:`composed_of`). A
    sentence that is not ``cooperative`` links only those."""
    live = {a.start for a in participants}
    groups = [g for g in ([a for a in group if a.start in live] for group in sentence.groups) if g]
    found = _Found(sentence.rules.confidence)
    composed = tuple(dict.fromkeys(a.id for a in composed_of(sentence, groups)))
    # A force's makeup acts together in it, but the force is no framework of theirs (no body type).
    makeup = composed or tuple(dict.fromkeys(a.id for a in participating(sentence, groups)))
    for a, b in combinations(makeup, 2):
        found.add(a, b, "composition")
    if not cooperative:
        return StatedPairs([(a, b, m) for (a, b), m in found.shapes.items()], found.refused, composed)
    subjects: dict[int, list[Actor]] = {}  # the first group of each clause is its subject
    fronted_ends = _fronted_phrase_ends(sentence)
    # clauses with an actor right after the comma of their opening phrase: that actor is the subject
    # ("After talks between A and B, C signed ..."), not the phrase's
    after_phrase = {clause for clause, comma in fronted_ends.items()
                    if any(sentence.index_before(g[0].start) == comma for g in groups)}
    fronted: list[list[Actor]] = []
    # "Together with A, B signed a pact with C": the opening phrase's co-actor acts with the subject
    # after its comma, and so with whom the subject acts
    co_subjects: dict[int, list[Actor]] = {}
    for group in groups:
        clause = sentence.clause_of(group[0].start)
        if clause in after_phrase and group[-1].end <= fronted_ends[clause]:
            if _co_actor(sentence, group):
                co_subjects.setdefault(clause, group)
            else:
                fronted.append(group)
            continue
        subjects.setdefault(clause, group)
    for k, group in enumerate(groups):
        is_subject = group is subjects[sentence.clause_of(group[0].start)]
        later = groups[k + 1] if k + 1 < len(groups) else None
        _pairs_within(sentence, group, is_subject, _partners_of_later(sentence, group, later), roles, members, found)
    for group in groups:
        clause = sentence.clause_of(group[0].start)
        subject, co_subject = subjects[clause], co_subjects.get(clause)
        if any(group is g for g in fronted):
            found.refuse(subject, group, FRONTED_PHRASE)  # "With regard to A's action, B supports C"
        elif subject is not group:
            _pairs_with_subject(sentence, subject, group, roles, live, found)
            if co_subject is not None and group is not co_subject:
                _pairs_with_subject(sentence, co_subject, group, roles, live, found)
    return StatedPairs([(a, b, m) for (a, b), m in found.shapes.items()], found.refused, composed)


def _fronted_phrase_ends(sentence: Sentence) -> dict[int, int]:
    """Per clause (its start token) that opens with a ``words.fronted_phrase_openers`` word ("After",
    "Following", "During"), the comma that ends that adverbial phrase ("After talks between A and B,
    C signed ..."), when it comes before the clause's end."""
    tokens, words, span = sentence.tokens, sentence.rules.words, sentence.span
    out: dict[int, int] = {}
    starts = sentence.clauses
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else span.stop
        i = start + (1 if start > span.start else 0)  # past the clause's separator ("while", ";")
        while i < stop and (tokens.lower[i].isspace() or tokens.is_punct(i)):
            i += 1
        if i >= stop or tokens.lower[i] not in words.fronted_phrase_openers:
            continue
        comma = next((j for j in range(i + 1, stop) if tokens.lower[j] == ","), None)
        if comma is not None:
            out[start] = comma
    return out


def composed_of(sentence: Sentence, groups: list[list[Actor]]) -> list[Actor]:
    """The actors a composition word lists as the makeup of one body, which act together in it:
    "a force comprising units from A, B and C", "it consists of A, the Nordic states (B, C) and D",
    "a pact signed in 1990 by A and B" (a founding verb needs "by"), "an alliance of A, B and C", "the
    Triple Entente of A, B and C" (a body noun needs "of" or "between"). Empty when there is none.

    A body noun in a name lists states only, and not when a capitalised word follows them: "the Food
    and Agriculture Organization of the United Nations" and "the Union of A, B and C Workers" are
    names of bodies, not their makeup. Nor does a composition word right after an organisation the
    sentence names list a makeup: "the Association of Southeast Asian Nations, comprising A, B and
    C" names its members, who only both belong to it; a force's units still make one up ("the
    Task Force, comprising units from A and B": ``words.force_units``), and so do the founders of
    an organisation founded in the sentence ("we established the G5 Sahel, comprising A, B and C")
    and the members of one that acts ("ASEAN, comprising A, B and C, endorsed our candidate").
    Nor does a list followed by "with" and another actor (:func:`_partners_of_later`).
    """
    out: list[Actor] = []
    introduced, at, later = "", -1, None
    for group in groups:
        if out and _continues_list(sentence, out[-1].end, group[0].start):
            out += group  # "A, the Nordic countries (B, C), and D": one makeup in several lists
        elif out:
            later = group
            break
        else:
            introduced, at = _composition_before(sentence, group[0].start)
            out = list(group) if introduced else []
    if introduced == NAMED_BODY and (
        out[0].type == ORGANIZATION
        or out[-1].end < sentence.span.stop and sentence.tokens.doc[out[-1].end].is_title
    ):
        return []
    if introduced == COMPOSITION_WORD and _lists_organisation_members(sentence, at, out):
        return []
    if out and _partners_of_later(sentence, out, later):
        return []  # "the treaties concluded by A and B with C": each with C, no makeup of one body
    return out if len({a.id for a in out}) > 1 else []


def _lists_organisation_members(sentence: Sentence, word: int, listed: list[Actor]) -> bool:
    """Whether the composition word at token ``word``, before the ``listed`` actors, follows an
    organisation the sentence names, with only a comma, a bracketed name, "which" or a form of "be"
    between ("the Southern African Development Community (SADC), which comprises A, B"); not when
    it names a force's units before its list ("comprising units from A"), nor when a founding verb
    comes shortly before the organisation ("the treaty establishing the Union, comprising A and
    B"), nor when the organisation opens its clause and acts (:func:`_acts_after`), and with it
    its members: "the Association of Southeast Asian Nations, comprising A, B and C, *endorsed and
    supported* our candidate"."""
    tokens, words = sentence.tokens, sentence.rules.words
    if not tokens.verb_phrase_at(word, sentence.rules.composition_verbs):
        return False  # "the Council was founded by A, B and C": its founders, who act together
    if any(tokens.lower[i] in words.force_units for i in range(word, listed[0].start)):
        return False
    organisations = {a.end: a for a in sentence.actors if a.type == ORGANIZATION}
    ends = set(organisations)
    i = word
    while i > sentence.span.start and i not in ends:
        previous = tokens.lower[i - 1]
        if previous == ")":  # "the Southern African Development Community (SADC), comprising": the name before its bracket
            first = max(sentence.span.start, i - sentence.rules.reaches.composition)
            opening = next((j for j in range(i - 2, first - 1, -1) if tokens.lower[j] == "("), None)
            if opening is None:
                return False
            i = opening
        elif previous in (",", "which") or previous.isspace() or tokens.lemma(i - 1) == "be":
            i -= 1
        else:
            return False
    if i not in ends:
        return False
    named = organisations[i].start
    if sentence.word_before(named, words.determiners) in words.venue_prepositions:
        return False  # "the group of countries at the United Nations, comprising A, B": the group's makeup
    reach = max(sentence.span.start, named - sentence.rules.reaches.composition)
    if any(tokens.lemma(k) in words.founding_verbs for k in range(reach, named)):
        return False
    return not (_opens_clause(sentence, named) and _acts_after(sentence, listed[-1].end))


def _opens_clause(sentence: Sentence, start: int) -> bool:
    """Whether the phrase at token ``start`` opens its clause, with only determiners, punctuation
    and the clause's separator before it: "*The* Association …", not "on behalf *of* the Forum"."""
    tokens, span, determiners = sentence.tokens, sentence.span, sentence.rules.words.determiners
    clause = sentence.clause_of(start)
    first = clause + (1 if clause > span.start else 0)  # past the clause's separator ("while", ";")
    return all(tokens.lower[k] in determiners or tokens.lower[k].isspace() or tokens.is_punct(k)
               for k in range(first, start))


def participating(sentence: Sentence, groups: list[list[Actor]]) -> list[Actor]:
    """The list a participation verb follows, taking part in a body of ``words.participation_bodies``
    named after the verb ("A and B take part in the battlegroup", "troops from A and B serve in the
    force") or before the relative clause that holds them ("the force, in which A and B participate"):
    the makeup of that body, partners of each other as :func:`composed_of`'s. Empty when there is none.

    A list taking part in a meeting ("A and B participated in the conference") is no makeup.
    """
    for k, group in enumerate(groups):
        verb_end = _participation_verb_after(sentence, group[-1].end)
        if verb_end is None or not (_body_after(sentence, verb_end) or _relative_body_before(sentence, group[0].start)):
            continue
        first = k
        while first > 0 and _continues_list(sentence, groups[first - 1][-1].end, groups[first][0].start):
            first -= 1
        return [a for g in groups[first : k + 1] for a in g]
    return []


def _participation_verb_after(sentence: Sentence, end: int) -> int | None:
    """The token after a participation verb that follows token ``end`` with only filler words
    between ("A and B *take part*", "A and B *participate*"); None when there is none."""
    words, tokens, rules = sentence.rules.words, sentence.tokens, sentence.rules
    for i in range(end, min(sentence.span.stop, end + rules.reaches.composition)):
        found = tokens.verb_phrase_at(i, rules.participation_verbs)
        if found:
            return i + found
        word = tokens.lower[i]
        if not (word in words.composition_fillers or word in words.force_units or word in words.list_connectors
                or word.isspace()):
            return None
    return None


def _is_body(sentence: Sentence, i: int) -> bool:
    """Whether token ``i`` is one of ``words.participation_bodies`` ("force", "Battlegroup", "missions")."""
    bodies = sentence.rules.words.participation_bodies
    return sentence.tokens.lower[i] in bodies or sentence.tokens.lemma(i) in bodies


def _body_after(sentence: Sentence, start: int) -> bool:
    """Whether one of ``words.participation_links`` at token ``start`` opens a phrase naming a
    participation body before the next punctuation ("in the Nordic Battlegroup", "in NATO's mission")."""
    tokens = sentence.tokens
    if start >= sentence.span.stop or tokens.lower[start] not in sentence.rules.words.participation_links:
        return False
    for i in range(start + 1, min(sentence.span.stop, start + 1 + sentence.rules.reaches.composition)):
        if _is_body(sentence, i):
            return True
        if tokens.is_punct(i) and tokens.lower[i] not in ("'", "’"):
            return False
    return False


def _relative_body_before(sentence: Sentence, start: int) -> bool:
    """Whether the list at token ``start`` is in a relative clause (``words.participation_relatives``:
    "in which", "to which", within ``reaches.relative_clause`` tokens before it) that follows a
    participation body within ``reaches.composition`` tokens: "the battlegroup, led by A, in which B
    and C participate". Another relative clause (``words.other_relatives``) or a sentence's end between
    them ends the search."""
    tokens, rules = sentence.tokens, sentence.rules
    reach, first = rules.reaches.composition, sentence.span.start
    for end in range(start - 1, max(first, start - rules.reaches.relative_clause) - 1, -1):
        if tokens.lower[end] in (";", ".") or tokens.lower[end] in rules.words.other_relatives and not tokens.ends_with(
                end, first, rules.participation_relatives):
            return False
        if tokens.ends_with(end, first, rules.participation_relatives):
            opening = end - 1  # the relative's first word ("in")
            return any(_is_body(sentence, i) for i in range(max(first, opening - reach), opening))
    return False


#: How :func:`_composition_before` finds a list introduced: by a composition or founding word, a body
#: noun ("an alliance of"), or a body noun in a name ("the Triple Entente of").
COMPOSITION_WORD, BODY_NOUN, NAMED_BODY = "word", "noun", "name"


def _composition_before(sentence: Sentence, start: int) -> tuple[str, int]:
    """What introduces the list at token ``start`` as a makeup, with only filler words, list
    connectors and numbers between: a composition word ("comprising", "consists of", "formed … by"),
    a body noun ("an alliance of", "an alliance between") or one in a name ("the Triple Entente of");
    "" when nothing does. With the token where that word stands (-1 when none)."""
    words, tokens = sentence.rules.words, sentence.tokens
    passive = False
    for i in range(start - 1, max(sentence.span.start, start - sentence.rules.reaches.composition) - 1, -1):
        word = tokens.lower[i]
        if word == "by":
            passive = True
            continue
        if tokens.verb_phrase_at(i, sentence.rules.composition_verbs):
            return COMPOSITION_WORD, i
        lemma = tokens.lemma(i)
        if lemma in words.founding_verbs:
            return (COMPOSITION_WORD, i) if passive else ("", -1)
        if word in words.composition_noun_links and i > sentence.span.start and _body_noun(sentence, i - 1):
            if passive:
                return "", -1
            return (BODY_NOUN if tokens.doc[i - 1].is_lower else NAMED_BODY), i
        if not (word in words.composition_fillers or word in words.force_units or word in words.list_connectors
                or word.isspace() or tokens.doc[i].like_num):
            return "", -1
    return "", -1


def _body_noun(sentence: Sentence, i: int) -> bool:
    """Whether token ``i`` names one body by a body noun, in a name too ("an alliance", "the Triple
    Entente"): not "the blocs" (several)."""
    tokens = sentence.tokens
    word = tokens.lower[i]
    return word in sentence.rules.words.composition_nouns and tokens.lemma(i) == word


def _partners_of_later(sentence: Sentence, group: list[Actor], later: list[Actor] | None) -> bool:
    """Whether ``group`` is a plain list ("A and B", no "between", no hyphen) whose clause goes on,
    within ``reaches.third_partner`` tokens, to "with" and the ``later`` list, the next in the sentence:
    "A and B concluded treaties with C", "the relations of A and B with C". Each of A and B is C's
    partner, not the other's, unless the act is one they share (a joint activity,
    ``words.shared_act_words``: "a trilateral pact with C", "Together, A and B signed a pact with C")
    or "with" marks a co-actor ("together with C", "A and B, with C, formed a group") or a helper
    ("with C's support")."""
    words, lower = sentence.rules.words, sentence.tokens.lower
    if len({a.id for a in group}) < 2 or sentence.word_before(group[0].start) == "between":
        return False
    if any(w in HYPHENS or w == "/" for w in lower[group[0].end : group[1].start]):
        return False
    if later is None or sentence.clause_of(later[0].start) != sentence.clause_of(group[-1].end - 1):
        return False
    if later[0].start - group[-1].end > sentence.rules.reaches.third_partner:
        return False
    link, marked = _link_before(sentence, later)
    if link != "with" or marked or acts_jointly(sentence) or _owns_next(sentence, later[-1]):
        return False  # "A and B, with C's support, ..." is a helper's, not a partner's
    between = [w for w in lower[group[-1].end : later[0].start] if not w.isspace()]
    if between[0] == ",":
        return False  # "A and B, with C, formed a contact group": C a co-actor set off by commas
    opening = lower[max(sentence.clause_of(group[0].start), sentence.span.start) : group[0].start]
    # "Together, A and B signed a pact with C": the shared act may also be said before the list
    return words.shared_act_words.isdisjoint(between) and words.shared_act_words.isdisjoint(opening)


def _continues_list(sentence: Sentence, end: int, start: int) -> bool:
    """Whether the tokens from ``end`` to ``start`` only join list items of one makeup: list
    connectors, ``words.composition_continuers`` (brackets, "countries"), ``words.official_titles``
    ("the Chilean foreign minister Pedro Gomez and the Peruvian president") and capitalised words
    (a region's states, an official's name)."""
    words, tokens = sentence.rules.words, sentence.tokens
    if start - end > sentence.rules.reaches.composition_gap:
        return False
    return all(
        tokens.lower[i] in words.list_connectors or tokens.lower[i] in words.composition_continuers
        or tokens.lower[i] in words.official_titles or tokens.doc[i].is_title
        for i in range(end, start)
    )


def acts_jointly(sentence: Sentence) -> bool:
    """Whether the sentence states an activity every listed actor takes part in ("joint drills")."""
    return not sentence.rules.words.joint_activities.isdisjoint(c.id for c in sentence.activities)


#: The cue kinds that say what a list does after it: it cooperates, forms a partnership or acts.
ACTING_KINDS = ("cooperation", PARTNERSHIP_TYPE, ACTIVITY)


def _acts_after(sentence: Sentence, end: int) -> bool:
    """Whether the first cue after token ``end`` in its clause says what the actors before it do
    (a cooperation, partnership-type or activity cue), not that they belong: "NATO members Norway
    and Denmark *signed a defence pact*", not "Norway and Denmark are NATO *members*"."""
    clause = sentence.clause_of(end - 1)
    stop = next((c for c in sentence.clauses if c > clause), sentence.span.stop)
    after = [(c.start, kind) for kind in (*ACTING_KINDS, "membership") for c in sentence.live.get(kind, ())
             if end <= c.start < stop]
    return bool(after) and min(after)[1] != "membership"


def _named_members_act(sentence: Sentence, group: list[Actor]) -> bool:
    """Whether a member noun names the list ("NATO *members* Norway and Denmark") and the list acts
    (:func:`_acts_after`): the members a sentence names then act together."""
    return sentence.word_before(group[0].start) in sentence.rules.words.member_nouns and _acts_after(sentence, group[-1].end)


def _pairs_within(
    sentence: Sentence, group: list[Actor], is_subject: bool, partners_of_later: bool, roles: Roles,
    members: frozenset, found: _Found,
) -> None:
    """Pairs inside one coordinated list ("X and Y", "between X and Y", "the X-Y alliance");
    ``partners_of_later``: each of the list is a later actor's partner (:func:`_partners_of_later`)."""
    group_ids = list(dict.fromkeys(a.id for a in group))
    if len(group_ids) < 2:
        return
    if len(group_ids) > sentence.rules.reaches.pairwise_list:
        return  # a roll-call: its pairs would grow with the square of the list, and candidates() skips them
    if members.issuperset(group_ids) and not (is_subject and _named_members_act(sentence, group)):
        return found.refuse(group, None, LISTED_MEMBERS)
    words, lower = sentence.rules.words, sentence.tokens.lower
    # "A, together with B and C, drafted the text": a list acting as one with the subject acts
    # jointly, as a list does in "joint drills"
    joint = acts_jointly(sentence) or _acts_as_one_with_subject(sentence, group)
    before = sentence.word_before(group[0].start)
    if any(w in words.distributive_markers for w in lower[group[0].end : group[-1].start]):
        return found.refuse(group, None, DISTRIBUTIVE)  # "X and, separately, Y": each acts on its own
    if body_named_after(sentence, group):
        # "the United Nations Iran-Iraq Military Observer Group": the UN's mission for each of the
        # two states it is named after, which are no partners of each other by its name
        found.refuse(group[1:], None, NON_PARTNER_COMPOUND)
        for place in dict.fromkeys(a.id for a in group[1:]):
            found.add(group[0].id, place, "host")
        return
    if partners_of_later:
        return found.refuse(group, None, CO_PARTNERS)  # "A and B signed treaties with C": each with C
    # "a partner of Japan and Australia", "the admission of A and B"
    of_noun = sentence.lemma_before(sentence.index_before(group[0].start)) if before == "of" else ""
    received = (
        before in words.link_prepositions or before in words.object_verbs
        or sentence.lemma_before(group[0].start) in words.object_verbs
        or of_noun in words.partner_nouns or of_noun in words.status_nouns
        or _received_through_noun(sentence, group, before) or _received_through_examples(sentence, group)
    )
    if before != "between" and not joint and _gives_to_speaker(sentence, group):
        # "we thank A, B and C for their aid", "the support provided by A and B to our army": each
        # gives to the speaker, not with the others
        return found.refuse(group, None, CO_DONORS)
    if (not is_subject and group[0].start in roles.hosts) or (before != "between" and not joint and received):
        # "aid to Romania and Poland": co-recipients, not partners of each other, also when the
        # subject is no actor ("We established relations with A, B and C").
        return found.refuse(group, None, CO_RECIPIENTS)
    typed = bool(sentence.types or sentence.activities)
    if len(group_ids) >= sentence.rules.reaches.long_list and not typed and not joint and before != "between":
        return found.refuse(group, None, LONG_UNTYPED_LIST)  # "we support the struggle of A, B, C and D"
    if roles.hosts and not joint and before != "between" and group[0].start not in roles.hosts:
        return found.refuse(group, None, GUESTS_OF_HOST)  # "Japan and Italy keep bases in Djibouti"
    compound = any(w in HYPHENS or w == "/" for w in lower[group[0].end : group[1].start])
    if compound and sentence.word_at(group[-1].end) in words.compound_non_partner_heads:
        return found.refuse(group, None, NON_PARTNER_COMPOUND)  # "the India-Pakistan border"
    if before == "between" and sentence.lemma_before(sentence.index_before(group[0].start)) in words.between_non_partner_heads:
        return found.refuse(group, None, NON_PARTNER_BETWEEN)  # "the difference between Chile and Peru"
    shape = "between" if before == "between" else "compound" if compound else "coordination"
    if before == "between" and len(group) > len(group_ids):
        # "between X and Y and X and Z": two pairs, not a bloc of three
        for a, b in zip(group[::2], group[1::2]):
            found.add(a.id, b.id, shape)
        return
    if before == "between" and _first_apart(sentence, group):
        # "between ASEAN and China, Japan and Korea": the first with each of the others
        for b in group_ids[1:]:
            found.add(group_ids[0], b, shape)
        return
    for a, b in combinations(group_ids, 2):
        found.add(a, b, shape)


def _pairs_with_subject(
    sentence: Sentence, subject: list[Actor], group: list[Actor], roles: Roles, live: set[int], found: _Found
) -> None:
    """Pairs of a later list with its clause's subject, by a link word, an object verb, a host or
    a qualified activity ("X signed a deal with Y", "X supplied Y", "troops in Mali")."""
    words, tokens = sentence.rules.words, sentence.tokens
    i_before = sentence.index_before(group[0].start)
    if i_before < 0:
        return found.refuse(subject, group, NO_LINK)
    word = tokens.lower[i_before]
    partners = subject
    if word == "between" and len({a.id for a in group}) >= 2:
        return found.refuse(subject, group, PAIR_OF_OTHERS)  # "X welcomed the treaty between Y and Z"
    if group[0].start in roles.hosts and subject[0].start in roles.hosts:
        # "contingents ...; in Namibia in 1989, in Rwanda in 1993": places the activity is done in,
        # as co-recipients of it, not a host and its guest
        return found.refuse(subject, group, CO_RECIPIENTS)
    if group[0].start in roles.hosts:
        shape = "host"  # "troops deployed to a UN mission in Mali"
        if group[0].start in roles.place_lists:
            # "Peruvian troops serve in A, B, C and D": the places of their service, not their partners;
            # an organisation's missions there are for each ("UN missions in A, B and C")
            partners = [s for s in subject if s.type == ORGANIZATION]
            found.refuse([s for s in subject if s.type != ORGANIZATION], group, PLACE_LIST)
        if _stance_of(sentence, subject):
            # "X welcomes the support of the UN mission in Y": a stance toward the work done there
            return found.refuse(subject, group, STANCE)
    elif word in words.link_prepositions or (
        word == "of" and i_before > sentence.span.start and tokens.lemma(i_before - 1) in words.partner_nouns
    ):
        if _linked_to_another(sentence, subject):
            # "our treaty with X has held, and our treaty with Y too": each the partner of another
            return found.refuse(subject, group, CO_PARTNERS)
        if word in words.office_prepositions and _office_before(sentence, i_before):
            # "the Special Envoy of X for Y": X's good offices for Y, a mediator's, no act between them
            return found.refuse(subject, group, OFFICE)
        shape = "link"  # "X signed a deal with Y", "X, a close ally of Y"
        i_noun = sentence.index_before(i_before)
        if i_noun >= 0 and tokens.lemma(i_noun) in words.stance_nouns:
            # "X's commitment to the United Nations": a stance toward a body, like "X supports the UN"
            group = _without_stance(sentence, subject, group, found)
        # "X's 1960 agreement with Y": the possessor, not the subject, is Y's partner.
        owned, owner = _possessor(sentence, i_before, group)
        if owned:
            # "over its cooperation with Syria": "its" is the nearest actor, which may be no partner
            partners = [owner] if owner is not None and owner.start in live else []
    elif _possessed_partner(sentence, group):
        shape = "link"  # "China is North Korea's only treaty ally"
    elif group[0].start in roles.attributives or tokens.lemma(i_before) in words.object_verbs or word in words.object_verbs:
        # "Egypt receives U.S. military aid", "Turkey supplied Azerbaijan with drones"
        shape = "object"
        if tokens.lemma(i_before) in words.stance_verbs or word in words.stance_verbs:
            # "X supports the United Nations", "X backs Y's proposal", "X backs UN peacekeeping": a
            # stance toward a body, or toward what an actor owns, is no act between them
            group = _without_stance(sentence, subject, group, found)
    else:
        return found.refuse(subject, group, NO_LINK)
    for s in partners:
        for o in group:
            found.add(s.id, o.id, shape)


def _link_before(sentence: Sentence, group: list[Actor]) -> tuple[str, bool]:
    """The link preposition (``words.link_prepositions``) right before ``group``, "" when none, and
    whether a co-actor marker (``words.co_actor_markers``) stands before it ("*together with* X",
    "*in cooperation with* X")."""
    words = sentence.rules.words
    i = sentence.index_before(group[0].start)
    if i < 0 or sentence.tokens.lower[i] not in words.link_prepositions:
        return "", False
    return sentence.tokens.lower[i], sentence.word_before(i) in words.co_actor_markers


def _co_actor(sentence: Sentence, group: list[Actor]) -> bool:
    """Whether ``group`` follows "together with", "in cooperation with": it acts with the subject."""
    link, marked = _link_before(sentence, group)
    return link == "with" and marked


def _acts_as_one_with_subject(sentence: Sentence, group: list[Actor]) -> bool:
    """Whether ``group`` follows "together with", "along with" (``words.co_acting_markers``, a part
    of the co-actor markers of :func:`_co_actor`): it acts as one with the subject, its members with
    each other too."""
    if not _co_actor(sentence, group):
        return False
    return sentence.word_before(sentence.index_before(group[0].start)) in sentence.rules.words.co_acting_markers


def _linked_to_another(sentence: Sentence, subject: list[Actor]) -> bool:
    """Whether the clause's first list is itself the complement of a link preposition ("relations
    *with* X"), so no subject of its own, and not a co-actor ("*together with* X, Y trained Z")."""
    link, marked = _link_before(sentence, subject)
    # "between X and Y" pairs its own list (the between shape)
    return link not in ("", "between") and not marked


def _office_before(sentence: Sentence, i_prep: int) -> bool:
    """Whether an office noun (``words.office_nouns``) holds the preposition at ``i_prep``: right
    before it ("the UN *envoy* for Y"), or before its holder's name, with at most
    ``reaches.office_name`` other words of the name between ("the Joint Special *Representative* of
    the United Nations and the League of Arab States for Y")."""
    tokens, words = sentence.tokens, sentence.rules.words
    start_of_actor_ending = {a.end: a.start for a in sentence.actors}
    other, i = 0, sentence.index_before(i_prep)
    while i >= sentence.span.start and other <= sentence.rules.reaches.office_name:
        if i + 1 in start_of_actor_ending:
            # over the holder's name ("the League of Arab States")
            i = sentence.index_before(start_of_actor_ending[i + 1])
            continue
        if tokens.lemma(i) in words.office_nouns:
            return True
        if tokens.is_punct(i):
            return False
        other += 1
        i = sentence.index_before(i)
    return False


def _stance_of(sentence: Sentence, subject: list[Actor]) -> bool:
    """Whether the verb right after ``subject`` (or the word after that) is a stance verb ("X
    *welcomes* ...", "X fully *supports* ..."), so that what follows is what X takes a stance on."""
    stance = sentence.rules.words.stance_verbs
    words = (sentence.index_at(subject[-1].end, skip) for skip in (0, 1))
    return any(i < sentence.span.stop and sentence.tokens.lemma(i) in stance for i in words)


def _without_stance(sentence: Sentence, subject: list[Actor], group: list[Actor], found: _Found) -> list[Actor]:
    """``group`` less what a stance takes: organisations, and actors owning what follows ("Peru's
    bid"), each refused as the subject's ``stance``."""
    stance = [o for o in group if o.type == ORGANIZATION or _owns_next(sentence, o)]
    found.refuse(subject, stance, STANCE)
    return [o for o in group if o not in stance]


def _first_apart(sentence: Sentence, group: list[Actor]) -> bool:
    """Whether a list of three or more sets its first actor apart by a conjunction, the rest being a
    list of their own ("A and B, C and D": A, then B, C and D; "A and B and C": A, then B and C),
    not one list ("A, B, C and D")."""
    if len(group) < 3:
        return False
    lower = sentence.tokens.lower
    gaps = [lower[a.end : b.start] for a, b in zip(group, group[1:])]
    conjunctions = sentence.rules.words.list_conjunctions
    return (
        "," not in gaps[0] and not conjunctions.isdisjoint(gaps[0])
        and all("," in gap for gap in gaps[1:-1]) and not conjunctions.isdisjoint(gaps[-1])
    )


def _gives_to_speaker(sentence: Sentence, group: list[Actor]) -> bool:
    """Whether ``group`` is thanked (``words.gratitude_words`` right before it, or before one of
    ``words.gratitude_prepositions``: "we *thank* A and B", "our *gratitude to* A and B") or named
    as the givers of a gift (``words.gift_words``, perhaps with one of ``words.giving_participles``,
    before one of ``words.giver_prepositions``: "the *contributions of* A and B", "the *support
    provided by* A and B"), in a sentence that speaks in the first person and names no joint act
    (``words.joint_words``)."""
    words, tokens = sentence.rules.words, sentence.tokens
    i = sentence.index_before(group[0].start)
    if i >= 0 and tokens.lower[i] in words.first_person_words:
        i = sentence.index_before(i)  # "the contributions of *our* A and B friends"
    if i < 0:
        return False
    j = sentence.index_before(i)
    if tokens.lower[i] in words.giver_prepositions:
        j = _before_recipient(sentence, j)  # "the support extended *to us* by A and B"
    if j >= 0 and tokens.lemma(j) in words.giving_participles and tokens.lower[i] in words.giver_prepositions:
        j = sentence.index_before(j)
    given = tokens.lemma(i) in words.gratitude_words or j >= 0 and (
        (tokens.lower[i] in words.gratitude_prepositions and tokens.lemma(j) in words.gratitude_words)
        or (tokens.lower[i] in words.giver_prepositions and tokens.lemma(j) in words.gift_words)
    )
    if not given:
        return False
    lower = tokens.lower[sentence.span.start : sentence.span.stop]
    return not words.first_person_words.isdisjoint(lower) and words.joint_words.isdisjoint(lower)


def _before_recipient(sentence: Sentence, j: int) -> int:
    """The token before a first-person recipient that ends at token ``j`` ("given *to my country*",
    "extended *to us*": one of ``words.gratitude_prepositions``, a first-person word and at most one
    more word), or ``j`` when none ends there."""
    tokens, words = sentence.tokens, sentence.rules.words
    k = j
    for _ in range(2):
        if k < 0 or tokens.is_punct(k):
            return j
        if tokens.lower[k] in words.first_person_words:
            to = sentence.index_before(k)
            return sentence.index_before(to) if to >= 0 and tokens.lower[to] in words.gratitude_prepositions else j
        k = sentence.index_before(k)
    return j


def _received_through_noun(sentence: Sentence, group: list[Actor], before: str) -> bool:
    """"support to the regimes of A and B", "welcome to the States of A, B": a noun's complement
    after a link preposition or an object verb receives, like "support to A and B"."""
    if before != "of":
        return False
    words, tokens = sentence.rules.words, sentence.tokens
    i_of = sentence.index_before(group[0].start)
    i_noun = sentence.index_before(i_of)
    if i_noun < 0 or tokens.is_punct(i_noun):
        return False
    i_link = sentence.index_before(i_noun)
    receiving = words.link_prepositions | words.object_verbs
    return i_link >= 0 and (tokens.lower[i_link] in receiving or tokens.lemma(i_link) in receiving)


def _received_through_examples(sentence: Sentence, group: list[Actor]) -> bool:
    """"relations with a number of countries such as A, B and C", "aid to several countries, notably A
    and B": examples of a noun after a link preposition or an object verb (within ``reaches.list_head``
    tokens before the example cue, in the clause) receive, like "aid to A and B"."""
    cue = next((c for c in sentence.kinds.get("exemplification", ()) if c.end <= group[0].start
                and sentence.index_before(group[0].start) < c.end), None)
    if cue is None:
        return False
    words, tokens = sentence.rules.words, sentence.tokens
    receiving = words.link_prepositions | words.object_verbs
    for i in range(cue.start - 1, max(sentence.span.start, cue.start - sentence.rules.reaches.list_head) - 1, -1):
        if tokens.lower[i] in words.clause_boundaries:
            return False
        if tokens.lower[i] in receiving or tokens.lemma(i) in receiving:
            return True
    return False


def _possessor(sentence: Sentence, preposition: int, group: list[Actor]) -> tuple[bool, Actor | None]:
    """Whether a possessive stands shortly before ``preposition`` ("Japan's", "its"), and its actor."""
    lower, start = sentence.tokens.lower, sentence.span.start
    for i in range(preposition - 1, max(start, preposition - sentence.rules.reaches.possessor) - 1, -1):
        if lower[i] in ",;":
            break
        if lower[i] in POSSESSIVE_ENDINGS or lower[i] == "'":
            owner = next((a for g in sentence.groups for a in g if a.end == i), None)
            return (True, owner) if owner and owner not in group else (False, None)
        if lower[i] in sentence.rules.words.possessive_pronouns:
            earlier = [a for g in sentence.groups for a in g if a.end <= i]
            return (True, earlier[-1]) if earlier else (False, None)
    return False, None


def _owns_next(sentence: Sentence, actor: Actor) -> bool:
    """Whether a possessive ending follows ``actor``: "Peru's proposal" names what Peru owns."""
    return actor.end < sentence.span.stop and sentence.tokens.lower[actor.end] in POSSESSIVE_ENDINGS


def _possessed_partner(sentence: Sentence, group: list[Actor]) -> bool:
    """"Y's ally", "Y's largest partner": the group owns a partner noun shortly after it."""
    end, stop = group[-1].end, sentence.span.stop
    if end >= stop or sentence.tokens.lower[end] not in POSSESSIVE_ENDINGS:
        return False
    nouns = sentence.rules.words.partner_nouns
    reach = min(end + 1 + sentence.rules.reaches.partner_noun, stop)
    return any(sentence.tokens.lemma(i) in nouns for i in range(end + 1, reach))


def pair_scopes(sentence: Sentence, pairs: list, participants: list[Actor]) -> dict:
    """Each pair's partnership types and activities from the clause its actors stand in
    ("X sells jets to Y, while Z trains W's pilots")."""
    clause_of_id: dict[str, set[int]] = {}
    for a in participants:
        clause_of_id.setdefault(a.id, set()).add(sentence.clause_of(a.start))
    scopes = {}
    for a, b, _ in pairs:
        shared = clause_of_id.get(a, set()) & clause_of_id.get(b, set())
        if len(shared) != 1:
            continue  # a pair across clauses keeps the sentence's cues
        clause = shared.pop()
        scopes[(a, b)] = (
            ids([c for c in sentence.types if sentence.clause_of(c.start) == clause]),
            ids([c for c in sentence.activities if sentence.clause_of(c.start) == clause]),
        )
    return scopes


def dependency_matcher(vocab: Vocab, verbs: frozenset[str], prepositions: frozenset[str]) -> DependencyMatcher:
    """Subject and object (direct, or of a link preposition) of the cooperation ``verbs``."""
    matcher = DependencyMatcher(vocab)
    verb = {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": {"IN": sorted(verbs)}}}
    subject = {"DEP": {"IN": ["nsubj", "nsubjpass"]}}
    has_subject = {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "subject", "RIGHT_ATTRS": subject}
    matcher.add("direct_object", [[verb, has_subject, {
        "LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "object",
        "RIGHT_ATTRS": {"DEP": {"IN": ["dobj", "dative", "iobj"]}},
    }]])
    matcher.add("prepositional_object", [[verb, has_subject, {
        "LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "preposition",
        "RIGHT_ATTRS": {"DEP": "prep", "LOWER": {"IN": sorted(prepositions)}},
    }, {
        "LEFT_ID": "preposition", "REL_OP": ">", "RIGHT_ID": "object", "RIGHT_ATTRS": {"DEP": "pobj"},
    }]])
    return matcher


def dependency_pairs(sentence: Sentence, participants: list[Actor], matcher: DependencyMatcher) -> list[tuple[str, str]]:
    """(subject actor, object actor) pairs of cooperation verbs found by the parser."""
    doc = sentence.tokens.doc
    out: list[tuple[str, str]] = []
    for _, matched in sentence.tokens.dependency_matches(matcher):
        if matched[0] not in sentence.span:
            continue
        subject, obj = doc[matched[1]], doc[matched[-1]]
        for s in actors_in(subject, participants):
            for o in actors_in(obj, participants):
                if s.id != o.id and (s.id, o.id) not in out:
                    out.append((s.id, o.id))
    return out


def with_dependency_pairs(pairs: list, dependency: list[tuple[str, str]], confidence: dict[str, float]) -> None:
    """Add the parser's pairs to ``pairs``, or let them replace a less sure shape of the same pair."""
    known = {frozenset(p[:2]): i for i, p in enumerate(pairs)}
    for a, b in dependency:
        i = known.get(frozenset((a, b)))
        if i is None:
            pairs.append((a, b, "dependency"))
        elif confidence["dependency"] > confidence[pairs[i][2]]:
            pairs[i] = (a, b, "dependency")


def candidates(
    actors: list[Actor], pairs: list, roles: Roles | None, refused: dict, sentence_reasons: tuple[str, ...],
    member_orgs: set[str] = frozenset(), most: int | None = None,
) -> list[Candidate]:
    """Every pair of distinct actors in the sentence, in text order: its shape when the sentence
    pairs them, else the reasons it does not (the sentence's, each actor's, the pair's).

    A sentence naming more than ``most`` actors (a roll-call) lists only the pairs it links,
    so what one sentence yields grows with its length, not with its square.
    """
    order = list(dict.fromkeys(a.id for a in actors))
    if len(order) < 2:
        return []
    if most is not None and len(order) > most:
        return [Candidate(*pair) for pair in pairs]
    shapes = {frozenset(p[:2]): p for p in pairs}
    excluded = roles.excluded if roles else {}
    taking_part = {a.id for a in actors if a.start not in excluded and a.id not in member_orgs}
    actor_reasons: dict[str, list[str]] = {}
    for a in actors:
        if a.id in taking_part:
            continue
        reasons = actor_reasons.setdefault(a.id, [])
        reasons += excluded.get(a.start, [MEMBERSHIP_BODY] if a.id in member_orgs else [])
    out = []
    # most pairs have only the sentence's reasons: made once (a sentence of ten actors has 45 pairs)
    sentence_only = tuple(dict.fromkeys(sentence_reasons or [NO_LINK]))
    for a, b in combinations(order, 2):
        key = frozenset((a, b))
        pair = shapes.get(key)
        if pair:
            out.append(Candidate(pair[0], pair[1], pair[2]))
        elif a in actor_reasons or b in actor_reasons or key in refused:
            reasons = [*sentence_reasons, *actor_reasons.get(a, ()), *actor_reasons.get(b, ()), *refused.get(key, ())]
            out.append(Candidate(a, b, "", tuple(dict.fromkeys(reasons or [NO_LINK]))))
        else:
            out.append(Candidate(a, b, "", sentence_only))
    return out


def owned_cues(sentence: Sentence) -> dict[str, tuple[frozenset[str], ...]]:
    """The partnership types and activities the sentence states only for some actors: cue id -> the
    lists (their actor ids) that own each of its cues; an empty list owns a cue no pair shares.

    A cue is owned by the actors of a compound right before it ("the Franco-Russian *alliance*",
    "the Egyptian-Israeli *peace treaty*") or of a list right after a word of
    ``words.cue_owner_links`` ("an *alliance* between Britain and Japan"). Unnamed partners own
    theirs ("Chile, Peru and *their allies*": no alliance of Chile and Peru). An id is listed only
    when every cue that states it is owned, so a pair outside every owner states it nowhere.
    """
    owners: dict[str, list[frozenset[str]]] = {}
    free: set[str] = set()
    for cue in (*sentence.types, *sentence.activities):
        owner = _cue_owner(sentence, cue)
        if owner is None:
            free.add(cue.id)
        else:
            owners.setdefault(cue.id, []).append(owner)
    return {cue_id: tuple(sets) for cue_id, sets in owners.items() if cue_id not in free}


def _cue_owner(sentence: Sentence, cue) -> frozenset[str] | None:
    """The ids of the list of two or more actors that names whose ``cue`` is, an empty set when
    its partners are unnamed ones, or None when the sentence does not say."""
    words = sentence.rules.words
    linked = sentence.word_at(cue.end) in words.cue_owner_links
    for group in sentence.groups:
        names = frozenset(a.id for a in group)
        if len(names) < 2:
            continue
        if group[-1].end == cue.start or (linked and sentence.index_before(group[0].start) == cue.end):
            return names
    if _unnamed_partners(sentence, cue):
        return frozenset()
    return None


def _unnamed_partners(sentence: Sentence, cue) -> bool:
    """"our allies", "its NATO partners", "other allies": a plural partnership type of a determiner
    that names none of them, with no actor right after it to name them ("its allies Chile and Peru")."""
    tokens, unnamed = sentence.tokens, sentence.rules.words.unnamed_partner_determiners
    last = tokens.lower[cue.end - 1]
    if cue.kind != PARTNERSHIP_TYPE or not last.endswith("s") or last == tokens.lemma(cue.end - 1):
        return False  # a singular ("our ally, Chile") names one partner, often in apposition
    if any(a.start == cue.end for a in sentence.actors):
        return False
    reach = sentence.rules.reaches.unnamed_partner
    return any(tokens.lower[i] in unnamed for i in range(max(sentence.span.start, cue.start - reach), cue.start))
