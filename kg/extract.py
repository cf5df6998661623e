"""Read an annotated ``Doc``: mentions, and what each sentence says about cooperation.

Doc in, small named records out (textacy-style). Nothing here mutates the Doc.
:func:`read_sentences` finds, per sentence, the actors that take part (not
places, not examples, not adversaries, not organisation modifiers), the pairs
that the sentence's shape links explicitly, the partnership types, activities
and memberships it states, and whether it refers back to a pair in focus;
``kg.resolve`` then turns the readings into facts across sentences.

>>> from kg.nlp import load_pipeline
>>> doc = load_pipeline()("Qatar and Turkey held joint exercises near Doha.")
>>> reading = read_sentences(doc)[0]
>>> reading.pairs[0][:2], reading.activities
(('QAT', 'TUR'), ('joint_exercises',))
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy
from spacy.attrs import SENT_START
from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Span

from kg.gazetteer import GROUP, NON_ACTOR, ORGANIZATION
from kg.nlp import CUES_KEY, ENTITIES_KEY
from kg.ontology import ACTIVITY, PARTNERSHIP_TYPE, Cues, load_cues
from kg.records import Mention

#: Confidence of a pair by the rule that linked it (documented in the README).
CONFIDENCE = {
    "between": 0.95,
    "compound": 0.9,
    "coordination": 0.9,
    "dependency": 0.9,
    "link": 0.85,
    "object": 0.8,
    "host": 0.7,
    "membership": 0.9,
}

_NEGATION_WINDOW = 4
#: A hostile cue followed this close by an adversary cue ("sanctions against X") targets X.
_HOSTILE_TARGET_WINDOW = 6
#: "invaded Ukraine", "war with China", "sanctions on Iran": at most this many tokens from cue to target.
_HOSTILE_TARGET_GAP = 3
#: "AUKUS is a trilateral security pact comprising A, B and C": organisation to membership cue.
_MEMBERSHIP_REACH = 6
#: The same reach when no other actor stands between the organisation and the cue.
_SUBJECT_MEMBERSHIP_REACH = 10
#: "ANZUS is a collective security agreement between …": copula to the first member.
_DEFINITION_REACH = 12
#: "an alliance of six post-Soviet states:": the collective noun up to this many tokens before the link.
_COLLECTIVE_HEAD_REACH = 5
_NUMBER_WORDS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"})
#: "Japan's 1960 security agreement with": tokens from a possessive to the link preposition.
_POSSESSOR_REACH = 6
#: "a coalition of Arab states, including": tokens from a partnership-type cue to "including".
_LIST_HEAD_REACH = 5
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "fellow", "other", "both", "all"})
#: "Poland, a NATO member", "NATO allies Norway and Denmark": members of the organisation before.
_MEMBER_WORDS = frozenset({"member", "members", "ally", "allies"})
#: A coordinated list this long pairs its members only with a partnership type or activity cue.
_LONG_LIST = 4


@dataclass(frozen=True, slots=True)
class Actor:
    """An entity mention inside one sentence, with token offsets."""

    id: str
    type: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Cue:
    """A cue phrase inside one sentence."""

    kind: str
    id: str
    start: int
    end: int
    text: str


@dataclass(slots=True)
class SentenceReading:
    """What one sentence says, before references to other sentences are resolved."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int
    #: Ids of the actors that can take part in a partnership, in text order.
    participants: tuple[str, ...] = ()
    #: (a, b, method) pairs the sentence links explicitly.
    pairs: list[tuple[str, str, str]] = field(default_factory=list)
    #: (a, b) -> (partnership types, activities) of the pair's own clause, when the sentence has
    #: several clauses with pairs ("X sells jets to Y, while Z trains W's pilots").
    pair_scopes: dict = field(default_factory=dict)
    partnership_types: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    #: (member, organisation) pairs.
    memberships: list[tuple[str, str]] = field(default_factory=list)
    #: A cooperation, activity or partnership-type cue that is not negated.
    cooperative: bool = False
    hostile: bool = False
    #: "the two nations", "their", "both sides" ... : points back to the pair in focus.
    refers_back: bool = False
    #: A reference that names what it points to ("the two nations", "the alliance"), not a pronoun.
    strong_reference: bool = False
    #: "the Kingdom" -> ["Kingdom"]: names the actor in focus by a word of its official name.
    actor_references: tuple[str, ...] = ()
    #: Organisations named in the sentence, for "It"/"Its members" in later sentences.
    organizations: tuple[str, ...] = ()
    #: Organisations the pair in focus belongs to ("Both countries are members of NATO").
    focus_memberships: tuple[str, ...] = ()
    #: Members stated without their organisation ("Its members include A and B", "Finland joined
    #: in 2023"): members of the organisation in focus.
    members_of_focus: tuple[str, ...] = ()


def mentions(doc: Doc, doc_id: str) -> list[Mention]:
    """Every entity mention in ``doc`` linked to its canonical id.

    >>> from kg.nlp import load_pipeline
    >>> [m.entity for m in mentions(load_pipeline()("Ankara and the UAE."), "d")]
    ['TUR', 'ARE']
    """
    return [
        Mention(doc_id, span.id_, span.label_, span.text, span.start_char, span.end_char)
        for span in doc.spans.get(ENTITIES_KEY, [])
        if span.label_ != NON_ACTOR and span.id_
    ]


def _bucket(spans, sentences: list[Span]) -> list[list[Span]]:
    """Spans per sentence (spans that cross a sentence boundary go to the first)."""
    buckets: list[list[Span]] = [[] for _ in sentences]
    spans = sorted(spans, key=lambda s: (s.start, -s.end))
    i = 0
    for span in spans:
        while i < len(sentences) - 1 and span.start >= sentences[i].end:
            i += 1
        buckets[i].append(span)
    return buckets


def _sentences(doc: Doc) -> list[Span]:
    """``list(doc.sents)``, with the sentence starts read as an array rather than token by token."""
    if not len(doc) or not doc.has_annotation("SENT_START"):
        return list(doc.sents)
    bounds = numpy.flatnonzero(doc.to_array(SENT_START)[1:] == 1) + 1
    edges = [0, *bounds.tolist(), len(doc)]
    return [Span(doc, start, end) for start, end in zip(edges, edges[1:])]


def _is_heading(text: str) -> bool:
    return text.lstrip().startswith("#")


def _groups(actors: list[Actor], doc: Doc, connectors: frozenset, conjunctions: frozenset) -> list[list[Actor]]:
    """Coordinated lists: actors separated only by list connectors ("A, B and C").

    A list needs a conjunction somewhere ("and", "or", a hyphen): commas alone join clauses
    ("In Pakistan, the UN ..."), not list items.
    """
    groups: list[list[Actor]] = []
    joined: list[bool] = []  # whether each group has a conjunction between its actors
    for actor in actors:
        if groups:
            prev = groups[-1][-1]
            gap = doc[prev.end : actor.start]
            if actor.start >= prev.end and all(t.lower_ in connectors or t.is_space for t in gap):
                groups[-1].append(actor)
                joined[-1] = joined[-1] or _has_conjunction(gap, conjunctions) or not len(gap)
                continue
        groups.append([actor])
        joined.append(False)
    out: list[list[Actor]] = []
    for group, has_conjunction in zip(groups, joined):
        # "China, Russia, India and four Central Asian states": the conjunction comes after the last actor
        after = doc[group[-1].end : group[-1].end + 1]
        is_list = has_conjunction or len(group) >= 3 or _has_conjunction(after, conjunctions)
        out += [group] if is_list or len(group) == 1 else [[a] for a in group]
    return out


def _has_conjunction(tokens, conjunctions: frozenset) -> bool:
    """"and", "or", a hyphen ... or "as well as" among ``tokens``."""
    words = [t.lower_ for t in tokens]
    return any(w in conjunctions for w in words) or " ".join(words[-3:]) == "as well as"


def _index_before(doc: Doc, start: int, lower_bound: int, skip: frozenset = _DETERMINERS) -> int:
    """Index of the token before token ``start``, skipping determiners (-1 if none)."""
    i = start - 1
    while i >= lower_bound and (doc[i].lower_ in skip or doc[i].is_space or doc[i].text in "'\"“”‘’"):
        i -= 1
    return i if i >= lower_bound else -1


def _word_before(doc: Doc, start: int, lower_bound: int, skip: frozenset = _DETERMINERS) -> str:
    """The lower-cased word before token ``start``, skipping determiners."""
    i = _index_before(doc, start, lower_bound, skip)
    return doc[i].lower_ if i >= 0 else ""


class SentenceReader:
    """Reads sentences of annotated Docs, with the cue word lists loaded once."""

    def __init__(self, cues: Cues | None = None) -> None:
        cues = cues or load_cues()
        self.words = cues.words
        self.connectors = self.words.get("list_connectors", frozenset())
        self.conjunctions = self.words.get("list_conjunctions", frozenset())
        # Words skipped when reading the word before an actor ("in *former* Yugoslavia").
        self.skip = _DETERMINERS | self.words.get("actor_premodifiers", frozenset())
        # The member stands before these ("X joined NATO"), never after ("NATO joined X").
        self.joining = self.words.get("joining_verbs", frozenset())
        self._dependency_matchers: dict[int, DependencyMatcher] = {}
        self._parsed: Doc | None = None
        self._has_parse = False
        self._dependency_matches: list = []

    def _dependency_matcher(self, doc: Doc) -> DependencyMatcher:
        """Subject and object of a cooperation verb, for pipelines with a parser (one per vocab)."""
        matcher = self._dependency_matchers.get(id(doc.vocab))
        if matcher is None:
            matcher = DependencyMatcher(doc.vocab)
            verbs = {"LEMMA": {"IN": sorted(self.words.get("dependency_verbs", ()))}}
            subject = {"DEP": {"IN": ["nsubj", "nsubjpass"]}}
            verb = {"RIGHT_ID": "verb", "RIGHT_ATTRS": verbs}
            has_subject = {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "subject", "RIGHT_ATTRS": subject}
            matcher.add("direct_object", [[verb, has_subject, {
                "LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "object",
                "RIGHT_ATTRS": {"DEP": {"IN": ["dobj", "dative", "iobj"]}},
            }]])
            matcher.add("prepositional_object", [[verb, has_subject, {
                "LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "preposition",
                "RIGHT_ATTRS": {"DEP": "prep", "LOWER": {"IN": sorted(self.words.get("link_prepositions", ()))}},
            }, {
                "LEFT_ID": "preposition", "REL_OP": ">", "RIGHT_ID": "object", "RIGHT_ATTRS": {"DEP": "pobj"},
            }]])
            self._dependency_matchers[id(doc.vocab)] = matcher
        return matcher

    def _dependency_pairs(self, doc: Doc, sent: Span, participants: list[Actor]) -> list[tuple[str, str]]:
        """(subject actor, object actor) pairs of cooperation verbs found by the parser."""
        if self._parsed is not doc:  # match the whole Doc once, not once per sentence
            self._parsed, self._dependency_matches = doc, self._dependency_matcher(doc)(doc)
        out: list[tuple[str, str]] = []
        for _, tokens in self._dependency_matches:
            if not sent.start <= tokens[0] < sent.end:
                continue
            subject, obj = doc[tokens[1]], doc[tokens[-1]]
            for s in _actors_in(subject, participants):
                for o in _actors_in(obj, participants):
                    if s.id != o.id and (s.id, o.id) not in out:
                        out.append((s.id, o.id))
        return out

    def __call__(self, doc: Doc, text: str | None = None) -> list[SentenceReading]:
        """Readings of the non-blank sentences of ``doc``; ``text``: ``doc.text`` if the caller has it."""
        sentences = _sentences(doc)
        # Asked once per Doc: has_annotation scans every token, per sentence it is quadratic.
        self._has_parse = doc.has_annotation("DEP")
        entity_buckets = _bucket(doc.spans.get(ENTITIES_KEY, []), sentences)
        cue_buckets = _bucket(doc.spans.get(CUES_KEY, []), sentences)
        readings: list[SentenceReading] = []
        doc_text = text  # the caller's copy of doc.text: slicing it is cheaper than Span.text
        paragraph = 0
        gap = ""  # the white space since the previous sentence's text (Doc.text would join every token)
        prev_heading = False
        for index, sent in enumerate(sentences):
            raw = sent.text if doc_text is None else doc_text[sent.start_char : sent.end_char]
            text = raw.strip()
            if not text:
                gap += raw
                continue
            leading = len(raw) - len(raw.lstrip())
            start = sent.start_char + leading
            heading = _is_heading(text)
            if readings and (heading or prev_heading or "\n\n" in gap + raw[:leading]):
                paragraph += 1
            gap, prev_heading = raw[leading + len(text):], heading
            reading = SentenceReading(index, start, start + len(text), text, paragraph)
            self._read(doc, sent, entity_buckets[index], cue_buckets[index], reading)
            readings.append(reading)
        return readings

    def _read(self, doc: Doc, sent: Span, entity_spans: list[Span], cue_spans: list[Span], r: SentenceReading) -> None:
        if not entity_spans and not cue_spans:
            # Half of all sentences name no actor and hold no cue: of all the rules below only the
            # sentence-start reference ("These ...") can apply to them.
            r.refers_back = self._starts_with_reference(doc, sent)
            return
        self._read_spans(doc, sent, entity_spans, cue_spans, r)

    def _starts_with_reference(self, doc: Doc, sent: Span) -> bool:
        """The sentence opens with a word that refers back ("These ..."), not an anticipatory "It is"."""
        words = self.words
        first = sent.start + (1 if sent[0].is_space else 0)
        anticipatory = doc[first].lower_ == "it" and first + 1 < sent.end and (
            doc[first + 1].lower_ in words.get("anticipatory_it_followers", ())
        )
        return doc[first].lower_ in words.get("sentence_start_references", ()) and not anticipatory

    def _read_spans(self, doc: Doc, sent: Span, entity_spans: list[Span], cue_spans: list[Span], r: SentenceReading) -> None:
        words = self.words
        # Words inside a name are not cues: "Gulf Cooperation Council" asserts no cooperation.
        named = {i for s in entity_spans for i in range(s.start, s.end)}
        cues = [Cue(s.label_, s.id_, s.start, s.end, s.text) for s in cue_spans if s.start not in named]
        # "Finland joined the alliance": the object of a joining verb names an organisation, it
        # asserts no alliance between the sentence's actors.
        joined = [c.end for c in cues if c.kind == "membership" and doc[c.start].lemma_.lower() in self.joining]
        if joined:
            cues = [c for c in cues if not (
                c.kind in (PARTNERSHIP_TYPE, "cooperation", "pair_reference") and any(0 <= c.start - j <= 1 for j in joined)
            )]
        negations = [c for c in cues if c.kind == "negation"]

        def negated(c: Cue) -> bool:
            return any(0 <= c.start - n.end <= _NEGATION_WINDOW or n.start == c.start for n in negations if n is not c)

        def live(kind: str) -> list[Cue]:
            return [c for c in cues if c.kind == kind and not negated(c)]

        activities = _longest(live(ACTIVITY))
        # "maritime security cooperation" is maritime security, not a security partnership:
        # a type cue that an earlier activity cue overlaps is part of the activity's phrase.
        types = [
            t for t in _longest(live(PARTNERSHIP_TYPE))
            if not any(a.start < t.start < a.end < t.end for a in activities)
        ]
        r.partnership_types = tuple(dict.fromkeys(c.id for c in types))
        r.activities = tuple(dict.fromkeys(c.id for c in activities))
        r.cooperative = bool(types or activities or live("cooperation"))
        adversary_starts = {c.start for c in cues if c.kind == "adversary"}
        # Hostility aimed at a third party ("sanctions against X") leaves the others' cooperation standing.
        hostile = [
            h for h in live("hostile") if not any(0 <= a - h.end <= _HOSTILE_TARGET_WINDOW for a in adversary_starts)
        ]
        actors = [
            Actor(s.id_, s.label_, s.start, s.end) for s in entity_spans if s.label_ != NON_ACTOR and s.id_
        ]
        groups = _groups(actors, doc, self.connectors, self.conjunctions)
        # "war with China", "invaded Ukraine", "accused Togo": hostility between the actors around the cue only.
        hostile_parties: set[int] = set()
        for h in list(hostile):
            target = next((g for g in groups if 0 < g[0].start - h.end + 1 <= _HOSTILE_TARGET_GAP
                           and all(t.lower_ in self.skip or t.lower_ in words.get("hostile_target_prepositions", ())
                                   for t in doc[h.end : g[0].start])), None)
            if target:
                # The target is no partner of anyone here; its accuser may still cooperate with others
                # ("The EU and the US condemned Russia"). Only up to a comma: "After the war with China,
                # India ..." leaves India out of it.
                hostile.remove(h)
                hostile_parties |= {a.start for a in _until_comma(doc, target)}
            elif doc[h.start].lemma_.lower() in words.get("directed_hostility", ()):
                hostile.remove(h)  # "condemning the coup": hostile to something that is no actor here
        # Token indices where the sentence's clauses start ("..., while X and Y ...").
        clauses = [sent.start] + sorted(c.start for c in cues if c.kind == "clause_separator" and c.start > sent.start)
        hostile_clauses = {_clause_of(clauses, h.start) for h in hostile}
        # A hostile clause makes the sentence hostile unless another clause stands apart from it.
        r.hostile = bool(hostile_clauses) and len(hostile_clauses) == len(clauses)
        followers = words.get("named_instrument_followers", frozenset())
        r.strong_reference = any(
            c.kind == "pair_reference" and not (c.end < sent.end and doc[c.end].lower_ in followers) for c in cues
        )
        r.refers_back = (
            r.strong_reference or any(c.kind == "weak_pair_reference" for c in cues) or self._starts_with_reference(doc, sent)
        )
        r.actor_references = tuple(c.text.split()[-1] for c in cues if c.kind == "actor_reference")

        # Activities that happen in a host country make "in X" a participant ("peacekeepers in Mali").
        hosted = bool(set(r.activities) & words.get("hosted_activities", frozenset()))
        # "countries such as X" are examples, but "a coalition of Arab states, including X" lists its members.
        type_ends = {c.end for c in types}
        member_lists = {
            c.end for c in cues
            if c.kind == "exemplification" and any(c.start - _LIST_HEAD_REACH <= e <= c.start for e in type_ends)
        }
        marker_ends = {c.end for c in cues if c.kind in ("exemplification", "adversary", "place_noun", "non_state_context")} - member_lists
        conflict_ends = {c.end for c in live("conflict")}
        attribution = self._attribution(doc, sent, cues)
        excluded: set[int] = set()  # token starts of actors that cannot be partners
        hosts: set[int] = set()  # token starts of groups that host the activity ("peacekeepers in Mali")
        attributives: set[int] = set()  # token starts of groups that qualify an activity ("U.S. military aid")
        cue_starts = {c.start for c in types + activities}
        conflict_parties = False
        for group in groups:
            head = group[0]
            i_before = _index_before(doc, head.start, sent.start, self.skip)
            before = doc[i_before].lower_ if i_before >= 0 else ""
            near_starts = {head.start - k for k in (0, 1, 2)}
            # "a ceasefire between X and Y": the parties of a conflict, not partners.
            parties = before == "between" and bool({i_before, i_before - 1} & conflict_ends)
            conflict_parties |= parties
            # "in U.S. military aid": an actor qualifying an activity takes part in it, wherever it stands.
            attributive = group[-1].end in cue_starts or any(
                c.start < head.start and group[-1].end <= c.end for c in activities
            )  # "hosted large American bases"
            attributive = attributive or bool({head.start - k for k in (0, 1, 2)} & member_lists)
            if attributive:
                attributives.add(head.start)
            place = before in words.get("place_prepositions", ()) and not attributive
            if place and hosted:
                hosts.add(head.start)
            if (
                (place and not hosted)
                or near_starts & marker_ends
                or head.start in attribution
                or parties
                or _clause_of(clauses, head.start) in hostile_clauses
                or self._is_adjunct(doc, group, sent, before)
            ):
                excluded |= {a.start for a in group}
            for actor in group:
                if (
                    actor.start in attribution
                    or actor.start in hostile_parties
                    or self._is_mediator(doc, actor, sent)
                    or (actor.type == ORGANIZATION and self._org_is_modifier(doc, actor, sent, before))
                ):
                    excluded.add(actor.start)
        if conflict_ends and not conflict_parties:
            r.hostile = True  # "X and Y agreed to a truce": no partnership
        asserted = [c for c in cues if not negated(c)]
        r.memberships, organizations_of_focus = self._memberships(doc, sent, groups, asserted)
        if r.refers_back:
            r.focus_memberships = tuple(organizations_of_focus)
        r.organizations = tuple(dict.fromkeys(a.id for a in actors if a.type == ORGANIZATION))
        if not r.organizations:
            r.members_of_focus = self._members_of_focus(doc, sent, groups, asserted)
        member_orgs = {org for _, org in r.memberships}
        participants = [a for a in actors if a.start not in excluded and a.id not in member_orgs]
        r.participants = tuple(dict.fromkeys(a.id for a in participants))
        if r.hostile or not r.cooperative:
            return
        joint = bool(set(r.activities) & words.get("joint_activities", frozenset()))
        # Members listed as members ("a pact comprising A, B and C") are members, not pairwise partners.
        members = frozenset(m for m, _ in r.memberships) if not joint else frozenset()
        # A long list with only a generic cue ("support for A, B, C and D") names parallel
        # recipients or donors, not a bloc: its members pair only when a type or activity is stated.
        typed = bool(r.partnership_types or r.activities)
        r.pairs = self._pairs(doc, sent, groups, participants, joint, hosts, attributives, clauses, members, typed)
        if len(clauses) > 1 and r.pairs:
            r.pair_scopes = self._pair_scopes(r.pairs, participants, clauses, types, activities)
        if self._has_parse:
            dependency = self._dependency_pairs(doc, sent, participants)
            known = {frozenset(p[:2]): i for i, p in enumerate(r.pairs)}
            for a, b in dependency:
                i = known.get(frozenset((a, b)))
                if i is None:
                    r.pairs.append((a, b, "dependency"))
                elif CONFIDENCE["dependency"] > CONFIDENCE[r.pairs[i][2]]:
                    r.pairs[i] = (a, b, "dependency")

    def _pair_scopes(self, pairs: list, participants: list[Actor], clauses: list[int], types: list, activities: list) -> dict:
        """Each pair's partnership types and activities from the clause its actors stand in."""
        clause_of_id: dict[str, set[int]] = {}
        for a in participants:
            clause_of_id.setdefault(a.id, set()).add(_clause_of(clauses, a.start))
        scopes = {}
        for a, b, _ in pairs:
            shared = clause_of_id.get(a, set()) & clause_of_id.get(b, set())
            if len(shared) != 1:
                continue  # a pair across clauses keeps the sentence's cues
            clause = shared.pop()
            scopes[(a, b)] = (
                tuple(dict.fromkeys(c.id for c in types if _clause_of(clauses, c.start) == clause)),
                tuple(dict.fromkeys(c.id for c in activities if _clause_of(clauses, c.start) == clause)),
            )
        return scopes

    def _attribution(self, doc: Doc, sent: Span, cues: list[Cue]) -> set[int]:
        """Token indices of attribution clauses (", a UN official said", "according to X")."""
        out: set[int] = set()
        for cue in cues:
            if cue.kind != "attribution":
                continue
            if cue.text.lower().startswith("according"):
                end = cue.end
                while end < sent.end and doc[end].text not in ",;":
                    end += 1
                out.update(range(cue.start, end))
                continue
            # A reporting verb closing the sentence: the clause from the comma before it.
            tail = [t for t in doc[cue.end : sent.end] if not (t.is_punct or t.is_space)]
            if len(tail) > 4 or any(t.text == "," for t in doc[cue.end : sent.end]):
                continue
            comma = next((i for i in range(cue.start - 1, sent.start - 1, -1) if doc[i].text == ","), None)
            if comma is not None and cue.start - comma <= 12:
                out.update(range(comma, sent.end))
        return out

    def _is_adjunct(self, doc: Doc, group: list[Actor], sent: Span, before: str) -> bool:
        """"Unlike Peru, Chile …", "Besides Peru, …": a set-off comparison, not a participant."""
        end = group[-1].end
        return (
            before in self.words.get("adjunct_prepositions", ())
            and end < sent.end
            and doc[end].text == ","
        )

    def _is_mediator(self, doc: Doc, actor: Actor, sent: Span) -> bool:
        """"a UN-brokered deal": the actor brokers the deal between others."""
        return (
            actor.end + 1 < sent.end
            and doc[actor.end].text in "-–—"
            and doc[actor.end + 1].lower_ in self.words.get("mediator_suffixes", ())
        )

    def _org_is_modifier(self, doc: Doc, actor: Actor, sent: Span, before: str) -> bool:
        after = doc[actor.end].lower_ if actor.end < sent.end else ""
        non = self._is_non_member(doc, actor, sent)
        channel = before in self.words.get("channel_prepositions", ())
        return after in self.words.get("organization_modifier_nouns", ()) or non or channel

    def _is_non_member(self, doc: Doc, org: Actor, sent: Span) -> bool:
        """"a major non-NATO ally", "non NATO states": the organisation is named to exclude."""
        prefixes = self.words.get("non_member_prefixes", frozenset())
        return _word_before(doc, org.start, sent.start, _DETERMINERS | {"-", "–"}) in prefixes or (
            org.start > sent.start and doc[org.start - 1].lower_ in ("non-", "non")
        )

    def _pairs(
        self,
        doc: Doc,
        sent: Span,
        groups: list[list[Actor]],
        participants: list[Actor],
        joint: bool,
        hosts: set[int],
        attributives: set[int],
        clauses: list[int],
        members: frozenset = frozenset(),
        typed: bool = True,
    ) -> list:
        """Pairs linked by the sentence's shape; two actors merely in one sentence are no pair."""
        live = {a.start for a in participants}
        links = self.words.get("link_prepositions", frozenset())
        object_verbs = self.words.get("object_verbs", frozenset())
        distributive = self.words.get("distributive_markers", frozenset())
        partner_nouns = self.words.get("partner_nouns", frozenset())
        found: dict[tuple[str, str], str] = {}

        def add(a: str, b: str, method: str) -> None:
            if a == b:
                return
            key = (a, b) if (b, a) not in found else (b, a)
            if key not in found or CONFIDENCE[method] > CONFIDENCE[found[key]]:
                found[key] = method

        live_groups = [[a for a in g if a.start in live] for g in groups]
        live_groups = [g for g in live_groups if g]
        subjects: dict[int, list[Actor]] = {}  # the first group of each clause is its subject
        for group in live_groups:
            subjects.setdefault(_clause_of(clauses, group[0].start), group)
        for group in live_groups:
            ids = list(dict.fromkeys(a.id for a in group))
            if len(ids) < 2 or members.issuperset(ids):
                continue
            gap = doc[group[0].end : group[1].start]
            before = _word_before(doc, group[0].start, sent.start, self.skip)
            if any(t.lower_ in distributive for t in doc[group[0].end : group[-1].start]):
                continue  # "X and, separately, Y": each acts on its own
            # "a partner of Japan and Australia", "the admission of A and B"
            of_noun = self._lemma_before(doc, _index_before(doc, group[0].start, sent.start, self.skip), sent) if (
                before == "of"
            ) else ""
            received = before in links or before in object_verbs or (
                self._lemma_before(doc, group[0].start, sent) in object_verbs
            ) or of_noun in partner_nouns or of_noun in self.words.get("status_nouns", ()) or (
                self._received_through_noun(doc, group, sent, before, links | object_verbs)
            )
            is_subject = group is subjects[_clause_of(clauses, group[0].start)]
            if (not is_subject and group[0].start in hosts) or (before != "between" and not joint and received):
                # "aid to Romania and Poland": co-recipients, not partners of each other, also when the
                # subject is no actor ("We established relations with A, B and C").
                continue
            if len(ids) >= _LONG_LIST and not typed and before != "between":
                continue  # "we support the struggle of A, B, C and D"
            if hosts and not joint and before != "between" and group[0].start not in hosts:
                continue  # "Japan and Italy keep bases in Djibouti": each is a guest of the host
            compound = any(t.text in "-–—/" for t in gap)
            after = doc[group[-1].end].lower_ if group[-1].end < sent.end else ""
            if compound and after in self.words.get("compound_non_partner_heads", ()):
                continue  # "the India-Pakistan border"
            method = "between" if before == "between" else "compound" if compound else "coordination"
            if before == "between" and len(group) > len(ids):
                # "between X and Y and X and Z": two pairs, not a bloc of three
                for a, b in zip(group[::2], group[1::2]):
                    add(a.id, b.id, method)
                continue
            for a, b in combinations(ids, 2):
                add(a, b, method)
        for group in live_groups:
            subject = subjects[_clause_of(clauses, group[0].start)]
            if subject is group:
                continue
            i_before = _index_before(doc, group[0].start, sent.start, self.skip)
            token = doc[i_before] if i_before >= 0 else None
            if token is None:
                continue
            partners = subject
            if token.lower_ == "between" and len({a.id for a in group}) >= 2:
                continue  # "X welcomed the treaty between Y and Z": the pair is Y–Z, X is no party
            if group[0].start in hosts:
                method = "host"  # "troops deployed to a UN mission in Mali"
            elif token.lower_ in links or (
                token.lower_ == "of" and i_before > sent.start and doc[i_before - 1].lemma_.lower() in partner_nouns
            ):
                method = "link"  # "X signed a deal with Y", "X, a close ally of Y"
                # "X's 1960 agreement with Y": the possessor, not the subject, is Y's partner.
                owned, owner = self._possessor(doc, i_before, sent, groups, group)
                if owned:
                    # "over its cooperation with Syria": "its" is the nearest actor, which may be no partner
                    partners = [owner] if owner is not None and owner.start in live else []
            elif self._possessed_partner(doc, group, sent):
                method = "link"  # "China is North Korea's only treaty ally"
            elif group[0].start in attributives:
                method = "object"  # "Egypt receives U.S. military aid"
            elif token.lemma_.lower() in object_verbs or token.lower_ in object_verbs:
                method = "object"  # "Turkey supplied Azerbaijan with drones"
            else:
                continue
            for s in partners:
                for o in group:
                    add(s.id, o.id, method)
        return [(a, b, m) for (a, b), m in found.items()]

    def _received_through_noun(self, doc: Doc, group: list[Actor], sent: Span, before: str, receiving: frozenset) -> bool:
        """"support to the regimes of A and B", "welcome to the States of A, B": a noun's complement
        after a link preposition or an object verb receives, like "support to A and B"."""
        if before != "of":
            return False
        i_of = _index_before(doc, group[0].start, sent.start, self.skip)
        i_noun = _index_before(doc, i_of, sent.start, self.skip)
        if i_noun < 0 or doc[i_noun].is_punct:
            return False
        i_link = _index_before(doc, i_noun, sent.start, self.skip)
        return i_link >= 0 and (doc[i_link].lower_ in receiving or doc[i_link].lemma_.lower() in receiving)

    def _possessor(
        self, doc: Doc, preposition: int, sent: Span, groups: list[list[Actor]], group: list[Actor]
    ) -> tuple[bool, Actor | None]:
        """Whether a possessive stands shortly before ``preposition`` ("Japan's", "its"), and its actor."""
        for i in range(preposition - 1, max(sent.start, preposition - _POSSESSOR_REACH) - 1, -1):
            if doc[i].text in ",;":
                break
            if doc[i].lower_ in ("'s", "’s", "'"):
                owner = next((a for g in groups for a in g if a.end == i), None)
                return (True, owner) if owner and owner not in group else (False, None)
            if doc[i].lower_ in self.words.get("possessive_pronouns", ()):
                earlier = [a for g in groups for a in g if a.end <= i]
                return (True, earlier[-1]) if earlier else (False, None)
        return False, None

    def _possessed_partner(self, doc: Doc, group: list[Actor], sent: Span) -> bool:
        """"Y's ally", "Y's largest partner": the group owns a partner noun shortly after it."""
        end = group[-1].end
        if end >= sent.end or doc[end].lower_ not in ("'s", "’s"):
            return False
        nouns = self.words.get("partner_nouns", frozenset())
        return any(t.lemma_.lower() in nouns for t in doc[end + 1 : min(end + 5, sent.end)])

    def _lemma_before(self, doc: Doc, start: int, sent: Span) -> str:
        i = _index_before(doc, start, sent.start, self.skip)
        return doc[i].lemma_.lower() if i >= 0 else ""

    def _members_of_focus(self, doc: Doc, sent: Span, groups: list[list[Actor]], cues: list[Cue]) -> tuple:
        """Members named with no organisation in the sentence: "Its members include A and B",
        "founding members, including A", "Finland joined in 2023, followed by Sweden"."""
        introducers = self.words.get("member_list_introducers", frozenset())
        # "joined in 2004", "joined later"
        intransitive_followers = introducers | self.words.get("intransitive_join_followers", frozenset())
        references = self.words.get("organization_references", frozenset())
        predicates = self.words.get("member_predicates", frozenset())
        out: list[str] = []
        for cue in (c for c in cues if c.kind == "membership"):
            after = doc[cue.end : min(cue.end + 3, sent.end)]
            if cue.text.lower().startswith("member") and after and after[0].lower_ in introducers:
                following = [g for g in groups if cue.end < g[0].start <= cue.end + 4]
                out += [a.id for g in following[:1] for a in g if a.type != GROUP]
            elif cue.text.lower().startswith("member") and not _is_member_of(doc, cue, sent):
                # "India and Pakistan became full members in 2017"
                before = [g for g in groups if g[-1].end <= cue.start
                          and all(t.lower_ in predicates for t in doc[g[-1].end : cue.start])]
                out += [a.id for g in before[-1:] for a in g if a.type != GROUP]
            elif (
                cue.end >= sent.end or doc[cue.end].is_punct or doc[cue.end].lower_ in intransitive_followers
                or (doc[cue.start].lemma_.lower() in self.joining and cue.end + 1 < sent.end
                    and doc[cue.end].lower_ == "the" and doc[cue.end + 1].lower_ in references)
            ):
                # an intransitive "joined", or "joined the alliance": the group right before it, and
                # "followed by" groups after
                before = [g for g in groups if 0 <= cue.start - g[-1].end <= 1]
                later = [g for g in groups if g[0].start > cue.end and self._after_followed_by(doc, g, sent)]
                out += [a.id for g in before[-1:] + later for a in g if a.type != GROUP]
        return tuple(dict.fromkeys(out))

    def _defined_members(self, doc: Doc, sent: Span, groups: list[list[Actor]]) -> tuple | None:
        """(members, organisation) of a sentence that defines an organisation by its members:
        "ANZUS is a security agreement between A, B and C", "The Quad is a forum of A, B, C and D",
        "The CSTO is an alliance of six states: A, B ...". The members are no partners of the body."""
        if not any(a.type == ORGANIZATION for g in groups for a in g):
            return None  # most sentences: no token scan
        collective = self.words.get("collective_nouns", frozenset())
        links = self.words.get("member_links", frozenset())
        copulas = self.words.get("copulas", frozenset())
        copula = next((t.i for t in sent if t.lower_ in copulas), None)
        if copula is None or copula + 1 >= sent.end or doc[copula + 1].lower_ not in ("a", "an"):
            return None
        subject = [a for g in groups for a in g if a.end <= copula]
        if not subject or {a.id for a in subject} != {subject[-1].id} or subject[-1].type != ORGANIZATION:
            return None  # the subject is one organisation, named once or twice ("the Quad")
        org = subject[-1]
        # The first actors after the copula, past leaders of the body ("a Russian-led alliance")
        after = [g for g in groups if g[0].start > copula and not _is_led_by(doc, g, sent)]
        if not after or after[0][0].start - copula > _DEFINITION_REACH:
            return None
        members = after[0]
        link = _index_before(doc, members[0].start, copula, _DETERMINERS | _NUMBER_WORDS)
        if link < 0 or doc[link].lower_ not in links:
            return None
        # "a security agreement between", "an alliance of six post-Soviet states:"
        head = doc[max(copula + 1, link - _COLLECTIVE_HEAD_REACH) : link]
        if not any(t.lemma_.lower() in collective or t.lower_ in collective for t in head):
            return None
        if all(a.type == GROUP for a in members):
            # "of six post-Soviet states: Russia, Belarus ...": the named members follow the colon
            rest = [g for g in after[1:] if doc[members[-1].end].text in ":," and g[0].start == members[-1].end + 1]
            members = rest[0] if rest else members
        return members, org

    def _after_followed_by(self, doc: Doc, group: list[Actor], sent: Span) -> bool:
        """"…, followed by Sweden": the group comes after "followed by"."""
        by = _index_before(doc, group[0].start, sent.start)
        return by > sent.start and doc[by].lower_ == "by" and doc[by - 1].lower_ == "followed"

    def _memberships(self, doc: Doc, sent: Span, groups: list[list[Actor]], cues: list[Cue]) -> tuple[list, list]:
        """(member, organisation) pairs stated in the sentence, and organisations whose members are
        only referred to ("Both countries are members of NATO")."""
        out: list[tuple[str, str]] = []
        of_focus: list[str] = []
        membership_cues = [c for c in cues if c.kind == "membership"]
        joining = self.joining
        def add(members: list[Actor], org: Actor) -> None:
            for m in members:
                if m.id != org.id and m.type != GROUP and (m.id, org.id) not in out:
                    out.append((m.id, org.id))

        if not membership_cues and not any(a.type == ORGANIZATION for g in groups for a in g):
            return out, of_focus
        defined = self._defined_members(doc, sent, groups)
        if defined:
            add(*defined)

        for gi, group in enumerate(groups):
            for org in group:
                if org.type != ORGANIZATION:
                    continue
                if self._is_non_member(doc, org, sent):
                    continue
                after = doc[org.end].lower_ if org.end < sent.end else ""
                of_follows = org.end + 1 < sent.end and doc[org.end + 1].lower_ == "of"
                # "X, a NATO member" / "NATO members X and Y" (but "a NATO ally of Y" links Y as a partner)
                if after in _MEMBER_WORDS and not (after.startswith("all") and of_follows):
                    before_group = groups[gi - 1] if gi > 0 and len(group) == 1 else None
                    if before_group and all(
                        t.lower_ in {",", "a", "an", "the", "fellow", "is", "are", "was", "were", "as", "both", "all"}
                        for t in doc[before_group[-1].end : org.start]
                    ):
                        add(before_group, org)
                    elif gi + 1 < len(groups) and groups[gi + 1][0].start - org.end <= 3:
                        add(groups[gi + 1], org)
                    continue
                for cue in membership_cues:
                    # "members of NATO", "joined NATO", "accession to the EU", "members of the UN and NATO"
                    if 0 <= group[0].start - cue.end <= 3:
                        # "Morocco left the OAU over the admission *of* the Sahrawi Republic and rejoined
                        # the AU": a noun's complement joins nothing
                        before_groups = [g for g in groups[:gi] if g[-1].end <= cue.start
                                         and _word_before(doc, g[0].start, sent.start) != "of"]
                        # "Germany is a member of the EU and joined NATO": a country, not the EU, joined
                        with_country = [g for g in before_groups if any(a.type != ORGANIZATION for a in g)]
                        if with_country or before_groups:
                            add((with_country or before_groups)[-1], org)
                        elif gi + 1 < len(groups):
                            add(groups[gi + 1], org)
                        elif org.id not in of_focus:
                            of_focus.append(org.id)  # "Both countries are members of NATO"
                    # "NATO's member states are X and Y", "an alliance comprising X, Y"
                    elif (
                        0 <= cue.start - _after_apposition(doc, org.end, cue.start) <= _membership_reach(groups, org, cue)
                        and doc[cue.start].lemma_.lower() not in joining
                        and not _is_member_of(doc, cue, sent)
                        and not any(org.end <= g[0].start < cue.start and g[0].type == ORGANIZATION for g in groups)
                    ):
                        after_groups = [g for g in groups[gi + 1 :] if g[0].start >= cue.end]
                        if after_groups:
                            add(after_groups[0], org)
                        # "… by the Soviet Union and seven other states, including Poland and Hungary"
                        for g in after_groups[1:]:
                            if _word_before(doc, g[0].start, sent.start) in self.words.get("member_list_introducers", ()):
                                add(g, org)
        return out, of_focus


def _actors_in(token, actors: list[Actor]) -> list[Actor]:
    """Actors inside the phrase ``token`` heads ("Norway and Denmark", "Pakistani officers")."""
    left, right = token.left_edge.i, token.right_edge.i
    return [a for a in actors if left <= a.start and a.end - 1 <= right]


def _is_member_of(doc: Doc, cue: Cue, sent: Span) -> bool:
    """"X is a member of Y": the organisation follows the cue; the one before it is the member."""
    return cue.text.lower().startswith("member") and cue.end < sent.end and doc[cue.end].lower_ == "of"


def _is_led_by(doc: Doc, group: list[Actor], sent: Span) -> bool:
    """"a Russian-led alliance", "the Saudi-backed coalition": the actor leads, it is not listed."""
    end = group[-1].end
    return end + 1 < sent.end and doc[end].text in "-–" and doc[end + 1].lower_ in ("led", "backed", "dominated")


def _membership_reach(groups: list[list[Actor]], org: Actor, cue: Cue) -> int:
    """Tokens from an organisation to a membership cue: longer when nothing stands between them
    ("The SCO is a Eurasian political and security organisation founded in 2001 by …")."""
    between = any(org.end <= g[0].start < cue.start for g in groups)
    return _MEMBERSHIP_REACH if between else _SUBJECT_MEMBERSHIP_REACH


def _after_apposition(doc: Doc, start: int, end: int) -> int:
    """Where the text after ``start`` resumes past an apposition: "The CSTO, a Russian-led alliance, includes"."""
    commas = [i for i in range(start, end) if doc[i].text == ","]
    return commas[1] + 1 if len(commas) >= 2 and commas[0] == start else start


def _until_comma(doc: Doc, actors: list[Actor]) -> list[Actor]:
    """The leading actors of a list (in the order given) up to the first comma between two of them."""
    out = actors[:1]
    for prev, actor in zip(actors, actors[1:]):
        lo, hi = min(prev.end, actor.end), max(prev.start, actor.start)
        if any(t.text == "," for t in doc[lo:hi]):
            break
        out.append(actor)
    return out


def _clause_of(clause_starts: list[int], token: int) -> int:
    """The clause (its start token) that ``token`` belongs to."""
    return max(c for c in clause_starts if c <= token) if token >= clause_starts[0] else clause_starts[0]


def _longest(cues: list[Cue]) -> list[Cue]:
    """Drop cues inside a longer cue of the same kind ("defence cooperation agreement")."""
    return [
        c
        for c in cues
        if not any(
            o is not c and o.start <= c.start and c.end <= o.end and (o.end - o.start) > (c.end - c.start) for o in cues
        )
    ]


def read_sentences(doc: Doc, cues: Cues | None = None) -> list[SentenceReading]:
    """The :class:`SentenceReading` of every non-blank sentence of ``doc``."""
    return SentenceReader(cues)(doc)
