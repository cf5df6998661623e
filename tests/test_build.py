"""kg.build: mentions.csv joined from the rows each document's extraction rendered."""
import io
import json

from kg.build import build, joined_mentions_csv
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


def test_joined_mentions_csv_is_what_the_csv_writer_writes(tmp_path):
    result = build([_corpus(tmp_path)])
    joined = joined_mentions_csv(result)
    assert joined is not None and b'"Virgin Islands, British"' in joined and b'"with, comma"' in joined
    # metadata columns in the order first met, documents in id order; clashing names prefixed
    assert joined.startswith(b"doc_id,entity,type,text,start,end,doc_start,doc_entity,source,year,ratio,draft\r\n")
    assert joined == _written(result)


def test_a_build_writes_the_joined_mentions(tmp_path):
    result = build([_corpus(tmp_path)], out=tmp_path / "out", formats=["csv"], cache=False)
    assert (tmp_path / "out" / "mentions.csv").read_bytes() == _written(result)


def test_mentions_changed_after_the_build_are_written_from_the_records(tmp_path):
    from kg.build import write_outputs

    result = build([_corpus(tmp_path)])
    del result.mentions[0]
    assert joined_mentions_csv(result) is None
    write_outputs(result, tmp_path / "out", formats=["csv"])
    assert (tmp_path / "out" / "mentions.csv").read_bytes() == _written(result)


def test_cached_extractions_keep_their_rendered_rows(tmp_path):
    corpus = _corpus(tmp_path)
    first = build([corpus], out=tmp_path / "out")
    second = build([corpus], out=tmp_path / "out")
    assert second.mention_csv == first.mention_csv and joined_mentions_csv(second) == _written(second)


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


def test_mentions_set_on_a_result_replace_the_rendered_lines(tmp_path):
    from kg.records import Mention

    result = build([_corpus(tmp_path)])
    result.mentions = [Mention("plain", "QAT", "country", "Qatar", 0, 5)]
    assert result.mention_count == 1 and joined_mentions_csv(result) is None
    assert _written(result).decode().splitlines()[1].startswith("plain,QAT,country,Qatar,0,5,")
