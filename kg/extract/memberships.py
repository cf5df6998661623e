"""Which memberships a sentence states: "X joined NATO", "NATO members X and Y", "AUKUS is a
pact between A, B and C", and members of the organisation in focus ("Its members include A")."""
from __future__ import annotations

from typing import NamedTuple

from kg.extract.actors import is_led_by
from kg.extract.cues import NEGATING_KINDS
from kg.extract.sentence import HYPHENS, Actor, Cue, Sentence
from kg.gazetteer import GROUP, ORGANIZATION


class Memberships(NamedTuple):
    """The memberships a sentence states."""

    #: (member, organisation) pairs.
    pairs: list[tuple[str, str]]
    #: Organisations whose members the sentence only refers to ("Both countries are members of NATO").
    of_focus: list[str]


def memberships(sentence: Sentence) -> Memberships:
    """(member, organisation) pairs stated in the sentence, and organisations whose members are
    only referred to ("Both countries are members of NATO")."""
    out: list[tuple[str, str]] = []
    of_focus: list[str] = []
    cues = [c for c in sentence.live.get("membership", []) if not _unrealised(sentence, c.start)]
    groups = sentence.groups

    def add(members: list[Actor], org: Actor) -> None:
        for m in members:
            if m.id != org.id and m.type != GROUP and (m.id, org.id) not in out:
                out.append((m.id, org.id))
    defined = defined_members(sentence)
    if defined:
        add(*defined)
    for members, org in _admissions(sentence) + _leaders(sentence):
        add(members, org)
    for gi, group in enumerate(groups):
        for org in group:
            if org.type != ORGANIZATION:
                continue
            named = _named_members(sentence, gi, org)
            if named is not None:
                if named:
                    add(named, org)
                continue
            if _names_what_it_makes(sentence, org):
                continue  # "acceded to UN conventions", "joined a UN operation": the documents' or the mission's
            for cue in cues:
                if 0 <= group[0].start - cue.end and _words(sentence, cue.end, group[0].start) <= 3:
                    # "members of NATO", "joined NATO", "accession to the EU", "members of the UN and NATO"
                    members = _members_before(sentence, gi, cue) or _fronted_members(sentence, gi, cue)
                    if members:
                        add(members, org)
                    elif gi + 1 < len(groups) and _introduces(sentence, group[-1].end, groups[gi + 1][0].start, verbal=True):
                        add(groups[gi + 1], org)  # "The members of the GCC are A, B and C"
                    elif gi + 1 == len(groups) and org.id not in of_focus and _refers_back(sentence, cue):
                        of_focus.append(org.id)  # "Both countries are members of NATO"
                elif _lists_members_after(sentence, org, cue):
                    # "NATO's member states are X and Y", "an alliance comprising X, Y"
                    after_groups = [g for g in groups[gi + 1 :] if g[0].start >= cue.end]
                    if after_groups and _introduces(sentence, cue.end, after_groups[0][0].start):
                        add(after_groups[0], org)
                    # "… by the Soviet Union and seven other states, including Poland and Hungary"
                    for g in after_groups[1:]:
                        introducer = sentence.word_before(g[0].start, sentence.rules.words.determiners)
                        if introducer in sentence.rules.words.member_list_introducers:
                            add(g, org)
                elif cue.start > group[-1].end and sentence.word_at(cue.end) != "of":
                    # "the SCO, in which India is a founding member"
                    add(_relative_members(sentence, gi, cue), org)
    return Memberships(out, of_focus)


def membership_unstated(sentence: Sentence) -> bool:
    """Whether the sentence has membership cues and states none of them: each is negated, hoped
    for or prospective ("its bid to join NATO", "X should become a member")."""
    cues = sentence.kinds.get("membership")
    if not cues:
        return False
    live = sentence.live.get("membership", ())
    return not any(c in live and not _unrealised(sentence, c.start) for c in cues)


def _named_members(sentence: Sentence, gi: int, org: Actor) -> list[Actor] | None:
    """"X, a NATO member" / "NATO members X and Y": the members a member noun after ``org`` names
    ([] if none), or None when no member noun follows (but "a NATO ally of Y" links Y as a partner)."""
    after = sentence.word_at(org.end)
    of_follows = sentence.word_at(org.end, skip=1) == "of"
    if after not in sentence.rules.words.member_nouns or (after.startswith("all") and of_follows):
        return None
    groups, lower = sentence.groups, sentence.tokens.lower
    before_group = groups[gi - 1] if gi > 0 and len(groups[gi]) == 1 else None
    apposition = sentence.rules.words.member_apposition_words
    if before_group and all(w in apposition for w in lower[before_group[-1].end : org.start]):
        return before_group
    # "NATO members Norway and Denmark", but not "the UN membership, Ghana ..." (a comma ends the noun phrase)
    if (gi + 1 < len(groups) and groups[gi + 1][0].start - org.end <= 3
            and sentence.word_at(org.end) not in sentence.rules.words.member_cue_words - {"member", "members"}
            and "," not in lower[org.end : groups[gi + 1][0].start]):
        return groups[gi + 1]
    return []


def _members_before(sentence: Sentence, gi: int, cue: Cue) -> list[Actor]:
    """The members before a membership cue ("X joined NATO"), preferring a group with a country
    ("Germany is a member of the EU and joined NATO": a country, not the EU, joined)."""
    # "Morocco left the OAU over the admission *of* the Sahrawi Republic and rejoined the AU": a
    # noun's complement joins nothing
    determiners = sentence.rules.words.determiners
    before_groups = [g for g in sentence.groups[:gi] if g[-1].end <= cue.start]
    if sentence.tokens.lemma(cue.start) not in sentence.rules.words.joining_verbs:
        # A noun ("member of", "presidency of") names only the member the words before it link to
        # it: "Peru, an active member of", not "Peru urged former members of"
        return [g for g in before_groups[-1:] if _links_member(sentence, g[-1].end, cue.start)
                and not _lists_beside(sentence, g, cue)] and before_groups[-1]
    before_groups = [g for g in before_groups if sentence.word_before(g[0].start, determiners) != "of"]
    with_country = [g for g in before_groups if any(a.type != ORGANIZATION for a in g)]
    return (with_country or before_groups or [[]])[-1]


def _lists_beside(sentence: Sentence, group: list[Actor], cue: Cue) -> bool:
    """Whether "the members of" after ``group`` is one more item of an open list, not an apposition:
    "the United States, *the member countries of* the EEC, Japan": a plural member noun after ", the"
    cannot restate one country, nor the last of countries no "and" has closed yet."""
    words, lower = sentence.rules.words, sentence.tokens.lower
    if not any(lower[i] in words.plural_member_nouns for i in range(cue.start, min(cue.end + 1, sentence.span.stop))):
        return False
    between = [w for w in lower[group[-1].end : cue.start] if not w.isspace()]
    if between[:2] != [",", "the"]:
        return False
    return not any(w in ("and", "or") for a, b in zip(group, group[1:]) for w in lower[a.end : b.start])


def _words(sentence: Sentence, start: int, end: int) -> int:
    """How many tokens from ``start`` to ``end`` are not white space (a line break of hard-wrapped text)."""
    return sum(not w.isspace() for w in sentence.tokens.lower[start:end])


def _links_member(sentence: Sentence, start: int, end: int) -> bool:
    """Whether the words from ``start`` to ``end`` link a member to a membership noun after them
    ("Peru, a founding", "Peru has been a", "Peru's")."""
    words = sentence.rules.words
    between = [w for w in sentence.tokens.lower[start:end] if not w.isspace()]

    def linking(w: str) -> bool:
        return (w in words.member_apposition_words or w in words.member_predicates or w in words.member_link_words
                or w in words.determiners)
    if all(map(linking, between)):
        return True
    # "Georgia, a sovereign State and a member of", "Somalia, as a small country and member of": an
    # apposition of a few words, then "and" before the member noun
    if "and" not in between or len(between) > sentence.rules.reaches.member_apposition:
        return False
    k = len(between) - between[::-1].index("and") - 1
    return (len(between) > 2 and between[0] in ",—–(" and between[1] in words.indefinite_articles | {"as"}
            and all(map(linking, between[k + 1 :])))


def _fronted_members(sentence: Sentence, gi: int, cue: Cue) -> list[Actor]:
    """"As a founding member of the EU and NATO, Italy ...", "During its presidency of the EU, Peru ...":
    the members after the comma that closes the fronted phrase."""
    words, lower, groups = sentence.rules.words, sentence.tokens.lower, sentence.groups
    opener = sentence.index_before(cue.start, words.determiners | words.member_predicates | words.member_link_words)
    if opener < 0 or lower[opener] not in words.fronted_membership_openers:
        return []
    if opener > sentence.span.start and lower[opener - 1] not in ",;":
        return []
    # "As a member of the EU and NATO, Italy": a comma joined the member to the list of organisations
    orgs = groups[gi]
    first_other = next((k for k, a in enumerate(orgs) if a.type != ORGANIZATION), len(orgs))
    if 0 < first_other < len(orgs):
        return orgs[first_other:] if lower[orgs[first_other - 1].end] == "," else []
    end = orgs[-1].end
    if gi + 1 >= len(groups) or sentence.word_at(end) != ",":
        return []
    after = groups[gi + 1]
    return after if sentence.index_before(after[0].start, words.determiners) == end else []


def _relative_members(sentence: Sentence, gi: int, cue: Cue) -> list[Actor]:
    """"the SCO, in which India is a founding member": the members a relative word after the
    organisation links to a member noun that names no organisation."""
    words, lower, groups = sentence.rules.words, sentence.tokens.lower, sentence.groups
    if lower[cue.start] not in words.member_cue_words and lower[cue.end - 1] not in words.member_cue_words:
        return []
    members = [g for g in groups[gi + 1 :] if g[-1].end <= cue.start][:1]
    if not members or not _links_member(sentence, members[0][-1].end, cue.start):
        return []
    between = lower[groups[gi][-1].end : members[0][0].start]
    if len(between) > sentence.rules.reaches.membership or words.relative_words.isdisjoint(between):
        return []
    return members[0]


def _introduces(sentence: Sentence, start: int, end: int, *, verbal: bool = False) -> bool:
    """Whether the words from ``start`` to ``end`` introduce a list of members: "are", "include
    the", ":", "six" ("The members of the GCC are A, B", "comprising six states: ..."). ``verbal``:
    the words themselves must hold an introducer, not only a comma ("members of the EC, the Soviet
    Union is ..." starts a clause)."""
    words = sentence.rules.words
    allowed = words.member_list_introducers | words.determiners | words.number_words
    between = sentence.tokens.lower[start:end]
    if verbal and not any(w in words.member_list_introducers and w != "," for w in between):
        return False
    return _words(sentence, start, end) <= 4 and all(w in allowed or w.isspace() for w in between)


def _refers_back(sentence: Sentence, cue: Cue) -> bool:
    """Whether a reference to actors in focus is the subject of a member noun: "*Both countries*
    are members of", "*They* are both members of"."""
    references = [c for kind in ("pair_reference", "weak_pair_reference") for c in sentence.kinds.get(kind, ())]
    return any(c.end <= cue.start and _links_member(sentence, c.end, cue.start) for c in references)


def _unrealised(sentence: Sentence, i: int) -> bool:
    """Whether a modal shortly before token ``i`` makes the membership prospective or hoped for:
    "X should join NATO", "X will accede to the Council", "X should be admitted as members"."""
    lower, reach = sentence.tokens.lower, sentence.rules.reaches.negation
    window = lower[max(sentence.span.start, i - reach - 1) : i]
    if "," in window:
        window = window[len(window) - window[::-1].index(",") :]
    return not sentence.rules.words.unrealised_words.isdisjoint(window)


def _admissions(sentence: Sentence) -> list[tuple[list[Actor], Actor]]:
    """(members, organisation) of admissions: "the admission of Peru to the UN", "Peru's admission
    as a member of the UN", "Peru was admitted to the UN", "we welcome Peru into the UN"."""
    words, lower, groups, span = sentence.rules.words, sentence.tokens.lower, sentence.groups, sentence.span
    if len(groups) < 2 or words.admission_words.isdisjoint(lower[span.start : span.stop]):
        return []
    reach = sentence.rules.reaches.admission
    negating = [c for kind in NEGATING_KINDS for c in sentence.kinds.get(kind, ())]
    out = []
    for i in range(span.start, span.stop):
        if lower[i] not in words.admission_words or _unrealised(sentence, i):
            continue
        if any(0 <= i - n.end <= sentence.rules.reaches.negation for n in negating):
            continue  # "we support the admission of", "its application for admission"
        # the member: right after the word ("admission of Peru", "accession by Peru") or right
        # before it, linked ("Peru's admission", "Peru was admitted"; "Peru welcomes the UN ..." is no admission)
        after = [g for g in groups if g[0].start > i and g[0].start - i <= reach
                 and all(w in words.member_after_admission or w in sentence.rules.skip for w in lower[i + 1 : g[0].start])][:1]
        before = [g for g in groups if g[-1].end < i and _admitted_member(sentence, g[-1].end, i)][-1:]
        for members in after + before:
            start = max(i + 1, members[-1].end)
            org = next((g for g in groups if g[0].start >= start and g[0].type == ORGANIZATION), None)
            if (org and members[0].type != ORGANIZATION and org[0].start - start <= reach
                    and all(w in words.admission_links for w in lower[start : org[0].start])):
                out += [(members, o) for o in org]
                break
        else:
            # "the admission to membership in the UN of Viet Nam"
            org = next((g for g in groups if g[0].start > i and g[0].type == ORGANIZATION), None)
            if org and org[0].start - i <= reach and all(w in words.admission_links for w in lower[i + 1 : org[0].start]):
                members = next((g for g in groups if g[0].start >= org[-1].end), None)
                if members and members[0].type != ORGANIZATION and all(
                        w in words.member_after_admission or w in sentence.rules.skip
                        for w in lower[org[-1].end : members[0].start]) and lower[org[-1].end] != ",":
                    out += [(members, o) for o in org]
    return out


def _admitted_member(sentence: Sentence, start: int, end: int) -> bool:
    """Whether the words from ``start`` to ``end`` link a member to an admission word after them
    ("Peru's", "Peru was", "Peru on its", "Peru for having been")."""
    words = sentence.rules.words
    return _links_member(sentence, start, end) or all(
        w.isspace() or w in words.member_before_admission or w in words.member_link_words
        for w in sentence.tokens.lower[start:end])


def _leaders(sentence: Sentence) -> list[tuple[list[Actor], Actor]]:
    """(leader, organisation) of a country leading an organisation: "the US-led Combined Maritime
    Forces", "The JEF is a UK-led partnership"."""
    words, lower, groups = sentence.rules.words, sentence.tokens.lower, sentence.groups
    out = []
    for gi, group in enumerate(groups):
        end = group[-1].end
        if not (end + 1 < sentence.span.stop and lower[end] in HYPHENS and lower[end + 1] in words.member_leader_suffixes):
            continue
        if any(a.type == ORGANIZATION for a in group):
            continue
        nxt = groups[gi + 1] if gi + 1 < len(groups) else None
        prev = groups[gi - 1] if gi > 0 else None
        if nxt and nxt[0].type == ORGANIZATION and nxt[0].start - end <= sentence.rules.reaches.membership:
            out.append((group, nxt[0]))
        elif prev and prev[-1].type == ORGANIZATION and all(
            w in words.copulas or w in words.indefinite_articles or w in "(),"
            for w in lower[prev[-1].end : group[0].start]
        ):
            out.append((group, prev[-1]))  # "The JEF is a UK-led partnership", "the JEF, a UK-led force"
    return out


def _lists_members_after(sentence: Sentence, org: Actor, cue: Cue) -> bool:
    """Whether a noun-like membership cue after ``org`` lists its members ("NATO's member states
    are", "a pact comprising"): close enough, not a joining verb, not "member of", no organisation
    between."""
    gap_start = _after_apposition(sentence, org.end, cue.start)
    reach = _membership_reach(sentence, org, cue)
    if sentence.tokens.lemma(cue.start) in sentence.rules.words.near_member_cues:
        reach = min(reach, sentence.rules.reaches.membership)
    return (
        0 <= cue.start - gap_start <= reach
        and sentence.tokens.lemma(cue.start) not in sentence.rules.words.joining_verbs
        and not is_member_of(sentence, cue)
        and not any(org.end <= g[0].start < cue.start and g[0].type == ORGANIZATION for g in sentence.groups)
    )


def members_of_focus(sentence: Sentence) -> tuple[str, ...]:
    """Members named with no organisation in the sentence: "Its members include A and B",
    "founding members, including A", "Finland joined in 2023, followed by Sweden"."""
    words, lower, span, groups = sentence.rules.words, sentence.tokens.lower, sentence.span, sentence.groups
    introducers = words.member_list_introducers
    # "joined in 2004", "joined later"
    intransitive_followers = introducers | words.intransitive_join_followers
    out: list[str] = []
    for cue in sentence.live.get("membership", ()):
        after = lower[cue.end : min(cue.end + 3, span.stop)]
        member_noun = lower[cue.start] in words.member_cue_words
        if member_noun and after and after[0] in introducers:
            following = [g for g in groups if cue.end < g[0].start <= cue.end + 4]
            out += [a.id for g in following[:1] for a in g if a.type != GROUP]
        elif member_noun and not is_member_of(sentence, cue):
            # "India and Pakistan became full members in 2017"
            before = [g for g in groups if g[-1].end <= cue.start
                      and all(w in words.member_predicates for w in lower[g[-1].end : cue.start])]
            out += [a.id for g in before[-1:] for a in g if a.type != GROUP]
        elif (
            cue.end >= span.stop or sentence.tokens.is_punct(cue.end) or lower[cue.end] in intransitive_followers
            or (sentence.tokens.lemma(cue.start) in words.joining_verbs and cue.end + 1 < span.stop
                and lower[cue.end] == "the" and lower[cue.end + 1] in words.organization_references)
        ):
            # an intransitive "joined", or "joined the alliance": the group right before it, and
            # "followed by" groups after
            before = [g for g in groups if 0 <= cue.start - g[-1].end <= 1]
            later = [g for g in groups if g[0].start > cue.end and _after_later_marker(sentence, g)]
            out += [a.id for g in before[-1:] + later for a in g if a.type != GROUP]
    return tuple(dict.fromkeys(out))


def defined_members(sentence: Sentence) -> tuple[list[Actor], Actor] | None:
    """(members, organisation) of a sentence that defines an organisation by its members:
    "ANZUS is a security agreement between A, B and C", "The Quad is a forum of A, B, C and D",
    "The CSTO is an alliance of six states: A, B ...". The members are no partners of the body."""
    groups = sentence.groups
    if len(groups) < 2 or not any(a.type == ORGANIZATION for g in groups for a in g):
        return None  # no organisation, or no members beside it: no token scan
    words, reaches, tokens, span = sentence.rules.words, sentence.rules.reaches, sentence.tokens, sentence.span
    lower = tokens.lower
    sentence_words = lower[span.start : span.stop]
    if words.copulas.isdisjoint(sentence_words):
        return None
    copula = span.start + next(k for k, w in enumerate(sentence_words) if w in words.copulas)
    if copula + 1 >= span.stop or lower[copula + 1] not in words.indefinite_articles:
        return None
    subject = [a for g in groups for a in g if a.end <= copula]
    if not subject or {a.id for a in subject} != {subject[-1].id} or subject[-1].type != ORGANIZATION:
        return None  # the subject is one organisation, named once or twice ("the Quad")
    org = subject[-1]
    # The first actors after the copula, past leaders of the body ("a Russian-led alliance")
    after = [g for g in groups if g[0].start > copula and not is_led_by(sentence, g)]
    if not after or after[0][0].start - copula > reaches.definition:
        return None
    members = after[0]
    link = tokens.index_before(members[0].start, copula, words.determiners | words.number_words)
    if link < 0 or lower[link] not in words.member_links:
        return None
    # "a security agreement between", "an alliance of six post-Soviet states:"
    head = range(max(copula + 1, link - reaches.collective_head), link)
    if not any(tokens.lemma(i) in words.collective_nouns or lower[i] in words.collective_nouns for i in head):
        return None
    if all(a.type == GROUP for a in members):
        # "of six post-Soviet states: Russia, Belarus ...": the named members follow the colon
        rest = [g for g in after[1:] if lower[members[-1].end] in ":," and g[0].start == members[-1].end + 1]
        members = rest[0] if rest else members
    return members, org


def _after_later_marker(sentence: Sentence, group: list[Actor]) -> bool:
    """"…, followed by Sweden": the group comes after a later-member marker."""
    i = sentence.index_before(group[0].start, sentence.rules.words.determiners)
    return i > sentence.span.start and sentence.tokens.ends_with(i, sentence.span.start, sentence.rules.later_member_markers)


def welcomes(sentence: Sentence) -> bool:
    """Whether the sentence welcomes or congratulates (a lemma of ``words.welcome_words``): "we
    *welcome* Vanuatu as a new Member", "our *congratulations* to Tonga on its admission"."""
    tokens, words = sentence.tokens, sentence.rules.words.welcome_words
    return any(tokens.lemma(i) in words for i in range(sentence.span.start, sentence.span.stop))


def _names_what_it_makes(sentence: Sentence, org: Actor) -> bool:
    """Whether ``org`` names the maker of documents or missions in its own noun phrase
    (``words.document_nouns`` or ``words.mission_nouns`` after it, within ``reaches.membership``
    tokens, with no stop word, punctuation or other actor between, bar one joined by a hyphen): "a
    party to all *United Nations* human rights *conventions*", "a battalion to join the *African
    Union*-United Nations Hybrid *Operation*"; not "acceded to the UN in 2000 and to its conventions"."""
    tokens, words, doc = sentence.tokens, sentence.rules.words, sentence.tokens.doc
    starts = {a.start for a in sentence.actors}
    made = words.document_nouns | words.mission_nouns
    for i in range(org.end, min(sentence.span.stop, org.end + sentence.rules.reaches.membership)):
        if tokens.lower[i] in made:
            return True
        if i in starts and tokens.lower[i - 1] in HYPHENS:
            continue  # "the African Union-United Nations Hybrid Operation": both bodies make it
        if tokens.lower[i] not in HYPHENS and (tokens.is_punct(i) or doc[i].is_stop or i in starts):
            return False
    return False


def is_member_of(sentence: Sentence, cue: Cue) -> bool:
    """"X is a member of Y": the organisation follows the cue; the one before it is the member."""
    return sentence.tokens.lower[cue.start] in sentence.rules.words.member_cue_words and sentence.word_at(cue.end) == "of"


def _membership_reach(sentence: Sentence, org: Actor, cue: Cue) -> int:
    """Tokens from an organisation to a membership cue: longer when nothing stands between them
    ("The SCO is a Eurasian political and security organisation founded in 2001 by …")."""
    between = any(org.end <= g[0].start < cue.start for g in sentence.groups)
    return sentence.rules.reaches.membership if between else sentence.rules.reaches.subject_membership


def _after_apposition(sentence: Sentence, start: int, end: int) -> int:
    """Where the text after ``start`` resumes past an apposition: "The CSTO, a Russian-led alliance, includes"."""
    commas = [i for i in range(start, end) if sentence.tokens.lower[i] == ","]
    return commas[1] + 1 if len(commas) >= 2 and commas[0] == start else start
