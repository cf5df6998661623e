"""When a fact happened: the year its sentence states, else its document's.

A sentence states the year of its event when a year follows a cue of time:
"In 2003, ...", "signed in March 2016", "on 12 March 2016", "since 1951" (the
start of what the sentence says), "from 2014 to 2016" and "2014-2016" (a range:
its first year), or relative to the document's year: "last year", "this year",
"next year", "three years ago". A year without such a cue names something
rather than dating the event and is ignored: "Vision 2030", "Resolution 1973",
"resolution 2231 (2015)", "the 1951 Refugee Convention", "the 2015 Paris
Agreement" (a treaty named in passing is not the year two states cooperated),
"by 2030" (a target), decades ("the 1990s") and quantities ("in 2000 troops").
A sentence that states several years is dated by the first.

The rules are regular expressions over the sentence: a date parser
(``dateparser``) reads a date string well but does not tell the year of the
event from the year in a name, which is the whole question here.

>>> stated_year("In 2003, Qatar and Turkey held joint drills.")
2003
>>> stated_year("Under Vision 2030, Saudi Arabia and Egypt signed a pact.") is None
True
>>> stated_year("Last year Oman and India held drills.", doc_year=2021)
2020
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Iterable

from kg.records import Fact

#: ``Fact.date_source`` values: the sentence states the year, or it is the document's.
TEXT = "text"
DOCUMENT = "document"

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"), ("May",), ("June", "Jun"),
         ("July", "Jul"), ("August", "Aug"), ("September", "Sep", "Sept"), ("October", "Oct"), ("November", "Nov"),
         ("December", "Dec")],
        1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))

# A year: four digits from 1800 to 2099, not part of a longer number, an amount or a decade ("1990s").
_YEAR = re.compile(r"(?<![\d.,/$€£#-])\b(1[89]\d\d|20\d\d)\b(?![.,]\d|s\b|-year|\s*%)")
# What may stand right before a year that dates the event: a preposition of time, with an
# optional qualifier ("in late 2016", "in the summer of 2016").
_CUE = re.compile(
    r"\b(?P<cue>in|since|from|during|throughout|on|as of|between|starting in|beginning in)\s+"
    r"(?:(?:early|late|mid)[-\s]|the\s+(?:spring|summer|autumn|fall|winter|beginning|start|end|middle|"
    r"first half|second half)\s+of\s+)?$",
    re.IGNORECASE,
)
# A month (capitalised: "may" is a verb) with an optional day before or after it:
# "March 2016", "12 March 2016", "March 12, 2016", "March of 2016".
_MONTH_BEFORE = re.compile(
    rf"(?:\b(?P<day_first>\d{{1,2}})(?:st|nd|rd|th)?\s+)?\b(?P<month>{_MONTH})\.?\s+"
    rf"(?:(?P<day_after>\d{{1,2}})(?:st|nd|rd|th)?,?\s+)?(?:of\s+)?$"
)
# A number right after the year that is a quantity, not a date: "in 2000 troops".
_QUANTITY_AFTER = re.compile(
    r"\s+(?:troops|soldiers|personnel|men|women|people|refugees|tonnes|tons|km|kilometres|kilometers|miles|"
    r"units|tanks|aircraft|dollars|euros|officers|vessels|ships)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10}
_RELATIVE = re.compile(
    r"\b(?:(?P<which>last|this|next|past)\s+year|(?P<count>\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"\s+years?\s+ago)\b",
    re.IGNORECASE,
)
_RELATIVE_SHIFT = {"last": -1, "past": -1, "this": 0, "next": 1}
_DOCUMENT_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


@dataclass(frozen=True, slots=True)
class StatedDate:
    """The date a sentence states for its event: a year, and the month and day when it names them.

    >>> StatedDate(2016, 3).iso
    '2016-03'
    """

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``: as much as the sentence says."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def stated_date(sentence: str, doc_year: int | None = None) -> StatedDate | None:
    """The date ``sentence`` states for its event (the first it states), or None.

    Relative years ("last year") need ``doc_year``, the year of the document.

    >>> stated_date("The pact was signed on 12 March 2016 in Lima.")
    StatedDate(year=2016, month=3, day=12)
    >>> stated_date("Kenya and Uganda, parties to the 1951 Refugee Convention, met.") is None
    True
    """
    found: list[tuple[int, StatedDate]] = []
    for match in _YEAR.finditer(sentence):
        if _QUANTITY_AFTER.match(sentence, match.end()):
            continue
        before = sentence[max(0, match.start() - 40):match.start()]
        month = _MONTH_BEFORE.search(before)
        if month:
            day = int(month.group("day_first") or month.group("day_after") or 0)
            found.append((match.start(), StatedDate(int(match.group(1)), _MONTHS[month.group("month")], day if 1 <= day <= 31 else None)))
            break
        if _CUE.search(before):
            found.append((match.start(), StatedDate(int(match.group(1)))))
            break
    if doc_year is not None:
        relative = _RELATIVE.search(sentence)
        if relative:
            if relative.group("which"):
                shift = _RELATIVE_SHIFT[relative.group("which").lower()]
            else:
                count = relative.group("count").lower()
                shift = -(int(count) if count.isdigit() else _NUMBER_WORDS[count])
            found.append((relative.start(), StatedDate(doc_year + shift)))
    return min(found, key=lambda item: item[0])[1] if found else None


def stated_year(sentence: str, doc_year: int | None = None) -> int | None:
    """The year ``sentence`` states for its event, or None (see :func:`stated_date`).

    >>> stated_year("Chile and Peru have held naval drills since 1951.")
    1951
    >>> stated_year("Resolution 1973 was cited by France and Italy.") is None
    True
    """
    date = stated_date(sentence, doc_year)
    return date.year if date else None


def document_year(meta: dict[str, Any]) -> int | None:
    """The year of a document from its ``year`` metadata, else the first year in its ``date``.

    >>> document_year({"date": "2019-05-01"}), document_year({"year": 1970}), document_year({})
    (2019, 1970, None)
    """
    for key in ("year", "date"):
        value = meta.get(key)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int) and 1800 <= value <= 2099:
            return value
        match = _DOCUMENT_YEAR.search(str(value))
        if match:
            return int(match.group(1))
    return None


def dated_facts(facts: Iterable[Fact], meta: dict[str, Any]) -> list[Fact]:
    """``facts`` of one document with ``year``, ``date`` and ``date_source`` set.

    A fact whose evidence sentence states a date gets it (``date_source``
    ``text``); any other gets its document's year and ``date`` metadata
    (``document``); with neither, the three stay empty.

    >>> fact = Fact("d", 0, 0, 40, "partnership", "QAT", "TUR", evidence="In 2003, Qatar and Turkey held drills.")
    >>> [(f.year, f.date, f.date_source) for f in dated_facts([fact], {"date": "2021-09-22"})]
    [(2003, '', 'text')]
    """
    doc_year = document_year(meta)
    doc_date = meta.get("date")
    doc_date = doc_date if isinstance(doc_date, str) else ""
    by_sentence: dict[int, tuple[int | None, str, str]] = {}
    dated = []
    for fact in facts:
        if fact.sentence not in by_sentence:
            date = stated_date(fact.evidence, doc_year)
            if date is not None:
                by_sentence[fact.sentence] = (date.year, date.iso if date.month else "", TEXT)
            elif doc_year is not None:
                by_sentence[fact.sentence] = (doc_year, doc_date, DOCUMENT)
            else:
                by_sentence[fact.sentence] = (None, "", "")
        year, date, source = by_sentence[fact.sentence]
        dated.append(replace(fact, year=year, date=date, date_source=source) if source else fact)
    return dated
