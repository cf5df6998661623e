"""Canonical entities and the surface forms that name them.

Countries come from ``pycountry`` (ISO 3166-1 alpha-3 ids, plus historic
states), enriched by ``kg/data/countries.csv`` (labels, aliases, demonyms,
capitals); organisations from ``kg/data/organizations.csv``; collectives from
``kg/data/groups.csv``; names that contain an actor's name without being one
("Gulf of Oman") from ``kg/data/non_actors.yaml``.

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
from typing import Iterator

import pycountry
import yaml

DATA_DIR = Path(__file__).parent / "data"

COUNTRY = "country"
ORGANIZATION = "organization"
GROUP = "group"
NON_ACTOR = "non_actor"

# pycountry names that are not prose ("Korea, Republic of") or not actors.
_INVERTED = ", "


#: libyaml's safe loader where PyYAML was built with it (5x faster than the pure-Python one).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load_yaml(text: str) -> object:
    """``yaml.safe_load`` of ``text``, with libyaml when available."""
    return yaml.load(text, Loader=YAML_LOADER)


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


@dataclass(slots=True)
class Gazetteer:
    """All entities by id, and the phrases that are names but not actors."""

    entities: dict[str, Entity]
    non_actor_patterns: list = field(default_factory=list)

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

    def ruler_patterns(self) -> list[dict]:
        """SpanRuler patterns: label = entity type, id = canonical id."""
        patterns: list[dict] = []
        for ent in sorted(self.entities.values(), key=lambda e: e.id):
            for name in sorted(ent.names):
                patterns.append({"label": ent.type, "pattern": name, "id": ent.id})
        for pattern in self.non_actor_patterns:
            patterns.append({"label": NON_ACTOR, "pattern": pattern, "id": ""})
        return patterns

    def country_names(self) -> dict[str, str]:
        """Every country name (not demonyms) -> id, for fuzzy matching."""
        out: dict[str, str] = {}
        for ent in self.entities.values():
            if ent.type == COUNTRY:
                for name in ent.names:
                    if " " not in name and name[:1].isupper() and len(name) >= 5 and not name.isupper():
                        out[name] = ent.id
        return out


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def _plural(demonym: str) -> str:
    """The people of a country as actors: "Pakistani" -> "Pakistanis", "Palestinian" -> "Palestinians".

    Only for demonyms ending in -an or -i, whose plural is regular; "British", "Chinese" have none.
    """
    return demonym + "s" if demonym.endswith(("an", "i")) and " " not in demonym else ""


def _strip_the(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    if not path.exists():
        return iter(())
    with path.open(encoding="utf-8", newline="") as fh:
        return iter(list(csv.DictReader(fh)))


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
        ent.names |= set(demonyms) | {_plural(d) for d in demonyms if _plural(d)} | set(_split(row.get("capitals")))
        ent.official_names |= {a for a in aliases if " of " in a}
    for row in _read_csv(data_dir / "organizations.csv"):
        names = {row["id"], row["label"], *_split(row.get("aliases")), *_split(row.get("parts"))}
        entities[row["id"]] = Entity(
            row["id"], row["label"], ORGANIZATION, {_strip_the(n) for n in names if n}, kind=row.get("kind", "")
        )
    for row in _read_csv(data_dir / "groups.csv"):
        names = {row["label"], *_split(row.get("aliases"))}
        entities[row["id"]] = Entity(row["id"], row["label"], GROUP, {_strip_the(n) for n in names if n})
    non_actor_patterns: list = []
    path = data_dir / "non_actors.yaml"
    if path.exists():
        non_actor_patterns = list(safe_load_yaml(path.read_text(encoding="utf-8")).get("patterns", []))
    return Gazetteer(entities, non_actor_patterns)
