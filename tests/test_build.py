"""kg.build: the build's records, its mentions.csv, its options, and custom data reaching every stage."""
import io
import json

import pytest

from kg.build import BuildOptions, build
from kg.errors import OptionError
from kg.export import write_table


def _written(result) -> bytes:
    buffer = io.StringIO(newline="")
    write_table(*result.mention_table(), buffer)
    return buffer.getvalue().encode("utf-8")


def _corpus(tmp_path):
    lines = [
        {"id": "plain", "text": "Qatar and Turkey held joint drills. Oman watched.", "year": 2020},
        {"id": "with, comma", "text": "Officials of the Virgin Islands, British met Pakistan.", "source": 'a "quoted" paper'},
        {"id": "line\nbreak", "text": "Japan and India trained together.", "year": 2021, "ratio": 0.5, "draft": True},
        {"id": "bare", "text": "Nothing about states here."},
        {"id": "empty meta", "text": "France signed with Egypt.", "source": ""},
        {"id": "clash", "text": "Chile and Peru held naval drills.", "start": 5, "entity": "x"},  # as doc_start, doc_entity
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    return path


def _written_rows(result) -> bytes:
    """mentions.csv written from the mention records, one dict row each."""
    from kg.export import csv_text, table_columns
    from kg.records import MENTION_COLUMNS

    rows = result.mention_rows()
    return csv_text(rows, table_columns(rows, MENTION_COLUMNS)).encode("utf-8")


def test_a_build_writes_mentions_csv_from_the_spooled_rows(tmp_path):
    result = build([_corpus(tmp_path)], out=tmp_path / "out", formats=["csv"], cache=False)
    written = (tmp_path / "out" / "mentions.csv").read_bytes()
    assert b'"Virgin Islands, British"' in written and b'"with, comma"' in written
    # metadata columns in the order first met, documents in id order; clashing names prefixed
    assert written.startswith(b"doc_id,entity,type,text,start,end,doc_start,doc_entity,source,year,ratio,draft\r\n")
    assert written == _written(result) == _written_rows(result)


def test_mentions_changed_after_the_build_are_written_from_the_records(tmp_path):
    from kg.render import write_outputs

    result = build([_corpus(tmp_path)])
    found = len(result.mentions)
    assert result.mentions.pop(0).text == "Qatar"
    write_outputs(result, tmp_path / "out", formats=["csv"])
    written = (tmp_path / "out" / "mentions.csv").read_bytes()
    assert written == _written(result) and written.count(b"\r\n") == found  # the header and one row fewer
    assert b"plain,QAT,country,Qatar" not in written


def test_cached_extractions_keep_their_mention_rows(tmp_path):
    corpus = _corpus(tmp_path)
    first = build([corpus], out=tmp_path / "out")
    second = build([corpus], out=tmp_path / "out")
    assert dict(second.document_mentions) == dict(first.document_mentions) and second.mentions == first.mentions
    assert (tmp_path / "out" / "mentions.csv").read_bytes() == _written(first)


def test_the_graph_counts_the_mentions_the_records_hold(tmp_path):
    from collections import Counter

    from kg.graph import EntityCounts

    more = tmp_path / "more.txt"
    more.write_text("Turkey and Qatar met; Turkey hosted Oman.", encoding="utf-8")
    result = build([_corpus(tmp_path), more])
    assert result.mention_count == len(result.mentions) > 0
    assert EntityCounts.of(result.mentions) == result.entity_counts
    per_entity = Counter(m.entity for m in result.mentions)
    for entity, count in per_entity.items():
        assert result.graph.nodes[entity]["mentions"] == count
    documents = {m.doc_id for m in result.mentions if m.entity == "TUR"}
    assert result.graph.nodes["TUR"]["documents"] == len(documents) == 2


def test_mentions_set_on_a_result_replace_the_spooled_rows(tmp_path):
    from kg.records import Mention

    result = build([_corpus(tmp_path)])
    result.mentions = [Mention("plain", "QAT", "country", "Qatar", 0, 5)]
    assert result.mention_count == 1
    assert _written(result).decode().splitlines() == ["doc_id,entity,type,text,start,end,year", "plain,QAT,country,Qatar,0,5,2020"]


def test_options_are_checked_before_the_output_folder_is_made(tmp_path):
    corpus = _corpus(tmp_path)
    with pytest.raises(OptionError, match=r"^unknown format 'pdf' \(choose from csv, graphml, gexf, html\)$"):
        build([corpus], out=tmp_path / "out", formats=["csv", "pdf"])
    with pytest.raises(OptionError, match="^--workers must be at least 1, not 0$"):
        build([corpus], out=tmp_path / "out", workers=0)
    with pytest.raises(OptionError, match="no such data folder$"):
        BuildOptions(data_dir=tmp_path / "nowhere")
    assert not (tmp_path / "out").exists()


def test_a_data_folders_ontology_is_the_builds_unless_one_is_named(tmp_path):
    import shutil

    from kg.gazetteer import DATA_DIR
    from kg.ontology import ONTOLOGY_PATH

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    ontology = (data / "ontology.yaml").read_text(encoding="utf-8")
    (data / "ontology.yaml").write_text(ontology.replace("label: Joint exercises", "label: Joint drills (edited)"), encoding="utf-8")
    corpus = tmp_path / "drills.txt"
    corpus.write_text("Qatar and Turkey held joint drills.", encoding="utf-8")
    labels = {
        name: build([corpus], data_dir=data, **options).graph.nodes["activity:joint_exercises"]["label"]
        for name, options in (("edited", {}), ("named", {"ontology": ONTOLOGY_PATH}))
    }
    assert labels == {"edited": "Joint drills (edited)", "named": "Joint exercises"}
