import datetime
import io
import json
import zipfile

import pytest

from kg.corpus import CorpusError, decode, read_corpus


def read(paths):
    warnings = []
    docs = list(read_corpus(paths, on_warning=warnings.append))
    return docs, warnings


def test_text_files_use_the_stem_as_id_and_folders_are_recursive(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("Alpha.", encoding="utf-8")
    (tmp_path / "sub" / "b.md").write_text("Beta.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Not read.", encoding="utf-8")
    docs, warnings = read([tmp_path])
    assert [(d.id, d.text) for d in docs] == [("a", "Alpha."), ("b", "Beta.")]
    assert warnings == [f"{tmp_path / '.hidden.txt'}: a hidden file, skipped"]


def test_jsonl_records_carry_metadata_and_each_bad_line_is_named(tmp_path):
    path = tmp_path / "c.jsonl"
    lines = [
        json.dumps({"id": "x", "text": "One.", "year": 2020}),
        "{broken",
        json.dumps({"id": "y"}),
        json.dumps({"id": "z", "text": 42}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": {"nested": 1}, "text": "Bad id."}),
        json.dumps({"id": 7, "text": "Numeric id."}),
    ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    docs, warnings = read([path])
    assert [(d.id, d.meta, d.origin) for d in docs] == [("x", {"year": 2020}, f"{path}:1"), ("7", {}, f"{path}:7")]
    assert warnings == [
        f"{path}:2: invalid JSON (Expecting property name enclosed in double quotes: column 2), skipped",
        f"{path}:3: no 'text', skipped",
        f"{path}:4: 'text' is int, not a string, skipped",
        f"{path}:5: expected a JSON object, got list, skipped",
        f"{path}:6: 'id' is dict, not a string or integer, skipped",
    ]


def test_jsonl_lines_end_only_at_newline_and_lone_surrogates_are_replaced(tmp_path):
    path = tmp_path / "c.jsonl"
    # U+2028 and a form feed are legal unescaped inside JSON strings: they must not split the line.
    first = json.dumps({"id": "a", "text": "Line\u2028separator and\x0cfeed."}, ensure_ascii=False)
    second = '{"id": "b", "text": "Broken \\ud800 surrogate."}'
    path.write_text(first + "\n" + second + "\n", encoding="utf-8")
    docs, warnings = read([path])
    assert [d.text for d in docs] == ["Line\u2028separator and\x0cfeed.", "Broken \ufffd surrogate."]
    assert warnings == [f"{path}:2: lone surrogate escapes in 'text', replaced with U+FFFD"]


def test_binary_files_in_a_folder_are_skipped_and_named(tmp_path):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("inner.txt", "Qatar and Turkey.")
    (tmp_path / "bundle.zip").write_bytes(archive.getvalue())
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    (tmp_path / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "disguised.txt").write_bytes(b"\x00\x01\x02\x03 looks like text to its name")
    (tmp_path / "notes.rtf").write_text("{\\rtf1 Qatar and Turkey.}", encoding="utf-8")
    (tmp_path / "good.txt").write_text("Qatar and Turkey held drills.", encoding="utf-8")
    docs, warnings = read([tmp_path])
    assert [d.id for d in docs] == ["good"]
    assert sorted(warnings) == sorted([
        f"{tmp_path / 'bundle.zip'}: binary file (ZIP), skipped",
        f"{tmp_path / 'report.pdf'}: binary file (PDF), skipped",
        f"{tmp_path / 'scan.png'}: binary file (PNG), skipped",
        f"{tmp_path / 'disguised.txt'}: binary file (NUL bytes), skipped",
        f"{tmp_path / 'notes.rtf'}: not a .txt, .md, .jsonl, .csv, .tsv or .parquet file, skipped",
    ])


@pytest.mark.parametrize(
    "encoding, data, warned",
    [
        ("utf-8-sig", "\ufeffDéfense pact signed in Bogotá.".encode("utf-8"), None),
        ("utf-16-le", "\ufeffDéfense pact signed in Bogotá.".encode("utf-16-le"), "utf-16"),
        ("utf-16-be", "\ufeffDéfense pact signed in Bogotá.".encode("utf-16-be"), "utf-16"),
        ("utf-32", "Défense pact signed in Bogotá.".encode("utf-32"), "utf-32"),
        ("latin-1", "Défense pact signed in Bogotá.".encode("latin-1"), "cp1252"),
        ("cp1252", "São Paulo’s “défense” pact — €5bn.".encode("cp1252"), "cp1252"),
        ("cp1251", "Россия и Казахстан подписали соглашение об обороне.".encode("cp1251"), "cp1251"),
    ],
)
def test_text_encodings_are_decoded(encoding, data, warned):
    warnings = []
    text = decode(data, "f.txt", warnings.append)
    expected = data.decode(encoding).lstrip("\ufeff")
    assert text == expected
    assert warnings == ([f"f.txt: not UTF-8, decoded as {warned}"] if warned else [])


def test_plain_utf8_is_read_silently():
    warnings = []
    assert decode("Türkiye and Pakistan 🤝 agreed.".encode(), "f.txt", warnings.append) == "Türkiye and Pakistan 🤝 agreed."
    assert warnings == []


def test_duplicate_ids_name_both_places_and_keep_the_first(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "same.txt").write_text("First.", encoding="utf-8")
    (tmp_path / "b" / "same.txt").write_text("Second.", encoding="utf-8")
    (tmp_path / "b" / "other.txt").write_text("Third.", encoding="utf-8")
    docs, warnings = read([tmp_path])
    assert [d.text for d in docs] == ["First.", "Third."]
    assert warnings == [f"{tmp_path / 'b' / 'same.txt'}: duplicate document id 'same', also in {tmp_path / 'a' / 'same.txt'}; skipped"]


def test_duplicate_ids_across_a_text_file_and_a_jsonl_line(tmp_path):
    (tmp_path / "d1.txt").write_text("First.", encoding="utf-8")
    lines = tmp_path / "more.jsonl"
    lines.write_text(json.dumps({"id": "other", "text": "Fine."}) + "\n" + json.dumps({"id": "d1", "text": "Again."}) + "\n")
    docs, warnings = read([tmp_path / "d1.txt", lines])
    assert [d.id for d in docs] == ["d1", "other"]
    assert warnings == [f"{lines}:2: duplicate document id 'd1', also in {tmp_path / 'd1.txt'}; skipped"]


def test_the_same_file_named_twice_is_read_once(tmp_path):
    (tmp_path / "a.txt").write_text("Alpha.", encoding="utf-8")
    docs, warnings = read([tmp_path, tmp_path / "a.txt"])
    assert [d.id for d in docs] == ["a"] and warnings == []


def test_paths_are_checked_before_any_document_is_read(tmp_path):
    (tmp_path / "a.txt").write_text("Alpha.", encoding="utf-8")
    with pytest.raises(CorpusError, match=f"^{tmp_path / 'nope'}: no such file or folder$"):
        read_corpus([tmp_path / "a.txt", tmp_path / "nope"])  # raised on the call, not on iteration
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match=f"^{tmp_path / 'empty'}: empty folder, no files to read$"):
        read_corpus([tmp_path / "empty"])


def test_no_usable_document_at_all_is_an_error(tmp_path):
    (tmp_path / "blank.txt").write_text("  \n", encoding="utf-8")
    warnings = []
    with pytest.raises(CorpusError, match="no documents to build"):
        list(read_corpus([tmp_path], on_warning=warnings.append))
    assert warnings == [f"{tmp_path / 'blank.txt'}: empty, skipped"]


_AWKWARD_LINES = [
    b'{"id": "a", "text": "Plain.", "year": 1999, "score": 0.5, "big": 123456789012345678901234567890}',
    b'{"id": "b", "text": "Caf\xc3\xa9 \\u00e9 \\ud83d\\ude00", "a": 1, "a": 2}',
    b'{"id": "c", "text": "Lone \\udc00 escape."}',
    b'{"id": "d", "text": "Too big", "x": 1e400, "y": NaN}',
    b"\xc2\xa0\x1c",  # a line of Unicode spaces only
    b"   ",
    b'{"id": "e", "text": "Trailing"} junk',
    b'{"id": 12345678901234567890123, "text": "Huge id."}',
    b'["a", "list"]',
    b'{"id": "f", "text": "CRLF line."}\r',
    b'{"id": "g", "text": "   "}',
]


@pytest.mark.parametrize("tail", [b"", b"\n", b"\n\n"])
def test_jsonl_read_with_orjson_yields_what_the_standard_library_yields(tmp_path, monkeypatch, tail):
    import kg.corpus

    path = tmp_path / "c.jsonl"
    path.write_bytes(b"\n".join(_AWKWARD_LINES) + tail)
    fast = read([path])
    monkeypatch.setattr(kg.corpus, "_utf8_json_lines", lambda data: None)
    slow = read([path])
    assert [(d.id, d.text, d.meta, d.origin) for d in fast[0]] == [(d.id, d.text, d.meta, d.origin) for d in slow[0]]
    assert fast[1] == slow[1]
    assert [d.id for d in fast[0]] == ["a", "b", "c", "d", "12345678901234567890123", "f"]
    assert type(fast[0][0].meta["big"]) is int


def _outcome(path):
    warnings = []
    try:
        docs = [(d.id, d.text, d.meta) for d in read_corpus([path], on_warning=warnings.append)]
    except CorpusError as err:
        docs = str(err)
    return docs, warnings


@pytest.mark.parametrize("data", [
    b"\n \n", b"", b"\xff\xfe{\x00}\x00", b'{"id": "x", "text": "caf\xe9"}\n', b'\xef\xbb\xbf{"id": "y", "text": "BOM."}',
    b'{"id": "z", "text": "NUL \x00 byte."}',
])
def test_jsonl_files_that_are_not_plain_utf8_are_read_as_before(tmp_path, monkeypatch, data):
    import kg.corpus

    path = tmp_path / "c.jsonl"
    path.write_bytes(data)
    fast = _outcome(path)
    monkeypatch.setattr(kg.corpus, "_utf8_json_lines", lambda data: None)
    assert fast == _outcome(path)


def test_jsonl_is_parsed_a_block_at_a_time_with_the_same_documents_and_line_numbers(tmp_path, monkeypatch):
    import kg.corpus

    lines = [json.dumps({"id": f"d{i}", "text": f"Caf\u00e9 n\u00ba {i} \U0001F600 talks.", "n": i}, ensure_ascii=False)
             for i in range(40)]
    lines[7] = "{not json"
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    whole = read([path])
    blocks = list(kg.corpus._line_blocks(path, 50))
    assert b"".join(blocks) == path.read_bytes()
    # every block ends at a line break and holds at most one line beyond the block size
    assert all(block.endswith(b"\n") and len(block) < 50 + max(map(len, lines)) + 1 for block in blocks)
    monkeypatch.setattr(kg.corpus, "JSONL_BLOCK_BYTES", 50)
    small = read([path])
    assert [(d.id, d.text, d.meta, d.origin) for d in small[0]] == [(d.id, d.text, d.meta, d.origin) for d in whole[0]]
    assert small[1] == whole[1] == [f"{path}:8: invalid JSON (Expecting property name enclosed in double quotes: column 2), skipped"]
    assert len(small[0]) == 39 and small[0][-1].origin == f"{path}:40"


def test_jsonl_with_a_legacy_byte_far_into_the_file_is_decoded_whole(tmp_path, monkeypatch):
    import kg.corpus

    monkeypatch.setattr(kg.corpus, "JSONL_BLOCK_BYTES", 64)
    path = tmp_path / "c.jsonl"
    good = [json.dumps({"id": f"d{i}", "text": "Plain words here."}).encode() for i in range(20)]
    path.write_bytes(b"\n".join(good + [b'{"id": "late", "text": "Bogot\xe1 talks."}']))
    docs, warnings = read([path])
    assert warnings == [f"{path}: not UTF-8, decoded as cp1252"]
    assert docs[-1].text == "Bogot\u00e1 talks." and len(docs) == 21


# --- the corpora analysts hold: compressed JSONL, CSV/TSV with their own column names, Parquet

import bz2
import csv
import gzip
import lzma

import networkx as nx

import kg
from kg.corpus import Columns

ARTICLES = [
    {"id": "wire-1", "text": "Norway and Finland held joint naval drills in the Barents Sea.", "date": "2019-03-04", "source": "wire"},
    {"id": "wire-2", "text": "Chile signed a defence cooperation agreement with Peru, the ministers said.", "date": "2020-11-30", "source": "wire"},
    {"id": "blog-3", "text": "Kenya and Uganda agreed to share intelligence on border security.\nThe talks ended in Kampala.", "date": "2021-06-01", "source": "blog"},
]


def _jsonl(path, rows=ARTICLES):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _table(path, delimiter=",", names=("id", "text", "date"), rows=ARTICLES):
    """A table of ARTICLES with the id, text and date columns called ``names``."""
    renamed = [{names[0]: r["id"], names[1]: r["text"], names[2]: r["date"], "source": r["source"]} for r in rows]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[names[1], "source", names[0], names[2]], delimiter=delimiter)
        writer.writeheader()
        writer.writerows(renamed)
    return path


def _parquet(path, names=("id", "text", "date"), rows=ARTICLES):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({
        names[0]: [r["id"] for r in rows], names[1]: [r["text"] for r in rows],
        names[2]: [datetime.date.fromisoformat(r["date"]) for r in rows], "source": [r["source"] for r in rows],
    }), path)
    return path


def _docs(path, columns=None):
    warnings = []
    docs = [(d.id, d.text, d.meta) for d in read_corpus([path], on_warning=warnings.append, columns=columns)]
    return docs, warnings


EXPECTED = [(r["id"], r["text"], {"date": r["date"], "source": r["source"]}) for r in ARTICLES]


@pytest.mark.parametrize("suffix, opener", [(".gz", gzip.open), (".bz2", bz2.open), (".xz", lzma.open)])
def test_compressed_jsonl_is_read_like_plain_jsonl(tmp_path, suffix, opener):
    plain = _jsonl(tmp_path / "news.jsonl")
    packed = tmp_path / f"news.jsonl{suffix}"
    with opener(packed, "wb") as fh:
        fh.write(plain.read_bytes())
    assert _docs(packed) == _docs(plain) == (EXPECTED, [])


def test_compressed_jsonl_that_breaks_midway_keeps_the_documents_before_the_break(tmp_path):
    rows = [{"id": f"d{i}", "text": f"Report number {i} on the talks in Oslo."} for i in range(3000)]
    data = gzip.compress(_jsonl(tmp_path / "news.jsonl", rows).read_bytes())
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) // 2])
    docs, warnings = _docs(cut)
    assert 0 < len(docs) < 3000 and [d[0] for d in docs] == [f"d{i}" for i in range(len(docs))]
    assert warnings == [f"{cut}: gz data corrupt or cut short (Compressed file ended before the end-of-stream marker "
                        "was reached); the documents after the break are skipped"]


def test_csv_and_tsv_with_their_own_column_names(tmp_path):
    columns = Columns(text="body", id="story", date="published")
    names = ("story", "body", "published")
    assert _docs(_table(tmp_path / "news.csv", names=names), columns) == (EXPECTED, [])
    assert _docs(_table(tmp_path / "news.tsv", "\t", names=names), columns) == (EXPECTED, [])
    excel = tmp_path / "excel.csv"  # Excel's "CSV UTF-8" starts with a byte-order mark
    excel.write_bytes(b"\xef\xbb\xbf" + _table(tmp_path / "plain.csv").read_bytes())
    assert _docs(excel) == (EXPECTED, [])
    packed = tmp_path / "more.csv.xz"
    packed.write_bytes(lzma.compress(_table(tmp_path / "more.csv").read_bytes()))
    assert _docs(packed) == (EXPECTED, [])


def test_a_table_without_an_id_column_numbers_its_rows_by_line(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text('text,date\n"Two lines,\nof text.",2020\nOne line.,\n', encoding="utf-8")
    assert _docs(path) == ([("news-2", "Two lines,\nof text.", {"date": "2020"}), ("news-4", "One line.", {})], [])


def test_a_table_names_each_bad_row_and_reads_the_rest(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text("id,text\na,First.\nb,Second.,extra\nc,\nd,Fourth.\n", encoding="utf-8")
    docs, warnings = _docs(path)
    assert [d[0] for d in docs] == ["a", "d"]
    assert warnings == [f"{path}:3: 3 fields where the header has 2, skipped", f"{path}:4: empty 'text', skipped"]
    with pytest.raises(kg.errors.StrictError, match=f"^{path}:3: 3 fields"):
        kg.build([path], strict=True)


def test_a_table_without_the_text_column_is_skipped_naming_its_columns(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text("headline,body\nA,B\n", encoding="utf-8")
    (tmp_path / "ok.txt").write_text("Fine.", encoding="utf-8")
    docs, warnings = _docs(tmp_path)
    assert warnings == [f"{path}: no 'text' column (columns: 'headline', 'body'; --text-column names another), skipped"]
    docs, warnings = _docs(path, Columns(text="body", date="when"))
    assert docs == [("news-2", "B", {"headline": "A"})]
    assert warnings == [f"{path}: no 'when' column for --date-column, no document dates"]


def test_a_csv_cell_longer_than_the_csv_modules_limit_is_one_document(tmp_path):
    text = "Qatar and Turkey held joint drills. " * 5000
    path = tmp_path / "long.csv"
    path.write_text(f"id,text\nlong,{text}\n", encoding="utf-8")
    assert _docs(path)[0][0][1] == text
    assert csv.field_size_limit() == 131072  # the module's limit is restored for everyone else


def test_parquet_rows_are_documents_with_typed_metadata(tmp_path):
    assert _docs(_parquet(tmp_path / "news.parquet")) == (EXPECTED, [])
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    (tmp_path / "ok.txt").write_text("Fine.", encoding="utf-8")
    docs, warnings = _docs(tmp_path)
    assert len(warnings) == 1 and warnings[0].startswith(f"{broken}: not a Parquet file (")


def test_parquet_without_pyarrow_is_an_error_naming_the_file(tmp_path, monkeypatch):
    import importlib.util

    path = _parquet(tmp_path / "news.parquet")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a))
    with pytest.raises(CorpusError, match=rf"^{path}: reading Parquet needs pyarrow: pip install 'kg\[parquet\]'$"):
        read_corpus([path])


def _graph(inputs, **options):
    result = kg.build(inputs, **options)
    return nx.node_link_data(result.graph, edges="links"), [f.as_row() for f in result.facts]


def test_every_format_builds_the_same_graph_as_jsonl(tmp_path):
    reference = _graph([_jsonl(tmp_path / "news.jsonl")])
    assert reference[1], "the articles must give facts for the comparison to mean anything"
    packed = tmp_path / "news.jsonl.gz"
    packed.write_bytes(gzip.compress((tmp_path / "news.jsonl").read_bytes()))
    names = ("story", "body", "published")
    columns = Columns(text="body", id="story", date="published")
    assert _graph([packed]) == reference
    assert _graph([_table(tmp_path / "news.csv", names=names)], columns=columns) == reference
    assert _graph([_parquet(tmp_path / "news.parquet", names=names)], columns=columns) == reference


def test_the_command_line_names_a_tables_columns(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    path = _table(tmp_path / "news.csv", names=("story", "body", "published"))
    run = CliRunner().invoke(app, ["build", str(path), "--out", str(tmp_path / "out"), "--quiet",
                                   "--text-column", "body", "--id-column", "story", "--date-column", "published"])
    assert run.exit_code == 0, run.output
    with (tmp_path / "out" / "facts.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # metadata named like a fact column is prefixed: the table's `source` is doc_source
    assert {(row["doc_id"], row["doc_date"], row["doc_source"]) for row in rows} >= {("wire-1", "2019-03-04", "wire")}
    unnamed = CliRunner().invoke(app, ["build", str(path), "--out", str(tmp_path / "out2"), "--quiet"])
    assert unnamed.exit_code == 1
    assert unnamed.stderr.splitlines()[0] == (
        f"Warning: {path}: no 'text' column (columns: 'body', 'source', 'story', 'published'; --text-column names another), skipped")
