"""Canonical entities and the surface forms that name them.

Countries come from ``pycountry`` (ISO 3166-1 alpha-3 ids, plus historic
states), enriched by ``kg/data/countries.csv`` (labels, aliases, demonyms,
capitals); organisations from ``kg/data/organizations.csv``; collectives from
``kg/data/groups.csv``; names that contain an actor's name without being one
("Gulf of Oman"), and the compound rules that hide a country's name inside
another name ("the Warsaw Treaty", "Greek Cypriots"), from ``kg/data/non_actors.yaml``;
names that meant another state before a year ("Moscow" in 1975 is the Soviet Union)
from ``kg/data/successions.csv``.

>>> gaz = load_gazetteer()
>>> gaz.entities["PAK"].label
'Pakistan'
>>> gaz.entities["NATO"].type
'organization'
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import pycountry
import yaml

from kg.errors import KgError

DATA_DIR = Path(__file__).parent / "data"

COUNTRY = "country"
ORGANIZATION = "organization"
GROUP = "group"
NON_ACTOR = "non_actor"

# pycountry names that are not prose ("Korea, Republic of") or not actors.
_INVERTED = ", "


#: libyaml's safe loader where PyYAML was built with it (faster than the pure-Python one), else that one.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DataError(KgError):
    """A data file (under ``kg/data`` or a copy of it) is missing, not valid, or not of the expected
    shape; the message names the file and the line."""


class YamlFile:
    """A YAML data file read as nodes, so that every complaint names the line at fault; complaints
    are ``error`` (a :class:`DataError`)."""

    def __init__(self, path: Path, error: type[DataError] = DataError) -> None:
        self.path = path
        self._error = error
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as err:
            raise error(f"{path}: no such file") from err
        loader = YAML_LOADER(text)
        try:
            self.root = loader.get_single_node()
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark else str(path)
            raise error(f"{where}: not valid YAML ({getattr(err, 'problem', err)})") from err
        finally:
            loader.dispose()
        self._constructor = YAML_LOADER("")
        if self.root is None:
            raise error(f"{path}: empty file")

    def error(self, node: yaml.Node, message: str) -> DataError:
        """``<path>:<line>: message``, the line where ``node`` starts."""
        return self._error(f"{self.path}:{node.start_mark.line + 1}: {message}")

    def mapping(
        self, node: yaml.Node, keys: tuple[str, ...], name: yaml.Node | None = None, optional: tuple[str, ...] = ()
    ) -> dict[str, yaml.Node]:
        """The values of a mapping node that must hold exactly ``keys`` (and may hold ``optional``
        ones), by key; ``name``: the key node the mapping is the value of (where a missing key is
        reported), None at the top."""
        where = name or node
        if not isinstance(node, yaml.MappingNode):
            raise self.error(where, f"expected a mapping of {', '.join(keys + optional)}")
        out: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if key.value not in keys and key.value not in optional:
                raise self.error(key, f"unknown key '{key.value}'")
            if key.value in out:
                raise self.error(key, f"duplicate key '{key.value}'")
            out[key.value] = value
        missing = [k for k in keys if k not in out]
        if missing:
            under = f" under '{name.value}'" if name is not None else ""
            raise self.error(where, f"missing key '{missing[0]}'{under}")
        return out

    def section(self, node: yaml.MappingNode, key: str, keys: tuple[str, ...]) -> dict[str, yaml.Node]:
        """The mapping under ``key`` of the mapping ``node``, which must hold exactly ``keys``."""
        name, value = next((k, v) for k, v in node.value if k.value == key)
        return self.mapping(value, keys, name)

    def value(self, node: yaml.Node) -> Any:
        """The Python value of ``node``."""
        return self._constructor.construct_object(node, deep=True)

    def phrases(self, node: yaml.Node) -> list:
        """A list of phrase cues: strings, or token patterns (lists of token mappings)."""
        if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise self.error(node, "expected a list of phrases")
        out = []
        for item in node.value:
            value = self.value(item)
            if isinstance(value, bool) or value is None:
                raise self.error(item, f"{item.value!r} reads as {value}: quote it")
            out.append(value if isinstance(value, list) else str(value))
        return out

    def words(self, node: yaml.Node, several: bool, of: str) -> list[str]:
        """A list of lower-cased words (phrases of several words when ``several``)."""
        if not isinstance(node, yaml.SequenceNode):
            raise self.error(node, f"'{of}' must be a list")
        out = []
        for item in node.value:
            value = self.value(item)
            if isinstance(value, bool) or value is None or not isinstance(item, yaml.ScalarNode):
                raise self.error(item, f"{item.value!r} in '{of}' is not a word: quote it")
            word = str(value).lower()
            if not several and len(word.split()) > 1:
                raise self.error(item, f"'{word}' in '{of}' is several words; the list holds single tokens")
            out.append(" ".join(word.split()) if several else word)
        return out

    def check_ids(self, node: yaml.SequenceNode, values: list[str], known, what: str) -> None:
        """Every entry of a list is one of ``known``."""
        for item, value in zip(node.value, values):
            if value not in known:
                raise self.error(item, f"unknown {what} '{value}'")

    def number(self, node: yaml.Node, kind: type) -> int | float:
        """A number of ``kind`` (an int is also a float)."""
        value = self.value(node)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and not isinstance(value, int)):
            raise self.error(node, f"{node.value!r} is not {'an integer' if kind is int else 'a number'}")
        return kind(value)


@dataclass(slots=True)
class Entity:
    """A canonical entity: id, display label, type and every name for it."""

    id: str
    label: str
    type: str
    names: set[str] = field(default_factory=set)
    #: Longer official names, used to resolve "the Kingdom" to the actor it names.
    official_names: set[str] = field(default_factory=set)
    kind: str = ""
    #: Of ``names``, the capitals (and seats of government) and the demonyms, with their plurals.
    capitals: set[str] = field(default_factory=set)
    demonyms: set[str] = field(default_factory=set)

    def names_of_kind(self, kind: str) -> set[str]:
        """The names of one of :data:`NAME_KINDS`: ``capitals``, ``demonyms`` or ``names`` (the rest)."""
        if kind == "capitals":
            return set(self.capitals)
        if kind == "demonyms":
            return set(self.demonyms)
        return self.names - self.capitals - self.demonyms


#: The kinds of a country's names a compound rule applies to (:meth:`Entity.names_of_kind`).
NAME_KINDS = ("names", "capitals", "demonyms")
#: Words joining two names that share one follower or preceder ("the Oslo and Madrid talks").
_COORDINATORS = ["and", "or"]
#: Other ways texts write the apostrophe of a name ("People's"): typeset, and typeset read with the wrong encoding.
_APOSTROPHES = ("’", "â")


@dataclass(frozen=True, slots=True)
class Compound:
    """Names of countries that, joined to certain words, name something other than the country.

    A name of ``kind`` (one of :data:`NAME_KINDS`) directly followed by one of ``followers``
    (compared lower-case; a hyphen, a line break and up to ``between`` capitalised words may come
    between: "Greek-Cypriot", "the Madrid Peace Conference"), or directly preceded by one of
    ``preceders`` (compared as written: "the Treaty of Warsaw", but "with the agreement of
    Washington" keeps the USA), names a treaty, meeting, process, community or region named
    after the place or people. Two names coordinated before one follower ("the Oslo and Madrid
    talks", "Greek and Turkish Cypriots") are both covered.
    """

    kind: str
    followers: tuple[str, ...] = ()
    preceders: tuple[str, ...] = ()
    between: int = 0


@dataclass(frozen=True, slots=True)
class Succession:
    """A name of ``successor`` that, in a document dated ``until`` or earlier, names ``state``:
    "Moscow" in a speech of 1975 is the Soviet government, in 2015 Russia's."""

    name: str
    successor: str
    until: int
    state: str


@dataclass(slots=True)
class Gazetteer:
    """All entities by id, and the phrases that are names but not actors."""

    entities: dict[str, Entity]
    non_actor_patterns: list = field(default_factory=list)
    compounds: list[Compound] = field(default_factory=list)
    #: The lower-cased capitals of the countries (:func:`capital_names`), which the pair classifier reads.
    capitals: frozenset[str] = frozenset()
    successions: list[Succession] = field(default_factory=list)

    def names_in(self, year: int | None) -> dict[tuple[str, str], str]:
        """``(name, id) -> id`` of the names that meant another state in a document of ``year``:
        of a name's successions, the one of the earliest ``until`` not before ``year``. When the
        year is unknown, every name's earliest state, which :func:`kg.nlp.dated_entities` reads
        only where the document names that state.

        >>> gaz = Gazetteer({}, successions=[Succession("Belgrade", "SRB", 1991, "YUG"),
        ...                                  Succession("Belgrade", "SRB", 2005, "SCG")])
        >>> gaz.names_in(1975), gaz.names_in(2004), gaz.names_in(2010), gaz.names_in(None)
        ({('Belgrade', 'SRB'): 'YUG'}, {('Belgrade', 'SRB'): 'SCG'}, {}, {('Belgrade', 'SRB'): 'YUG'})
        """
        out: dict[tuple[str, str], str] = {}
        for s in sorted(self.successions, key=lambda s: -s.until):
            if year is None or year <= s.until:
                out[(s.name, s.successor)] = s.state
        return out

    def label(self, entity_id: str) -> str:
        """Display label of an id (the id itself when unknown)."""
        ent = self.entities.get(entity_id)
        return ent.label if ent else entity_id

    def type(self, entity_id: str) -> str:
        """``country``, ``organization`` or ``group``."""
        ent = self.entities.get(entity_id)
        if ent:
            return ent.type
        return GROUP if entity_id.startswith("group:") else ORGANIZATION

    def ruler_patterns(self, tokenize: Callable[[str], list[str]] = str.split) -> list[dict]:
        """SpanRuler patterns: label = entity type, id = canonical id; the non-actor names and
        compounds with label ``non_actor``. ``tokenize``: the pipeline's tokenizer, as a function
        from a name to its tokens' texts (for the compounds' token patterns)."""
        tokenize = functools.lru_cache(maxsize=None)(tokenize)  # the rules tokenize the same names
        patterns: list[dict] = []
        for ent in sorted(self.entities.values(), key=lambda e: e.id):
            for name in sorted(ent.names):
                patterns.append({"label": ent.type, "pattern": name, "id": ent.id})
        for ent_id, pattern in self.line_broken_patterns(tokenize):
            patterns.append({"label": self.entities[ent_id].type, "pattern": pattern, "id": ent_id})
        for pattern in self.non_actor_patterns + self.compound_patterns(tokenize):
            patterns.append({"label": NON_ACTOR, "pattern": pattern, "id": ""})
        # "the Indian\nOcean" of hard-wrapped text is the ocean, not India before a line break
        for name in self.non_actor_patterns:
            if isinstance(name, str) and len(tokenize(name)) > 1:
                patterns.append({"label": NON_ACTOR, "pattern": line_broken(tokenize(name)), "id": ""})
        return patterns

    def line_broken_patterns(self, tokenize: Callable[[str], list[str]] = str.split) -> list[tuple[str, list[dict]]]:
        """``(id, token pattern)`` of each name of several words, with a line break allowed between any
        two of its words: hard-wrapped text breaks "United Nations" after "United", and "Democratic
        People's Republic of Korea" after "People's", where the rest alone is the Republic of Korea.
        A name that two actors share is left to the phrase patterns.

        >>> gaz = Gazetteer({"KOR": Entity("KOR", "South Korea", COUNTRY, {"Korea"}),
        ...                  "PRK": Entity("PRK", "North Korea", COUNTRY, {"North Korea"})})
        >>> gaz.line_broken_patterns()
        [('PRK', [{'ORTH': 'North'}, {'IS_SPACE': True, 'OP': '?', 'IS_SENT_START': False}, {'ORTH': 'Korea', 'IS_SENT_START': False}])]
        """
        owners: dict[tuple[str, ...], set[str]] = {}
        for ent in self.entities.values():
            for name in ent.names:
                owners.setdefault(tuple(tokenize(name)), set()).add(ent.id)
        return [(next(iter(ids)), line_broken(tokens)) for tokens, ids in sorted(owners.items())
                if len(tokens) > 1 and len(ids) == 1]

    def compound_patterns(self, tokenize: Callable[[str], list[str]] = str.split) -> list[list[dict]]:
        """Token patterns of the compound rules (:class:`Compound`), each matching the whole compound.

        >>> gaz = Gazetteer({"POL": Entity("POL", "Poland", COUNTRY, {"Poland", "Warsaw"}, capitals={"Warsaw"})},
        ...                 compounds=[Compound("capitals", followers=("pact",))])
        >>> [list(token) for token in gaz.compound_patterns()[0]]
        [['ORTH'], ['IS_SPACE', 'OP', 'IS_SENT_START'], ['ORTH', 'OP', 'IS_SENT_START'], ['LOWER', 'IS_SENT_START']]
        >>> gaz.compound_patterns()[0][-1]
        {'LOWER': {'IN': ['pact']}, 'IS_SENT_START': False}
        """
        # A compound that is itself an actor's name ("the Warsaw Pact", "the Baghdad Pact") stays that actor.
        actor_names = {tuple(tokenize(n)) for e in self.entities.values() for n in e.names}
        actor_names |= {(*t[:-1], t[-1].lower()) for t in actor_names if t}
        patterns = []
        for rule in self.compounds:
            names = {n for e in self.entities.values() if e.type == COUNTRY for n in e.names_of_kind(rule.kind)}
            by_words: dict[tuple[tuple[str, ...], tuple[str, ...]], set[str]] = {}
            for name in names:
                tokens = tuple(tokenize(name))
                followers = tuple(f for f in rule.followers if (*tokens, f) not in actor_names)
                preceders = tuple(p for p in rule.preceders if (*tokenize(p), *tokens) not in actor_names)
                by_words.setdefault((followers, preceders), set()).add(name)
            every_slot = _name_slots(names, tokenize)
            for (followers, preceders), group in sorted(by_words.items()):
                for slot in _name_slots(group, tokenize):
                    if followers:
                        patterns += _follower_patterns(slot, followers, rule.between)
                    for preceder in preceders:
                        patterns += _preceder_patterns([{"ORTH": word} for word in tokenize(preceder)], slot, every_slot)
        return [_within_sentence(pattern) for pattern in patterns]

    def country_names(self) -> dict[str, str]:
        """Every country name (not demonyms) -> id, for fuzzy matching."""
        out: dict[str, str] = {}
        for ent in self.entities.values():
            if ent.type == COUNTRY:
                for name in ent.names:
                    if " " not in name and name[:1].isupper() and len(name) >= 5 and not name.isupper():
                        out[name] = ent.id
        return out


def line_broken(words: Sequence[str], attr: str = "ORTH") -> list[dict]:
    """The token pattern of a phrase of several ``words`` (compared as ``attr``: ``ORTH``, or
    ``LEMMA`` for the cue phrases) with a line break allowed between any two of them, inside a
    sentence: how hard-wrapped text may break a name or a cue.

    >>> [list(token) for token in line_broken(["Indian", "Ocean"])]
    [['ORTH'], ['IS_SPACE', 'OP', 'IS_SENT_START'], ['ORTH', 'IS_SENT_START']]
    """
    pattern = [{attr: words[0]}]
    for word in words[1:]:
        pattern += [{"IS_SPACE": True, "OP": "?"}, {attr: word}]
    return _within_sentence(pattern)


def _within_sentence(pattern: list[dict]) -> list[dict]:
    """``pattern`` with every token after the first required not to start a sentence: a line break
    a pattern may cross is one inside a paragraph of hard-wrapped text, never a sentence's end."""
    return pattern[:1] + [{**token, "IS_SENT_START": False} for token in pattern[1:]]


def _follower_patterns(slot: list[dict], followers: tuple[str, ...], between: int) -> list[list[dict]]:
    """The patterns of a name (``slot``) followed by one of ``followers``, alone or coordinated with another
    ("the Oslo and Madrid talks", "the Greek Cypriot and Turkish Cypriot communities")."""
    follower = [{"ORTH": "-", "OP": "?"}, {"LOWER": {"IN": sorted(followers)}}]
    words_between = [{"IS_TITLE": True, "OP": f"{{0,{between}}}"}] if between else []
    second = [{"LOWER": {"IN": _COORDINATORS}}, {"IS_TITLE": True, "OP": f"{{1,{between + 3}}}"}]
    space = [{"IS_SPACE": True, "OP": "?"}]  # a line break of hard-wrapped text
    return [slot + space + words_between + (space if between else []) + follower, slot + second + follower,
            slot + follower + second + follower]


def _preceder_patterns(preceder: list[dict], slot: list[dict], slots: list[list[dict]]) -> list[list[dict]]:
    """The patterns of a name (``slot``) after ``preceder``, alone or coordinated with another name
    of the rule's kind ("the Treaties of Moscow and Warsaw"; any of ``slots``)."""
    space = [{"IS_SPACE": True, "OP": "?"}]
    coordinator = [{"LOWER": {"IN": _COORDINATORS}}]
    return [preceder + slot] + [preceder + slot + space + coordinator + space + other for other in slots]


def _name_slots(names: set[str], tokenize: Callable[[str], list[str]]) -> list[list[dict]]:
    """Token patterns matching any of ``names``, one for each number of tokens a name has.

    A pattern of several tokens allows each token of any name of that length at each place, which
    admits a few combinations that are no name ("New Ababa"): harmless, as no text has them.
    """
    by_length: dict[int, list[set[str]]] = {}
    for name in names:
        tokens = tokenize(name)
        places = by_length.setdefault(len(tokens), [set() for _ in tokens])
        for place, token in zip(places, tokens):
            place.add(token)
    return [[{"ORTH": {"IN": sorted(place)}} for place in by_length[n]] for n in sorted(by_length) if n]


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def _plural(demonym: str) -> str:
    """The people of a country as actors: "Pakistani" -> "Pakistanis", "Palestinian" -> "Palestinians".

    Only for demonyms ending in -an or -i, whose plural is regular; "British", "Chinese" have none.
    """
    return demonym + "s" if demonym.endswith(("an", "i")) and " " not in demonym else ""


def _strip_the(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name


#: The columns of each CSV file: the required ones, then the optional ones.
_COLUMNS = {
    "countries.csv": (("id", "label"), ("aliases", "demonyms", "capitals")),
    "organizations.csv": (("id", "label"), ("kind", "aliases", "parts")),
    "groups.csv": (("id", "label"), ("aliases",)),
    "successions.csv": (("name", "id", "until", "state"), ()),
}


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    """The rows of a gazetteer CSV file (none when the file is absent), every row with every
    column; an unknown or missing column, or a row without an id, is a :class:`DataError`."""
    if not path.exists():
        return iter(())
    required, optional = _COLUMNS[path.name]
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in required and c not in optional]
        if unknown:
            raise DataError(f"{path}:1: unknown column '{unknown[0]}'")
        missing = [c for c in required if c not in header]
        if missing:
            raise DataError(f"{path}:1: missing column '{missing[0]}'")
        rows = []
        seen: set[str] = set()
        for row in reader:
            if None in row:
                raise DataError(f"{path}:{reader.line_num}: more fields than columns")
            if not (row.get("id") or "").strip():
                raise DataError(f"{path}:{reader.line_num}: a row without an id")
            if required[0] == "id":
                if row["id"] in seen:  # a second row would replace the first's names unseen
                    raise DataError(f"{path}:{reader.line_num}: duplicate id '{row['id']}'")
                seen.add(row["id"])
            rows.append({c: row.get(c) or "" for c in required + optional})
    return iter(rows)


def _non_actors(path: Path) -> tuple[list, list[Compound]]:
    """The patterns and the compound rules of ``non_actors.yaml`` (none when the file is absent)."""
    if not path.exists():
        return [], []
    file = YamlFile(path)
    sections = file.mapping(file.root, ("patterns",), optional=("compounds",))
    patterns = sections["patterns"]
    if not isinstance(patterns, yaml.SequenceNode):
        raise file.error(patterns, "'patterns' must be a list of names or token patterns")
    for node in patterns.value:
        is_tokens = isinstance(node, yaml.SequenceNode) and all(isinstance(t, yaml.MappingNode) for t in node.value)
        if not (is_tokens or isinstance(node, yaml.ScalarNode) and isinstance(file.value(node), str)):
            raise file.error(node, "a pattern is a name or a list of token mappings")
    rules = sections.get("compounds")
    if rules is not None and not isinstance(rules, yaml.SequenceNode):
        raise file.error(rules, "'compounds' must be a list of rules")
    return [file.value(node) for node in patterns.value], [_compound(file, node) for node in getattr(rules, "value", ())]


def _compound(file: YamlFile, node: yaml.Node) -> Compound:
    """One compound rule of ``non_actors.yaml``."""
    keys = file.mapping(node, ("names",), optional=("followers", "preceders", "between"))
    kind = file.value(keys["names"])
    if kind not in NAME_KINDS:
        raise file.error(keys["names"], f"unknown kind of names '{kind}' (one of {', '.join(NAME_KINDS)})")
    if "followers" not in keys and "preceders" not in keys:
        raise file.error(node, "a compound rule needs 'followers' or 'preceders'")
    followers = file.words(keys["followers"], several=False, of="followers") if "followers" in keys else []
    preceders = []
    if "preceders" in keys:
        if not isinstance(keys["preceders"], yaml.SequenceNode):
            raise file.error(keys["preceders"], "'preceders' must be a list")
        for item in keys["preceders"].value:
            value = file.value(item)
            if not isinstance(value, str) or not value.strip():
                raise file.error(item, f"{item.value!r} in 'preceders' is not a phrase: quote it")
            preceders.append(" ".join(value.split()))
    between = file.number(keys["between"], int) if "between" in keys else 0
    if between < 0:
        raise file.error(keys["between"], f"'between' must be 0 or more, not {between}")
    return Compound(kind, tuple(followers), tuple(preceders), between)


def _successions(path: Path, entities: dict[str, Entity]) -> list[Succession]:
    """The rows of ``successions.csv`` (none when the file is absent); a name that is not one of
    ``id``'s names, an unknown state or a year that is not a whole number is a :class:`DataError`."""
    out = []
    for line, row in enumerate(_read_csv(path), 2):
        name, successor, state = row["name"].strip(), row["id"].strip(), row["state"].strip()
        if successor not in entities or name not in entities[successor].names:
            raise DataError(f"{path}:{line}: '{name}' is not a name of '{successor}' in the gazetteer")
        if state not in entities:
            raise DataError(f"{path}:{line}: unknown state '{state}'")
        if not row["until"].strip().isdigit():
            raise DataError(f"{path}:{line}: 'until' must be a year, not '{row['until']}'")
        out.append(Succession(name, successor, int(row["until"]), state))
    return out


def _pycountry_entities() -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    for c in pycountry.countries:
        entities[c.alpha_3] = _entity_from_pycountry(c)
    return entities


def _entity_from_pycountry(c) -> Entity:
    names = {
        getattr(c, attr)
        for attr in ("name", "common_name", "official_name")
        if getattr(c, attr, None) and _INVERTED not in getattr(c, attr)
    }
    label = getattr(c, "common_name", None) or c.name
    return Entity(c.alpha_3, label, COUNTRY, {_strip_the(n) for n in names}, {n for n in names if n != label})


@functools.lru_cache(maxsize=8)
def load_gazetteer(data_dir: Path = DATA_DIR) -> Gazetteer:
    """Load the gazetteer from pycountry and the CSV files in ``data_dir``."""
    data_dir = Path(data_dir)
    entities = _pycountry_entities()
    for row in _read_csv(data_dir / "countries.csv"):
        if row["id"] not in entities:
            # Historic states (SUN, YUG, CSK, DDR) only when the data file asks for them.
            historic = pycountry.historic_countries.get(alpha_3=row["id"])
            entities[row["id"]] = (
                _entity_from_pycountry(historic) if historic else Entity(row["id"], row["label"], COUNTRY)
            )
        ent = entities[row["id"]]
        ent.label = row.get("label") or ent.label
        aliases = _split(row.get("aliases"))
        ent.names |= {_strip_the(a) for a in aliases + [ent.label]}
        demonyms = _split(row.get("demonyms"))
        ent.demonyms |= set(demonyms) | {_plural(d) for d in demonyms if _plural(d)}
        ent.capitals |= set(_split(row.get("capitals")))
        ent.names |= ent.demonyms | ent.capitals
        ent.official_names |= {a for a in aliases if " of " in a}
    for row in _read_csv(data_dir / "organizations.csv"):
        names = {row["id"], row["label"], *_split(row.get("aliases")), *_split(row.get("parts"))}
        entities[row["id"]] = Entity(
            row["id"], row["label"], ORGANIZATION, {_strip_the(n) for n in names if n}, kind=row.get("kind", "")
        )
    for row in _read_csv(data_dir / "groups.csv"):
        names = {row["label"], *_split(row.get("aliases"))}
        entities[row["id"]] = Entity(row["id"], row["label"], GROUP, {_strip_the(n) for n in names if n})
    for ent in entities.values():
        # Typeset text writes the apostrophe of "People's Republic" as a closing quotation mark, which
        # text decoded with the wrong encoding shows as "â" ("Peopleâs").
        ent.names |= {name.replace("'", mark) for name in ent.names if "'" in name for mark in _APOSTROPHES}
    return Gazetteer(entities, *_non_actors(data_dir / "non_actors.yaml"), capitals=capital_names(data_dir),
                     successions=_successions(data_dir / "successions.csv", entities))


@functools.lru_cache(maxsize=8)
def capital_names(data_dir: Path = DATA_DIR) -> frozenset[str]:
    """The lower-cased capitals of ``countries.csv``: a country named by its capital is often a venue,
    a summit or a treaty ("the Moscow and Washington summits") rather than a state acting.

    >>> "reykjavik" in capital_names(), "iceland" in capital_names()
    (True, False)
    """
    return frozenset(c.lower() for row in _read_csv(Path(data_dir) / "countries.csv") for c in _split(row.get("capitals")))
