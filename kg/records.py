"""The plain records passed from one pipeline stage to the next.

corpus -> :class:`Document` -> spaCy ``Doc`` -> :class:`Mention` / :class:`Fact`
-> graph -> exports. Records are frozen dataclasses of plain values so they
pickle across processes and compare by value in tests.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

#: Columns of ``mentions.csv`` in order.
MENTION_COLUMNS = ("doc_id", "entity", "type", "text", "start", "end")

#: Columns of ``facts.csv`` in order (document metadata columns follow them).
FACT_COLUMNS = (
    "doc_id",
    "sentence",
    "start",
    "end",
    "relation",
    "source",
    "target",
    "partnership_type",
    "activity",
    "evidence",
    "confidence",
    "method",
    "year",
    "date",
    "date_source",
)

# A record's values in field order: what it is pickled as (see Mention.__reduce__).
_MENTION_VALUES = attrgetter(*MENTION_COLUMNS)
_FACT_VALUES = attrgetter(*FACT_COLUMNS)

#: ``Fact.relation`` values.
PARTNERSHIP = "partnership"
MEMBERSHIP = "membership"
#: A generic statement about a partnership type ("security partnerships involve
#: intelligence sharing"): source is the partnership type, target empty.
TYPE_ACTIVITY = "type_activity"


@dataclass(frozen=True, slots=True)
class Document:
    """One input text with its id, metadata and where it came from.

    >>> Document("d1", "Qatar and Turkey held drills.").id
    'd1'
    """

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    origin: str = ""  # "path" or "path:line", for messages


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity mention linked to its canonical id.

    ``start``/``end`` are character offsets in the document text.
    """

    doc_id: str
    entity: str
    type: str
    text: str
    start: int
    end: int

    def as_row(self) -> dict[str, Any]:
        """The mention as a ``mentions.csv`` row."""
        # not dataclasses.asdict, which deep-copies every value
        return {name: getattr(self, name) for name in MENTION_COLUMNS}

    def __reduce__(self):
        # Pickled as the class and its values: a frozen dataclass' own pickle state costs
        # a fields() call per record, each way (workers send every mention back).
        return Mention, _MENTION_VALUES(self)


@dataclass(frozen=True, slots=True)
class Fact:
    """One assertion backed by one evidence sentence.

    ``relation`` is ``partnership`` (unordered: source and target cooperate),
    ``membership`` (source belongs to organisation target) or ``type_activity``
    (a generic statement that partnerships of type ``source`` involve
    ``activity``). ``sentence`` is the index of the evidence sentence in the
    document and ``start``/``end`` its character offsets; ``method`` names the
    rule that produced the fact. ``year`` is the year of the event: the one
    the sentence states (``date_source`` ``text``, ``date`` as much of the date
    as it states when it names a month), else the document's (``document``,
    ``date`` the document's), else None (``date_source`` empty); see
    :mod:`kg.dates`.
    """

    doc_id: str
    sentence: int
    start: int
    end: int
    relation: str
    source: str
    target: str
    partnership_type: str = ""
    activity: str = ""
    evidence: str = ""
    confidence: float = 0.0
    method: str = ""
    year: int | None = None
    date: str = ""
    date_source: str = ""

    def as_row(self) -> dict[str, Any]:
        """The fact as a ``facts.csv`` row."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __reduce__(self):
        return Fact, _FACT_VALUES(self)  # as Mention's
