"""Which cues a sentence asserts: not inside a name, not negated; what it states; where hostility aims.

>>> from kg.extract import Cue
>>> negation, drills = Cue("negation", "", 3, 4, "no"), Cue("activity", "joint_exercises", 4, 6, "joint drills")
>>> [c.text for c in asserted({"negation": [negation], "activity": [drills]}, reach=4)]
['no']
"""
from __future__ import annotations

from typing import NamedTuple, Sequence, TypeVar

from kg.extract.sentence import Actor, Cue, Rules, Sentence, Tokens
from kg.ontology import ACTIVITY, PARTNERSHIP_TYPE


#: The cue kinds that keep a cue shortly after them from being asserted: a negation ("no joint
#: drills") or a hope, request, plan or offer (:data:`HOPED_KIND`: "urged Peru to hold joint drills"),
#: which reaches its whole verb phrase.
HOPED_KIND = "hoped_for"
NEGATING_KINDS = ("negation", HOPED_KIND)
#: The cue kind that keeps a cue shortly before it from being asserted: the cooperation it names was
#: ended ("trade between X and Y *was suspended*").
ENDING_KIND = "ended"


class Hostility(NamedTuple):
    """The hostile cues that make their clause hostile, and the actors hostility aims at."""

    #: Live hostile cues aimed at no actor of the sentence: their clause is hostile.
    cues: tuple[Cue, ...]
    #: Token starts of actors that are targets ("invaded Ukraine"): neither party nor partner.
    targets: frozenset[int] | set[int]


#: Most sentences hold no hostile cue: they share this answer.
_NO_HOSTILITY = Hostility((), frozenset())


#: The cue kind of phrases in which a type's or activity's word means something else ("vocational
#: training", "the limitation of missile systems"): the type and activity cues on one state nothing.
OTHER_SENSE_KIND = "other_sense"
#: A cue as the reader holds it (:class:`Cue`) or as the classifier does: ``(kind, id, start, end)``.
CueRow = TypeVar("CueRow", bound=tuple)


def in_their_sense(cues: list[CueRow]) -> list[CueRow]:
    """``cues`` (``(kind, id, start, end, …)`` rows) less the type and activity cues that share a word
    with a phrase giving their word another sense ("the *Educational and Training* Programme", "training
    medical *students*"). The sentence reader and the pair classifier read the same cues.

    >>> rows = [("other_sense", "", 0, 3), ("activity", "military_training", 2, 4), ("activity", "peacekeeping", 5, 6)]
    >>> [r[1] for r in in_their_sense(rows)]
    ['', 'peacekeeping']
    """
    senses = [(c[2], c[3]) for c in cues if c[0] == OTHER_SENSE_KIND]
    if not senses:
        return cues
    return [c for c in cues if c[0] not in (ACTIVITY, PARTNERSHIP_TYPE)
            or not any(start < c[3] and c[2] < end for start, end in senses)]


def named_cues(tokens: Tokens, entities: list[Actor], cues: list[Cue], rules: Rules) -> list[Cue]:
    """``cues`` less those inside a name ("Gulf *Cooperation* Council"), the type and activity cues
    on a phrase that gives their word another sense (:func:`in_their_sense`) and the cooperation, type and
    reference cues that name what a joining verb joins ("Finland joined *the alliance*")."""
    if entities and cues:
        cues = [c for c in cues if not any(s.start <= c.start < s.end for s in entities)]
    cues = in_their_sense(cues)
    joining = rules.words.joining_verbs
    joined = [c.end for c in cues if c.kind == "membership" and tokens.lemma(c.start) in joining]
    if joined:
        cues = [c for c in cues if not (
            c.kind in (PARTNERSHIP_TYPE, "cooperation", "pair_reference") and any(0 <= c.start - j <= 1 for j in joined)
        )]
    return cues


def asserted(
    kinds: dict[str, list[Cue]], reach: int, ended_reach: int = 0, boundaries: Sequence[int] = (),
    joiners: Sequence[int] = (), hoped_reach: int = 0,
) -> list[Cue]:
    """The cues of ``kinds`` (cues by kind) that no negating cue (:data:`NEGATING_KINDS`) stands
    on or shortly before ("no joint exercises", "not ... to cooperate", "urged ... to support"),
    within ``reach`` words, a hyphenated word one word ("attempting to create a four-way alliance":
    ``joiners`` are the tokens of its hyphens, in order), and that no ending cue (:data:`ENDING_KIND`) follows within
    ``ended_reach`` tokens with nothing between them that could be its subject instead: no other cue,
    no clause separator, none of the tokens ``boundaries`` ("trade between X and Y was suspended", not
    "held drills after the ceasefire was suspended"); a negating cue is negated by another one only.
    A hope, plan or offer (``hoped_for``) reaches ``hoped_reach`` words when that is further, up to
    the first of ``boundaries`` after it ("ready to raise its share in the stabilization force").

    >>> trade, ended = Cue("activity", "economic_cooperation", 0, 1, "trade"), Cue("ended", "", 6, 8, "was suspended")
    >>> [c.text for c in asserted({"activity": [trade], "ended": [ended]}, reach=4, ended_reach=8)]
    ['was suspended']
    >>> ready, force = Cue("hoped_for", "", 0, 2, "ready to"), Cue("activity", "peacekeeping", 8, 10, "stabilization force")
    >>> [c.text for c in asserted({"hoped_for": [ready], "activity": [force]}, reach=4, hoped_reach=10)]
    ['ready to']
    >>> [c.text for c in asserted({"hoped_for": [ready], "activity": [force]}, reach=4, boundaries=[5], hoped_reach=10)]
    ['ready to', 'stabilization force']
    """
    negations = [n for kind in NEGATING_KINDS for n in kinds.get(kind, ())]
    cues = [c for group in kinds.values() for c in group]
    negated = set()
    for n in negations:
        stop = n.end + reach + 1
        if n.kind == HOPED_KIND and hoped_reach > reach:
            boundary = next((b for b in boundaries if b >= n.end), None)
            stop = max(stop, n.end + hoped_reach + 1 if boundary is None else min(n.end + hoped_reach + 1, boundary))
        for j in joiners:  # in order: a hyphen past the reach so far may fall inside the longer one
            if n.end <= j < stop:
                stop += 2  # the hyphen and the word after it: one word with the word before it
        negated.update(range(n.end, stop))
        negated.add(n.start)
    # the words of a negated phrase are negated with it ("urged Peru to hold large-scale joint drills")
    negated.update([i for c in cues if c.kind not in NEGATING_KINDS and c.start in negated for i in range(c.start, c.end)])
    ended = [e.start for e in kinds.get(ENDING_KIND, ())]
    stops = sorted({*boundaries, *(c.start for c in cues if c.kind != ENDING_KIND)}) if ended else []
    return [
        c for c in cues
        if not (any(0 <= c.start - n.end <= reach or n.start == c.start for n in negations if n is not c)
                if c.kind in NEGATING_KINDS else c.start in negated)
        and not any(0 <= e - c.end <= ended_reach and not any(c.end <= s < e for s in stops) for e in ended)
    ]


def stated(live: dict[str, list[Cue]]) -> tuple[list[Cue], list[Cue]]:
    """The activity and partnership-type cues of a sentence, from its ``live`` cues by kind."""
    activities = longest(live[ACTIVITY]) if ACTIVITY in live else []
    if PARTNERSHIP_TYPE not in live:
        return activities, []
    # "maritime security cooperation" is maritime security, not a security partnership:
    # a type cue that an earlier activity cue overlaps is part of the activity's phrase.
    types = [
        t for t in longest(live[PARTNERSHIP_TYPE]) if not any(a.start < t.start < a.end < t.end for a in activities)
    ]
    return activities, types


def longest(cues: list[Cue]) -> list[Cue]:
    """``cues`` less those inside a longer cue of the same kind ("defence cooperation agreement")."""
    if len(cues) < 2:
        return list(cues)
    return [
        c
        for c in cues
        if not any(
            o is not c and o.start <= c.start and c.end <= o.end and (o.end - o.start) > (c.end - c.start) for o in cues
        )
    ]


def clause_starts(span: range, kinds: dict[str, list[Cue]]) -> list[int]:
    """Token indices where the sentence's clauses start: its start, and each clause separator after it."""
    if "clause_separator" not in kinds:
        return [span.start]
    return [span.start, *sorted(c.start for c in kinds["clause_separator"] if c.start > span.start)]


def hostility(sentence: Sentence) -> Hostility:
    """Where the sentence's asserted hostile cues aim: at an actor ("war with China", "sanctions
    against X"), which is then no partner, or at the whole clause."""
    hostile = sentence.live.get("hostile", ())
    if not hostile:
        return _NO_HOSTILITY
    words, reaches, lower = sentence.rules.words, sentence.rules.reaches, sentence.tokens.lower
    adversaries = sentence.kinds.get("adversary", ())
    # Hostility aimed at a third party ("sanctions against X", "the war against the rebels") leaves
    # the others' cooperation standing; so does hostility they stand against ("patrols against
    # ambushes", "to deter any invasion").
    hostile = [
        h for h in hostile
        if not any(h.start <= a.start and a.start - h.end <= reaches.hostile_target_window for a in adversaries)
        and not any(_opposed_by(sentence, a, h) for a in adversaries)
    ]
    targets: set[int] = set()
    for h in list(hostile):
        target = next((g for g in sentence.groups if 0 < g[0].start - h.end + 1 <= reaches.hostile_target_gap
                       and all(w in sentence.rules.skip or w in words.hostile_target_prepositions
                               for w in lower[h.end : g[0].start])), None)
        if target:
            # The target is no partner of anyone here; its accuser may still cooperate with others
            # ("The EU and the US condemned Russia"). Only up to a comma: "After the war with China,
            # India ..." leaves India out of it.
            hostile.remove(h)
            targets |= {a.start for a in until_comma(sentence.tokens, target)}
        elif sentence.tokens.lemma(h.start) in words.directed_hostility:
            hostile.remove(h)  # "condemning the coup": hostile to something that is no actor here
    return Hostility(tuple(hostile), targets)


def _opposed_by(sentence: Sentence, adversary: Cue, hostile: Cue) -> bool:
    """Whether the ``hostile`` cue is what the ``adversary`` cue before it stands against, within
    ``reaches.hostile_target_window`` tokens and no punctuation: "*against* armed *ambushes*"."""
    gap = range(adversary.end, hostile.start)
    return (
        adversary.end <= hostile.start and len(gap) <= sentence.rules.reaches.hostile_target_window
        and not any(sentence.tokens.is_punct(i) for i in gap)
    )


def hostile_clauses(sentence: Sentence, aimed: Hostility) -> set[int]:
    """The clauses (their start tokens) that the hostile cues of ``aimed`` make hostile."""
    return {sentence.clause_of(h.start) for h in aimed.cues}


def until_comma(tokens: Tokens, actors: list[Actor]) -> list[Actor]:
    """The leading actors of a list (in the order given) up to the first comma between two of them."""
    out = actors[:1]
    for prev, actor in zip(actors, actors[1:]):
        lo, hi = min(prev.end, actor.end), max(prev.start, actor.start)
        if "," in tokens.lower[lo:hi]:
            break
        out.append(actor)
    return out


def attribution(sentence: Sentence) -> set[int]:
    """Token indices of the sentence's attribution clauses: ", a UN official said" closing the
    sentence, "according to X" up to the next comma."""
    tokens, span, lower = sentence.tokens, sentence.span, sentence.tokens.lower
    openers = sentence.rules.words.attribution_openers
    out: set[int] = set()
    for cue in sentence.kinds.get("attribution", ()):
        if lower[cue.start] in openers:
            end = cue.end
            while end < span.stop and lower[end] not in ",;":
                end += 1
            out.update(range(cue.start, end))
            continue
        # A reporting verb closing the sentence: the clause from the comma before it.
        tail = [i for i in range(cue.end, span.stop) if not (tokens.is_punct(i) or lower[i].isspace())]
        if len(tail) > 4 or "," in lower[cue.end : span.stop]:
            continue
        comma = next((i for i in range(cue.start - 1, span.start - 1, -1) if lower[i] == ","), None)
        if comma is not None and cue.start - comma <= sentence.rules.reaches.attribution:
            out.update(range(comma, span.stop))
    return out
