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

from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import combinations
from operator import attrgetter
from typing import NamedTuple

import numpy
from spacy.attrs import IDX, LOWER, SENT_START, SPACY
from spacy.matcher import DependencyMatcher
from spacy.strings import StringStore
from spacy.tokens import Doc

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
#: Skipped before an organisation when looking for "non" ("non-NATO", "non–NATO").
_HYPHENATED_DETERMINERS = _DETERMINERS | {"-", "–"}
#: "Poland, a NATO member", "NATO allies Norway and Denmark": members of the organisation before.
_MEMBER_WORDS = frozenset({"member", "members", "ally", "allies"})
#: A coordinated list this long pairs its members only with a partnership type or activity cue.
_LONG_LIST = 4
#: Cues whose following actor is no partner: an example, an adversary, a place, a non-state context.
_MARKER_KINDS = ("exemplification", "adversary", "place_noun", "non_state_context")


# Actor and Cue are named tuples rather than frozen dataclasses: a reader makes one per span,
# hundreds of thousands per corpus, and a frozen dataclass is several times slower to make.
class Actor(NamedTuple):
    """An entity mention inside one sentence, with token offsets."""

    id: str
    type: str
    start: int
    end: int


class Cue(NamedTuple):
    """A cue phrase inside one sentence."""

    kind: str
    id: str
    start: int
    end: int
    text: str


class _Strings(dict):
    """Strings by their hash, filled from a StringStore on first use (one lookup per distinct word)."""

    def __init__(self) -> None:
        super().__init__()
        self.store: StringStore | None = None

    def __missing__(self, key: int) -> str:
        value = self[key] = self.store[key]
        return value


class _Tokens:
    """What the rules read of a Doc's tokens, as plain Python lists.

    ``doc[i]`` makes a new Token on every access and the rules look at tokens millions of times
    per corpus, so the lower-case forms are read once per Doc. Punctuation and white space have
    no case, so ``lower`` also serves to compare a token with punctuation marks (``lower[i] in
    ",;"`` is ``doc[i].text in ",;"``) and ``lower[i].isspace()`` is ``doc[i].is_space``.
    """

    __slots__ = ("doc", "lower", "_has_parse")

    def __init__(self, doc: Doc, lower: list[str] | None = None) -> None:
        self.doc = doc
        #: ``doc[i].lower_`` of every token.
        self.lower = [t.lower_ for t in doc] if lower is None else lower
        self._has_parse: bool | None = None

    def has_parse(self) -> bool:
        """Whether the Doc has a dependency parse: asked once, and only when a rule needs it
        (``has_annotation`` scans every token of a Doc without one)."""
        if self._has_parse is None:
            self._has_parse = self.doc.has_annotation("DEP")
        return self._has_parse

    def lemma(self, i: int) -> str:
        """The lower-cased lemma of token ``i`` (few rules read lemmas: made on demand)."""
        return self.doc[i].lemma_.lower()

    def is_punct(self, i: int) -> bool:
        """Whether token ``i`` is punctuation."""
        return self.doc[i].is_punct


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


def _lower_forms(lower: numpy.ndarray, strings: _Strings) -> list[str]:
    """``doc[i].lower_`` of every token, from the Doc's LOWER column.

    Each distinct word is looked up once: a lookup per token misses the CPU cache on most tokens
    when the Doc comes in cold from the pipeline.
    """
    ids, inverse = numpy.unique(lower, return_inverse=True)
    forms = numpy.array(list(map(strings.__getitem__, ids.tolist())), dtype=object)
    return forms[inverse].tolist()


def _bucket(spans: list, sentences: list[range]) -> list:
    """Spans (records with ``start`` and ``end``) per sentence, in text order (longest first at a
    start); spans that cross a sentence boundary go to the first. Most sentences hold none: they
    share one empty tuple."""
    if not sentences:
        return []
    # Sorted by (start, -end) in two stable sorts on C-level keys: no Python call per span.
    spans = sorted(spans, key=attrgetter("end"), reverse=True)
    spans.sort(key=attrgetter("start"))
    starts = [s.start for s in spans]
    cuts = [0, *(bisect_left(starts, sent.stop) for sent in sentences[:-1]), len(spans)]
    return [spans[a:b] if a < b else () for a, b in zip(cuts, cuts[1:])]


def _sentences(
    doc: Doc, text: str, starts: numpy.ndarray, idx: numpy.ndarray, spaces: numpy.ndarray
) -> tuple[list[range], list[int], list[int]]:
    """The sentences of ``doc`` (as ``doc.sents``) as ranges of token indices, with their start and
    end characters, from the Doc's SENT_START, IDX and SPACY columns (no Span per sentence).
    ``text``: ``doc.text``."""
    if not len(doc) or not doc.has_annotation("SENT_START"):
        edges = [[s.start, s.end] for s in doc.sents]  # a Doc without boundaries raises here
        bounds = numpy.asarray(edges, dtype=numpy.int64).reshape(-1, 2)
        first, end = bounds[:, 0], bounds[:, 1]
    else:
        first = numpy.flatnonzero(starts == 1)
        first = numpy.append(0, first[first > 0])
        end = numpy.append(first[1:], len(doc))
    # A sentence ends where its last token does: before the next token, less that token's space.
    token_ends = numpy.append(idx.astype(numpy.int64), len(text))
    end_chars = token_ends[end] - spaces.astype(numpy.int64)[end - 1]
    start_chars = token_ends[first]
    return list(map(range, first.tolist(), end.tolist())), start_chars.tolist(), end_chars.tolist()


def _is_heading(text: str) -> bool:
    return text.lstrip().startswith("#")


def _groups(actors: list[Actor], tokens: _Tokens, connectors: frozenset, conjunctions: frozenset) -> list[list[Actor]]:
    """Coordinated lists: actors separated only by list connectors ("A, B and C").

    A list needs a conjunction somewhere ("and", "or", a hyphen): commas alone join clauses
    ("In Pakistan, the UN ..."), not list items.
    """
    lower = tokens.lower
    groups: list[list[Actor]] = []
    joined: list[bool] = []  # whether each group has a conjunction between its actors
    for actor in actors:
        if groups:
            prev = groups[-1][-1]
            gap = lower[prev.end : actor.start]
            if actor.start >= prev.end and all(w in connectors or w.isspace() for w in gap):
                groups[-1].append(actor)
                joined[-1] = joined[-1] or _has_conjunction(gap, conjunctions) or not gap
                continue
        groups.append([actor])
        joined.append(False)
    out: list[list[Actor]] = []
    for group, has_conjunction in zip(groups, joined):
        if len(group) == 1:
            out.append(group)
            continue
        # "China, Russia, India and four Central Asian states": the conjunction comes after the last actor
        after = lower[group[-1].end : group[-1].end + 1]
        is_list = has_conjunction or len(group) >= 3 or _has_conjunction(after, conjunctions)
        out += [group] if is_list else [[a] for a in group]
    return out


def _has_conjunction(words: list[str], conjunctions: frozenset) -> bool:
    """"and", "or", a hyphen ... or "as well as" among the lower-cased ``words``."""
    return any(w in conjunctions for w in words) or " ".join(words[-3:]) == "as well as"


def _index_before(tokens: _Tokens, start: int, lower_bound: int, skip: frozenset = _DETERMINERS) -> int:
    """Index of the token before token ``start``, skipping determiners (-1 if none)."""
    lower = tokens.lower
    i = start - 1
    while i >= lower_bound and (lower[i] in skip or lower[i].isspace() or lower[i] in "'\"“”‘’"):
        i -= 1
    return i if i >= lower_bound else -1


def _word_before(tokens: _Tokens, start: int, lower_bound: int, skip: frozenset = _DETERMINERS) -> str:
    """The lower-cased word before token ``start``, skipping determiners."""
    i = _index_before(tokens, start, lower_bound, skip)
    return tokens.lower[i] if i >= 0 else ""


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
        # A string's hash is the same in every vocab, so one cache serves all Docs.
        self._strings = _Strings()
        self._parsed: Doc | None = None
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

    def _dependency_pairs(self, tokens: _Tokens, sent: range, participants: list[Actor]) -> list[tuple[str, str]]:
        """(subject actor, object actor) pairs of cooperation verbs found by the parser."""
        doc = tokens.doc
        if self._parsed is not doc:  # match the whole Doc once, not once per sentence
            self._parsed, self._dependency_matches = doc, self._dependency_matcher(doc)(doc)
        out: list[tuple[str, str]] = []
        for _, matched in self._dependency_matches:
            if matched[0] not in sent:
                continue
            subject, obj = doc[matched[1]], doc[matched[-1]]
            for s in _actors_in(subject, participants):
                for o in _actors_in(obj, participants):
                    if s.id != o.id and (s.id, o.id) not in out:
                        out.append((s.id, o.id))
        return out

    def __call__(self, doc: Doc, text: str | None = None) -> list[SentenceReading]:
        """Readings of the non-blank sentences of ``doc``; ``text``: ``doc.text`` if the caller has it."""
        # The caller's copy of doc.text: slicing it is cheaper than Span.text.
        doc_text = doc.text if text is None else text
        columns = doc.to_array([SENT_START, IDX, SPACY, LOWER])
        strings = self._strings
        strings.store = doc.vocab.strings
        tokens = _Tokens(doc, _lower_forms(columns[:, 3], strings))
        sentences, start_chars, end_chars = _sentences(doc, doc_text, columns[:, 0], columns[:, 1], columns[:, 2])
        # Each span read once, into a record. Labels and ids are read by hash (Span.label_ decodes a
        # new string on every access).
        entities = [Actor(strings[s.id], strings[s.label], s.start, s.end) for s in doc.spans.get(ENTITIES_KEY, [])]
        cues = [
            Cue(strings[s.label], strings[s.id], s.start, s.end, doc_text[s.start_char : s.end_char])
            for s in doc.spans.get(CUES_KEY, [])
        ]
        entity_buckets = _bucket(entities, sentences)
        cue_buckets = _bucket(cues, sentences)
        readings: list[SentenceReading] = []
        paragraph = 0
        gap = ""  # the white space since the previous sentence's text (Doc.text would join every token)
        prev_heading = False
        for index, (sent, start_char, end_char) in enumerate(zip(sentences, start_chars, end_chars)):
            raw = doc_text[start_char:end_char]
            text = raw.strip()
            if not text:
                gap += raw
                continue
            leading = len(raw) - len(raw.lstrip())
            start = start_char + leading
            heading = _is_heading(text)
            if readings and (heading or prev_heading or "\n\n" in gap + raw[:leading]):
                paragraph += 1
            gap, prev_heading = raw[leading + len(text):], heading
            reading = SentenceReading(index, start, start + len(text), text, paragraph)
            self._read(tokens, sent, entity_buckets[index], cue_buckets[index], reading)
            readings.append(reading)
        return readings

    def _read(self, tokens: _Tokens, sent: range, entities: list[Actor], cues: list[Cue], r: SentenceReading) -> None:
        if not entities and not cues:
            # Half of all sentences name no actor and hold no cue: of all the rules below only the
            # sentence-start reference ("These ...") can apply to them.
            r.refers_back = self._starts_with_reference(tokens, sent)
            return
        self._read_spans(tokens, sent, entities, cues, r)

    def _starts_with_reference(self, tokens: _Tokens, sent: range) -> bool:
        """The sentence opens with a word that refers back ("These ..."), not an anticipatory "It is"."""
        words, lower = self.words, tokens.lower
        first = sent.start + (1 if lower[sent.start].isspace() else 0)
        anticipatory = lower[first] == "it" and first + 1 < sent.stop and (
            lower[first + 1] in words.get("anticipatory_it_followers", ())
        )
        return lower[first] in words.get("sentence_start_references", ()) and not anticipatory

    def _read_spans(
        self, tokens: _Tokens, sent: range, entities: list[Actor], cues: list[Cue], r: SentenceReading
    ) -> None:
        words, lower = self.words, tokens.lower
        if entities and cues:
            # Words inside a name are not cues: "Gulf Cooperation Council" asserts no cooperation.
            named = {i for s in entities for i in range(s.start, s.end)}
            cues = [c for c in cues if c.start not in named]
        kinds = _by_kind(cues)
        if "membership" in kinds:
            # "Finland joined the alliance": the object of a joining verb names an organisation, it
            # asserts no alliance between the sentence's actors.
            joined = [c.end for c in kinds["membership"] if tokens.lemma(c.start) in self.joining]
            if joined:
                cues = [c for c in cues if not (
                    c.kind in (PARTNERSHIP_TYPE, "cooperation", "pair_reference")
                    and any(0 <= c.start - j <= 1 for j in joined)
                )]
                kinds = _by_kind(cues)
        live = _by_kind(_asserted(cues, kinds["negation"])) if "negation" in kinds else kinds  # not negated, by kind

        activities, types = _stated(live)
        r.partnership_types = _ids(types)
        r.activities = _ids(activities)
        r.cooperative = bool(types or activities or live.get("cooperation"))
        actors = [a for a in entities if a.type != NON_ACTOR and a.id] if entities else []
        groups = _groups(actors, tokens, self.connectors, self.conjunctions) if actors else []
        hostile, hostile_parties = self._hostility(tokens, live.get("hostile", ()), kinds.get("adversary", ()), groups)
        # Token indices where the sentence's clauses start ("..., while X and Y ...").
        clauses = [sent.start]
        if "clause_separator" in kinds:
            clauses += sorted(c.start for c in kinds["clause_separator"] if c.start > sent.start)
        hostile_clauses = {_clause_of(clauses, h.start) for h in hostile} if hostile else set()
        # A hostile clause makes the sentence hostile unless another clause stands apart from it.
        r.hostile = bool(hostile_clauses) and len(hostile_clauses) == len(clauses)
        if "pair_reference" in kinds:
            followers = words.get("named_instrument_followers", frozenset())
            r.strong_reference = any(
                not (c.end < sent.stop and lower[c.end] in followers) for c in kinds["pair_reference"]
            )
        r.refers_back = (
            r.strong_reference or "weak_pair_reference" in kinds or self._starts_with_reference(tokens, sent)
        )
        if "actor_reference" in kinds:
            r.actor_references = tuple(c.text.split()[-1] for c in kinds["actor_reference"])
        conflict_ends = {c.end for c in live["conflict"]} if "conflict" in live else set()
        if not actors:
            # Nearly half the sentences with spans name no actor: of the rules below only a truce
            # ("a ceasefire was agreed") applies to them.
            r.hostile = r.hostile or bool(conflict_ends)
            return

        # Activities that happen in a host country make "in X" a participant ("peacekeepers in Mali").
        hosted = bool(r.activities) and not words.get("hosted_activities", frozenset()).isdisjoint(r.activities)
        # "countries such as X" are examples, but "a coalition of Arab states, including X" lists its members.
        member_lists = {
            c.end for c in kinds.get("exemplification", ())
            if any(c.start - _LIST_HEAD_REACH <= t.end <= c.start for t in types)
        }
        marker_ends = {c.end for kind in _MARKER_KINDS for c in kinds.get(kind, ())} - member_lists
        attribution = self._attribution(tokens, sent, kinds.get("attribution", ()))
        excluded: set[int] = set()  # token starts of actors that cannot be partners
        hosts: set[int] = set()  # token starts of groups that host the activity ("peacekeepers in Mali")
        attributives: set[int] = set()  # token starts of groups that qualify an activity ("U.S. military aid")
        cue_starts = {c.start for c in types + activities}
        conflict_parties = False
        for group in groups:
            head = group[0]
            i_before = _index_before(tokens, head.start, sent.start, self.skip)
            before = lower[i_before] if i_before >= 0 else ""
            near_starts = {head.start, head.start - 1, head.start - 2}
            # "a ceasefire between X and Y": the parties of a conflict, not partners.
            parties = before == "between" and bool({i_before, i_before - 1} & conflict_ends)
            conflict_parties |= parties
            # "in U.S. military aid": an actor qualifying an activity takes part in it, wherever it stands.
            attributive = group[-1].end in cue_starts or any(
                c.start < head.start and group[-1].end <= c.end for c in activities
            )  # "hosted large American bases"
            attributive = attributive or bool(member_lists and near_starts & member_lists)
            if attributive:
                attributives.add(head.start)
            place = before in words.get("place_prepositions", ()) and not attributive
            if place and hosted:
                hosts.add(head.start)
            if (
                (place and not hosted)
                or (marker_ends and near_starts & marker_ends)
                or head.start in attribution
                or parties
                or (hostile_clauses and _clause_of(clauses, head.start) in hostile_clauses)
                or self._is_adjunct(tokens, group, sent, before)
            ):
                excluded |= {a.start for a in group}
            for actor in group:
                if (
                    actor.start in attribution
                    or actor.start in hostile_parties
                    or self._is_mediator(tokens, actor, sent)
                    or (actor.type == ORGANIZATION and self._org_is_modifier(tokens, actor, sent, before))
                ):
                    excluded.add(actor.start)
        if conflict_ends and not conflict_parties:
            r.hostile = True  # "X and Y agreed to a truce": no partnership
        membership_cues = live.get("membership", [])
        r.organizations = _ids([a for a in actors if a.type == ORGANIZATION])
        if membership_cues or r.organizations:
            r.memberships, organizations_of_focus = self._memberships(tokens, sent, groups, membership_cues)
            if r.refers_back:
                r.focus_memberships = tuple(organizations_of_focus)
        if membership_cues and not r.organizations:
            r.members_of_focus = self._members_of_focus(tokens, sent, groups, membership_cues)
        member_orgs = {org for _, org in r.memberships}
        participants = [a for a in actors if a.start not in excluded and a.id not in member_orgs]
        r.participants = _ids(participants)
        if r.hostile or not r.cooperative or len(r.participants) < 2:
            return  # a pair needs two actors that take part
        joint = bool(set(r.activities) & words.get("joint_activities", frozenset()))
        # Members listed as members ("a pact comprising A, B and C") are members, not pairwise partners.
        members = frozenset(m for m, _ in r.memberships) if not joint else frozenset()
        # A long list with only a generic cue ("support for A, B, C and D") names parallel
        # recipients or donors, not a bloc: its members pair only when a type or activity is stated.
        typed = bool(r.partnership_types or r.activities)
        r.pairs = self._pairs(tokens, sent, groups, participants, joint, hosts, attributives, clauses, members, typed)
        if len(clauses) > 1 and r.pairs:
            r.pair_scopes = self._pair_scopes(r.pairs, participants, clauses, types, activities)
        if tokens.has_parse():
            dependency = self._dependency_pairs(tokens, sent, participants)
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
                _ids([c for c in types if _clause_of(clauses, c.start) == clause]),
                _ids([c for c in activities if _clause_of(clauses, c.start) == clause]),
            )
        return scopes

    def _hostility(
        self, tokens: _Tokens, hostile: list[Cue], adversaries: list[Cue], groups: list[list[Actor]]
    ) -> tuple[list[Cue], set[int]]:
        """The live ``hostile`` cues that make their clause hostile, and the token starts of actors
        that are targets of hostility, neither party nor partner."""
        if not hostile:
            return [], set()
        words = self.words
        adversary_starts = {c.start for c in adversaries}
        # Hostility aimed at a third party ("sanctions against X") leaves the others' cooperation standing.
        hostile = [
            h for h in hostile if not any(0 <= a - h.end <= _HOSTILE_TARGET_WINDOW for a in adversary_starts)
        ]
        # "war with China", "invaded Ukraine", "accused Togo": hostility between the actors around the cue only.
        parties: set[int] = set()
        for h in list(hostile):
            target = next((g for g in groups if 0 < g[0].start - h.end + 1 <= _HOSTILE_TARGET_GAP
                           and all(w in self.skip or w in words.get("hostile_target_prepositions", ())
                                   for w in tokens.lower[h.end : g[0].start])), None)
            if target:
                # The target is no partner of anyone here; its accuser may still cooperate with others
                # ("The EU and the US condemned Russia"). Only up to a comma: "After the war with China,
                # India ..." leaves India out of it.
                hostile.remove(h)
                parties |= {a.start for a in _until_comma(tokens, target)}
            elif tokens.lemma(h.start) in words.get("directed_hostility", ()):
                hostile.remove(h)  # "condemning the coup": hostile to something that is no actor here
        return hostile, parties

    def _attribution(self, tokens: _Tokens, sent: range, cues: list[Cue]) -> set[int]:
        """Token indices of attribution clauses (", a UN official said", "according to X") of the
        attribution ``cues``."""
        lower = tokens.lower
        out: set[int] = set()
        for cue in cues:
            if cue.text.lower().startswith("according"):
                end = cue.end
                while end < sent.stop and lower[end] not in ",;":
                    end += 1
                out.update(range(cue.start, end))
                continue
            # A reporting verb closing the sentence: the clause from the comma before it.
            tail = [i for i in range(cue.end, sent.stop) if not (tokens.is_punct(i) or lower[i].isspace())]
            if len(tail) > 4 or "," in lower[cue.end : sent.stop]:
                continue
            comma = next((i for i in range(cue.start - 1, sent.start - 1, -1) if lower[i] == ","), None)
            if comma is not None and cue.start - comma <= 12:
                out.update(range(comma, sent.stop))
        return out

    def _is_adjunct(self, tokens: _Tokens, group: list[Actor], sent: range, before: str) -> bool:
        """"Unlike Peru, Chile …", "Besides Peru, …": a set-off comparison, not a participant."""
        end = group[-1].end
        return (
            before in self.words.get("adjunct_prepositions", ())
            and end < sent.stop
            and tokens.lower[end] == ","
        )

    def _is_mediator(self, tokens: _Tokens, actor: Actor, sent: range) -> bool:
        """"a UN-brokered deal": the actor brokers the deal between others."""
        return (
            actor.end + 1 < sent.stop
            and tokens.lower[actor.end] in "-–—"
            and tokens.lower[actor.end + 1] in self.words.get("mediator_suffixes", ())
        )

    def _org_is_modifier(self, tokens: _Tokens, actor: Actor, sent: range, before: str) -> bool:
        after = tokens.lower[actor.end] if actor.end < sent.stop else ""
        non = self._is_non_member(tokens, actor, sent)
        channel = before in self.words.get("channel_prepositions", ())
        return after in self.words.get("organization_modifier_nouns", ()) or non or channel

    def _is_non_member(self, tokens: _Tokens, org: Actor, sent: range) -> bool:
        """"a major non-NATO ally", "non NATO states": the organisation is named to exclude."""
        prefixes = self.words.get("non_member_prefixes", frozenset())
        return _word_before(tokens, org.start, sent.start, _HYPHENATED_DETERMINERS) in prefixes or (
            org.start > sent.start and tokens.lower[org.start - 1] in ("non-", "non")
        )

    def _pairs(
        self,
        tokens: _Tokens,
        sent: range,
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
        lower = tokens.lower
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
            gap = lower[group[0].end : group[1].start]
            before = _word_before(tokens, group[0].start, sent.start, self.skip)
            if any(w in distributive for w in lower[group[0].end : group[-1].start]):
                continue  # "X and, separately, Y": each acts on its own
            # "a partner of Japan and Australia", "the admission of A and B"
            of_noun = self._lemma_before(tokens, _index_before(tokens, group[0].start, sent.start, self.skip), sent) if (
                before == "of"
            ) else ""
            received = before in links or before in object_verbs or (
                self._lemma_before(tokens, group[0].start, sent) in object_verbs
            ) or of_noun in partner_nouns or of_noun in self.words.get("status_nouns", ()) or (
                self._received_through_noun(tokens, group, sent, before, links | object_verbs)
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
            compound = any(w in "-–—/" for w in gap)
            after = lower[group[-1].end] if group[-1].end < sent.stop else ""
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
            i_before = _index_before(tokens, group[0].start, sent.start, self.skip)
            if i_before < 0:
                continue
            word = lower[i_before]
            partners = subject
            if word == "between" and len({a.id for a in group}) >= 2:
                continue  # "X welcomed the treaty between Y and Z": the pair is Y–Z, X is no party
            if group[0].start in hosts:
                method = "host"  # "troops deployed to a UN mission in Mali"
            elif word in links or (
                word == "of" and i_before > sent.start and tokens.lemma(i_before - 1) in partner_nouns
            ):
                method = "link"  # "X signed a deal with Y", "X, a close ally of Y"
                # "X's 1960 agreement with Y": the possessor, not the subject, is Y's partner.
                owned, owner = self._possessor(tokens, i_before, sent, groups, group)
                if owned:
                    # "over its cooperation with Syria": "its" is the nearest actor, which may be no partner
                    partners = [owner] if owner is not None and owner.start in live else []
            elif self._possessed_partner(tokens, group, sent):
                method = "link"  # "China is North Korea's only treaty ally"
            elif group[0].start in attributives:
                method = "object"  # "Egypt receives U.S. military aid"
            elif tokens.lemma(i_before) in object_verbs or word in object_verbs:
                method = "object"  # "Turkey supplied Azerbaijan with drones"
            else:
                continue
            for s in partners:
                for o in group:
                    add(s.id, o.id, method)
        return [(a, b, m) for (a, b), m in found.items()]

    def _received_through_noun(
        self, tokens: _Tokens, group: list[Actor], sent: range, before: str, receiving: frozenset
    ) -> bool:
        """"support to the regimes of A and B", "welcome to the States of A, B": a noun's complement
        after a link preposition or an object verb receives, like "support to A and B"."""
        if before != "of":
            return False
        i_of = _index_before(tokens, group[0].start, sent.start, self.skip)
        i_noun = _index_before(tokens, i_of, sent.start, self.skip)
        if i_noun < 0 or tokens.is_punct(i_noun):
            return False
        i_link = _index_before(tokens, i_noun, sent.start, self.skip)
        return i_link >= 0 and (tokens.lower[i_link] in receiving or tokens.lemma(i_link) in receiving)

    def _possessor(
        self, tokens: _Tokens, preposition: int, sent: range, groups: list[list[Actor]], group: list[Actor]
    ) -> tuple[bool, Actor | None]:
        """Whether a possessive stands shortly before ``preposition`` ("Japan's", "its"), and its actor."""
        lower = tokens.lower
        for i in range(preposition - 1, max(sent.start, preposition - _POSSESSOR_REACH) - 1, -1):
            if lower[i] in ",;":
                break
            if lower[i] in ("'s", "’s", "'"):
                owner = next((a for g in groups for a in g if a.end == i), None)
                return (True, owner) if owner and owner not in group else (False, None)
            if lower[i] in self.words.get("possessive_pronouns", ()):
                earlier = [a for g in groups for a in g if a.end <= i]
                return (True, earlier[-1]) if earlier else (False, None)
        return False, None

    def _possessed_partner(self, tokens: _Tokens, group: list[Actor], sent: range) -> bool:
        """"Y's ally", "Y's largest partner": the group owns a partner noun shortly after it."""
        end = group[-1].end
        if end >= sent.stop or tokens.lower[end] not in ("'s", "’s"):
            return False
        nouns = self.words.get("partner_nouns", frozenset())
        return any(tokens.lemma(i) in nouns for i in range(end + 1, min(end + 5, sent.stop)))

    def _lemma_before(self, tokens: _Tokens, start: int, sent: range) -> str:
        i = _index_before(tokens, start, sent.start, self.skip)
        return tokens.lemma(i) if i >= 0 else ""

    def _members_of_focus(self, tokens: _Tokens, sent: range, groups: list[list[Actor]], cues: list[Cue]) -> tuple:
        """Members named with no organisation in the sentence: "Its members include A and B",
        "founding members, including A", "Finland joined in 2023, followed by Sweden".
        ``cues``: the sentence's membership cues."""
        lower = tokens.lower
        introducers = self.words.get("member_list_introducers", frozenset())
        # "joined in 2004", "joined later"
        intransitive_followers = introducers | self.words.get("intransitive_join_followers", frozenset())
        references = self.words.get("organization_references", frozenset())
        predicates = self.words.get("member_predicates", frozenset())
        out: list[str] = []
        for cue in cues:
            after = lower[cue.end : min(cue.end + 3, sent.stop)]
            if cue.text.lower().startswith("member") and after and after[0] in introducers:
                following = [g for g in groups if cue.end < g[0].start <= cue.end + 4]
                out += [a.id for g in following[:1] for a in g if a.type != GROUP]
            elif cue.text.lower().startswith("member") and not _is_member_of(tokens, cue, sent):
                # "India and Pakistan became full members in 2017"
                before = [g for g in groups if g[-1].end <= cue.start
                          and all(w in predicates for w in lower[g[-1].end : cue.start])]
                out += [a.id for g in before[-1:] for a in g if a.type != GROUP]
            elif (
                cue.end >= sent.stop or tokens.is_punct(cue.end) or lower[cue.end] in intransitive_followers
                or (tokens.lemma(cue.start) in self.joining and cue.end + 1 < sent.stop
                    and lower[cue.end] == "the" and lower[cue.end + 1] in references)
            ):
                # an intransitive "joined", or "joined the alliance": the group right before it, and
                # "followed by" groups after
                before = [g for g in groups if 0 <= cue.start - g[-1].end <= 1]
                later = [g for g in groups if g[0].start > cue.end and self._after_followed_by(tokens, g, sent)]
                out += [a.id for g in before[-1:] + later for a in g if a.type != GROUP]
        return tuple(dict.fromkeys(out))

    def _defined_members(self, tokens: _Tokens, sent: range, groups: list[list[Actor]]) -> tuple | None:
        """(members, organisation) of a sentence that defines an organisation by its members:
        "ANZUS is a security agreement between A, B and C", "The Quad is a forum of A, B, C and D",
        "The CSTO is an alliance of six states: A, B ...". The members are no partners of the body."""
        if len(groups) < 2 or not any(a.type == ORGANIZATION for g in groups for a in g):
            return None  # no organisation, or no members beside it: no token scan
        collective = self.words.get("collective_nouns", frozenset())
        links = self.words.get("member_links", frozenset())
        copulas = self.words.get("copulas", frozenset())
        lower = tokens.lower
        words = lower[sent.start : sent.stop]
        if copulas.isdisjoint(words):
            return None
        copula = sent.start + next(k for k, w in enumerate(words) if w in copulas)
        if copula + 1 >= sent.stop or lower[copula + 1] not in ("a", "an"):
            return None
        subject = [a for g in groups for a in g if a.end <= copula]
        if not subject or {a.id for a in subject} != {subject[-1].id} or subject[-1].type != ORGANIZATION:
            return None  # the subject is one organisation, named once or twice ("the Quad")
        org = subject[-1]
        # The first actors after the copula, past leaders of the body ("a Russian-led alliance")
        after = [g for g in groups if g[0].start > copula and not _is_led_by(tokens, g, sent)]
        if not after or after[0][0].start - copula > _DEFINITION_REACH:
            return None
        members = after[0]
        link = _index_before(tokens, members[0].start, copula, _DETERMINERS | _NUMBER_WORDS)
        if link < 0 or lower[link] not in links:
            return None
        # "a security agreement between", "an alliance of six post-Soviet states:"
        head = range(max(copula + 1, link - _COLLECTIVE_HEAD_REACH), link)
        if not any(tokens.lemma(i) in collective or lower[i] in collective for i in head):
            return None
        if all(a.type == GROUP for a in members):
            # "of six post-Soviet states: Russia, Belarus ...": the named members follow the colon
            rest = [g for g in after[1:] if lower[members[-1].end] in ":," and g[0].start == members[-1].end + 1]
            members = rest[0] if rest else members
        return members, org

    def _after_followed_by(self, tokens: _Tokens, group: list[Actor], sent: range) -> bool:
        """"…, followed by Sweden": the group comes after "followed by"."""
        by = _index_before(tokens, group[0].start, sent.start)
        return by > sent.start and tokens.lower[by] == "by" and tokens.lower[by - 1] == "followed"

    def _memberships(
        self, tokens: _Tokens, sent: range, groups: list[list[Actor]], membership_cues: list[Cue]
    ) -> tuple[list, list]:
        """(member, organisation) pairs stated in the sentence, and organisations whose members are
        only referred to ("Both countries are members of NATO")."""
        lower = tokens.lower
        out: list[tuple[str, str]] = []
        of_focus: list[str] = []
        if not membership_cues and not any(a.type == ORGANIZATION for g in groups for a in g):
            return out, of_focus
        joining = self.joining

        def add(members: list[Actor], org: Actor) -> None:
            for m in members:
                if m.id != org.id and m.type != GROUP and (m.id, org.id) not in out:
                    out.append((m.id, org.id))
        defined = self._defined_members(tokens, sent, groups)
        if defined:
            add(*defined)

        for gi, group in enumerate(groups):
            for org in group:
                if org.type != ORGANIZATION:
                    continue
                if self._is_non_member(tokens, org, sent):
                    continue
                after = lower[org.end] if org.end < sent.stop else ""
                of_follows = org.end + 1 < sent.stop and lower[org.end + 1] == "of"
                # "X, a NATO member" / "NATO members X and Y" (but "a NATO ally of Y" links Y as a partner)
                if after in _MEMBER_WORDS and not (after.startswith("all") and of_follows):
                    before_group = groups[gi - 1] if gi > 0 and len(group) == 1 else None
                    if before_group and all(
                        w in {",", "a", "an", "the", "fellow", "is", "are", "was", "were", "as", "both", "all"}
                        for w in lower[before_group[-1].end : org.start]
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
                                         and _word_before(tokens, g[0].start, sent.start) != "of"]
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
                        0 <= cue.start - _after_apposition(tokens, org.end, cue.start) <= _membership_reach(groups, org, cue)
                        and tokens.lemma(cue.start) not in joining
                        and not _is_member_of(tokens, cue, sent)
                        and not any(org.end <= g[0].start < cue.start and g[0].type == ORGANIZATION for g in groups)
                    ):
                        after_groups = [g for g in groups[gi + 1 :] if g[0].start >= cue.end]
                        if after_groups:
                            add(after_groups[0], org)
                        # "… by the Soviet Union and seven other states, including Poland and Hungary"
                        for g in after_groups[1:]:
                            if _word_before(tokens, g[0].start, sent.start) in self.words.get("member_list_introducers", ()):
                                add(g, org)
        return out, of_focus


def _actors_in(token, actors: list[Actor]) -> list[Actor]:
    """Actors inside the phrase ``token`` heads ("Norway and Denmark", "Pakistani officers")."""
    left, right = token.left_edge.i, token.right_edge.i
    return [a for a in actors if left <= a.start and a.end - 1 <= right]


def _is_member_of(tokens: _Tokens, cue: Cue, sent: range) -> bool:
    """"X is a member of Y": the organisation follows the cue; the one before it is the member."""
    return cue.text.lower().startswith("member") and cue.end < sent.stop and tokens.lower[cue.end] == "of"


def _is_led_by(tokens: _Tokens, group: list[Actor], sent: range) -> bool:
    """"a Russian-led alliance", "the Saudi-backed coalition": the actor leads, it is not listed."""
    end, lower = group[-1].end, tokens.lower
    return end + 1 < sent.stop and lower[end] in "-–" and lower[end + 1] in ("led", "backed", "dominated")


def _membership_reach(groups: list[list[Actor]], org: Actor, cue: Cue) -> int:
    """Tokens from an organisation to a membership cue: longer when nothing stands between them
    ("The SCO is a Eurasian political and security organisation founded in 2001 by …")."""
    between = any(org.end <= g[0].start < cue.start for g in groups)
    return _MEMBERSHIP_REACH if between else _SUBJECT_MEMBERSHIP_REACH


def _after_apposition(tokens: _Tokens, start: int, end: int) -> int:
    """Where the text after ``start`` resumes past an apposition: "The CSTO, a Russian-led alliance, includes"."""
    commas = [i for i in range(start, end) if tokens.lower[i] == ","]
    return commas[1] + 1 if len(commas) >= 2 and commas[0] == start else start


def _until_comma(tokens: _Tokens, actors: list[Actor]) -> list[Actor]:
    """The leading actors of a list (in the order given) up to the first comma between two of them."""
    out = actors[:1]
    for prev, actor in zip(actors, actors[1:]):
        lo, hi = min(prev.end, actor.end), max(prev.start, actor.start)
        if "," in tokens.lower[lo:hi]:
            break
        out.append(actor)
    return out


def _clause_of(clause_starts: list[int], token: int) -> int:
    """The clause (its start token) that ``token`` belongs to."""
    if len(clause_starts) == 1 or token < clause_starts[0]:
        return clause_starts[0]
    return max(c for c in clause_starts if c <= token)


def _ids(records: list) -> tuple[str, ...]:
    """The distinct ids of ``records`` (actors or cues), in text order."""
    if len(records) < 2:
        return (records[0].id,) if records else ()
    return tuple(dict.fromkeys([r.id for r in records]))


def _asserted(cues: list[Cue], negations: list[Cue]) -> list[Cue]:
    """``cues`` less those a negation cue stands on or shortly before ("no joint exercises",
    "not ... to cooperate"); a negation cue is negated by another one only."""
    negated = {i for n in negations for i in range(n.end, n.end + _NEGATION_WINDOW + 1)}
    negated.update(n.start for n in negations)
    return [
        c for c in cues
        if not (any(0 <= c.start - n.end <= _NEGATION_WINDOW or n.start == c.start for n in negations if n is not c)
                if c.kind == "negation" else c.start in negated)
    ]


def _by_kind(cues: list[Cue]) -> dict[str, list[Cue]]:
    """``cues`` grouped by kind, each group in text order."""
    out: dict[str, list[Cue]] = {}
    for c in cues:
        out.setdefault(c.kind, []).append(c)
    return out


def _stated(live: dict[str, list[Cue]]) -> tuple[list[Cue], list[Cue]]:
    """The activity and partnership-type cues of a sentence, from its ``live`` cues by kind."""
    activities = _longest(live[ACTIVITY]) if ACTIVITY in live else []
    if PARTNERSHIP_TYPE not in live:
        return activities, []
    # "maritime security cooperation" is maritime security, not a security partnership:
    # a type cue that an earlier activity cue overlaps is part of the activity's phrase.
    types = [
        t for t in _longest(live[PARTNERSHIP_TYPE]) if not any(a.start < t.start < a.end < t.end for a in activities)
    ]
    return activities, types


def _longest(cues: list[Cue]) -> list[Cue]:
    """Drop cues inside a longer cue of the same kind ("defence cooperation agreement")."""
    if len(cues) < 2:
        return list(cues)
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
