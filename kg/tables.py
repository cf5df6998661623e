"""Facts and mentions as table rows with their documents' metadata: what ``facts.csv``,
``mentions.csv`` and the DataFrames hold.

A table has the record's standard columns, then one column per metadata key,
in the order the keys are first met going through the documents in id order;
a key named like a standard column is prefixed ``doc_`` (again, while that
names a standard column or another key: no metadata is merged or lost). Documents come in id
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


def column_names(keys: Iterable[str], standard: Sequence[str]) -> dict[str, str]:
    """The column of each metadata key in a table with the ``standard`` columns: the key,
    or for a key named like a standard column ``doc_<key>``, prefixed again while that
    is a standard column or another key, so no two keys share a column.

    >>> column_names(["start", "doc_start", "source"], ("start", "end"))
    {'start': 'doc_doc_start', 'doc_start': 'doc_start', 'source': 'source'}
    """
    keys = list(dict.fromkeys(keys))
    taken = set(standard) | set(keys)
    names = {}
    for key in keys:
        name = key
        if key in standard:
            name = f"doc_{key}"
            while name in taken:
                name = f"doc_{name}"
            taken.add(name)
        names[key] = name
    return names


def with_metadata(row: dict, meta: Mapping, standard: Sequence[str], names: Mapping[str, str] | None = None) -> dict:
    """``row`` with a document's metadata added under its column names (``names``, by
    default :func:`column_names` of its own keys)."""
    names = names if names is not None else column_names(meta, standard)
    for key, value in meta.items():
        row[names[key]] = value
    return row


def _table_names(doc_ids: Iterable[str], metadata: Mapping[str, dict], standard: Sequence[str]) -> dict[str, str]:
    """:func:`column_names` of every metadata key of the documents ``doc_ids``."""
    return column_names((key for doc_id in doc_ids for key in metadata.get(doc_id, {})), standard)


def metadata_columns(doc_ids: Iterable[str], metadata: Mapping[str, dict], standard: Sequence[str]) -> tuple[list[str], list[dict]]:
    """The table's columns (``standard``, then metadata keys in the order first met in
    ``doc_ids``) and each document's metadata under its column names."""
    doc_ids = list(doc_ids)
    names = _table_names(doc_ids, metadata, standard)
    extras = [with_metadata({}, metadata.get(doc_id, {}), standard, names) for doc_id in doc_ids]
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
    records = by_document(records)
    names = _table_names(dict.fromkeys(r.doc_id for r in records), metadata, standard)
    return [with_metadata(r.as_row(), metadata.get(r.doc_id, {}), standard, names) for r in records]
