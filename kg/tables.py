"""Facts and mentions as table rows with their documents' metadata: what ``facts.csv``,
``mentions.csv`` and the DataFrames hold.

A table has the record's standard columns, then one column per metadata key,
in the order the keys are first met going through the documents in id order;
a key named like a standard column is prefixed ``doc_``. Documents come in id
order, each document's records in their own order, so the same documents give
the same rows however the inputs were listed or scheduled.

>>> columns, rows = table([("d", [("d", "TUR")])], {"d": {"year": 1990, "entity": "x"}}, ("doc_id", "entity"))
>>> columns, list(rows)
(['doc_id', 'entity', 'year', 'doc_entity'], [('d', 'TUR', 1990, 'x')])
"""
from __future__ import annotations

import itertools
from operator import attrgetter
from typing import Iterable, Iterator, Mapping, Sequence

_DOC_ID = attrgetter("doc_id")


def by_document(records: Iterable) -> list:
    """``records`` (facts or mentions) in document id order, each document's own order kept."""
    return sorted(records, key=_DOC_ID)


def with_metadata(row: dict, meta: Mapping, standard: Sequence[str]) -> dict:
    """``row`` with a document's metadata added under its column names."""
    for key, value in meta.items():
        row[f"doc_{key}" if key in standard else key] = value
    return row


def metadata_columns(doc_ids: Iterable[str], metadata: Mapping[str, dict], standard: Sequence[str]) -> tuple[list[str], list[dict]]:
    """The table's columns (``standard``, then metadata keys in the order first met in
    ``doc_ids``) and each document's metadata under its column names."""
    extras = [with_metadata({}, metadata.get(doc_id, {}), standard) for doc_id in doc_ids]
    columns = list(standard)
    for extra in extras:
        columns += [key for key in extra if key not in columns]
    return columns, extras


def table(
    documents: Sequence[tuple[str, Iterable[tuple]]], metadata: Mapping[str, dict], standard: Sequence[str]
) -> tuple[list[str], Iterator[tuple]]:
    """The columns and rows of a table of ``documents``: ``(doc_id, rows of the standard
    columns' values)`` in id order. The rows are made as they are read, one metadata
    suffix per document."""
    columns, extras = metadata_columns([doc_id for doc_id, _ in documents], metadata, standard)
    suffixes = [tuple(extra.get(column, "") for column in columns[len(standard):]) for extra in extras]
    rows = (row + suffix for (_, values), suffix in zip(documents, suffixes) for row in values)
    return columns, rows


def record_table(records: Iterable, metadata: Mapping[str, dict], standard: Sequence[str]) -> tuple[list[str], Iterator[tuple]]:
    """:func:`table` of records (facts or mentions) whose fields are the ``standard`` columns."""
    values = attrgetter(*standard)
    documents = [(doc_id, list(map(values, group))) for doc_id, group in itertools.groupby(by_document(records), key=_DOC_ID)]
    return table(documents, metadata, standard)


def record_rows(records: Iterable, metadata: Mapping[str, dict], standard: Sequence[str]) -> list[dict]:
    """Each record's table row as a dict: its ``as_row()``, then its document's metadata."""
    return [with_metadata(r.as_row(), metadata.get(r.doc_id, {}), standard) for r in by_document(records)]
