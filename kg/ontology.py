"""The ontology (partnership types, activities) and the relation cues, from data files.

>>> onto = load_ontology()
>>> "intelligence_sharing" in onto.activities
True
>>> onto.activities["intelligence_sharing"].cameo
'064'
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.gazetteer import DATA_DIR, safe_load_yaml

ONTOLOGY_PATH = DATA_DIR / "ontology.yaml"
PARTNERSHIP_TYPE = "partnership_type"
ACTIVITY = "activity"


class OntologyError(ValueError):
    """The ontology file is missing, not YAML, or not of the expected shape."""


@dataclass(frozen=True, slots=True)
class Concept:
    """A partnership type or an activity, with its cues."""

    id: str
    label: str
    cues: tuple = ()
    cameo: str = ""


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
        """SpanRuler patterns: label = ``partnership_type``/``activity``, id = concept id."""
        patterns: list[dict] = []
        for kind, concepts in ((PARTNERSHIP_TYPE, self.partnership_types), (ACTIVITY, self.activities)):
            for concept in concepts.values():
                patterns += _patterns(kind, concept.id, concept.cues)
        return patterns


@dataclass(slots=True)
class Cues:
    """Relation cues: phrase cues by kind, and word lists by name."""

    phrases: dict[str, list] = field(default_factory=dict)
    words: dict[str, frozenset] = field(default_factory=dict)

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


def _read_yaml(path: Path) -> Any:
    try:
        return safe_load_yaml(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise OntologyError(f"{path}: no such file") from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise OntologyError(f"{where}: not valid YAML ({getattr(err, 'problem', err)})") from err


def _concepts(path: Path, data: dict, section: str) -> dict[str, Concept]:
    entries = data.get(section)
    if not isinstance(entries, dict) or not entries:
        raise OntologyError(f"{path}: needs a '{section}' mapping of id -> {{label, cues}}")
    concepts = {}
    for concept_id, spec in entries.items():
        spec = spec or {}
        if not isinstance(spec, dict) or not isinstance(spec.get("cues", []), list):
            raise OntologyError(f"{path}: {section}.{concept_id} must have a list of 'cues'")
        concepts[str(concept_id)] = Concept(
            str(concept_id),
            str(spec.get("label") or concept_id.replace("_", " ").capitalize()),
            tuple(spec.get("cues") or ()),
            str(spec.get("cameo") or ""),
        )
    return concepts


@functools.lru_cache(maxsize=8)
def load_ontology(path: Path | str | None = None) -> Ontology:
    """Load an ontology YAML file (default: the packaged ``kg/data/ontology.yaml``)."""
    path = Path(path) if path else ONTOLOGY_PATH
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise OntologyError(f"{path}: expected a mapping with 'partnership_types' and 'activities'")
    return Ontology(
        _concepts(path, data, "partnership_types"),
        _concepts(path, data, "activities"),
        hashlib.sha256(path.read_bytes()).hexdigest()[:16],
    )


@functools.lru_cache(maxsize=8)
def load_cues(data_dir: Path = DATA_DIR) -> Cues:
    """Load the relation cues from ``cues.yaml`` in ``data_dir``."""
    data = _read_yaml(Path(data_dir) / "cues.yaml")
    phrases = {kind: list(cues or []) for kind, cues in (data.get("phrases") or {}).items()}
    words = {}
    for name, ws in (data.get("words") or {}).items():
        if any(isinstance(w, bool) for w in ws or []):
            raise OntologyError(f"cues.yaml: words.{name}: quote words YAML reads as booleans (\"on\", \"no\")")
        words[name] = frozenset(str(w).lower() for w in ws or [])
    return Cues(phrases, words)
