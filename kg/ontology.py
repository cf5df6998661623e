"""The ontology (partnership types, activities) and the extraction rules, from data files.

``ontology.yaml`` holds the partnership types and activities; ``cues.yaml`` the
relation cues (phrases by kind) and the word lists the extraction rules read;
``rules.yaml`` the confidence of each pair shape and how far each rule looks.
Every file is validated as it loads: an unknown or missing key, a several-word
entry in a single-word list, an activity id the ontology lacks is an
:class:`OntologyError` naming the file and line.

>>> onto = load_ontology()
>>> "intelligence_sharing" in onto.activities
True
>>> onto.activities["intelligence_sharing"].cameo
'064'
>>> cues = load_cues()
>>> cues.reaches.negation, cues.confidence["between"], "with" in cues.words.link_prepositions
(4, 0.95, True)
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from kg.gazetteer import DATA_DIR, DataError, YamlFile

ONTOLOGY_PATH = DATA_DIR / "ontology.yaml"
PARTNERSHIP_TYPE = "partnership_type"
ACTIVITY = "activity"


class OntologyError(DataError):
    """A data file is missing, not YAML, or not of the expected shape; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Concept:
    """A partnership type or an activity, with its cues."""

    id: str
    label: str
    cues: tuple = ()
    cameo: str = ""
    #: For an activity: the partnership types a pair that does it has by definition ("mutual
    #: defence" is an alliance), which each of its cues states too.
    implies: tuple[str, ...] = ()


@dataclass(slots=True)
class Ontology:
    """Partnership types and activities by id."""

    partnership_types: dict[str, Concept]
    activities: dict[str, Concept]
    fingerprint: str = ""

    def label(self, concept_id: str) -> str:
        """Display label of a partnership type or activity id."""
        concept = self.partnership_types.get(concept_id) or self.activities.get(concept_id)
        return concept.label if concept else concept_id

    def ruler_patterns(self) -> list[dict]:
        """SpanRuler patterns: label = ``partnership_type``/``activity``, id = concept id. An
        activity's cues are also patterns of the types it ``implies``.

        >>> onto = load_ontology()
        >>> [p["label"] + ":" + p["id"] for p in onto.ruler_patterns() if p["pattern"] == "come to each other's aid"]
        ['activity:mutual_defense', 'partnership_type:alliance']
        """
        patterns: list[dict] = []
        for kind, concepts in ((PARTNERSHIP_TYPE, self.partnership_types), (ACTIVITY, self.activities)):
            for concept in concepts.values():
                patterns += _patterns(kind, concept.id, concept.cues)
        for activity in self.activities.values():
            for type_id in activity.implies:
                own = self.partnership_types[type_id].cues
                patterns += _patterns(PARTNERSHIP_TYPE, type_id, [c for c in activity.cues if c not in own])
        return patterns


#: The kinds of phrase cue, each read by its own rule, in the order of ``cues.yaml``.
PHRASE_KINDS = (
    "cooperation", "hostile", "conflict", "attribution", "place_noun", "non_state_context", "adversary",
    "negation", "hoped_for", "ended", "pair_reference", "weak_pair_reference", "actor_reference", "membership", "clause_separator",
    "other_sense", "exemplification",
)
#: The shapes by which a sentence links a pair, and "membership".
SHAPES = ("between", "compound", "coordination", "composition", "dependency", "link", "object", "host", "membership")
#: The keys of ``rules.yaml``'s ``confidence``: each shape's, a reference's, a generic statement's, and
#: what a generic cooperation word alone takes off a rule's pair.
CONFIDENCE_KEYS = (*SHAPES, "reference", "generic", "generic_cue_penalty")


@dataclass(frozen=True, slots=True)
class Words:
    """The word lists of ``cues.yaml``'s ``words``, compared with lower-cased tokens (or lemmas where
    the file says so). Lists in :attr:`PHRASE_LISTS` hold phrases of several words; every other list
    holds single tokens."""

    distributive_markers: frozenset[str]
    place_prepositions: frozenset[str]
    adjunct_prepositions: frozenset[str]
    fronted_phrase_openers: frozenset[str]
    channel_prepositions: frozenset[str]
    list_connectors: frozenset[str]
    list_conjunctions: frozenset[str]
    list_conjunction_phrases: frozenset[str]
    link_prepositions: frozenset[str]
    organization_modifier_nouns: frozenset[str]
    sentence_start_references: frozenset[str]
    actor_premodifiers: frozenset[str]
    determiners: frozenset[str]
    number_words: frozenset[str]
    hosted_activities: frozenset[str]
    joint_activities: frozenset[str]
    occasion_words: frozenset[str]
    circumstance_prepositions: frozenset[str]
    mediator_suffixes: frozenset[str]
    office_nouns: frozenset[str]
    office_prepositions: frozenset[str]
    neighbour_nouns: frozenset[str]
    leader_suffixes: frozenset[str]
    member_leader_suffixes: frozenset[str]
    object_verbs: frozenset[str]
    stance_verbs: frozenset[str]
    stance_nouns: frozenset[str]
    dependency_verbs: frozenset[str]
    member_list_introducers: frozenset[str]
    joining_verbs: frozenset[str]
    intransitive_join_followers: frozenset[str]
    later_member_markers: frozenset[str]
    organization_references: frozenset[str]
    member_predicates: frozenset[str]
    member_nouns: frozenset[str]
    plural_member_nouns: frozenset[str]
    member_cue_words: frozenset[str]
    document_nouns: frozenset[str]
    welcome_words: frozenset[str]
    member_apposition_words: frozenset[str]
    member_link_words: frozenset[str]
    fronted_membership_openers: frozenset[str]
    relative_words: frozenset[str]
    admission_words: frozenset[str]
    member_after_admission: frozenset[str]
    member_before_admission: frozenset[str]
    admission_links: frozenset[str]
    unrealised_words: frozenset[str]
    near_member_cues: frozenset[str]
    hostile_target_prepositions: frozenset[str]
    anticipatory_it_followers: frozenset[str]
    named_instrument_followers: frozenset[str]
    country_pair_nouns: frozenset[str]
    status_nouns: frozenset[str]
    partner_nouns: frozenset[str]
    directed_hostility: frozenset[str]
    possessive_pronouns: frozenset[str]
    co_actor_markers: frozenset[str]
    co_acting_markers: frozenset[str]
    shared_act_words: frozenset[str]
    compound_non_partner_heads: frozenset[str]
    between_non_partner_heads: frozenset[str]
    copulas: frozenset[str]
    indefinite_articles: frozenset[str]
    member_links: frozenset[str]
    collective_nouns: frozenset[str]
    attribution_openers: frozenset[str]
    non_partner_markers: frozenset[str]
    cue_owner_links: frozenset[str]
    unnamed_partner_determiners: frozenset[str]
    clause_boundaries: frozenset[str]
    modality_words: frozenset[str]
    first_person_words: frozenset[str]
    gratitude_words: frozenset[str]
    gift_words: frozenset[str]
    giving_participles: frozenset[str]
    gratitude_prepositions: frozenset[str]
    giver_prepositions: frozenset[str]
    joint_words: frozenset[str]
    composition_verbs: frozenset[str]
    founding_verbs: frozenset[str]
    composition_nouns: frozenset[str]
    composition_noun_links: frozenset[str]
    composition_fillers: frozenset[str]
    force_units: frozenset[str]
    venue_prepositions: frozenset[str]
    composition_continuers: frozenset[str]
    official_titles: frozenset[str]
    composed_body_types: frozenset[str]
    participation_verbs: frozenset[str]
    participation_bodies: frozenset[str]
    mission_nouns: frozenset[str]
    mission_place_prepositions: frozenset[str]
    participation_relatives: frozenset[str]
    participation_links: frozenset[str]
    other_relatives: frozenset[str]
    #: Each modality word of ``modality_classes`` with its class ("hope" -> "wish").
    modality_classes: dict[str, str] = field(default_factory=dict, hash=False)

    #: Lists of phrases: their entries may be several words, matched against consecutive tokens.
    PHRASE_LISTS = frozenset({"list_conjunction_phrases", "sentence_start_references", "later_member_markers",
                              "composition_verbs", "participation_verbs", "participation_relatives"})
    #: Lists of activity ids of the ontology.
    ACTIVITY_LISTS = frozenset({"hosted_activities", "joint_activities"})
    #: Lists of partnership type ids of the ontology.
    TYPE_LISTS = frozenset({"composed_body_types"})
    #: Lists of phrase cue kinds (:data:`PHRASE_KINDS`).
    KIND_LISTS = frozenset({"non_partner_markers"})
    #: Mappings of a class name to its list of single words.
    CLASS_LISTS = frozenset({"modality_classes"})


@dataclass(frozen=True, slots=True)
class Reaches:
    """How many tokens each rule looks across (``rules.yaml``'s ``reaches``)."""

    negation: int
    hoped_for: int
    ended: int
    link_governor: int
    hostile_target_window: int
    hostile_target_gap: int
    membership: int
    subject_membership: int
    admission: int
    member_apposition: int
    definition: int
    collective_head: int
    possessor: int
    partner_noun: int
    list_head: int
    long_list: int
    pairwise_list: int
    attribution: int
    unnamed_partner: int
    composition: int
    composition_gap: int
    relative_clause: int
    multilateral_body: int
    place_list: int
    place_list_gap: int
    mission_name: int
    office_name: int
    third_partner: int
    reference: int


@dataclass(frozen=True, slots=True)
class Cues:
    """The extraction rules: phrase cues by kind, word lists, reaches and the confidence of each shape."""

    phrases: dict[str, list]
    words: Words
    reaches: Reaches
    confidence: dict[str, float]

    def ruler_patterns(self) -> list[dict]:
        """SpanRuler patterns: label = cue kind, id = the cue text."""
        patterns: list[dict] = []
        for kind, cues in self.phrases.items():
            patterns += _patterns(kind, "", cues)
        return patterns


def variants(cue: str) -> list[str]:
    """Spelling variants of a phrase cue: hyphenated and spaced forms, "co-x"/"cox".

    >>> variants("co-production")
    ['co-production', 'coproduction']
    >>> variants("war game")
    ['war game', 'war-game']
    """
    out = [cue]
    words = cue.split(" ")
    if len(words) == 2:
        out.append("-".join(words))
    if cue.lower().startswith("co-"):
        out.append(cue[:2] + cue[3:])
    return out


def _patterns(label: str, concept_id: str, cues) -> list[dict]:
    patterns = []
    for cue in cues:
        if isinstance(cue, bool) or cue is None:
            raise OntologyError(f"cue {cue!r} under {label} {concept_id}: quote words YAML reads as booleans (\"no\", \"off\")")
        if isinstance(cue, str):
            patterns += [{"label": label, "pattern": v, "id": concept_id} for v in variants(cue)]
        else:
            patterns.append({"label": label, "pattern": cue, "id": concept_id})
    return patterns


def _concepts(doc: YamlFile, section: str, types: dict[str, Concept] | None = None) -> dict[str, Concept]:
    """The concepts under ``section`` of an ontology file: id -> {label, cues, cameo}, each optional;
    with ``types`` (the partnership types, for the activities), also ``implies``, ids of ``types``."""
    name, entries = next((k, v) for k, v in doc.root.value if k.value == section)
    if not isinstance(entries, yaml.MappingNode) or not entries.value:
        raise doc.error(name, f"'{section}' needs a mapping of id -> {{label, cues}}")
    concepts = {}
    for key, spec in entries.value:
        concept_id = str(key.value)
        optional = ("label", "cues", "cameo") + (("implies",) if types is not None else ())
        spec_nodes = {} if _is_null(spec) else doc.mapping(spec, (), key, optional=optional)
        cues = doc.phrases(spec_nodes["cues"]) if "cues" in spec_nodes else []
        label = doc.value(spec_nodes["label"]) if "label" in spec_nodes else None
        cameo = doc.value(spec_nodes["cameo"]) if "cameo" in spec_nodes else None
        implies = doc.words(spec_nodes["implies"], several=False, of="implies") if "implies" in spec_nodes else []
        if implies:
            doc.check_ids(spec_nodes["implies"], implies, types, "partnership type")
        concepts[concept_id] = Concept(
            concept_id, str(label or concept_id.replace("_", " ").capitalize()), tuple(cues), str(cameo or ""),
            tuple(implies),
        )
    return concepts


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


@functools.lru_cache(maxsize=8)
def load_ontology(path: Path | str | None = None) -> Ontology:
    """Load and validate an ontology YAML file (default: the packaged ``kg/data/ontology.yaml``)."""
    path = Path(path) if path else ONTOLOGY_PATH
    doc = YamlFile(path, OntologyError)
    doc.mapping(doc.root, ("partnership_types", "activities"))
    types = _concepts(doc, "partnership_types")
    return Ontology(types, _concepts(doc, "activities", types), hashlib.sha256(path.read_bytes()).hexdigest()[:16])


def _word_classes(cues: YamlFile, node: yaml.Node, of: str) -> dict[str, str]:
    """A mapping of class name -> list of single words, as word -> class; a word in two classes is an error."""
    if not isinstance(node, yaml.MappingNode):
        raise cues.error(node, f"'{of}' must be a mapping of class -> list of words")
    out: dict[str, str] = {}
    for key, words in node.value:
        for item, word in zip(words.value, cues.words(words, several=False, of=f"{of}.{key.value}")):
            if word in out:
                raise cues.error(item, f"'{word}' in '{of}' is in both '{out[word]}' and '{key.value}'")
            out[word] = key.value
    return out


@functools.lru_cache(maxsize=8)
def load_cues(data_dir: Path = DATA_DIR) -> Cues:
    """Load and validate the extraction rules: ``cues.yaml`` and ``rules.yaml`` in ``data_dir``,
    checked against the ontology there (or the packaged one)."""
    data_dir = Path(data_dir)
    ontology_path = data_dir / "ontology.yaml"
    ontology = load_ontology(ontology_path if ontology_path.exists() else None)
    activities, types = ontology.activities, ontology.partnership_types
    cues = YamlFile(data_dir / "cues.yaml", OntologyError)
    cues.mapping(cues.root, ("phrases", "words"))
    phrases = {kind: cues.phrases(node) for kind, node in cues.section(cues.root, "phrases", PHRASE_KINDS).items()}
    lists: dict = {}
    for name, node in cues.section(cues.root, "words", tuple(f.name for f in fields(Words))).items():
        if name in Words.CLASS_LISTS:
            lists[name] = _word_classes(cues, node, name)
            continue
        values = cues.words(node, several=name in Words.PHRASE_LISTS, of=name)
        if name in Words.ACTIVITY_LISTS:
            cues.check_ids(node, values, activities, "activity")
        if name in Words.TYPE_LISTS:
            cues.check_ids(node, values, types, "partnership type")
        if name in Words.KIND_LISTS:
            cues.check_ids(node, values, PHRASE_KINDS, "cue kind")
        lists[name] = frozenset(values)
    rules = YamlFile(data_dir / "rules.yaml", OntologyError)
    rules.mapping(rules.root, ("confidence", "reaches"))
    confidence = {key: rules.number(node, float) for key, node in rules.section(rules.root, "confidence", CONFIDENCE_KEYS).items()}
    reach_names = tuple(f.name for f in fields(Reaches))
    reaches = Reaches(**{name: rules.number(node, int) for name, node in rules.section(rules.root, "reaches", reach_names).items()})
    return Cues(phrases, Words(**lists), reaches, confidence)
