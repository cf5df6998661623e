"""Table rows with their documents' metadata: columns never merged, rows in document id order."""
from kg.records import FACT_COLUMNS, MENTION_COLUMNS, Mention
from kg.tables import column_names, record_rows, record_table


def test_a_key_named_like_a_column_is_prefixed_until_no_other_key_or_column_has_the_name():
    names = column_names(["start", "doc_start", "doc_doc_start", "doc_id", "region"], FACT_COLUMNS)
    assert names == {"start": "doc_doc_doc_start", "doc_start": "doc_start", "doc_doc_start": "doc_doc_start",
                     "doc_id": "doc_doc_id", "region": "region"}
    assert len(set(names.values())) == len(names)


def test_every_metadata_value_reaches_the_table_under_its_own_column():
    mentions = [Mention("d2", "TUR", "country", "Turkey", 0, 6), Mention("d1", "PAK", "country", "Pakistan", 0, 8)]
    metadata = {"d1": {"start": "dawn", "doc_start": "early"}, "d2": {"end": "dusk"}}
    columns, rows = record_table(mentions, metadata, MENTION_COLUMNS)
    assert columns == [*MENTION_COLUMNS, "doc_doc_start", "doc_start", "doc_end"]
    assert list(rows) == [("d1", "PAK", "country", "Pakistan", 0, 8, "dawn", "early", ""),
                          ("d2", "TUR", "country", "Turkey", 0, 6, "", "", "dusk")]
    dict_rows = record_rows(mentions, metadata, MENTION_COLUMNS)
    assert [(r["doc_id"], r.get("doc_doc_start"), r.get("doc_start"), r.get("doc_end")) for r in dict_rows] == [
        ("d1", "dawn", "early", None), ("d2", None, None, "dusk")]
