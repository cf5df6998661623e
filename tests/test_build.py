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
