"""Read every sentence of an annotated Doc into a :class:`SentenceReading`, with the rules loaded once."""
from __future__ import annotations

from dataclasses import dataclass, field, fields

from spacy.attrs import SENT_START, SPACY
from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc

from kg.extract.actors import Roles, coordinated_groups, mission_places, roles
from kg.extract.cues import ENDING_KIND, HOPED_KIND, asserted, clause_starts, hostile_clauses, hostility, named_cues, stated
from kg.extract.memberships import members_of_focus, membership_unstated, memberships, welcomes
from kg.extract.pairs import (
    HOPED_FOR, HOSTILE, NEGATED, NO_COOPERATION_CUE, Candidate, acts_jointly, candidates, dependency_matcher, dependency_pairs, owned_cues, pair_scopes,
    stated_pairs, with_dependency_pairs,
)
from kg.extract.references import references, starts_with_reference
from kg.extract.sentence import (
    Actor, Cue, Rules, Sentence, Strings, Tokens, bucket, by_kind, ids, lower_forms, sentence_bounds,
)
from kg.fast import span_rows, token_offsets
from kg.gazetteer import NON_ACTOR, ORGANIZATION
from kg.nlp import CUES_KEY, ENTITIES_KEY
from kg.ontology import ACTIVITY, PARTNERSHIP_TYPE, Cues, load_cues


#: The fields of a :class:`SentenceReading` that say where it is, not what it says.
_PLACE_FIELDS = frozenset({"index", "start", "end", "text", "paragraph"})


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
    #: (a, b, shape) pairs the sentence links explicitly.
    pairs: list[tuple[str, str, str]] = field(default_factory=list)
    #: (a, b) -> (partnership types, activities) of the pair's own clause, when the sentence has
    #: several clauses with pairs ("X sells jets to Y, while Z trains W's pilots").
    pair_scopes: dict = field(default_factory=dict)
    partnership_types: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    #: Type or activity id -> the lists of actors that own every cue stating it ("the
    #: Franco-Russian alliance", "an alliance between A and B"): no other pair shares it.
    owned_cues: dict = field(default_factory=dict)
    #: (member, organisation) pairs.
    memberships: list[tuple[str, str]] = field(default_factory=list)
    #: The sentence's membership cues are all negated, hoped for or prospective ("its bid to join
    #: NATO", "X should become a member"): it states no membership.
    membership_unstated: bool = False
    #: The sentence states memberships and welcomes or congratulates (``words.welcome_words``): "we
    #: welcome Vanuatu as a new Member of the United Nations" makes the welcomer no member.
    welcomes: bool = False
    #: A cooperation, activity or partnership-type cue that is not negated.
    cooperative: bool = False
    hostile: bool = False
    #: "the two nations", "their", "both sides" ... : points back to the pair in focus.
    refers_back: bool = False
    #: A reference that names what it points to ("the two nations", "the alliance"), not a pronoun.
    strong_reference: bool = False
    #: Each such reference names two countries ("the two nations"): it points back to no pair
    #: with an organisation in it.
    country_reference: bool = False
    #: "the Kingdom" -> ["Kingdom"]: names the actor in focus by a word of its official name.
    actor_references: tuple[str, ...] = ()
    #: Actors that are places the sentence's activity is done in ("peacekeepers in Mali").
    hosts: tuple[str, ...] = ()
    #: Countries listed among the places of their clause's activity ("troops serving in A, B, C
    #: and D", ``reaches.place_list``): places, not partners, of the actor who does it.
    listed_places: tuple[str, ...] = ()
    #: Countries named as where a mission works, with the actors whose mission it is ("the
    #: United Nations Interim Force in Lebanon": {"LBN": ("UN",)}).
    mission_places: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Organisations named in the sentence, for "It"/"Its members" in later sentences.
    organizations: tuple[str, ...] = ()
    #: Organisations the pair in focus belongs to ("Both countries are members of NATO").
    focus_memberships: tuple[str, ...] = ()
    #: Members stated without their organisation ("Its members include A and B", "Finland joined
    #: in 2023, followed by Sweden"): members of the organisation in focus.
    members_of_focus: tuple[str, ...] = ()
    #: Activities stated only by cues that name an occasion ("a summit", "a visit"): a pair has them
    #: only when it has no other type or activity.
    occasions: tuple[str, ...] = ()
    #: Occasions that are only when a founding the sentence reports happened ("It was signed during
    #: a visit to Hanoi"): no pair has them.
    circumstances: tuple[str, ...] = ()
    #: The members of a body a composition word lists ("it consists of A, B and C"), when they are
    #: many enough to make it multilateral, and the partnership types each pair of them then has
    #: unless the sentence states the pair one.
    body: tuple[str, ...] = ()
    body_types: tuple[str, ...] = ()
    #: Every pair of distinct actors of the sentence, with its shape or the reasons it is no pair.
    candidates: list[Candidate] = field(default_factory=list)
    #: The sentence names more actors than ``reaches.pairwise_list``: a roll-call, whose only
    #: candidate pairs are those it links.
    roll_call: bool = False

    @classmethod
    def joined(cls, readings: list[SentenceReading], start: int, end: int, text: str) -> SentenceReading:
        """One reading of the text ``start``..``end`` that ``readings`` (consecutive readings of
        one Doc) cover in pieces, as when a labelled sentence is split in two: every field joins its
        pieces, tuples in order without repeats, lists end to end, dicts updated, flags or'ed.

        >>> one = SentenceReading(0, 0, 5, "A. B.", 0, participants=("FRA",), cooperative=True)
        >>> two = SentenceReading(1, 3, 5, "B.", 0, participants=("FRA", "DEU"))
        >>> whole = SentenceReading.joined([one, two], 0, 5, "A. B.")
        >>> whole.participants, whole.cooperative, whole.hostile
        (('FRA', 'DEU'), True, False)
        """
        joined = cls(0, start, end, text, 0)
        for f in fields(cls):
            if f.name in _PLACE_FIELDS:
                continue
            values = [getattr(r, f.name) for r in readings]
            default = getattr(joined, f.name)
            if isinstance(default, bool):
                value = any(values)
            elif isinstance(default, tuple):
                value = tuple(dict.fromkeys(item for v in values for item in v))
            elif isinstance(default, list):
                value = [item for v in values for item in v]
            elif isinstance(default, dict):
                value = {key: item for v in values for key, item in v.items()}
            else:
                raise TypeError(f"SentenceReading.{f.name}: no way to join a {type(default).__name__}")
            setattr(joined, f.name, value)
        return joined

    def cues_for(self, a: str, b: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The partnership types and activities whose cues speak of the pair ``a``, ``b``: its own
        clause's when the sentence has several, the sentence's otherwise, less those owned by other
        actors; occasions and circumstances included (:meth:`stated_for` weighs them)."""
        types, activities = self.pair_scopes.get((a, b)) or self.pair_scopes.get((b, a)) or (
            self.partnership_types, self.activities)
        if self.owned_cues:
            pair = {a, b}

            def ours(cue_id: str) -> bool:
                owners = self.owned_cues.get(cue_id)
                return owners is None or any(pair <= owner for owner in owners)
            types, activities = tuple(filter(ours, types)), tuple(filter(ours, activities))
        return types, activities

    def founded_at(self, a: str, b: str) -> bool:
        """Whether the pair ``a``, ``b`` has the occasion of a founding the sentence reports ("created
        at a summit of A and B"): no activity of theirs, but a sign of their dealings."""
        return bool(self.circumstances) and any(i in self.circumstances for i in self.cues_for(a, b)[1])

    def stated_for(self, a: str, b: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The partnership types and activities the sentence states for the pair ``a``, ``b``: those of
        :meth:`cues_for`, less the occasions of a founding, and less the activities only an occasion
        states ("a summit") when another type or activity is left."""
        types, activities = self.cues_for(a, b)
        if self.circumstances:
            activities = tuple(i for i in activities if i not in self.circumstances)
        if self.occasions and activities:
            done = tuple(i for i in activities if i not in self.occasions)
            if done or types:
                activities = done
        return types, activities

    def given_for(self, a: str, b: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The partnership types and activities the rules give the pair ``a``, ``b``: those stated for
        it (:meth:`stated_for`), or, when no type is, the types of the body both are members of.

        >>> from kg.nlp import load_pipeline
        >>> reading = read_sentences(load_pipeline()("It consists of Chile, Peru and Bolivia."))[0]
        >>> reading.stated_for("CHL", "PER"), reading.given_for("CHL", "PER")
        (((), ()), (('multilateral_framework',), ()))
        """
        types, activities = self.stated_for(a, b)
        if not types and a in self.body and b in self.body:
            types = self.body_types
        return types, activities


def _joiners(tokens: Tokens, span: range) -> list[int]:
    """The tokens of ``span`` that are the hyphen inside a word ("four-way", "co-operation"), in order."""
    lower, doc = tokens.lower, tokens.doc
    return [i for i in span if lower[i] == "-" and span.start < i < span.stop - 1
            and not doc[i - 1].whitespace_ and not doc[i].whitespace_]


def sentence_view(tokens: Tokens, span: range, entities: list[Actor], cues: list[Cue], rules: Rules) -> Sentence:
    """The :class:`~kg.extract.sentence.Sentence` of token range ``span`` of a Doc, from the
    entity and cue spans inside it."""
    kinds = by_kind(named_cues(tokens, entities, cues, rules))
    if ENDING_KIND in kinds or HOPED_KIND in kinds:
        lower, stops = tokens.lower, rules.words.clause_boundaries
        boundaries = [i for i in span if lower[i] in stops]
        live = by_kind(asserted(kinds, rules.reaches.negation, rules.reaches.ended, boundaries,
                                _joiners(tokens, span), rules.reaches.hoped_for))
    elif "negation" in kinds:
        live = by_kind(asserted(kinds, rules.reaches.negation, joiners=_joiners(tokens, span)))
    else:
        live = kinds
    activities, types = stated(live)
    actors = [a for a in entities if a.type != NON_ACTOR and a.id] if entities else []
    view = Sentence(tokens, span, rules, actors, kinds, live, [], clause_starts(span, kinds), activities, types)
    if actors:
        view.groups = coordinated_groups(view)
    return view


class SentenceReader:
    """Reads sentences of annotated Docs, with the rules loaded once.

    >>> from kg.nlp import load_pipeline
    >>> reading = SentenceReader()(load_pipeline()("Qatar and Turkey held joint exercises near Doha."))[0]
    >>> reading.pairs, reading.activities
    ([('QAT', 'TUR', 'coordination')], ('joint_exercises',))
    """

    def __init__(self, cues: Cues | None = None) -> None:
        self.rules = Rules.of(cues or load_cues())
        self._dependency_matchers: dict[int, DependencyMatcher] = {}
        # A string's hash is the same in every vocab, so one cache serves all Docs.
        self._strings = Strings()

    def __call__(self, doc: Doc, text: str | None = None) -> list[SentenceReading]:
        """Readings of the non-blank sentences of ``doc``; ``text``: ``doc.text`` if the caller has it."""
        # The caller's copy of doc.text: slicing it is cheaper than Span.text.
        doc_text = doc.text if text is None else text
        tokens, sentences, entity_buckets, cue_buckets = self._parts(doc, doc_text)
        readings: list[SentenceReading] = []
        paragraph = 0
        gap = ""  # the white space since the previous sentence's text (Doc.text would join every token)
        prev_heading = False
        for index, (span, start_char, end_char) in enumerate(sentences):
            raw = doc_text[start_char:end_char]
            text = raw.strip()
            if not text:
                gap += raw
                continue
            leading = len(raw) - len(raw.lstrip())
            start = start_char + leading
            heading = text.lstrip().startswith("#")
            if readings and (heading or prev_heading or "\n\n" in gap + raw[:leading]):
                paragraph += 1
            gap, prev_heading = raw[leading + len(text):], heading
            reading = SentenceReading(index, start, start + len(text), text, paragraph)
            if entity_buckets[index] or cue_buckets[index]:
                self.read(sentence_view(tokens, span, entity_buckets[index], cue_buckets[index], self.rules), reading)
            else:
                # Half of all sentences name no actor and hold no cue: of all the rules only the
                # sentence-start reference ("These ...") can apply to them.
                reading.refers_back = starts_with_reference(tokens, span, self.rules)
            readings.append(reading)
        return readings

    def sentences(self, doc: Doc) -> list[Sentence]:
        """The :class:`~kg.extract.sentence.Sentence` view of every sentence of ``doc``."""
        tokens, sentences, entity_buckets, cue_buckets = self._parts(doc, doc.text)
        return [
            sentence_view(tokens, span, entity_buckets[i], cue_buckets[i], self.rules)
            for i, (span, _, _) in enumerate(sentences)
        ]

    def _parts(self, doc: Doc, doc_text: str) -> tuple[Tokens, list[tuple[range, int, int]], list, list]:
        """The tokens of ``doc``, its sentences (token range, start and end character), and its
        entity and cue spans per sentence."""
        columns = doc.to_array([SENT_START, SPACY])
        strings = self._strings
        strings.store = doc.vocab.strings
        tokens = Tokens(doc, lower_forms(doc, strings))
        spans, start_chars, end_chars = sentence_bounds(doc, doc_text, columns[:, 0], token_offsets(doc), columns[:, 1])
        # Each span read once, into a record. Labels and ids are read by hash (Span.label_ decodes a
        # new string on every access), from rows the classifier and the mentions read too.
        entities = [Actor(strings[id_], strings[label], start, end) for label, id_, start, end, _, _ in span_rows(doc, ENTITIES_KEY)]
        cues = [
            Cue(strings[label], strings[id_], start, end, doc_text[start_char:end_char])
            for label, id_, start, end, start_char, end_char in span_rows(doc, CUES_KEY)
        ]
        return tokens, list(zip(spans, start_chars, end_chars)), bucket(entities, spans), bucket(cues, spans)

    def read(self, sentence: Sentence, r: SentenceReading) -> None:
        """Fill ``r`` with what ``sentence`` says."""
        live = sentence.live
        r.partnership_types = ids(sentence.types)
        r.activities = ids(sentence.activities)
        r.occasions = occasions(sentence)
        if r.occasions:
            r.circumstances = circumstances(sentence, r.occasions)
        if sentence.groups and (sentence.types or sentence.activities):
            r.owned_cues = owned_cues(sentence)
        r.cooperative = bool(sentence.types or sentence.activities or live.get("cooperation"))
        aimed = hostility(sentence)
        hostile = hostile_clauses(sentence, aimed)
        # A hostile clause makes the sentence hostile unless another clause stands apart from it.
        r.hostile = bool(hostile) and len(hostile) == len(sentence.clauses)
        r.refers_back, r.strong_reference, r.country_reference, r.actor_references = references(sentence)
        truce = "conflict" in live
        if not sentence.actors:
            # Nearly half the sentences with spans name no actor: of the rules below only a truce
            # ("a ceasefire was agreed") applies to them.
            r.hostile = r.hostile or truce
            return
        # Activities that happen in a host country make "in X" a participant ("peacekeepers in Mali").
        hosted = bool(r.activities) and not sentence.rules.words.hosted_activities.isdisjoint(r.activities)
        sentence_roles = roles(sentence, hosted, aimed)
        r.hosts = ids([a for g in sentence.groups if g[0].start in sentence_roles.hosts for a in g])
        if sentence_roles.place_lists:
            r.listed_places = ids([a for a in sentence.actors if a.start in sentence_roles.place_lists])
        r.mission_places = mission_places(sentence)
        if truce and not sentence_roles.conflict_parties:
            r.hostile = True  # "X and Y agreed to a truce": no partnership
        r.organizations = ids([a for a in sentence.actors if a.type == ORGANIZATION])
        r.membership_unstated = membership_unstated(sentence)
        if "membership" in live or r.organizations:
            r.memberships, organizations_of_focus = memberships(sentence)
            if r.refers_back:
                r.focus_memberships = tuple(organizations_of_focus)
            r.welcomes = bool(r.memberships) and welcomes(sentence)
        if "membership" in live and not r.organizations:
            r.members_of_focus = members_of_focus(sentence)
        member_orgs = {org for _, org in r.memberships}
        excluded = sentence_roles.excluded
        participants = [a for a in sentence.actors if a.start not in excluded and a.id not in member_orgs]
        r.participants = ids(participants)
        refused: dict = {}
        if not (r.hostile or len(r.participants) < 2):
            # A sentence without a cooperation cue still links the members of a body it composes.
            refused = self._pairs(sentence, r, participants, sentence_roles)
        r.roll_call = len({a.id for a in sentence.actors}) > self.rules.reaches.pairwise_list
        if len(sentence.actors) > 1:
            r.candidates = candidates(
                sentence.actors, r.pairs, sentence_roles, refused, _sentence_reasons(sentence, r), member_orgs,
                most=self.rules.reaches.pairwise_list,
            )

    def _pairs(self, sentence: Sentence, r: SentenceReading, participants: list[Actor], sentence_roles: Roles) -> dict:
        """Fill the pairs of ``r`` (and their clause scopes); the reasons for the pairs refused."""
        # Members listed as members ("a pact comprising A, B and C") are members, not pairwise partners.
        members = frozenset(m for m, _ in r.memberships) if not acts_jointly(sentence) else frozenset()
        stated = stated_pairs(sentence, participants, sentence_roles, members, r.cooperative)
        r.pairs = stated.pairs
        if len(sentence.clauses) > 1 and r.pairs:
            r.pair_scopes = pair_scopes(sentence, r.pairs, participants)
        if len(stated.composed) >= self.rules.reaches.multilateral_body:
            r.body, r.body_types = stated.composed, tuple(sorted(self.rules.words.composed_body_types))
        if sentence.tokens.has_parse():
            matcher = self._dependency_matcher(sentence.tokens.doc)
            with_dependency_pairs(r.pairs, dependency_pairs(sentence, participants, matcher), sentence.rules.confidence)
        return stated.refused

    def _dependency_matcher(self, doc: Doc) -> DependencyMatcher:
        """The dependency matcher of ``doc``'s vocab (one per vocab)."""
        matcher = self._dependency_matchers.get(id(doc.vocab))
        if matcher is None:
            words = self.rules.words
            matcher = dependency_matcher(doc.vocab, words.dependency_verbs, words.link_prepositions)
            self._dependency_matchers[id(doc.vocab)] = matcher
        return matcher


def occasions(sentence: Sentence) -> tuple[str, ...]:
    """The activities of ``sentence`` that only cues made of ``words.occasion_words`` state ("the
    summit", "a visit"): the occasion of what a pair does, not what it does."""
    lower, words = sentence.tokens.lower, sentence.rules.words.occasion_words
    only: dict[str, bool] = {}
    for cue in sentence.activities:
        only[cue.id] = only.get(cue.id, True) and all(lower[i] in words for i in range(cue.start, cue.end))
    return tuple(i for i, occasion in only.items() if occasion)


def circumstances(sentence: Sentence, occasions: tuple[str, ...]) -> tuple[str, ...]:
    """The ``occasions`` of ``sentence`` that are only when a founding it reports happened: every cue
    of theirs stands a few words after a ``words.circumstance_prepositions`` word, in a clause with a
    ``words.founding_verbs`` lemma ("It was signed during a visit to Hanoi",
    "created at a summit of A, B and C"); "The president visited Hanoi" keeps its occasion."""
    tokens, words, span = sentence.tokens, sentence.rules.words, sentence.span
    founding = {sentence.clause_of(i) for i in span if tokens.lemma(i) in words.founding_verbs}
    if not founding:
        return ()

    def of_founding(cue) -> bool:
        if sentence.clause_of(cue.start) not in founding:
            return False
        for i in range(cue.start - 1, max(span.start, cue.start - 4) - 1, -1):
            if tokens.lower[i] in words.circumstance_prepositions:
                return True
            if tokens.is_punct(i):
                return False
        return False
    found: dict[str, bool] = {}
    for cue in sentence.activities:
        if cue.id in occasions:
            found[cue.id] = found.get(cue.id, True) and of_founding(cue)
    return tuple(i for i, circumstance in found.items() if circumstance)


def _sentence_reasons(sentence: Sentence, r: SentenceReading) -> tuple[str, ...]:
    """Why the sentence pairs no one at all: hostile, its cooperation negated or only hoped for,
    or no cooperation cue."""
    if r.hostile:
        return (HOSTILE,)
    if r.cooperative:
        return ()
    if not any(k in sentence.kinds for k in ("cooperation", ACTIVITY, PARTNERSHIP_TYPE)):
        return (NO_COOPERATION_CUE,)
    return tuple(reason for kind, reason in (("negation", NEGATED), ("hoped_for", HOPED_FOR)) if kind in sentence.kinds)


def read_sentences(doc: Doc, cues: Cues | None = None) -> list[SentenceReading]:
    """The :class:`SentenceReading` of every non-blank sentence of ``doc``."""
    return SentenceReader(cues)(doc)


def sentences(doc: Doc, cues: Cues | None = None) -> list[Sentence]:
    """The :class:`~kg.extract.sentence.Sentence` view of every sentence of ``doc``.

    >>> from kg.nlp import load_pipeline
    >>> view = sentences(load_pipeline()("Chile, Peru and Bolivia signed a pact."))[0]
    >>> [[a.id for a in group] for group in view.groups], sorted(view.live)
    ([['CHL', 'PER', 'BOL']], ['cooperation'])
    """
    return SentenceReader(cues).sentences(doc)
